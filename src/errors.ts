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

export abstract class DatastoreError extends Error {
  /** Stable, kebab-case: what kind of failure this is, for programs and the README's table. */
  readonly code: string;
  /** What to do about it, one sentence; shown after the message. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.name = new.target.name;
  }

  /** The message followed by the hint, as one line for a person. */
  describe(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/** A failure the user can fix: shown as message + hint, never with a stack trace. */
export class UserError extends DatastoreError {}

/** A bug or a broken invariant of ours: shown with its stack, asking for a report. */
export class InternalError extends DatastoreError {}

/** Whether an error is one the user can fix (the one test every entry point makes). */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
