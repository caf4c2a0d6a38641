/**
 * The GitHub port (src/registry/github-port.ts) over an Octokit client: each call of the port is
 * one or two REST requests, and the HTTP answers the core acts on become values (404 → null or
 * `'missing'`, 409 on a ref → `'empty'`, a lost race on a ref → `'moved'`). Other failures reject
 * with Octokit's RequestError, which carries the HTTP `status`.
 */

import type {
  ContentEntry,
  GitHubPort,
  GitHubRepository,
  Installation,
  PullRequestInfo,
  RefTarget,
  RepoRef,
} from '../../registry/github-port.ts';
import type { GitHubClient } from './octokit.ts';
import { httpStatusOf, messageOf } from '../../errors.ts';

/** `f()`, or `fallback` when GitHub answers one of `statuses`. */
async function unless<T, F>(statuses: number[], fallback: F, f: () => Promise<T>): Promise<T | F> {
  try {
    return await f();
  } catch (e) {
    if (statuses.includes(httpStatusOf(e) ?? 0)) return fallback;
    throw e;
  }
}

/** A lost race on a ref: it moved, exists already, or went (re-read and try again). */
function isMovedRef(e: unknown): boolean {
  const s = httpStatusOf(e);
  if (s === 409) return true;
  return s === 422 && /fast.forward|reference already exists|reference does not exist|reference cannot be updated/i.test(messageOf(e));
}

