import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

export type Log = Logger;

/** JSON logs on stdout. The trade reference travels as `correlationId` on every line about a trade. */
export function createLogger(service: string, level: string): Log {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      // No secret in logs: connection strings and auth headers are masked wherever they appear.
      redact: { paths: ['databaseUrl', 'DATABASE_URL', 'authorization', 'password', '*.password'], censor: '[redacted]' },
    },
    pino.destination({ dest: 1, sync: true }),
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
