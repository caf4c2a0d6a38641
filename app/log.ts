/**
 * The App's Logger (src/log.ts): one JSON object per line on a stream (stdout in production), pino's shape
 * without pino: `{"time","level","msg",...fields}`. Fields the App always tries to give:
 * deliveryId, event, installationId, repository. Never pass secrets or whole payloads.
 */

import type { Writable } from 'node:stream';
import { LOG_RANK, type LogFields, type Logger, type LogLevel } from '../src/log.ts';
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
  const min = LOG_RANK[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const make = (base: LogFields): Logger => {
    const line = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (LOG_RANK[level] < min) return;
      const record: LogFields = { time: now().toISOString(), level, msg, ...base };
      for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined) record[k] = serializable(v);
      stream.write(`${safeStringify(record)}\n`);
    };
    return {
      debug: (msg, fields) => line('debug', msg, fields),
      info: (msg, fields) => line('info', msg, fields),
      warn: (msg, fields) => line('warn', msg, fields),
      error: (msg, fields) => line('error', msg, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
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
