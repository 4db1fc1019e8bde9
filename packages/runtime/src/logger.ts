import pino from 'pino';
import type { Logger } from 'pino';

/** The service logger: JSON lines, or readable lines on a terminal. */
export function createLogger(level: string, name: string): Logger {
  const isTerminal = process.stdout.isTTY === true;
  return pino({
    name,
    level,
    ...(isTerminal ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}
