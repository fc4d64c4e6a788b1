import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiSend } from './api';
import { dictionary, type Lang } from './i18n';
import type { ProposalMade, ProposeCommand } from './schema';

const w = dictionary({
  proposed: { fr: 'Proposée', en: 'Proposed' },
  waitsForApproval: {
    fr: 'elle attend la validation d’un superviseur (quatre yeux).',
    en: 'it waits for a supervisor’s approval (four eyes).',
  },
  refused: { fr: 'Proposition refusée', en: 'Proposal refused' },
});

/**
 * Every change the console makes is a proposal (maker-checker): it is stored pending, and a
 * supervisor other than its maker carries it out from the Approvals screen.
 */
export function useProposal(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (p: ProposeCommand) => apiSend<ProposalMade>('POST', '/api/proposals', token, p),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['proposals'] }),
  });
}

/** What became of the proposal just submitted: pending a supervisor, or refused with every problem named. */
export function ProposalOutcome({ lang, proposal }: { lang: Lang; proposal: ReturnType<typeof useProposal> }) {
  if (proposal.isError)
    return (
      <p role="alert" data-testid="proposal-refused">
        {`${w(lang, 'refused')}: ${proposal.error.message}`}
      </p>
    );
  if (!proposal.data) return null;
  return (
    <p role="status" data-testid="proposal-made">
      {`${w(lang, 'proposed')} — ${proposal.data.summary} — ${w(lang, 'waitsForApproval')}`}
    </p>
  );
}
