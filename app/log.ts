/**
 * The App's Logger (src/log.ts): one JSON object per line on a stream (stdout in production), pino's shape
 * without pino: `{"time","level","msg",...fields}`. Fields the App always tries to give:
 * deliveryId, event, installationId, repository. Never pass secrets or whole payloads.
 */

import type { Writable } from 'node:stream';
import { createLogger, type LogFields, type Logger, type LogLevel } from '../src/log.ts';
import { DatastoreError, httpStatusOf, isUserError } from '../src/errors.ts';

export { silentLogger, type Logger, type LogLevel } from '../src/log.ts';

export interface JsonLoggerOptions {
  /** Where lines go; default process.stdout. */
  stream?: Pick<Writable, 'write'>;
  /** Lines below this level are dropped; default info. */
  level?: LogLevel;
  /** Fields on every line. */
  base?: LogFields;
  now?: () => Date;
}

/** A JSON-lines logger (see the module comment). */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stdout;
  const now = options.now ?? (() => new Date());
  const write = (level: LogLevel, msg: string, fields: LogFields): void => {
    const record: LogFields = { time: now().toISOString(), level, msg };
    for (const [k, v] of Object.entries(fields)) record[k] = serializable(v);
    stream.write(`${safeStringify(record)}\n`);
  };
  return createLogger(options.level ?? 'info', write, options.base);
}

/**
 * Errors become `{ name, code?, message, hint?, status? }` (JSON.stringify gives `{}` for them):
 * a user's error (a setting, a repository's content) without its stack, anything else with it.
 */
function serializable(v: unknown): unknown {
  if (!(v instanceof Error)) return v;
  const status = httpStatusOf(v);
  const facts = {
    name: v.name,
    ...(v instanceof DatastoreError ? v.toJSON() : { message: v.message }),
    ...(status !== undefined ? { status } : {}),
  };
  return isUserError(v) || !v.stack ? facts : { ...facts, stack: v.stack };
}

function safeStringify(record: LogFields): string {
  try {
    return JSON.stringify(record);
  } catch {
    // A cycle or a BigInt: keep the line, lose the fields.
    return JSON.stringify({ time: record['time'], level: record['level'], msg: record['msg'], note: 'fields were not serializable' });
  }
}
