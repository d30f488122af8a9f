import pino, { type Logger } from 'pino';

/**
 * Creates the service logger: pino JSON lines on stdout. Credentials are redacted should a
 * header object ever be logged; request lines log paths without query strings, which may
 * carry URL signatures.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'attache' },
      redact: {
        paths: [
          'headers["x-api-key"]',
          'headers.authorization',
          '*.headers["x-api-key"]',
          '*.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
