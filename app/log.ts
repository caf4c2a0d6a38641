/**
 * The App's logger: one JSON object per line on a stream (stdout in production), pino's shape
 * without pino: `{"time","level","msg",...fields}`. Fields the App always tries to give:
 * deliveryId, event, installationId, repository. Never pass secrets or whole payloads.
 */

import type { Writable } from 'node:stream';
import { DatastoreError, httpStatusOf, isUserError } from '../src/errors.ts';

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
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

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
  const min = RANK[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const make = (base: LogFields): Logger => {
    const line = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (RANK[level] < min) return;
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

/** Drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

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
