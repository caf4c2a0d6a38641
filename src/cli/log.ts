/**
 * The CLI's Logger (src/log.ts): one plain line a message on the terminal (stderr), for a person
 * to read — `os-datastore: warning: registry ref moved (attempt=2, delayMs=80)`. Every value is
 * made visible (control and bidi characters escaped): messages carry repository-chosen text.
 */

import { visible } from '../escape.ts';
import { createLogger, type Logger, type LogLevel } from '../log.ts';

export interface TerminalLoggerOptions {
  /** Where a line goes (with its newline), e.g. the CLI's stderr. */
  write: (line: string) => void;
  /** Lines below this level are dropped; default info. */
  level?: LogLevel;
}

const LABEL: Record<LogLevel, string> = { debug: 'debug: ', info: '', warn: 'warning: ', error: 'error: ' };

function shown(v: unknown): string {
  if (v instanceof Error) return v.message;
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function createTerminalLogger(options: TerminalLoggerOptions): Logger {
  return createLogger(options.level ?? 'info', (level, msg, fields) => {
    const all = Object.entries(fields);
    const tail = all.length > 0 ? ` (${all.map(([k, v]) => `${k}=${shown(v)}`).join(', ')})` : '';
    options.write(`os-datastore: ${LABEL[level]}${visible(msg + tail)}\n`);
  });
}
