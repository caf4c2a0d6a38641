/**
 * What publishing adds to the validation (ValidateOptions.publishing): a package is published
 * under an owner and a name that form its storage keys (datasets/{owner}/{name}/...), and every
 * file it publishes under a key of at most 1,024 bytes. These are validation checks like any
 * other — problems at their JSON pointer or file, counted in the report — so a package that
 * cannot be published is an invalid package, never a report edited afterwards.
 */

import type { PackageDescriptor } from '../../package/descriptor.ts';
import { byteLength, GITHUB_LOGIN_FORM, isGitHubLogin, isKeySegment, MAX_PATH_BYTES } from '../../package/names.ts';
import { isRemote } from '../../package/source.ts';
import { pointerOf, problem, quoted, type Problem } from '../../package/problem.ts';

/** Where a package is to be published from. */
export interface PublishTarget {
  /** The owner of the GitHub repository the package comes from, when it comes from one. */
  github?: string;
  /** The owner the publisher gives (`--owner`): for a source that is not a GitHub repository. */
  given?: string;
  /** The paths of every file that would be published (resource paths and the others). */
  files?: readonly string[];
}

/**
 * The owner a dataset is published under (lowercase), or why it cannot be published. The
 * GitHub owner when there is one; a declared `owner` must agree with it.
 */
export function resolveOwner(
  target: Pick<PublishTarget, 'github' | 'given'>,
  declaredValue: unknown,
): { owner: string } | { error: string } {
  const { github, given } = target;
  const declared = typeof declaredValue === 'string' ? declaredValue : undefined;
  const claimed = github ?? given;
  if (github && given && given.toLowerCase() !== github.toLowerCase()) {
    return {
      error: `--owner ${given} differs from the repository owner ${github}; a GitHub dataset is published under its repository owner`,
    };
  }
  if (claimed && declared && declared.toLowerCase() !== claimed.toLowerCase()) {
    return {
      error: `the descriptor's owner ${quoted(declared)} is not the repository owner ${quoted(claimed)}; nobody publishes under someone else's name: set "owner" to ${quoted(claimed)}`,
    };
  }
  const owner = (claimed ?? declared)?.toLowerCase();
  if (!owner)
    return { error: 'no owner: the source is not a GitHub repository and the descriptor has no "owner"; add "owner" or pass --owner' };
  if (!isKeySegment(owner) || !isGitHubLogin(owner)) return { error: `owner ${quoted(owner)} is not a GitHub login: ${GITHUB_LOGIN_FORM}` };
  return { owner };
}

/**
 * The problems that keep `d` from being published to `target`. Those the descriptor checks
 * report already (a declared owner that is not the repository's or not a login, a name that is
 * not a key segment, a long resource path) are not reported twice.
 */
export function checkPublishable(d: PackageDescriptor, target: PublishTarget): Problem[] {
  const problems: Problem[] = [];
  const declared: unknown = d.owner;
  const claimed = target.github ?? target.given;
  const conflict = target.github !== undefined && target.given !== undefined && target.given.toLowerCase() !== target.github.toLowerCase();
  // A declared owner that is not a login, or not the repository's: checkStorageNames and checkOwner (semantic.ts) say so.
  const reported =
    typeof declared === 'string' &&
    (!isGitHubLogin(declared) || (claimed !== undefined && declared.toLowerCase() !== claimed.toLowerCase()));
  const owner = resolveOwner(target, declared);
  if ('error' in owner && (conflict || !reported)) problems.push(problem('owner-mismatch', owner.error, { pointer: pointerOf('owner') }));

  // A name that is a string but not a key segment: the schema's pattern or checkStorageNames says so.
  if (typeof d.name !== 'string') {
    problems.push(
      problem(
        'descriptor-error',
        `the package has no "name"${d.name === undefined ? '' : ` string (found ${quoted(d.name)})`}; a published package needs one: it is the last part of its storage keys (datasets/{owner}/{name}/...): add a lowercase slug such as "city-budget-2024"`,
        { pointer: pointerOf('name') },
      ),
    );
  }

  // Resource paths are checked with the descriptor (checkStorageNames); the other published files here.
  const resources: unknown = d.resources;
  const declaredPaths = new Set<string>();
  for (const r of Array.isArray(resources) ? resources : []) {
    const path: unknown = typeof r === 'object' && r !== null ? (r as { path?: unknown }).path : undefined;
    for (const p of Array.isArray(path) ? path : [path]) if (typeof p === 'string' && !isRemote(p)) declaredPaths.add(p);
  }
  for (const path of target.files ?? []) {
    if (declaredPaths.has(path) || byteLength(path) <= MAX_PATH_BYTES) continue;
    problems.push(
      problem(
        'path-error',
        `the path ${quoted(path)} is ${byteLength(path)} bytes long; a file published from a dataset has a path of at most ` +
          `${MAX_PATH_BYTES} bytes (UTF-8), so that its storage key fits the store's 1,024: shorten the path or move the file (nothing was published)`,
        { path },
      ),
    );
  }
  return problems;
}
