/**
 * The one error model. Every error this project throws on purpose is a DatastoreError: a stable
 * `code` (kebab-case, documented in the README's error table), a `message` (one sentence saying what
 * is wrong, naming the file, location or setting) and an optional `hint` (what to do about it).
 *
 * - UserError: the user can fix it (a flag, a setting, an input, a repository's content). Entry
 *   points show `message` and `hint` without a stack: the CLI exits 2, the Action calls
 *   core.setFailed, the App logs it at warn level.
 * - InternalError: a bug or a broken invariant of ours. Entry points show it with its stack and ask
 *   for a report.
 *
 * Entry points test one class (`instanceof UserError`), never a message; anything that is not a
 * DatastoreError (a TypeError, an SDK error that was not translated) counts as internal.
 */

export interface DatastoreErrorOptions {
  /** What to do about it, one sentence; omitted when the message already says it. */
  hint?: string;
  cause?: unknown;
}

export interface UserErrorOptions extends DatastoreErrorOptions {
  /** The CLI's exit code (default 2: could not run; 1 for a failed check of content, e.g. a damaged published file). */
  exitCode?: 1 | 2;
}

/** An error as `--json` outputs and App log lines carry it. */
export interface ErrorJson {
  code: string;
  message: string;
  hint?: string;
}

export abstract class DatastoreError extends Error {
  /** Stable, kebab-case: what kind of failure this is, for programs and the README's table. */
  readonly code: string;
  /** What to do about it, one sentence; shown after the message. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: DatastoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.name = new.target.name;
  }

  /** The message followed by the hint, as one line for a person. */
  describe(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }

  /** `{ code, message, hint? }`: what JSON.stringify gives (an Error alone gives `{}`). */
  toJSON(): ErrorJson {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** A failure the user can fix: shown as message + hint, never with a stack trace. */
export class UserError extends DatastoreError {
  /** The CLI exits with it (2 unless the error says otherwise). */
  readonly exitCode: 1 | 2;

  constructor(code: string, message: string, options: UserErrorOptions = {}) {
    super(code, message, options);
    this.exitCode = options.exitCode ?? 2;
  }
}

/** A bug or a broken invariant of ours: shown with its stack, asking for a report. */
export class InternalError extends DatastoreError {}

/** Whether an error is one the user can fix (the one test every entry point makes). */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** One line for a person: a DatastoreError's message and hint, another error's message. */
export function describeError(error: unknown): string {
  if (error instanceof DatastoreError) return error.describe();
  return messageOf(error);
}

/** An error's own message, without a hint: what goes in parentheses when a message names its cause. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What an entry point shows for an error that is not the user's: its stack (the message when there is none). */
export function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * The HTTP status an error carries, if any: `status` (Octokit's RequestError, fetch-style
 * failures) or `$metadata.httpStatusCode` (the AWS SDK). The one place that reads it.
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, $metadata } = error as { status?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof status === 'number') return status;
  const code = typeof $metadata === 'object' && $metadata !== null ? $metadata.httpStatusCode : undefined;
  return typeof code === 'number' ? code : undefined;
}
