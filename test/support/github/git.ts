/**
 * An in-memory git object database with git's own object ids: blobs, trees and commits are
 * serialized exactly as git serializes them (`<type> <size>\0<body>`) and named by the SHA-1 of
 * that, so a commit made here has the id `git commit-tree` would give it. Refs map full names
 * (`refs/heads/main`) to commit ids.
 */

import { createHash } from 'node:crypto';

export type Sha = string;

/** Modes as the REST API spells them (git writes a tree's mode as `40000`). */
export type Mode = '100644' | '100755' | '040000' | '120000' | '160000';
export type EntryType = 'blob' | 'tree' | 'commit';

export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
  /** The time zone as git writes it, e.g. `+0000`. */
  tz: string;
}

export interface TreeEntry {
  name: string;
  mode: Mode;
  type: EntryType;
  sha: Sha;
}

export type GitObject =
  | { type: 'blob'; data: Buffer }
  | { type: 'tree'; entries: TreeEntry[] }
  | { type: 'commit'; tree: Sha; parents: Sha[]; author: Signature; committer: Signature; message: string };

/** A file (or symlink, or submodule) at a path of a flattened tree. */
export interface FlatEntry {
  mode: Mode;
  type: EntryType;
  sha: Sha;
}

/** One change to a tree: `sha: null` removes the path (and everything under it). */
export interface TreeChange {
  path: string;
  mode: Mode;
  type: EntryType;
  sha: Sha | null;
}

export const MODES: readonly Mode[] = ['100644', '100755', '040000', '120000', '160000'];
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export function typeOfMode(mode: Mode): EntryType {
  return mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
}

