/**
 * Re-read one repository from GitHub (an event only says "look again"): the repository by id, its
 * default branch head, and the datapackage.json at that commit, validated at descriptor level
 * with the repository owner as the only acceptable `owner`.
 */

import type { GitHubClient } from '../adapters/github/octokit.ts';
import { httpStatusOf } from '../errors.ts';
import { DESCRIPTOR_MAX_BYTES, DescriptorTooLargeError, SourceError, type PackageSource } from '../package/source.ts';
import { validatePackageDetailed } from '../validate/package.ts';
import { cleanOptional, cleanText, FIELD_LIMITS } from './clean.ts';
import type { RepositoryObservation } from './model.ts';

export interface ObserveOptions {
  /** Whether the App is installed on the repository (default true: it is read with that installation's token). */
  installed?: boolean;
  /** The descriptor's path in the repository (default `datapackage.json`). */
  descriptorPath?: string;
  /** Problems kept in `descriptor.problems` (default 5). */
  maxProblems?: number;
}

/** Run `f`; undefined when GitHub answers one of `statuses` (e.g. 404), else its result or its error. */
async function unless<T>(statuses: number[], f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    if (statuses.includes(httpStatusOf(e) ?? 0)) return undefined;
    throw e;
  }
}

/** A package source that has only the descriptor (descriptor-only validation never opens files). */
function descriptorSource(root: string, descriptorPath: string, read: () => Promise<Uint8Array>): PackageSource {
  return {
    root,
    descriptorPath,
    readDescriptor: read,
    open: (path: string) => Promise.reject(new SourceError('source-error', `"${path}" is not read when only the descriptor is checked`)),
  };
}

/** The bytes of a raw-media-type answer (text or binary, as the server labels it); undefined for a JSON listing (a directory). */
function bytesOf(data: unknown): Uint8Array | undefined {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

const textOf = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Observe a repository by id. A 404 for the repository gives `exists: false`; a private
 * repository is not read further (its descriptor is never needed: private repositories are not
 * listed); an empty repository or a missing branch gives `headCommit: null` and no descriptor.
 * Other errors (5xx after retries, 401, rate limits) are thrown: the caller retries later.
 */
export async function observeRepository(
  octokit: GitHubClient,
  repositoryId: number,
  options: ObserveOptions = {},
): Promise<RepositoryObservation> {
  const installed = options.installed ?? true;
  const repo = await unless([404], () => octokit.request('GET /repositories/{repository_id}', { repository_id: repositoryId }));
  if (!repo) {
    return {
      repositoryId,
      exists: false,
      installed,
      private: false,
      archived: false,
      owner: '',
      repo: '',
      htmlUrl: '',
      defaultBranch: '',
      headCommit: null,
      descriptor: null,
    };
  }
  const r = repo.data as {
    id: number;
    name: string;
    owner: { login: string };
    private: boolean;
    archived?: boolean;
    html_url: string;
    default_branch?: string;
  };
  const base: RepositoryObservation = {
    repositoryId: r.id,
    exists: true,
    installed,
    private: r.private,
    archived: r.archived ?? false,
    owner: r.owner.login,
    repo: r.name,
    htmlUrl: r.html_url,
    defaultBranch: r.default_branch ?? 'main',
    headCommit: null,
    descriptor: null,
  };
  if (base.private) return base;
  // The branch name is the repository's to choose (git allows bidi controls, a leading "="): cleaned for the registry; GitHub is asked with the real one.
  const clean: RepositoryObservation = { ...base, defaultBranch: cleanText(base.defaultBranch, FIELD_LIMITS.branch) };

  const at = { owner: base.owner, repo: base.repo };
  // 404: no such branch; 409: the repository is empty.
  const ref = await unless([404, 409], () => octokit.rest.git.getRef({ ...at, ref: `heads/${base.defaultBranch}` }));
  if (!ref || ref.data.object.type !== 'commit') return clean;
  const headCommit = ref.data.object.sha;

  const path = options.descriptorPath ?? 'datapackage.json';
  // The entry first (its size, and its content when GitHub includes it: files up to 1 MB), so a
  // descriptor over the limit is refused without being downloaded; the raw media type only for
  // a file GitHub leaves out of that answer. A folder, a symlink or a submodule is no descriptor
  // (the git adapter never follows a committed link either).
  const entry = await unless([404], () => octokit.rest.repos.getContent({ ...at, path, ref: headCommit }));
  const file = entry?.data as { type?: unknown; size?: unknown; content?: unknown; encoding?: unknown } | undefined;
  if (!file || Array.isArray(file) || file.type !== 'file') return { ...clean, headCommit };
  const size = typeof file.size === 'number' ? file.size : null;
  const read = async (): Promise<Uint8Array> => {
    if (size !== null && size > DESCRIPTOR_MAX_BYTES) throw new DescriptorTooLargeError(size, DESCRIPTOR_MAX_BYTES);
    if (file.encoding === 'base64' && typeof file.content === 'string') return Buffer.from(file.content, 'base64');
    const raw = await octokit.rest.repos.getContent({ ...at, path, ref: headCommit, mediaType: { format: 'raw' } });
    const bytes = bytesOf(raw.data) ?? new Uint8Array();
    // the commit is immutable, so the size said above holds; checked again all the same
    if (bytes.byteLength > DESCRIPTOR_MAX_BYTES) throw new DescriptorTooLargeError(bytes.byteLength, DESCRIPTOR_MAX_BYTES);
    return bytes;
  };

  const { report, descriptor } = await validatePackageDetailed(descriptorSource(`${base.owner}/${base.repo}`, path, read), {
    descriptorOnly: true,
    repositoryOwner: base.owner,
  });
  const d = (descriptor ?? {}) as { name?: unknown; title?: unknown; owner?: unknown };
  // What the repository wrote is capped and cleaned here, before the registry, the feed or a notification sees it.
  return {
    ...clean,
    headCommit,
    descriptor: {
      name: cleanOptional(textOf(d.name), FIELD_LIMITS.name),
      title: cleanOptional(textOf(d.title), FIELD_LIMITS.title),
      owner: cleanOptional(textOf(d.owner), FIELD_LIMITS.owner),
      valid: report.valid,
      problems: report.errors.slice(0, options.maxProblems ?? 5).map((p) => cleanText(p.message, FIELD_LIMITS.problem)),
    },
  };
}
