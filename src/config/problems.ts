/**
 * What a parse function reports: every bad setting as a ConfigProblem, and the edge turns the
 * list into one ConfigError (a UserError: the CLI exits 2, the Action fails the step with it).
 */

import { UserError } from '../errors.ts';

/** One bad setting: `message` is a whole sentence that starts with the setting's name. */
export interface ConfigProblem {
  /** The variable or input it is about, e.g. `OS_STORAGE_REGION` or `max-annotations`. */
  setting: string;
  message: string;
  /** What to do, when the message does not already say it. */
  hint?: string;
}

/** A pure parse's result: the configuration (meaningful only without problems) and the problems. */
export interface Parsed<T> {
  config: T;
  problems: ConfigProblem[];
}

/**
 * One or more bad settings: the message is their sentences in order, `setting` names the first
 * (the one a person fixes first), `problems` has them all.
 */
export class ConfigError extends UserError {
  readonly problems: readonly ConfigProblem[];

  /** `code`: `config-error` unless a subclass names its own (`action-input`, `app-config`, `app-setup`). */
  constructor(problems: readonly ConfigProblem[] | string, options: { hint?: string; code?: string } = {}) {
    const list = typeof problems === 'string' ? [{ setting: '', message: problems }] : problems;
    const hints = list.flatMap((p) => (p.hint === undefined ? [] : [p.hint]));
    const hint = options.hint ?? (hints.length > 0 ? hints.join(' ') : undefined);
    super(options.code ?? 'config-error', list.map((p) => p.message).join(' '), hint === undefined ? {} : { hint });
    this.problems = list;
  }

  /** The setting of the first problem ('' when the error was made from a sentence alone). */
  get setting(): string {
    return this.problems[0]?.setting ?? '';
  }
}

/** The configuration when there is no problem; otherwise throws one `ErrorClass` with them all. */
export function configOrThrow<T>(parsed: Parsed<T>, ErrorClass: new (problems: readonly ConfigProblem[]) => ConfigError = ConfigError): T {
  if (parsed.problems.length > 0) throw new ErrorClass(parsed.problems);
  return parsed.config;
}
