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
const LOG_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/**
 * A Logger over one line writer: lines below `level` dropped, a child's fields merged under each
 * line's own (fields whose value is undefined left out). The JSON-lines and terminal loggers are
 * this with their own `write`.
 */
export function createLogger(
  level: LogLevel,
  write: (level: LogLevel, msg: string, fields: LogFields) => void,
  base: LogFields = {},
): Logger {
  const min = LOG_RANK[level];
  const make = (shared: LogFields): Logger => {
    const line = (at: LogLevel, msg: string, fields?: LogFields): void => {
      if (LOG_RANK[at] < min) return;
      write(at, msg, Object.fromEntries(Object.entries({ ...shared, ...fields }).filter(([, v]) => v !== undefined)));
    };
    return {
      debug: (msg, fields) => line('debug', msg, fields),
      info: (msg, fields) => line('info', msg, fields),
      warn: (msg, fields) => line('warn', msg, fields),
      error: (msg, fields) => line('error', msg, fields),
      child: (fields) => make({ ...shared, ...fields }),
    };
  };
  return make(base);
}
