/**
 * `migrate --create-repos ORG`: one GitHub repository per migrated dataset, holding the package
 * as its first commit (git-LFS for large files), so the App lists it like any other dataset.
 *
 * Idempotent: a repository of the dataset's name that already holds the package (its tree is in
 * the default branch's history) is reused; an empty one (a run that stopped between creating and
 * pushing) gets the push; one that holds anything else, or is private, is a failure of that
 * dataset, never overwritten.
 */

import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { GitHubClient } from '../adapters/github/octokit.ts';
import { commitPackage, pushPackage } from '../adapters/git/package-repo.ts';
import { httpStatusOf, messageOf, UserError } from '../errors.ts';

/** A dataset's repository could not be created, pushed or reused; the message says why, the hint what to do. */
export class RepositoryError extends UserError {}

export interface RepositoryInfo {
  id: number;
  owner: string;
  name: string;
  htmlUrl: string;
  cloneUrl: string;
  defaultBranch: string;
  private: boolean;
}

export interface CreatedRepository extends RepositoryInfo {
  /** created: made and pushed now; pushed: it existed empty and got the push; reused: it already held the package. */
  status: 'created' | 'pushed' | 'reused';
  /** The commit holding the package. */
  commit: string;
  /** Files tracked by git-LFS. */
  lfs: string[];
}

export interface RepositoryDeps {
  client: GitHubClient;
  /** The token git and git-lfs push with (an installation token is fetched per dataset: it expires). */
  token(): Promise<string | undefined>;
}

function infoOf(data: {
  id: number;
  name: string;
  owner: { login: string };
  html_url: string;
  clone_url: string;
  default_branch?: string;
  private: boolean;
}): RepositoryInfo {
  return {
    id: data.id,
    owner: data.owner.login,
    name: data.name,
    htmlUrl: data.html_url,
    cloneUrl: data.clone_url,
    defaultBranch: data.default_branch || 'main',
    private: data.private,
  };
}

/** The repository owner/name, or null when GitHub has none (a renamed one answers under its new name: not this one). */
export async function findRepository(client: GitHubClient, owner: string, name: string): Promise<RepositoryInfo | null> {
  try {
    const { data } = await client.rest.repos.get({ owner, repo: name });
    const info = infoOf(data);
    return `${info.owner}/${info.name}`.toLowerCase() === `${owner}/${name}`.toLowerCase() ? info : null;
  } catch (e) {
    if (httpStatusOf(e) === 404) return null;
    throw e;
  }
}

/** The hint for a 403 on repository creation: the least each kind of token needs. */
const CREATE_PERMISSIONS_HINT =
  'Give a token that may create repositories there: the App installed on the organization with "Administration: write" and "Contents: write", or GITHUB_TOKEN of a member allowed to create repositories (classic: the repo scope; fine-grained: Administration and Contents, read and write).';

async function createRepository(client: GitHubClient, org: string, name: string, description: string): Promise<RepositoryInfo> {
  try {
    const { data } = await client.rest.repos.createInOrg({
      org,
      name,
      description,
      private: false,
      has_wiki: false,
      has_projects: false,
      auto_init: false,
    });
    return infoOf(data);
  } catch (e) {
    const status = httpStatusOf(e);
    if (status === 404)
      throw new RepositoryError('org-missing', `--create-repos ${org}: GitHub has no organization ${org} (or the token cannot see it).`, {
        hint: 'Check the organization name, and that the token (GITHUB_TOKEN, or the App installed there) belongs to it.',
      });
    if (status === 403)
      throw new RepositoryError(
        'repo-create-forbidden',
        `--create-repos ${org}: GitHub refused to create ${org}/${name} (403: ${messageOf(e).split(' - ')[0]}).`,
        { hint: CREATE_PERMISSIONS_HINT },
      );
    if (status === 422) {
      // Created meanwhile (another run of the same shard), or a name GitHub refuses.
      const found = await findRepository(client, org, name);
      if (found) return found;
      throw new RepositoryError(
        'repo-name-refused',
        `--create-repos ${org}: GitHub refused the repository name ${name} (${messageOf(e)}).`,
        {
          hint: 'Rename the dataset (its datapackage.json "name") and run again.',
        },
      );
    }
    throw e;
  }
}

/**
 * git is only ever pointed at an https:// clone URL; http:// and file:// only when the API itself
 * is on a loopback address (a local server, e.g. the tests' fake GitHub, whose repositories are
 * bare repositories on disk).
 */
function checkCloneUrl(url: string | undefined, client: GitHubClient): void {
  if (url === undefined || /^https:\/\//i.test(url)) return;
  const api = String(client.request.endpoint.DEFAULTS.baseUrl);
  const local = /^https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:\/|$)/i.test(api);
  if (local && /^(?:http:\/\/|file:\/\/\/)/i.test(url)) return;
  throw new RepositoryError(
    'clone-url-refused',
    `GitHub at ${api} gave the clone URL ${JSON.stringify(url)}, which git is not pointed at.`,
    {
      hint: 'Use a GitHub whose repositories are cloned over https:// (GITHUB_API_URL).',
    },
  );
}

/** A one-line description from the package's title (GitHub allows no control characters there). */
function descriptionOf(title: string): string {
  const clean = title.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > 350 ? `${clean.slice(0, 349)}…` : clean;
}

/**
 * Make sure org/name holds the package in `folder`: create the repository when there is none,
 * push the package's commit when it is empty, reuse it when it already holds the package.
 */
export async function ensureDatasetRepository(
  deps: RepositoryDeps,
  folder: string,
  target: { org: string; name: string; title: string; lfsThreshold: number },
): Promise<CreatedRepository> {
  const { org, name } = target;
  let repo = await findRepository(deps.client, org, name);
  if (repo?.private)
    throw new RepositoryError('repo-private', `${org}/${name} exists and is private: the registry lists public repositories only.`, {
      hint: `Make ${org}/${name} public, or delete it, and run again.`,
    });
  checkCloneUrl(repo?.cloneUrl, deps.client);
  // The repository is built beside the package; what a killed run left there goes first.
  const prefix = `.${basename(folder)}.repo-`;
  for (const stale of (await readdir(dirname(folder))).filter((n) => n.startsWith(prefix)))
    await rm(join(dirname(folder), stale), { recursive: true, force: true });
  const work = join(dirname(folder), `${prefix}${process.pid}`);
  try {
    const pkg = await commitPackage(folder, work, {
      lfsThreshold: target.lfsThreshold,
      message: `${target.title || name}\n\nMigrated from openspending.org by os-datastore migrate (OSEP-8); migration-report.json says how.\n`,
    });
    const created = repo === null;
    repo ??= await createRepository(deps.client, org, name, descriptionOf(target.title));
    checkCloneUrl(repo.cloneUrl, deps.client);
    const pushed = await pushPackage(pkg, repo.cloneUrl, repo.defaultBranch, await deps.token());
    if (pushed.status === 'different')
      throw new RepositoryError(
        'repo-taken',
        `${org}/${name} exists and holds something else than this package (its ${repo.defaultBranch} branch at ${pushed.head.slice(0, 12)} never held it); it is left as it is.`,
        { hint: `Rename or delete ${repo.htmlUrl}, or rename the dataset, and run again.` },
      );
    return {
      ...repo,
      status: pushed.status === 'present' ? 'reused' : created ? 'created' : 'pushed',
      commit: pushed.status === 'present' ? pushed.commit : pkg.commit,
      lfs: pkg.lfs,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
