import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GatewayConfig } from '../config.js';

/** The console's build, beside the gateway's in the repository and in the image. */
const BUILT_CONSOLE = fileURLToPath(new URL('../../../../apps/console/dist/', import.meta.url));

/** What the console reads before anything else: where its people sign in. */
export function consoleConfig(config: GatewayConfig, origin: string) {
  const issuer = config.CONSOLE_OIDC_ISSUER ?? (/^https?:\/\//.test(config.AUTH_ISSUER) ? config.AUTH_ISSUER : null);
  return { issuer, clientId: config.CONSOLE_OIDC_CLIENT_ID, resource: config.CONSOLE_API_RESOURCE ?? `${origin}/api` };
}

/**
 * The console's own scripts and styles only, its calls to this origin and to the OpenID provider
 * (discovery and the token endpoint), never inside another site's frame, no referrer sent to the
 * provider: what a bank's security review asks of a page that holds an operator's token.
 */
export function consoleHeaders(issuer: string | null): Record<string, string> {
  const provider = issuer ? ` ${new URL(issuer).origin}` : '';
  return {
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'${provider}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'${provider}; object-src 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  };
}

/**
 * Serves the operators' web console under /console on the gateway's own origin, so its calls to
 * /api need no CORS. Its files are public (they hold no data); every call it makes carries the
 * person's token and goes through the same guard as any other. Absent build: the gateway runs
 * without a console and says so at /console.
 */
export function serveConsole(app: NestExpressApplication, config: GatewayConfig): void {
  const dir = config.CONSOLE_DIR ?? BUILT_CONSOLE;
  const headers = consoleHeaders(consoleConfig(config, '').issuer);
  app.use('/console', (_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    next();
  });
  app.use('/console/config.json', (req: { protocol: string; get(h: string): string | undefined }, res: { json(b: unknown): void }) =>
    res.json(consoleConfig(config, `${req.protocol}://${req.get('host')}`)),
  );
  if (!existsSync(dir)) {
    app.use('/console', (_req: unknown, res: { status(n: number): { type(t: string): { send(b: string): void } } }) =>
      res.status(404).type('text/plain').send(`the console is not built here (${dir}): npm run build`),
    );
    return;
  }
  app.useStaticAssets(dir, { prefix: '/console/', index: 'index.html', fallthrough: true });
}
