import { formatPartitionSplit, partitionSplit, ranges, type GroupMember } from './replica-partitions.js';

describe('ranges', () => {
  it('writes partition numbers as ranges, in order, each once', () => {
    expect(ranges([5, 0, 1, 2, 7, 8, 2])).toBe('0-2,5,7-8');
    expect(ranges([3])).toBe('3');
    expect(ranges([])).toBe('');
  });
});

describe('partitionSplit: which replica owned which partitions', () => {
  const p = 'bench-x';
  // notification's two groups of 6 partitions each, shared out between its two processes; a group
  // of reporting (another service) beside them.
  const members: GroupMember[] = [
    { groupId: `${p}.notification.avis`, memberId: 'notification-a1', assignment: { [`${p}.trades.captured.v1`]: [0, 1, 2] } },
    { groupId: `${p}.notification.avis`, memberId: 'notification-b1', assignment: { [`${p}.trades.captured.v1`]: [3, 4, 5] } },
    { groupId: `${p}.notification.settled`, memberId: 'notification-a2', assignment: { [`${p}.settlement.v1`]: [0, 2, 4] } },
    { groupId: `${p}.notification.settled`, memberId: 'notification-b2', assignment: { [`${p}.settlement.v1`]: [1, 3, 5] } },
    { groupId: `${p}.reporting.activity`, memberId: 'reporting-c1', assignment: { [`${p}.trades.captured.v1`]: [0, 1, 2, 3, 4, 5] } },
  ];
  const processOf = new Map([
    ['notification-a1', 'notification'],
    ['notification-a2', 'notification'],
    ['notification-b1', 'notification#2'],
    ['notification-b2', 'notification#2'],
    ['reporting-c1', 'reporting'],
  ]);

  it('counts each process’s partitions of its service’s groups, the first process first', () => {
    const shares = partitionSplit(members, processOf, 'notification');
    expect(shares).toEqual([
      {
        process: 'notification',
        partitions: 6,
        ofPartitions: 12,
        byGroup: { [`${p}.notification.avis`]: `${p}.trades.captured.v1:0-2`, [`${p}.notification.settled`]: `${p}.settlement.v1:0,2,4` },
      },
      {
        process: 'notification#2',
        partitions: 6,
        ofPartitions: 12,
        byGroup: { [`${p}.notification.avis`]: `${p}.trades.captured.v1:3-5`, [`${p}.notification.settled`]: `${p}.settlement.v1:1,3,5` },
      },
    ]);
  });

  it('shows a member no probe named as unknown, and a member without partitions as owning none', () => {
    const shares = partitionSplit(
      [
        { groupId: 'g', memberId: 'n1', assignment: { t: [0, 1, 2, 3] } },
        { groupId: 'g', memberId: 'n2', assignment: {} },
        { groupId: 'g', memberId: 'stray', assignment: { t: [4] } },
      ],
      new Map([
        ['n1', 'notification'],
        ['n2', 'notification#2'],
      ]),
      'notification',
    );
    expect(shares.map((s) => [s.process, s.partitions, s.ofPartitions])).toEqual([
      ['notification', 4, 5],
      ['notification#2', 0, 5],
      ['unknown', 1, 5],
    ]);
  });

  it('prints each process’s partitions and CPU per trade, then each group’s split without the run’s prefix', () => {
    const lines = formatPartitionSplit(
      'notification',
      partitionSplit(members, processOf, 'notification'),
      { notification: 1.31, 'notification#2': 1.27, reporting: 0.4 },
      p,
    );
    expect(lines).toEqual([
      '  notification: 2 processes, 12 partitions of 2 consumer groups at the end of the run; CPU 2.58 ms per trade together',
      '    notification        6 of 12 partitions (50 %), 1.31 ms of CPU per trade',
      '    notification#2      6 of 12 partitions (50 %), 1.27 ms of CPU per trade',
      '      notification.avis: notification trades.captured.v1:0-2; notification#2 trades.captured.v1:3-5',
      '      notification.settled: notification settlement.v1:0,2,4; notification#2 settlement.v1:1,3,5',
    ]);
  });
});