function hash(type: string, body: Buffer): Sha {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/** git's order for tree entries: by name, a tree's name compared as if it ended with '/'. */
function sortEntries(entries: TreeEntry[]): TreeEntry[] {
  const key = (e: TreeEntry): Buffer => Buffer.from(e.type === 'tree' ? `${e.name}/` : e.name);
  return [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
}

function signatureLine(s: Signature): string {
  return `${s.name} <${s.email}> ${s.time} ${s.tz}`;
}

export class GitStore {
  readonly objects = new Map<Sha, GitObject>();
  readonly refs = new Map<string, Sha>();

  get empty(): boolean {
    return this.refs.size === 0;
  }

  putBlob(data: Buffer): Sha {
    const sha = hash('blob', data);
    if (!this.objects.has(sha)) this.objects.set(sha, { type: 'blob', data });
    return sha;
  }

  /** Stores a tree; the entries' objects must exist (submodule commits excepted). */
  putTree(entries: TreeEntry[]): Sha {
    const sorted = sortEntries(entries);
    const names = new Set<string>();
    const parts: Buffer[] = [];
    for (const e of sorted) {
      if (names.has(e.name)) throw new Error(`duplicate tree entry ${e.name}`);
      names.add(e.name);
      parts.push(Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex'));
    }
    const sha = hash('tree', Buffer.concat(parts));
    if (!this.objects.has(sha)) this.objects.set(sha, { type: 'tree', entries: sorted });
    return sha;
  }

  putCommit(c: { tree: Sha; parents: Sha[]; author: Signature; committer: Signature; message: string }): Sha {
    const lines = [
      `tree ${c.tree}`,
      ...c.parents.map((p) => `parent ${p}`),
      `author ${signatureLine(c.author)}`,
      `committer ${signatureLine(c.committer)}`,
    ];
    const sha = hash('commit', Buffer.from(`${lines.join('\n')}\n\n${c.message}`));
    if (!this.objects.has(sha)) this.objects.set(sha, { type: 'commit', ...c, parents: [...c.parents] });
    return sha;
  }

  blob(sha: Sha): Buffer | undefined {
    const o = this.objects.get(sha);
    return o?.type === 'blob' ? o.data : undefined;
  }

  tree(sha: Sha): TreeEntry[] | undefined {
    if (sha === EMPTY_TREE && !this.objects.has(sha)) return [];
    const o = this.objects.get(sha);
    return o?.type === 'tree' ? o.entries : undefined;
  }

  commit(sha: Sha): Extract<GitObject, { type: 'commit' }> | undefined {
    const o = this.objects.get(sha);
    return o?.type === 'commit' ? o : undefined;
  }

  /** True when `ancestor` is `descendant` or reachable from it through parents. */
  isAncestor(ancestor: Sha, descendant: Sha): boolean {
    const seen = new Set<Sha>();
    const stack = [descendant];
    while (stack.length > 0) {
      const sha = stack.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      stack.push(...(this.commit(sha)?.parents ?? []));
    }
    return false;
  }

  /** The commits reachable from `tip`, each before its parents (newest first for a line). */
  log(tip: Sha): Sha[] {
    const order: Sha[] = [];
    const state = new Map<Sha, 'open' | 'done'>();
    const stack: Array<{ sha: Sha; expanded: boolean }> = [{ sha: tip, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop()!;
      if (top.expanded) {
        state.set(top.sha, 'done');
        order.push(top.sha);
        continue;
      }
      if (state.has(top.sha)) continue;
      state.set(top.sha, 'open');
      stack.push({ sha: top.sha, expanded: true });
      const parents = this.commit(top.sha)?.parents ?? [];
      for (const p of [...parents].reverse()) if (!state.has(p)) stack.push({ sha: p, expanded: false });
    }
    return order.reverse();
  }

  /** A common ancestor of two commits (the first found walking back from `b`), or undefined. */
  mergeBase(a: Sha, b: Sha): Sha | undefined {
    const fromA = new Set(this.log(a));
    return this.log(b).find((sha) => fromA.has(sha));
  }

  /** The entry at `path` in a tree ('' is the tree itself). */
  entryAt(treeSha: Sha, path: string): FlatEntry | undefined {
    if (path === '') return { mode: '040000', type: 'tree', sha: treeSha };
    let current: FlatEntry = { mode: '040000', type: 'tree', sha: treeSha };
    for (const name of path.split('/')) {
      if (current.type !== 'tree') return undefined;
      const found = this.tree(current.sha)?.find((e) => e.name === name);
      if (!found) return undefined;
      current = { mode: found.mode, type: found.type, sha: found.sha };
    }
    return current;
  }

  /** Every non-tree entry of a tree, by full path. */
  flatten(treeSha: Sha, prefix = '', out = new Map<string, FlatEntry>()): Map<string, FlatEntry> {
    for (const e of this.tree(treeSha) ?? []) {
      const path = prefix + e.name;
      if (e.type === 'tree') this.flatten(e.sha, `${path}/`, out);
      else out.set(path, { mode: e.mode, type: e.type, sha: e.sha });
    }
    return out;
  }

  /** Builds (and stores) the nested trees for a flat map of paths. */
  build(files: Map<string, FlatEntry>): Sha {
    interface Dir {
      files: Map<string, FlatEntry>;
      dirs: Map<string, Dir>;
    }
    const root: Dir = { files: new Map(), dirs: new Map() };
    for (const [path, entry] of files) {
      const names = path.split('/');
      let dir = root;
      for (const name of names.slice(0, -1)) {
        let next = dir.dirs.get(name);
        if (!next) dir.dirs.set(name, (next = { files: new Map(), dirs: new Map() }));
        dir = next;
      }
      dir.files.set(names[names.length - 1]!, entry);
    }
    const write = (dir: Dir): Sha => {
      const entries: TreeEntry[] = [];
      for (const [name, e] of dir.files) entries.push({ name, ...e });
      for (const [name, sub] of dir.dirs) entries.push({ name, mode: '040000', type: 'tree', sha: write(sub) });
      return this.putTree(entries);
    };
    return write(root);
  }

  /**
   * Applies changes to a tree (or to nothing) and stores the result. A `tree` change grafts that
   * tree at the path; a path replaces whatever was at it, and anything beneath it.
   */
  edit(base: Sha | null, changes: TreeChange[]): Sha {
    const files = base === null ? new Map<string, FlatEntry>() : this.flatten(base);
    for (const c of changes) {
      const path = c.path.replace(/^\/+|\/+$/g, '');
      for (const p of [...files.keys()]) if (p === path || p.startsWith(`${path}/`)) files.delete(p);
      if (c.sha === null) continue;
      // A file on the way to the path gives way to the directory.
      const names = path.split('/');
      for (let i = 1; i < names.length; i++) files.delete(names.slice(0, i).join('/'));
      if (c.type === 'tree') this.flatten(c.sha, `${path}/`, files);
      else files.set(path, { mode: c.mode, type: c.type, sha: c.sha });
    }
    return this.build(files);
  }
}

/** git's id for a blob holding `content`. */
export function blobSha(content: string | Buffer): Sha {
  return hash('blob', typeof content === 'string' ? Buffer.from(content) : content);
}

/** Parses an ISO 8601 date into git's seconds and time zone; undefined when it is not one. */
export function parseDate(iso: string): { time: number; tz: string } | undefined {
  const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|([+-])(\d{2}):?(\d{2}))$/.exec(iso);
  const ms = Date.parse(iso);
  if (!match || Number.isNaN(ms)) return undefined;
  const tz = match[1] === 'Z' ? '+0000' : `${match[2]}${match[3]}${match[4]}`;
  return { time: Math.floor(ms / 1000), tz };
}

/** A git time as the REST API writes it (UTC, no fraction). */
export function isoOf(time: number): string {
  return new Date(time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
