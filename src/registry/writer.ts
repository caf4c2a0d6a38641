/**
 * Writes the registry repository through the Git Data API with optimistic concurrency: read the
 * branch head, apply the observations to the CSVs found there, write one commit on top, and move
 * the ref only if it still points where it was read (`force: false`). When another writer got
 * there first (422 "not a fast forward", 409), everything is re-read from the new head and
 * re-applied — so the other writer's rows are kept — up to `maxAttempts`, with jittered backoff.
 * Never force-pushes.
 *
 * Observations of the registry repository itself are ignored (it is a valid data package too).
 *
 * Concurrent `update()` calls on one writer are coalesced: calls made while a commit is in flight
 * wait and go together into the next commit (each applied in call order with its own context,
 * each getting back its own changes). Several writers (App replicas) meet at the ref.
 *
 * Pull-request mode commits on `prBranch` instead and keeps one pull request open from it to the
 * base branch; see `startingPoint` for how a merged or closed pull request is followed.
 */

import { createHash } from 'node:crypto';
import { UserError, type UserErrorOptions } from '../errors.ts';
import { parseRegistryFiles, REGISTRY_FILES, serializeRegistry, type RegistryFile, type RegistryFiles } from './csv.ts';
import { applyObservations, summarizeChanges } from './edit.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { GitHubPort } from './github-port.ts';
import type { ChangeContext, ChangelogEntry, RegistryState, RepositoryObservation } from './model.ts';

export interface RegistryWriterOptions {
  owner: string;
  repo: string;
  /** The branch the registry lives on (default: the repository's default branch). */
  branch?: string;
  /** `commit`: commit on the branch; `pull-request`: commit on `prBranch` and keep a pull request open to the branch. */
  mode: 'commit' | 'pull-request';
  /** The branch for pull-request mode (default `registry-updates`). */
  prBranch?: string;
  /** Tries per update when the ref keeps moving (default 10). */
  maxAttempts?: number;
  /** Coalesce concurrent update() calls of this writer into one commit (default true). */
  coalesce?: boolean;
  /** Base of the jittered exponential backoff between tries, in ms (default 40; capped at 2 s). */
  backoffMs?: number;
  /** Title of the pull request opened in pull-request mode. */
  pullRequestTitle?: string;
  log?: Logger;
}

export interface UpdateResult {
  /** The commit written (shared by coalesced calls), or null when nothing changed (nothing was written). */
  commit: string | null;
  /** This call's changelog rows (empty: nothing changed). */
  changes: ChangelogEntry[];
  /** Tries it took (1 without contention; 0 when there was nothing to apply). */
  attempts: number;
  /** Pull-request mode: the open pull request holding the change. */
  pullRequest?: number;
  /** The registry as the commit holds it (every coalesced call applied); absent when nothing was written. */
  state?: RegistryState;
}

export interface RegistrySnapshot {
  state: RegistryState;
  /** The commit read (the head of the branch the next update starts from). */
  commit: string;
}

export interface RegistryWriter {
  /** Apply observations and write the result in one commit (none when nothing changes). */
  update(observations: RepositoryObservation[], ctx: ChangeContext): Promise<UpdateResult>;
  /** The registry as the next update would start from it. */
  read(): Promise<RegistrySnapshot>;
  readonly owner: string;
  readonly repo: string;
}

/**
 * The ref kept moving: every try lost the race. Nothing was lost; the caller may retry later. Not
 * a bug of ours, and nothing in the input to fix: a user error whose hint is to try again.
 */
export class RegistryConflictError extends UserError {
  constructor(
    readonly attempts: number,
    readonly branch: string,
  ) {
    super(
      'registry-conflict',
      `the registry branch ${branch} moved under every one of ${attempts} tries; try again later (or raise maxAttempts)`,
    );
  }
}

/** The registry repository cannot be written as it is (empty, missing branch, unreadable files). */
export class RegistryRepositoryError extends UserError {
  constructor(message: string, options: UserErrorOptions = {}) {
    super('registry-repository', message, options);
  }
}

interface Pending {
  observations: RepositoryObservation[];
  ctx: ChangeContext;
  resolve: (r: UpdateResult) => void;
  reject: (e: unknown) => void;
}

/** Where a try starts: the files to edit, the parents of the new commit, the ref to move. */
interface Start {
  files: Partial<RegistryFiles>;
  /** The tree the new tree is based on. */
  baseTree: string;
  parents: string[];
  /** The ref moved (e.g. `heads/main`) and the sha it must still hold. */
  ref: string;
  expected: string;
  /** The ref does not exist yet: the write creates it (and fails if another writer did first). */
  create: boolean;
  /** Pull-request mode: the open pull request, if any. */
  openPull?: number;
}

