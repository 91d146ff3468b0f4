import pino, { Logger } from 'pino';

/**
 * Paths that may carry credentials anywhere in a structured log line. pino replaces their values,
 * so a secret never reaches the log stream even when a whole request or config object is logged.
 */
export const REDACTED_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'headers["x-api-key"]',
  'headers.authorization',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*.masterKey',
  '*.password',
  'token',
  'apiKey',
  'api_key',
  'key',
  'masterKey',
  'password',
];

export type { Logger };

export function createLogger(options: { level: string; name: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.name },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
