/** Parsers of the command-line option values shared by the commands (commander argParsers). */

import { InvalidArgumentError, Option } from 'commander';
import { GITHUB_LOGIN_FORM, isGitHubLogin, prefixProblem } from '../package/names.ts';
import { capThreads, threadsFromEnv } from '../config/threads.ts';
import type { Io } from './io.ts';

export function strictBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('expected true or false');
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}

/** `--port`: a TCP port. */
export function port(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port number from 1 to 65535.');
  return n;
}

/** `--owner`: a GitHub login (it becomes a storage key segment and is compared with the descriptor's). */
export function githubOwner(value: string): string {
  if (!isGitHubLogin(value)) throw new InvalidArgumentError(`expected a GitHub owner: ${GITHUB_LOGIN_FORM}.`);
  return value;
}

/** `--prefix`: a key prefix the store can use (see prefixProblem); leading and trailing "/" are dropped later. */
export function storagePrefix(value: string): string {
  const why = prefixProblem(value.replace(/^\/+|\/+$/g, ''));
  if (why) throw new InvalidArgumentError(`the prefix ${why}.`);
  return value;
}

/** `--commit`: a commit-ish as git spells one (sha, branch, tag, HEAD~2, main@{1}), never an option or a control character. */
export function commitIsh(value: string): string {
  if (value.length > 256 || !/^[A-Za-z0-9_][A-Za-z0-9._/@{}~^+-]*$/.test(value) || value.includes('..')) {
    throw new InvalidArgumentError(
      'expected a commit sha, branch or tag (letters, digits and . _ / @ { } ~ ^ + -, not starting with "-" or ".", without "..", at most 256 characters).',
    );
  }
  return value;
}

/** `--threads`: worker threads for the table pass (OS_DATASTORE_THREADS when not given: see threadsOf). */
export function threadsOption(): Option {
  return new Option(
    '--threads <n>',
    'worker threads validating resources at once (default: OS_DATASTORE_THREADS, else the cores up to 4; at most the cores; 1: none)',
  ).argParser(positiveInt);
}

/**
 * The --threads flag, else OS_DATASTORE_THREADS, else undefined (the default); lowered to the
 * cores, saying so once on stderr (call it once per command). A bad OS_DATASTORE_THREADS throws
 * ConfigError.
 */
export function threadsOf(flag: number | undefined, io: Io): number | undefined {
  const lowered = (message: string): void => io.stderr(`os-datastore: ${message}\n`);
  if (flag !== undefined) return capThreads(flag, '--threads ', lowered);
  return threadsFromEnv(io.env, lowered);
}
