/** Building registry observations for tests. */
import type { RepositoryObservation } from '../../src/registry/model.ts';

type Descriptor = NonNullable<RepositoryObservation['descriptor']>;

/** A fake commit sha for a repository id. */
export const sha = (n: number, salt = 0): string => (n * 7919 + salt).toString(16).padStart(40, 'a');

/** A public, installed repository with a valid descriptor owned by its GitHub owner; override anything. */
export function observation(
  id: number,
  over: Partial<Omit<RepositoryObservation, 'descriptor'>> & { descriptor?: Partial<Descriptor> | null } = {},
): RepositoryObservation {
  const owner = over.owner ?? 'os-data';
  const repo = over.repo ?? `repo-${id}`;
  const { descriptor, ...rest } = over;
  return {
    repositoryId: id,
    exists: true,
    installed: true,
    private: false,
    archived: false,
    owner,
    repo,
    htmlUrl: `https://github.com/${owner}/${repo}`,
    defaultBranch: 'main',
    headCommit: sha(id),
    ...rest,
    descriptor: descriptor === null ? null : { name: `ds-${id}`, title: `Dataset ${id}`, owner, valid: true, problems: [], ...descriptor },
  };
}
