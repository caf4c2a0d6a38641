/**
 * Where the follow-up queue (app/follow-up.ts) records what it has done, and how it finds what
 * is owed after a restart — both in the registry repository, so the App keeps no state of its own.
 *
 * The record is the ref `refs/os-datastore/follow-up` (outside branches and tags: moving it sends
 * no push event and shows in no branch list). It points either
 * - at a registry commit: every follow-up of that commit and of all before it is done; or
 * - at a commit object of its own (no parent, the registry's tree) whose message is
 *   `os-datastore follow-up progress` and, after a blank line, JSON
 *   `{"through": "<registry commit>", "done": {"<later registry commit>": ["<task key>", ...]}}`.
 * One write (the ref) when nothing later is partly done, two otherwise (the commit, the ref);
 * task keys name no secret (a subscriber is a hash of its URL).
 *
 * What is owed: the commits on the registry branch after `through` (first parents, newest first
 * until `through`, at most MAX_WALK; none when `through` is not found there), each with the changelog rows it added (its changelog minus
 * its parent's: the changelog is append-only) and the registry as it holds it.
 */

import type { GitHubClient } from '../src/adapters/github/octokit.ts';
import { parseRegistryFiles, REGISTRY_FILES, type RegistryFiles } from '../src/registry/csv.ts';
import type { RegistryState } from '../src/registry/model.ts';
import type { CommitWork } from './follow-up.ts';
import type { Logger } from './log.ts';
import { httpStatusOf } from '../src/errors.ts';

const PROGRESS_REF = 'os-datastore/follow-up';
const MARK = 'os-datastore follow-up progress';
/** Commits walked back from the head at most, looking for the recorded one. */
const MAX_WALK = 500;

export interface FollowUpProgress {
  through: string;
  done: Record<string, string[]>;
}

export interface ProgressStore {
  load(): Promise<FollowUpProgress | null>;
  save(progress: FollowUpProgress): Promise<void>;
}

export interface RegistrySource {
  progress: ProgressStore;
  /** The registry branch's head, and the work of the commits after `through` (none when null), oldest first. */
  owedSince(through: string | null): Promise<{ head: string; commits: CommitWork[] }>;
  /** The registry as a commit holds it. */
  stateAt(commit: string): Promise<RegistryState>;
}

/** `client` writes the record: give it the registry installation's follow-up lane. */
export function registrySource(
  client: GitHubClient,
  registry: { owner: string; repo: string; branch: string },
  options: { log?: Logger } = {},
): RegistrySource {
  const at = { owner: registry.owner, repo: registry.repo };
  let refExists: boolean | null = null;
  const trees = new Map<string, string>();

  async function commitOf(sha: string): Promise<{ tree: string; parents: string[]; message: string }> {
    const { data } = await client.rest.git.getCommit({ ...at, commit_sha: sha });
    trees.set(sha, data.tree.sha);
    return { tree: data.tree.sha, parents: data.parents.map((p) => p.sha), message: data.message };
  }

  async function filesAt(tree: string): Promise<Partial<RegistryFiles>> {
    const { data } = await client.rest.git.getTree({ ...at, tree_sha: tree, recursive: 'true' });
    const wanted = new Set<string>([REGISTRY_FILES.datasets, REGISTRY_FILES.changelog]);
    const files: Partial<RegistryFiles> = {};
    await Promise.all(
      data.tree
        .filter((e) => e.type === 'blob' && e.path !== undefined && wanted.has(e.path) && e.sha !== undefined)
        .map(async (e) => {
          const { data: blob } = await client.rest.git.getBlob({ ...at, file_sha: e.sha! });
          files[e.path as keyof RegistryFiles] = Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
        }),
    );
    return files;
  }

  async function stateAt(commit: string): Promise<RegistryState> {
    const tree = trees.get(commit) ?? (await commitOf(commit)).tree;
    return parseRegistryFiles(await filesAt(tree));
  }

  const progress: ProgressStore = {
    async load() {
      let sha: string;
      try {
        sha = (await client.rest.git.getRef({ ...at, ref: PROGRESS_REF })).data.object.sha;
      } catch (e) {
        if (httpStatusOf(e) === 404) {
          refExists = false;
          return null;
        }
        throw e;
      }
      refExists = true;
      const c = await commitOf(sha);
      if (!c.message.startsWith(MARK)) return { through: sha, done: {} };
      const parsed = JSON.parse(c.message.slice(c.message.indexOf('{'))) as FollowUpProgress;
      return { through: parsed.through, done: parsed.done ?? {} };
    },
    async save(p) {
      let target = p.through;
      if (Object.keys(p.done).length > 0) {
        const tree = trees.get(p.through) ?? (await commitOf(p.through)).tree;
        const { data } = await client.rest.git.createCommit({ ...at, message: `${MARK}\n\n${JSON.stringify(p)}\n`, tree, parents: [] });
        target = data.sha;
      }
      if (refExists !== true) {
        try {
          await client.rest.git.createRef({ ...at, ref: `refs/${PROGRESS_REF}`, sha: target });
          refExists = true;
          return;
        } catch (e) {
          if (httpStatusOf(e) !== 422) throw e;
          refExists = true; // it exists: update it
        }
      }
      await client.rest.git.updateRef({ ...at, ref: PROGRESS_REF, sha: target, force: true });
    },
  };

  return {
    progress,
    stateAt,
    async owedSince(through) {
      const head = (await client.rest.git.getRef({ ...at, ref: `heads/${registry.branch}` })).data.object.sha;
      if (through === null || through === head) return { head, commits: [] };
      // Newest first, back to the recorded commit.
      const chain: Array<{ sha: string; parent: string | undefined }> = [];
      let sha: string | undefined = head;
      while (sha !== undefined && sha !== through && chain.length < MAX_WALK) {
        const c = await commitOf(sha);
        chain.push({ sha, parent: c.parents[0] });
        sha = c.parents[0];
      }
      if (sha !== through) {
        // History rewritten, or a record older than the walk: re-sending everything walked would
        // flood subscribers and runners with work long done; nothing is re-sent.
        options.log?.warn(
          "the recorded follow-up commit is not among the registry branch's last commits; follow-up owed before this start is not re-sent",
          { through, walked: chain.length, max: MAX_WALK },
        );
        return { head, commits: [] };
      }
      chain.reverse();
      const commits: CommitWork[] = [];
      let before = chain[0]?.parent !== undefined ? await stateAt(chain[0].parent) : null;
      for (const { sha: commit } of chain) {
        const state = await stateAt(commit);
        const known = before?.changelog.length ?? 0;
        // A commit that added no changelog row (an operator's edit, a merge) owes nothing.
        if (state.changelog.length > known) commits.push({ commit, changes: state.changelog.slice(known), state });
        before = state;
      }
      return { head, commits };
    },
  };
}
