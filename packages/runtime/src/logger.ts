import pino from 'pino';
import type { Logger, LoggerOptions } from 'pino';

/** Field names that hold a credential wherever they appear in a log line (issue 12, item 4; decision 0020). */
const CREDENTIAL_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'password',
  'passwd',
  'secret',
  'token',
  'key',
  'apiKey',
  'adminToken',
  'accessToken',
  'access_token',
  'csrfToken',
  'sessionToken',
  'serviceSecret',
  'privateKey',
  'signingKey',
  'secretHash',
  'keyHash',
  'passwordHash',
];

/**
 * pino redaction paths for every credential field at the top of a log line and up to three levels down
 * (`req.headers.authorization`, `channel.secret`, `err.config.headers.cookie`): pino's paths have no
 * recursive wildcard, so the depths are listed.
 */
export const LOG_REDACT_PATHS: string[] = CREDENTIAL_FIELDS.flatMap((field) => {
  // Names with a hyphen (header names) are written in brackets.
  const step = /^[A-Za-z_]\w*$/.test(field) ? `.${field}` : `["${field}"]`;
  return [step.startsWith('.') ? field : step, `*${step}`, `*.*${step}`, `*.*.*${step}`];
});

/** The logger options every coldchain logger shares: credentials censored as `[redacted]`. */
export const LOG_REDACT: NonNullable<LoggerOptions['redact']> = { paths: LOG_REDACT_PATHS, censor: '[redacted]' };

/**
 * The service logger: JSON lines, or readable lines on a terminal, to `destination` when given (tests).
 * Credentials in any field listed in LOG_REDACT_PATHS are written as `[redacted]`, at every level.
 */
export function createLogger(level: string, name: string, destination?: pino.DestinationStream): Logger {
  const isTerminal = destination === undefined && process.stdout.isTTY === true;
  const options: LoggerOptions = {
    name,
    level,
    redact: LOG_REDACT,
    ...(isTerminal ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * A URL fit for a log line or a message: without user and password, every query value masked
 * (`mqtt://svc:pw@host` → `mqtt://host`, `...?access_token=abc` → `...?access_token=***`).
 */
export function urlForLog(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(not a URL)';
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of new Set(parsed.searchParams.keys())) parsed.searchParams.set(name, '***');
  return parsed.toString().replaceAll('%2A%2A%2A', '***');
}
