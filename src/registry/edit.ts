/**
 * Registry edits (pure): what a batch of repository observations does to the registry.
 *
 * An observation is a re-read of a repository from GitHub, never an event to replay, so the
 * registry depends only on what was last seen of each repository:
 * - within a batch the last observation of a repository wins (duplicates and stale reads of
 *   the same repository collapse);
 * - rows are keyed by repository id: a rename or a transfer updates its row in place;
 * - name collisions are settled over the whole registry after the batch (the lowest repository id
 *   keeps an (owner, name)), so the result does not depend on the order of different repositories;
 * - a row that does not change keeps its `updated` time and gets no changelog row, so applying
 *   the same observations again changes nothing.
 *
 * Listing rules (status `published`, in catalog.csv) — the first that applies decides:
 * 1. deleted (404 by id)                → `removed`, reason "deleted" ("uninstalled" when it was not
 *                                          read as installed: then a 404 may also be a private repository)
 * 2. the App is not installed on it     → `removed`, reason "uninstalled"
 * 3. private                            → `private` (the row keeps what was public; nothing new is copied)
 * 4. no datapackage.json                → `failed`, reason "no datapackage.json"
 * 5. descriptor owner ≠ GitHub owner    → `failed`, reason "owner mismatch" (case-insensitive; no owner = the GitHub owner)
 * 6. descriptor invalid                 → `failed`, reason "invalid datapackage.json"
 * 7. no name, or not a storage-safe slug → `failed`, reason "invalid name" (the publisher refuses it too)
 * 8. another repository with a lower id holds the same (owner, name) → `failed`, reason "name taken"
 * 9. otherwise                          → `published`; archived repositories stay listed with reason "archived".
 * A repository the registry has no row for gets one only when it is public, installed and has a
 * datapackage.json: private repositories, repositories without a descriptor and deleted or
 * uninstalled ones never add rows (a public registry must not name private repositories).
 */

import { isKeySegment } from '../mirror/layout.ts';
import { cleanText, FIELD_LIMITS } from './clean.ts';
import { sortDatasets } from './csv.ts';
import type { ChangeContext, ChangelogEntry, DatasetEntry, DatasetStatus, RegistryState, RepositoryObservation } from './model.ts';

/** The reasons a row can carry (a small fixed vocabulary; details go in the changelog note). */
export const REASONS = {
  deleted: 'deleted',
  uninstalled: 'uninstalled',
  private: 'private',
  noDescriptor: 'no datapackage.json',
  ownerMismatch: 'owner mismatch',
  invalid: 'invalid datapackage.json',
  invalidName: 'invalid name',
  nameTaken: 'name taken',
  archived: 'archived',
} as const;

/** Changelog events. */
const EVENTS = {
  listed: 'listed',
  unlisted: 'unlisted',
  failed: 'failed',
  removed: 'removed',
  privatized: 'privatized',
  renamed: 'renamed',
  transferred: 'transferred',
  archived: 'archived',
  unarchived: 'unarchived',
  updated: 'updated',
} as const;

export interface EditResult {
  /** The new state (datasets sorted by repository id; changelog = old + changes). */
  state: RegistryState;
  /** The changelog rows appended, in order (by repository id). Empty: nothing changed. */
  changes: ChangelogEntry[];
}

