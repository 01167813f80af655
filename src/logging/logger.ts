import { pino, type DestinationStream, type Logger } from 'pino';

/** Header and query values that carry credentials never reach the log. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
];

/** JSON lines on stdout; tests pass a destination to read them. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'agent-gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A URL with any access_token query value blanked, for logs. */
export function redactUrl(url: string | undefined): string | undefined {
  // Most URLs carry no token: a test is cheaper than a replace that changes nothing (every upgrade logs its URL).
  if (url === undefined || !ACCESS_TOKEN.test(url)) return url;
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]');
}

const ACCESS_TOKEN = /[?&]access_token=/i;
