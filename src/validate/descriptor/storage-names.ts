/**
 * The descriptor's names against the bounds of the store (src/package/names.ts): a package
 * whose `name`, `owner` or resource paths cannot form a storage key is invalid here, at its JSON
 * pointer, rather than a publish that fails at the store after its retries, or a registry row
 * that can never be published.
 */

import type { PackageDescriptor } from '../../package/descriptor.ts';
import {
  byteLength,
  DATASET_NAME_FORM,
  GITHUB_LOGIN_FORM,
  isDatasetName,
  isGitHubLogin,
  MAX_NAME_LENGTH,
  MAX_PATH_BYTES,
} from '../../package/names.ts';
import { isRemote } from '../../package/source.ts';
import { pointerOf, problem, quoted, type Problem } from '../../package/problem.ts';

/** What the Data Package schema allows in a name (its pattern reports the rest). */
const SCHEMA_NAME = /^[-a-z0-9._/]+$/;

/**
 * `name` a storage key segment of at most MAX_NAME_LENGTH characters, `owner` a GitHub login,
 * every local resource path at most MAX_PATH_BYTES. Returns false when `owner` is malformed (its
 * comparison with the repository owner would only repeat the problem).
 */
export function checkStorageNames(d: PackageDescriptor, problems: Problem[]): boolean {
  const name: unknown = d.name;
  if (typeof name === 'string' && name.length > MAX_NAME_LENGTH) {
    problems.push(
      problem(
        'descriptor-error',
        `the package name is ${name.length} characters long; a name has at most ${MAX_NAME_LENGTH}, so that the ` +
          `dataset's storage keys (datasets/{owner}/{name}/...) fit the store's 1,024 bytes: shorten it.`,
        { pointer: pointerOf('name') },
      ),
    );
  } else if (typeof name === 'string' && SCHEMA_NAME.test(name) && !isDatasetName(name)) {
    problems.push(
      problem(
        'descriptor-error',
        `the package name ${quoted(name)} cannot be a storage key (datasets/{owner}/{name}/...): a name is ${DATASET_NAME_FORM}.`,
        { pointer: pointerOf('name') },
      ),
    );
  }

  const resources: unknown = d.resources;
  for (const [i, r] of (Array.isArray(resources) ? resources : []).entries()) {
    const { path, name: resource } = (typeof r === 'object' && r !== null ? r : {}) as { path?: unknown; name?: unknown };
    const paths: Array<[unknown, Array<string | number>]> = Array.isArray(path)
      ? path.map((p, j) => [p, ['resources', i, 'path', j]])
      : [[path, ['resources', i, 'path']]];
    for (const [p, at] of paths) {
      if (typeof p !== 'string' || isRemote(p) || byteLength(p) <= MAX_PATH_BYTES) continue;
      problems.push(
        problem(
          'path-error',
          `the path ${quoted(p)} is ${byteLength(p)} bytes long; a path in a dataset has at most ${MAX_PATH_BYTES} bytes ` +
            `(UTF-8), so that its storage key fits the store's 1,024: shorten it, or move the file.`,
          { pointer: pointerOf(...at), ...(typeof resource === 'string' ? { resource } : {}) },
        ),
      );
    }
  }

  const owner: unknown = d.owner;
  if (typeof owner === 'string' && !isGitHubLogin(owner)) {
    problems.push(
      problem(
        'descriptor-error',
        `owner ${quoted(owner)} is not a GitHub login: an owner is ${GITHUB_LOGIN_FORM}; set it to the repository's owner.`,
        {
          pointer: pointerOf('owner'),
        },
      ),
    );
    return false;
  }
  return true;
}