/** Where a dataset is (or would be) in the store, as the publisher lays it out: `datasets/{owner}/{name}/`. */
function s3PrefixOf(owner: string, name: string): string {
  return `datasets/${owner.toLowerCase()}/${name}/`;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** What the row says about the repository, apart from its status (for the collision pass and the notes). */
interface Derived {
  entry: DatasetEntry;
  /** Details for the changelog note. */
  detail: string;
}

/**
 * The row an observation calls for (before name collisions are settled), or undefined when the
 * registry should have no row for it. `updated` is left as it was (set later, when the row changes).
 */
function derive(prev: DatasetEntry | undefined, o: RepositoryObservation, ctx: ChangeContext): Derived | undefined {
  const keep = (status: DatasetStatus, reason: string, detail: string): Derived | undefined =>
    prev ? { entry: { ...prev, status, reason }, detail } : undefined;
  if (!o.exists) {
    // Read with the repository's own installation, a 404 means deleted; read with another
    // installation's token, it may also be a private repository the App no longer reaches.
    return o.installed
      ? keep('removed', REASONS.deleted, 'the repository was not found (deleted)')
      : keep('removed', REASONS.uninstalled, 'the App is not installed on the repository, and it cannot be read (deleted, or private)');
  }
  if (!o.installed) return keep('removed', REASONS.uninstalled, 'the App is no longer installed on the repository');
  if (o.private) return keep('private', REASONS.private, 'the repository is private');
  const d = o.descriptor;
  if (!d && !prev) return undefined;

  const name = d?.name ?? prev?.name ?? '';
  const entry: DatasetEntry = {
    repositoryId: o.repositoryId,
    owner: o.owner,
    repo: o.repo,
    name,
    url: o.htmlUrl,
    core: same(o.owner, ctx.coreOrg),
    title: d ? (d.title ?? '') : (prev?.title ?? ''),
    defaultBranch: o.defaultBranch,
    lastCommit: o.headCommit ?? '',
    valid: d?.valid ?? false,
    s3Prefix: name !== '' && isKeySegment(name) ? s3PrefixOf(o.owner, name) : '',
    updated: prev?.updated ?? '',
    status: 'failed',
    reason: '',
  };
  const fail = (reason: string, detail: string): Derived => ({ entry: { ...entry, reason }, detail });
  if (!d) return fail(REASONS.noDescriptor, `no datapackage.json on ${o.defaultBranch}`);
  if (d.owner !== null && !same(d.owner, o.owner))
    return fail(REASONS.ownerMismatch, `the descriptor's owner "${d.owner}" is not the repository owner "${o.owner}"`);
  if (!d.valid) return fail(REASONS.invalid, d.problems.slice(0, 3).join('; ') || 'the descriptor is not valid');
  if (!d.name || !isKeySegment(d.name))
    return fail(
      REASONS.invalidName,
      d.name ? `the package name "${d.name}" is not a lowercase slug (a-z, 0-9, ".", "_", "-")` : 'the descriptor has no "name"',
    );
  return {
    entry: { ...entry, status: 'published', reason: o.archived ? REASONS.archived : '' },
    detail: o.archived ? 'the repository is archived (read-only); it stays listed' : '',
  };
}

/** Would this row be listed, were its name free? */
const eligible = (e: DatasetEntry): boolean => e.status === 'published' || (e.status === 'failed' && e.reason === REASONS.nameTaken);

/**
 * Settle (owner, name) collisions over every row: of the rows that would be listed, the lowest
 * repository id keeps the name; the others fail with "name taken" (and get it back when it frees).
 */
function settleNames(rows: Map<number, DatasetEntry>, details: Map<number, string>): void {
  const byKey = new Map<string, DatasetEntry[]>();
  for (const e of rows.values()) {
    if (!eligible(e)) continue;
    const key = `${e.owner.toLowerCase()}/${e.name.toLowerCase()}`;
    const list = byKey.get(key);
    if (list) list.push(e);
    else byKey.set(key, [e]);
  }
  for (const list of byKey.values()) {
    list.sort((a, b) => a.repositoryId - b.repositoryId);
    const [holder, ...others] = list;
    rows.set(holder!.repositoryId, { ...holder!, status: 'published', reason: holder!.reason === REASONS.nameTaken ? '' : holder!.reason });
    for (const e of others) {
      rows.set(e.repositoryId, { ...e, status: 'failed', reason: REASONS.nameTaken });
      details.set(
        e.repositoryId,
        `the name ${holder!.owner}/${holder!.name} is taken by repository ${holder!.repositoryId} (${holder!.url})`,
      );
    }
  }
}

/** Everything but `updated`. */
function sameRow(a: DatasetEntry, b: DatasetEntry): boolean {
  return (
    a.repositoryId === b.repositoryId &&
    a.owner === b.owner &&
    a.repo === b.repo &&
    a.name === b.name &&
    a.url === b.url &&
    a.core === b.core &&
    a.title === b.title &&
    a.defaultBranch === b.defaultBranch &&
    a.lastCommit === b.lastCommit &&
    a.valid === b.valid &&
    a.s3Prefix === b.s3Prefix &&
    a.status === b.status &&
    a.reason === b.reason
  );
}

const label = (e: DatasetEntry): string => `${e.owner}/${e.name || e.repo}`;

/** The changelog rows for one row's change (before: undefined for a new row). */
function eventsFor(before: DatasetEntry | undefined, after: DatasetEntry, detail: string, ctx: ChangeContext): ChangelogEntry[] {
  const out: ChangelogEntry[] = [];
  const add = (event: string, note: string): void => {
    out.push({
      time: ctx.now,
      event,
      dataset: cleanText(label(after), FIELD_LIMITS.dataset),
      repositoryId: after.repositoryId,
      commit: after.lastCommit,
      delivery: cleanText(ctx.delivery, FIELD_LIMITS.delivery),
      note: cleanText(note, FIELD_LIMITS.note),
    });
  };
  const statusNote = (): string => detail || after.reason;

  if (before) {
    if (!same(before.owner, after.owner)) add(EVENTS.transferred, `${before.owner}/${before.repo} → ${after.owner}/${after.repo}`);
    else if (before.repo !== after.repo || before.owner !== after.owner)
      add(EVENTS.renamed, `${before.owner}/${before.repo} → ${after.owner}/${after.repo}`);
  }
  const wasStatus = before?.status;
  if (wasStatus !== after.status) {
    switch (after.status) {
      case 'published':
        add(EVENTS.listed, [before?.reason === REASONS.nameTaken ? 'the name is free again' : '', detail].filter(Boolean).join('; '));
        break;
      case 'removed':
        add(EVENTS.removed, statusNote());
        break;
      case 'private':
        add(EVENTS.privatized, statusNote());
        break;
      case 'failed':
        add(wasStatus === 'published' ? EVENTS.unlisted : EVENTS.failed, `${after.reason}: ${detail}`);
        break;
      default:
        add(after.status, statusNote());
    }
    return out;
  }
  // Same status: what else changed.
  if (
    after.status === 'published' &&
    before!.reason !== after.reason &&
    (before!.reason === REASONS.archived || after.reason === REASONS.archived)
  ) {
    add(
      after.reason === REASONS.archived ? EVENTS.archived : EVENTS.unarchived,
      after.reason === REASONS.archived ? detail : 'the repository is no longer archived',
    );
    return out;
  }
  const identityOnly =
    out.length > 0 &&
    sameRow({ ...before!, owner: after.owner, repo: after.repo, url: after.url, core: after.core, s3Prefix: after.s3Prefix }, after);
  if (identityOnly) return out;
  const changed: string[] = [];
  if (before!.name !== after.name) changed.push(`name ${before!.name || '(none)'} → ${after.name || '(none)'}`);
  if (before!.title !== after.title) changed.push('title');
  if (before!.lastCommit !== after.lastCommit) changed.push(`commit ${after.lastCommit.slice(0, 12) || '(none)'}`);
  if (before!.defaultBranch !== after.defaultBranch) changed.push(`default branch ${after.defaultBranch}`);
  if (before!.valid !== after.valid) changed.push(after.valid ? 'now valid' : 'now invalid');
  if (before!.reason !== after.reason) changed.push(`${after.reason}${detail ? `: ${detail}` : ''}`);
  if (changed.length === 0 && out.length === 0) changed.push('details');
  if (changed.length > 0) add(EVENTS.updated, changed.join('; '));
  return out;
}

/**
 * Apply a batch of observations to the registry. Pure and idempotent; see the module comment for
 * the rules. Every changed row gets `updated` = ctx.now and at least one changelog row.
 */
export function applyObservations(state: RegistryState, observations: readonly RepositoryObservation[], ctx: ChangeContext): EditResult {
  const before = new Map(state.datasets.map((e) => [e.repositoryId, e]));
  const rows = new Map(before);
  const details = new Map<number, string>();

  // The last observation of each repository is the truth.
  const latest = new Map<number, RepositoryObservation>();
  for (const o of observations) {
    latest.delete(o.repositoryId);
    latest.set(o.repositoryId, o);
  }
  for (const o of latest.values()) {
    const d = derive(rows.get(o.repositoryId), o, ctx);
    if (!d) continue;
    rows.set(o.repositoryId, d.entry);
    details.set(o.repositoryId, d.detail);
  }
  settleNames(rows, details);

  const changes: ChangelogEntry[] = [];
  const datasets: DatasetEntry[] = [];
  for (const id of [...rows.keys()].sort((a, b) => a - b)) {
    const after = rows.get(id)!;
    const prev = before.get(id);
    if (prev && sameRow(prev, after)) {
      datasets.push(prev);
      continue;
    }
    const row = { ...after, updated: ctx.now };
    datasets.push(row);
    changes.push(...eventsFor(prev, row, details.get(id) ?? '', ctx));
  }
  if (changes.length === 0) return { state: { datasets: sortDatasets(state.datasets), changelog: state.changelog }, changes };
  return { state: { datasets, changelog: [...state.changelog, ...changes] }, changes };
}

/** A one-line summary of changes for a commit message, e.g. `listed os-data/budget, updated 3 datasets`. */
export function summarizeChanges(changes: readonly ChangelogEntry[]): string {
  const byEvent = new Map<string, Set<string>>();
  for (const c of changes) {
    const set = byEvent.get(c.event) ?? new Set<string>();
    set.add(c.dataset);
    byEvent.set(c.event, set);
  }
  const parts = [...byEvent].map(([event, names]) => (names.size === 1 ? `${event} ${[...names][0]}` : `${event} ${names.size} datasets`));
  return parts.length === 0 ? 'no changes' : parts.join(', ');
}
