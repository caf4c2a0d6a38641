import { describe, expect, it } from 'vitest';
import { DatasetLayout } from '../../src/mirror/layout.ts';
import {
  jsonObject,
  planMirror,
  sha256Hex,
  type DatasetState,
  type FileEntry,
  type GeneratedObject,
  type PlanInput,
} from '../../src/mirror/plan.ts';

const layout = new DatasetLayout('os-data', 'budget');
const file = (path: string, content: string): FileEntry => ({
  path,
  sha256: sha256Hex(content),
  size: content.length,
  oid: `oid-${sha256Hex(content).slice(0, 8)}`,
});
const gen = (path: string, content: string): GeneratedObject => ({
  ...jsonObject(layout.latest(path), content, 'x'),
  key: layout.latest(path),
});

function input(commit: string, files: FileEntry[], previous: DatasetState | null, generated: GeneratedObject[] = []): PlanInput {
  return {
    layout,
    previous,
    commit,
    publishedAt: '2026-01-01T00:00:00.000Z',
    files,
    generated,
    report: jsonObject(layout.report(commit), { commit }, 'x'),
    run: `run-${commit}`,
  };
}

/** The state a successful apply of `plan` leaves. */
const stateOf = (i: PlanInput): DatasetState => JSON.parse(Buffer.from(planMirror(i).state.content).toString('utf8'));

describe('planMirror', () => {
  const v1 = [file('datapackage.json', '{"name":"budget"}'), file('data/a.csv', 'a\n1\n'), file('data/b.csv', 'b\n2\n')];

  it('a first publish uploads every distinct content once and points every latest path at it', () => {
    const files = [...v1, file('data/copy-of-a.csv', 'a\n1\n')];
    const plan = planMirror(input('c1', files, null, [gen('aggregates/summary.json', '{}')]));
    expect(plan.unchanged).toBe(false);
    expect(plan.uploads.map((u) => u.path)).toEqual(['datapackage.json', 'data/a.csv', 'data/b.csv']);
    expect(plan.uploads.every((u) => u.key === layout.blob(u.sha256))).toBe(true);
    expect(plan.copies.map((c) => c.to)).toEqual(files.map((f) => layout.latest(f.path)));
    expect(plan.copies.find((c) => c.to.endsWith('.csv'))?.contentType).toBe('text/csv; charset=utf-8');
    expect(plan.writes.map((w) => w.key)).toEqual([layout.latest('aggregates/summary.json'), layout.report('c1')]);
    expect(plan.deletes).toEqual([]);
    expect(plan.manifest.key).toBe(layout.version('c1'));
    expect(plan.state.key).toBe(layout.state);
  });

  it('the same commit again is a no-op', () => {
    const first = input('c1', v1, null);
    const plan = planMirror(input('c1', v1, stateOf(first)));
    expect(plan.unchanged).toBe(true);
    expect([plan.uploads, plan.copies, plan.writes, plan.deletes]).toEqual([[], [], [], []]);
  });

  it('a one-file change uploads one blob and moves one latest path', () => {
    const prev = stateOf(input('c1', v1, null, [gen('aggregates/summary.json', '{}')]));
    const v2 = [v1[0]!, file('data/a.csv', 'a\n1\n2\n'), v1[2]!];
    const plan = planMirror(input('c2', v2, prev, [gen('aggregates/summary.json', '{}')]));
    expect(plan.uploads.map((u) => u.path)).toEqual(['data/a.csv']);
    expect(plan.copies.map((c) => c.to)).toEqual([layout.latest('data/a.csv')]);
    // unchanged aggregates are not rewritten; the commit's report is
    expect(plan.writes.map((w) => w.key)).toEqual([layout.report('c2')]);
    expect(plan.deletes).toEqual([]);
  });

  it('deleting a file moves the latest path only: blobs and manifests stay', () => {
    const prev = stateOf(input('c1', v1, null, [gen('aggregates/by-payee.csv', 'x')]));
    const plan = planMirror(input('c2', [v1[0]!, v1[1]!], prev));
    expect(plan.uploads).toEqual([]);
    expect(plan.deletes).toEqual([layout.latest('data/b.csv'), layout.latest('aggregates/by-payee.csv')]);
    expect(plan.deletes.some((k) => k.includes('/blobs/') || k.includes('/versions/'))).toBe(false);
  });

  it('content known to be stored already (a revert) is not uploaded again', () => {
    const prev = stateOf(input('c2', [v1[0]!, file('data/a.csv', 'new')], null));
    const reverted = input('c3', v1, prev);
    reverted.existingBlobs = new Set([v1[1]!.sha256]);
    const plan = planMirror(reverted);
    expect(plan.uploads.map((u) => u.path)).toEqual(['data/b.csv']);
    expect(plan.copies.map((c) => c.to)).toEqual([layout.latest('data/a.csv'), layout.latest('data/b.csv')]);
  });

  it('keys an interrupted run may have changed are rewritten or removed, even for the same commit', () => {
    const prev = stateOf(input('c1', v1, null, [gen('aggregates/summary.json', '{}')]));
    // a killed run of c2 had copied a new file, rewritten a CSV and the summary
    const dirty = [
      layout.latest('data/new.csv'),
      layout.latest('data/a.csv'),
      layout.latest('aggregates/summary.json'),
      layout.report('c1'),
    ];
    const repair = planMirror({ ...input('c1', v1, prev, [gen('aggregates/summary.json', '{}')]), dirty });
    expect(repair.unchanged).toBe(false);
    expect(repair.uploads).toEqual([]);
    expect(repair.copies.map((c) => c.to)).toEqual([layout.latest('data/a.csv')]);
    expect(repair.writes.map((w) => w.key)).toEqual([layout.latest('aggregates/summary.json'), layout.report('c1')]);
    expect(repair.deletes).toEqual([layout.latest('data/new.csv')]);
    const pending = JSON.parse(Buffer.from(repair.pending.content).toString('utf8'));
    expect(pending).toMatchObject({ run: 'run-c1', commit: 'c1' });
    expect([...pending.touched].sort()).toEqual([...dirty].sort());
  });

  it('the manifest names every file with its blob, and the state remembers git ids', () => {
    const plan = planMirror(input('c1', v1, null));
    const manifest = JSON.parse(Buffer.from(plan.manifest.content).toString('utf8'));
    expect(manifest.files['data/a.csv']).toEqual({ sha256: v1[1]!.sha256, size: 4, blob: layout.blob(v1[1]!.sha256) });
    expect(manifest.report).toBe(layout.report('c1'));
    const state = JSON.parse(Buffer.from(plan.state.content).toString('utf8'));
    expect(state.files['data/a.csv'].oid).toBe(v1[1]!.oid);
    expect(state.commit).toBe('c1');
  });
});

describe('DatasetLayout', () => {
  it('refuses owners and names that are not key-safe', () => {
    expect(() => new DatasetLayout('..', 'x')).toThrow();
    expect(() => new DatasetLayout('Os-Data', 'x')).toThrow();
    expect(() => new DatasetLayout('o', 'a/b')).toThrow();
    expect(new DatasetLayout('o', 'n').blob('ab')).toBe('datasets/o/n/blobs/sha256/ab');
  });
});
