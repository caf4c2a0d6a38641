/**
 * The names a dataset is stored under, and their bounds. A published dataset's objects are keyed
 * `{prefix}/datasets/{owner}/{name}/{rest}` (src/mirror/layout.ts) and S3 keys are at most
 * 1,024 bytes of UTF-8, so every part has a bound that makes every key of the layout fit:
 *
 *   prefix  ≤ 256 bytes  (MAX_PREFIX_BYTES)  +1 for its "/"
 *   "datasets/"            9 bytes
 *   owner   ≤ 39 chars   (a GitHub login)   +1
 *   name    ≤ 100 chars  (a key segment)    +1
 *   rest    ≤ 512 bytes  (MAX_PATH_BYTES: a file's path in the dataset; the datastore's own
 *                          keys are shorter: `versions/<64 hex>.json` is 78 bytes)
 *           = at most 920 bytes.
 *
 * A name or an owner outside these is a validation error (src/validate/descriptor/semantic.ts),
 * never a publish that fails at the store after its retries.
 */

import { byteLength } from '../escape.ts';

export { byteLength };

/** S3's bound on an object key, in bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
/** A GitHub login (user or organization) has 1 to 39 characters. */
export const MAX_OWNER_LENGTH = 39;
/** A package name that can be stored: at most this many characters (GitHub's bound on repository names). */
export const MAX_NAME_LENGTH = 100;
/** A file's path inside a dataset (a resource path, or any file the mirror publishes), in bytes of UTF-8. */
export const MAX_PATH_BYTES = 512;
/** The storage prefix before `datasets/`, in bytes. */
export const MAX_PREFIX_BYTES = 256;

/** GitHub's rule for logins: letters, digits and single hyphens, not first or last, 1–39 characters. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** The allowed form, for messages. */
export const GITHUB_LOGIN_FORM = '1 to 39 letters, digits and single hyphens, not starting or ending with a hyphen (e.g. os-data)';

export const isGitHubLogin = (s: string): boolean => GITHUB_LOGIN.test(s);

/** A slug safe to use as a key segment (GitHub owners, package names). */
export function isKeySegment(s: string): boolean {
  return /^[a-z0-9][a-z0-9._-]*$/.test(s) && !s.includes('..');
}

/** A package name the store can hold: a key segment of at most MAX_NAME_LENGTH characters. */
export const isDatasetName = (s: string): boolean => s.length <= MAX_NAME_LENGTH && isKeySegment(s);
export const DATASET_NAME_FORM = `1 to ${MAX_NAME_LENGTH} lowercase letters, digits, ".", "_" and "-", starting with a letter or a digit, without ".." (e.g. city-budget-2024)`;

/** Safe characters of an S3 key (AWS's "safe characters"), for a prefix given by configuration. */
const PREFIX = /^[A-Za-z0-9!_.*'()-]+(?:\/[A-Za-z0-9!_.*'()-]+)*$/;

/**
 * Why a storage prefix (already stripped of leading and trailing "/") cannot be used, or null:
 * at most MAX_PREFIX_BYTES, segments of S3's safe characters, none "." or "..".
 */
export function prefixProblem(prefix: string): string | null {
  if (prefix === '') return null;
  const form = `segments of letters, digits and ! _ . * ' ( ) - separated by "/", none "." or "..", at most ${MAX_PREFIX_BYTES} bytes (e.g. staging/v1)`;
  if (byteLength(prefix) > MAX_PREFIX_BYTES) return `is ${byteLength(prefix)} bytes long; a prefix is ${form}`;
  if (!PREFIX.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) return `must be ${form}`;
  return null;
}
