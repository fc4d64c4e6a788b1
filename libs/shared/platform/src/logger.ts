import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';

export type Log = Logger;

/**
 * What never reaches a log line, wherever it sits in a logged object: credentials and connection
 * strings, tokens and secrets, and the personal data Postera carries (names, emails, addresses,
 * phone numbers, dates of birth, national ids).
 */
const SECRET_KEYS = ['authorization', 'password', 'secret', 'webhookSecret', 'token', 'databaseUrl', 'DATABASE_URL', 'smtpUrl', 'SMTP_URL', 'cookie'];
const PERSONAL_KEYS = ['email', 'recipient', 'address', 'phone', 'birthDate', 'dateOfBirth', 'firstName', 'lastName', 'surname', 'nationalId', 'passport'];
export const REDACTED_PATHS = [...SECRET_KEYS, ...PERSONAL_KEYS].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/**
 * An error as a log line keeps it: its class, message, code and stack, and a database error's
 * statement and constraint — never the statement's parameters nor the driver's `detail` (which
 * repeats the values: "Key (email)=(…) already exists"), where client names, emails and secrets are.
 */
export function serializeError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const x = e as Error & { code?: unknown; query?: unknown; driverError?: { code?: unknown; constraint?: unknown; table?: unknown; column?: unknown } };
  const out: Record<string, unknown> = { type: e.constructor?.name ?? 'Error', message: e.message, stack: e.stack };
  if (x.code !== undefined) out.code = x.code;
  if (typeof x.query === 'string') out.query = x.query;
  const d = x.driverError;
  if (d) for (const k of ['code', 'constraint', 'table', 'column'] as const) if (d[k] !== undefined) out[k === 'code' ? 'sqlState' : k] = d[k];
  if (e.cause !== undefined) out.cause = serializeError(e.cause);
  return out;
}

/** JSON logs on stdout. The trade reference travels as `correlationId` on every line about a trade. */
export function createLogger(service: string, level: string, destination?: DestinationStream): Log {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError, error: serializeError },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  ); // synchronous: the last lines before an exit are not lost
}

/** Nest's own messages through the same JSON logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly pinoLog: Log) {}
  log(message: unknown, context?: string) {
    this.pinoLog.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pinoLog.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pinoLog.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pinoLog.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pinoLog.trace({ context }, String(message));
  }
}
