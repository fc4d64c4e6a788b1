import { BadRequestException, Body, Controller, Get, Header, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { CurrentOperator, MAKERS, READERS, Roles, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import { ClientWebhookSecrets } from '../../persistence/client-webhook-secrets.js';

const ACCOUNT_MAX_CHARS = 200;

/**
 * How a client learns the secret its webhooks are signed with: an operator rotates it and hands
 * over the answer, the only place the secret is ever shown (it is stored sealed, never logged).
 * The list says which URLs have a secret and since when, never the value.
 */
@Controller('webhook-secrets')
export class ClientWebhookSecretsController {
  constructor(
    private readonly ds: DataSource,
    private readonly secrets: ClientWebhookSecrets,
  ) {}

  /** A new secret for each webhook URL of the account's contacts (or the one `url` named); the previous one keeps signing for the overlap. */
  @Post(':account/rotate')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @Roles(...MAKERS)
  async rotate(@Param('account') account: string, @Body() body: { url?: unknown } | undefined, @CurrentOperator() who: Operator) {
    const urls = await this.webhookUrls(account);
    const only = body?.url;
    if (only !== undefined && typeof only !== 'string') throw new BadRequestException('url: one of the account’s webhook URLs');
    const chosen = only === undefined ? urls : urls.filter((u) => u === only);
    if (chosen.length === 0) throw new NotFoundException(only === undefined ? `account ${account} has no webhook contact` : `account ${account} has no webhook contact ${only}`);
    const rotated = await this.secrets.rotate(account, chosen, who.id);
    return { account, secrets: rotated, rotatedBy: who.id };
  }

  @Get(':account')
  @Roles(...READERS, 'admin')
  async list(@Param('account') account: string) {
    return { account, secrets: await this.secrets.states(account) };
  }

  private async webhookUrls(account: string): Promise<string[]> {
    if (account.length === 0 || account.length > ACCOUNT_MAX_CHARS) throw new BadRequestException(`account: 1 to ${ACCOUNT_MAX_CHARS} characters`);
    const [row] = (await this.ds.query(
      `SELECT coalesce(array_agg(DISTINCT c->>'address') FILTER (WHERE c->>'channel' = 'WEBHOOK'), '{}') AS urls
       FROM notification.client_contacts a LEFT JOIN LATERAL jsonb_array_elements(a.contacts) c ON true WHERE a.account = $1 GROUP BY a.account`,
      [account],
    )) as Array<{ urls: string[] }>;
    if (!row) throw new NotFoundException(`no account ${account} known to notification`);
    return row.urls;
  }
}