/** The git object id of a blob with this content (so blobs written here need not be read back). */
function gitBlobSha(text: string): string {
  const body = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const FILES = Object.values(REGISTRY_FILES) as RegistryFile[];
/** Blobs kept (the three files of the last few heads; the changelog can be large). */
const BLOB_CACHE = 9;

export function createRegistryWriter(github: GitHubPort, options: RegistryWriterOptions): RegistryWriter {
  const { owner, repo } = options;
  const at = { owner, repo };
  const maxAttempts = Math.max(1, options.maxAttempts ?? 10);
  const prBranch = options.prBranch ?? 'registry-updates';
  const log = options.log ?? silentLogger;
  let branch: string | undefined = options.branch;
  let registryId: number | undefined;
  /** Blob sha → text: blobs never change, and most tries re-read the same ones. */
  const blobs = new Map<string, string>();

  /** The registry repository's id (read once; it never changes) and the base branch. */
  async function registry(): Promise<{ id: number; branch: string }> {
    if (registryId === undefined || branch === undefined) {
      const data = await github.repository(at);
      registryId = data.id;
      branch ??= data.defaultBranch ?? 'main';
    }
    return { id: registryId, branch };
  }

  async function baseBranch(): Promise<string> {
    return (await registry()).branch;
  }

  async function headOf(name: string): Promise<string | null> {
    const head = await github.branchHead(at, name);
    if (head === 'missing') return null;
    if (head === 'empty')
      throw new RegistryRepositoryError(
        `${owner}/${repo} is empty: create it from registry-template/ (it needs data/datasets.csv and data/changelog.csv) before the App writes to it`,
      );
    return head.sha;
  }

  async function blobText(sha: string): Promise<string> {
    const cached = blobs.get(sha);
    if (cached !== undefined) return cached;
    const text = await github.blobText(at, sha);
    remember(sha, text);
    return text;
  }

  function remember(sha: string, text: string): void {
    if (blobs.size >= BLOB_CACHE) blobs.delete(blobs.keys().next().value!);
    blobs.set(sha, text);
  }

  /** The registry files at a commit, and its tree. */
  async function filesAt(commit: string): Promise<{ tree: string; files: Partial<RegistryFiles> }> {
    const tree = await github.commitTree(at, commit);
    const t = await github.treeEntries(at, tree);
    const wanted = new Set<string>(FILES);
    const entries = t.entries.filter((e) => e.type === 'blob' && wanted.has(e.path));
    if (t.truncated && entries.length < FILES.length) {
      throw new RegistryRepositoryError(
        `${owner}/${repo}: the tree at ${commit} is too large to list; keep only the registry files in the repository`,
      );
    }
    const files: Partial<RegistryFiles> = {};
    await Promise.all(entries.map(async (e) => void (files[e.path as RegistryFile] = await blobText(e.sha))));
    return { tree, files };
  }

  /**
   * Where the next commit goes. Commit mode: on top of the branch. Pull-request mode:
   * - no `prBranch` yet: from the base head (the branch is created by the write, not before);
   * - an open pull request from it: on top of `prBranch` (its pending changes are kept);
   * - no open pull request, and `prBranch` head was already the head of a closed or merged one:
   *   the operator has dealt with it, so start from the base branch's files, in a commit whose
   *   parents are [prBranch head, base head] — a fast-forward of `prBranch`, never a force-push;
   * - otherwise (changes committed but no pull request yet, e.g. a crash in between): on top of `prBranch`.
   */
  async function startingPoint(): Promise<Start> {
    const base = await baseBranch();
    const baseHead = await headOf(base);
    if (!baseHead) throw new RegistryRepositoryError(`${owner}/${repo} has no branch ${base}`);
    if (options.mode === 'commit') {
      const { tree, files } = await filesAt(baseHead);
      return { files, baseTree: tree, parents: [baseHead], ref: `heads/${base}`, expected: baseHead, create: false };
    }
    const ref = `heads/${prBranch}`;
    const prHead = await headOf(prBranch);
    if (!prHead) {
      const { tree, files } = await filesAt(baseHead);
      return { files, baseTree: tree, parents: [baseHead], ref, expected: baseHead, create: true };
    }
    const pulls = await github.pullRequests(at, `${owner}:${prBranch}`);
    const open = pulls.find((p) => p.state === 'open' && p.baseRef === base);
    if (!open && prHead !== baseHead && pulls.some((p) => p.state === 'closed' && p.headSha === prHead)) {
      const { tree, files } = await filesAt(baseHead);
      return { files, baseTree: tree, parents: [prHead, baseHead], ref, expected: prHead, create: false };
    }
    const { tree, files } = await filesAt(prHead);
    return { files, baseTree: tree, parents: [prHead], ref, expected: prHead, create: false, ...(open ? { openPull: open.number } : {}) };
  }

  /** The pull request from prBranch to the base branch: the open one, or a new one. */
  async function ensurePull(start: Start, changes: ChangelogEntry[]): Promise<number> {
    if (start.openPull !== undefined) return start.openPull;
    return github.openPullRequest(at, {
      head: prBranch,
      base: await baseBranch(),
      title: options.pullRequestTitle ?? 'Registry updates',
      body: `Changes the os-datastore App found on GitHub, for review. The App keeps adding to this pull request until it is merged or closed.\n\nFirst change: ${summarizeChanges(changes)}.`,
    });
  }

  function commitMessage(changes: ChangelogEntry[], deliveries: string[]): string {
    const lines = changes.slice(0, 50).map((c) => `- ${c.event} ${c.dataset}${c.note ? `: ${c.note}` : ''}`);
    if (changes.length > 50) lines.push(`- … and ${changes.length - 50} more (see data/changelog.csv)`);
    const trailers = [...new Set(deliveries.filter((d) => d !== ''))].map((d) => `Delivery: ${d}`);
    return [`registry: ${summarizeChanges(changes)}`, '', ...lines, ...(trailers.length > 0 ? ['', ...trailers] : [])].join('\n');
  }

  async function run(batch: Pending[]): Promise<void> {
    // The registry is a valid data package in a repository the App is installed on: it never lists itself.
    const self = (await registry()).id;
    batch = batch.map((p) => ({ ...p, observations: p.observations.filter((o) => o.repositoryId !== self) }));
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const start = await startingPoint();
      let state = parseRegistryFiles(start.files);
      const perCall: ChangelogEntry[][] = [];
      for (const p of batch) {
        const result = applyObservations(state, p.observations, p.ctx);
        state = result.state;
        perCall.push(result.changes);
      }
      const changes = perCall.flat();
      if (changes.length === 0) {
        batch.forEach((p) => p.resolve({ commit: null, changes: [], attempts: attempt }));
        return;
      }
      const next = serializeRegistry(state);
      const changed = FILES.filter((f) => next[f] !== start.files[f]);
      // The changed files go inline in the tree request: GitHub stores them as blobs, and it is
      // one content-creating request instead of one per file (they are throttled to 1 a second).
      const files = changed.map((path) => {
        remember(gitBlobSha(next[path]), next[path]);
        return { path, content: next[path] };
      });
      const tree = await github.createTree(at, start.baseTree, files);
      const commit = await github.createCommit(at, {
        message: commitMessage(
          changes,
          batch.map((p) => p.ctx.delivery),
        ),
        tree,
        parents: start.parents,
      });
      if ((await github.writeRef(at, start.ref, commit, start.create)) === 'moved') {
        if (attempt === maxAttempts) break;
        const delay = Math.min(2000, (options.backoffMs ?? 40) * 2 ** (attempt - 1)) * (0.5 + Math.random());
        log.debug('the registry branch moved under the write: re-reading', {
          registry: `${owner}/${repo}`,
          ref: start.ref,
          attempt,
          maxAttempts,
          delayMs: Math.round(delay),
        });
        await sleep(delay);
        continue;
      }
      const pullRequest = options.mode === 'pull-request' ? await ensurePull(start, changes) : undefined;
      const written = state;
      batch.forEach((p, i) =>
        p.resolve({
          commit,
          changes: perCall[i]!,
          attempts: attempt,
          state: written,
          ...(pullRequest !== undefined ? { pullRequest } : {}),
        }),
      );
      return;
    }
    throw new RegistryConflictError(maxAttempts, options.mode === 'commit' ? (branch ?? '') : prBranch);
  }

  // Coalescing: one batch in flight; calls arriving meanwhile form the next one.
  let queue: Pending[] = [];
  let running = false;
  function kick(): void {
    if (running || queue.length === 0) return;
    const batch = queue;
    queue = [];
    running = true;
    run(batch)
      .catch((e: unknown) => batch.forEach((p) => p.reject(e)))
      .finally(() => {
        running = false;
        kick();
      });
  }

  return {
    owner,
    repo,
    update(observations, ctx) {
      if (observations.length === 0) return Promise.resolve({ commit: null, changes: [], attempts: 0 });
      return new Promise<UpdateResult>((resolve, reject) => {
        const pending: Pending = { observations, ctx, resolve, reject };
        if (options.coalesce === false) {
          run([pending]).catch(reject);
          return;
        }
        queue.push(pending);
        kick();
      });
    },
    async read() {
      const start = await startingPoint();
      return { state: parseRegistryFiles(start.files), commit: start.expected };
    },
  };
}