/** The bytes of a raw-media-type answer (text or binary, as the server labels it); null for a JSON listing (a directory). */
function bytesOf(data: unknown): Uint8Array | null {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

interface RepositoryData {
  id: number;
  name: string;
  owner: { login: string };
  private: boolean;
  archived?: boolean;
  html_url: string;
  default_branch?: string;
}

const repositoryOf = (r: RepositoryData): GitHubRepository => ({
  id: r.id,
  owner: r.owner.login,
  name: r.name,
  private: r.private,
  archived: r.archived ?? false,
  htmlUrl: r.html_url,
  ...(r.default_branch !== undefined ? { defaultBranch: r.default_branch } : {}),
});

const ports = new WeakMap<GitHubClient, GitHubPort>();

/** The port over `octokit` (one per client: asking twice gives the same object). */
export function githubPort(octokit: GitHubClient): GitHubPort {
  const known = ports.get(octokit);
  if (known) return known;
  const port: GitHubPort = {
    async repository(at: RepoRef) {
      return repositoryOf((await octokit.rest.repos.get({ ...at })).data);
    },
    async repositoryById(id: number) {
      const res = await unless([404], null, () => octokit.request('GET /repositories/{repository_id}', { repository_id: id }));
      return res ? repositoryOf(res.data as RepositoryData) : null;
    },
    async contentEntry(at: RepoRef, path: string, ref: string): Promise<ContentEntry | null> {
      const res = await unless([404], null, () => octokit.rest.repos.getContent({ ...at, path, ref }));
      if (!res) return null;
      const data = res.data as unknown;
      if (Array.isArray(data)) {
        return {
          kind: 'directory',
          entries: (data as Array<{ name: string; path: string; type: string }>).map((e) => ({ name: e.name, path: e.path, type: e.type })),
        };
      }
      const f = data as { type?: unknown; size?: unknown; content?: unknown; encoding?: unknown };
      if (f.type !== 'file') return { kind: 'other' };
      return {
        kind: 'file',
        size: typeof f.size === 'number' ? f.size : null,
        content: f.encoding === 'base64' && typeof f.content === 'string' ? Buffer.from(f.content, 'base64') : null,
      };
    },
    async rawFile(at: RepoRef, path: string, ref: string) {
      const res = await unless([404], null, () => octokit.rest.repos.getContent({ ...at, path, ref, mediaType: { format: 'raw' } }));
      return res ? (bytesOf(res.data) ?? new Uint8Array()) : null;
    },
    async branchHead(at: RepoRef, branch: string): Promise<RefTarget | 'missing' | 'empty'> {
      try {
        const { data } = await octokit.rest.git.getRef({ ...at, ref: `heads/${branch}` });
        return { sha: data.object.sha, type: data.object.type };
      } catch (e) {
        if (httpStatusOf(e) === 404) return 'missing';
        if (httpStatusOf(e) === 409) return 'empty';
        throw e;
      }
    },
    async commitTree(at: RepoRef, commit: string) {
      return (await octokit.rest.git.getCommit({ ...at, commit_sha: commit })).data.tree.sha;
    },
    async treeEntries(at: RepoRef, tree: string) {
      const { data } = await octokit.rest.git.getTree({ ...at, tree_sha: tree, recursive: 'true' });
      const entries = data.tree
        .filter((e) => e.path !== undefined && e.sha !== undefined && e.type !== undefined)
        .map((e) => ({ path: e.path!, type: e.type!, sha: e.sha! }));
      return { entries, truncated: data.truncated };
    },
    async blobText(at: RepoRef, sha: string) {
      const { data } = await octokit.rest.git.getBlob({ ...at, file_sha: sha });
      return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    },
    async createTree(at: RepoRef, baseTree: string, files: Array<{ path: string; content: string }>) {
      const tree = files.map((f) => ({ path: f.path, mode: '100644' as const, type: 'blob' as const, content: f.content }));
      return (await octokit.rest.git.createTree({ ...at, base_tree: baseTree, tree })).data.sha;
    },
    async createCommit(at: RepoRef, commit: { message: string; tree: string; parents: string[] }) {
      return (await octokit.rest.git.createCommit({ ...at, ...commit })).data.sha;
    },
    async writeRef(at: RepoRef, ref: string, sha: string, create: boolean) {
      try {
        if (create) await octokit.rest.git.createRef({ ...at, ref: `refs/${ref}`, sha });
        else await octokit.rest.git.updateRef({ ...at, ref, sha, force: false });
        return 'written';
      } catch (e) {
        if (isMovedRef(e)) return 'moved';
        throw e;
      }
    },
    async pullRequests(at: RepoRef, head: string): Promise<PullRequestInfo[]> {
      const { data } = await octokit.rest.pulls.list({ ...at, head, state: 'all', per_page: 100 });
      return data.map((p) => ({
        number: p.number,
        state: p.state === 'open' ? 'open' : 'closed',
        baseRef: p.base.ref,
        headSha: p.head.sha,
      }));
    },
    async openPullRequest(at: RepoRef, pull: { head: string; base: string; title: string; body: string }) {
      try {
        return (await octokit.rest.pulls.create({ ...at, ...pull })).data.number;
      } catch (e) {
        if (httpStatusOf(e) !== 422) throw e;
        // Another writer opened it in the meantime.
        const { data } = await octokit.rest.pulls.list({ ...at, head: `${at.owner}:${pull.head}`, base: pull.base, state: 'open' });
        if (data[0]) return data[0].number;
        throw e;
      }
    },
    async repositoryDispatch(at: RepoRef, eventType: string, clientPayload: Record<string, unknown>) {
      await octokit.request('POST /repos/{owner}/{repo}/dispatches', { ...at, event_type: eventType, client_payload: clientPayload });
    },
    async workflowDispatch(at: RepoRef, workflow: string, ref: string, inputs: Record<string, string>) {
      await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...at,
        workflow_id: workflow,
        ref,
        inputs,
      });
    },
    async installations(): Promise<Installation[]> {
      const all = await octokit.paginate(octokit.rest.apps.listInstallations, { per_page: 100 });
      return all.map((i) => {
        const account = i.account && 'login' in i.account ? i.account.login : undefined;
        return {
          id: i.id,
          suspended: Boolean(i.suspended_at),
          ...(account !== undefined ? { account } : {}),
          allRepositories: i.repository_selection === 'all',
        };
      });
    },
    async installationRepositories() {
      const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
      return repos.map((r) => r.id);
    },
  };
  ports.set(octokit, port);
  return port;
}
