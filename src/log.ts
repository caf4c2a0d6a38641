/**
 * The one logger shape of the project: level methods taking a message and fields, and `child`
 * for fields every line of a part shares. The App, the notifications, the registry writer and
 * reconcile take a Logger; the entries pass one in: JSON lines for the App (app/log.ts), plain
 * lines for a terminal (src/cli/log.ts), or `silentLogger`. Never pass secrets or whole payloads.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
/** Levels in order: a logger set to a level drops the lines below it. */
export const LOG_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
