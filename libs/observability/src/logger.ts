import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logger; secrets are redacted by key name as a second line of defence behind Secret. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['*.password', '*.sasl', '*.secret', 'password', 'sasl', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
