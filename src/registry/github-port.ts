/**
 * The GitHub port: the calls the registry (writer, observe, reconcile) and the notifications
 * (src/notify/) make to GitHub, in their own words. The core depends on this interface only; the
 * Octokit adapter (src/adapters/github/port.ts) implements it, and the entries (app/, the CLI)
 * build it from their clients.
 *
 * The answers a caller acts on are values, not HTTP statuses: a missing repository, branch or file
 * is `null` (or `'missing'`), an empty repository is `'empty'`, a ref that moved under a write is
 * `'moved'`. Any other failure rejects with the adapter's error, which carries GitHub's HTTP
 * `status` when there was an answer (so a follow-up task can tell a 404 from a 503).
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface GitHubRepository {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  archived: boolean;
  htmlUrl: string;
  /** Absent when GitHub does not say (an empty repository may not). */
  defaultBranch?: string;
}

/** What a ref points at (`type` is `commit` for a branch; a tag may point at a tag object). */
export interface RefTarget {
  sha: string;
  type: string;
}

export interface TreeEntry {
  path: string;
  /** `blob`, `tree` or `commit` (a submodule). */
  type: string;
  sha: string;
}

export interface PullRequestInfo {
  number: number;
  state: 'open' | 'closed';
  /** The branch it merges into. */
  baseRef: string;
  /** The commit its head branch pointed at (when it was closed or merged: then). */
  headSha: string;
}

/** A path in a repository at a ref, as the contents API lists it. */
export type ContentEntry =
  | {
      kind: 'file';
      /** Bytes, when GitHub says. */
      size: number | null;
      /** The content, when GitHub includes it in the answer (files up to 1 MB). */
      content: Uint8Array | null;
    }
  | { kind: 'directory'; entries: Array<{ name: string; path: string; type: string }> }
  /** A symlink or a submodule. */
  | { kind: 'other' };

export interface Installation {
  id: number;
  suspended: boolean;
  /** The account it is installed on (absent for an enterprise installation). */
  account?: string;
  /** Installed on all of the account's repositories (not a selection). */
  allRepositories: boolean;
}

export interface GitHubPort {
  // Repositories and their contents
  /** The repository by name (rejects when there is none). */
  repository(at: RepoRef): Promise<GitHubRepository>;
  /** The repository by id; null when GitHub has none by that id (deleted, or out of reach). */
  repositoryById(id: number): Promise<GitHubRepository | null>;
  /** The path at `ref`; null when there is nothing there. */
  contentEntry(at: RepoRef, path: string, ref: string): Promise<ContentEntry | null>;
  /** The raw bytes of a file at `ref`; null when there is none. */
  rawFile(at: RepoRef, path: string, ref: string): Promise<Uint8Array | null>;

  // Git data
  /** The head of a branch: `'missing'` when there is no such branch, `'empty'` when the repository has no commits. */
  branchHead(at: RepoRef, branch: string): Promise<RefTarget | 'missing' | 'empty'>;
  /** A commit's tree. */
  commitTree(at: RepoRef, commit: string): Promise<string>;
  /** Every entry of a tree, recursively; `truncated` when GitHub listed only part of it. */
  treeEntries(at: RepoRef, tree: string): Promise<{ entries: TreeEntry[]; truncated: boolean }>;
  /** A blob's content as UTF-8 text. */
  blobText(at: RepoRef, sha: string): Promise<string>;
  /** A tree that is `baseTree` with these files (mode 100644) written over it. */
  createTree(at: RepoRef, baseTree: string, files: Array<{ path: string; content: string }>): Promise<string>;
  createCommit(at: RepoRef, commit: { message: string; tree: string; parents: string[] }): Promise<string>;
  /**
   * Point `ref` (e.g. `heads/main`) at `sha`: create it, or move it forward only (never a force
   * push). `'moved'` when another writer got there first (it exists already, moved, or went).
   */
  writeRef(at: RepoRef, ref: string, sha: string, create: boolean): Promise<'written' | 'moved'>;

  // Pull requests
  /** Pull requests from `head` (`owner:branch`), open and closed, newest first. */
  pullRequests(at: RepoRef, head: string): Promise<PullRequestInfo[]>;
  /** The open pull request from `head` (a branch of this repository) to `base`: a new one, or the one another writer opened meanwhile. */
  openPullRequest(at: RepoRef, pull: { head: string; base: string; title: string; body: string }): Promise<number>;

  // Dispatches
  repositoryDispatch(at: RepoRef, eventType: string, clientPayload: Record<string, unknown>): Promise<void>;
  workflowDispatch(at: RepoRef, workflow: string, ref: string, inputs: Record<string, string>): Promise<void>;

  // The App
  /** The App's installations (needs the App's own authentication). */
  installations(): Promise<Installation[]>;
  /** The ids of the repositories this installation can reach (needs an installation's authentication). */
  installationRepositories(): Promise<number[]>;
}
