/**
 * registry-template/: valid under our own validator as shipped, and still valid after the App
 * has edited it; its files agree with the code that writes them; its workflows are sound.
 */

import { observation } from '../support/registry.ts';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import { CATALOG_COLUMNS, CHANGELOG_COLUMNS, DATASET_COLUMNS, DATASET_STATUSES, serializeRegistry } from '../../src/registry/csv.ts';
import { applyObservations } from '../../src/registry/edit.ts';
import type { RegistryState, RepositoryObservation } from '../../src/registry/model.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { testdir } from '../support/tmp.ts';

const TEMPLATE = 'registry-template';

interface Field {
  name: string;
  type: string;
  constraints?: { enum?: string[] };
}
interface Descriptor {
  name: string;
  resources: Array<{ name: string; path: string; schema: { fields: Field[]; primaryKey?: string[] } }>;
}

const descriptor = async (): Promise<Descriptor> => JSON.parse(await readFile(join(TEMPLATE, 'datapackage.json'), 'utf8')) as Descriptor;

const obs = observation;
const gone = (id: number): RepositoryObservation => ({ ...obs(id), exists: false, descriptor: null, headCommit: null });

describe('registry-template', () => {
  it('is a valid Tabular Data Package under our own validator', async () => {
    const report = await validatePackage(await createFsSource(TEMPLATE));
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.kind).toBe('tabular');
    expect(report.resources.map((r) => [r.name, r.path, r.rows])).toEqual([
      ['catalog', 'data/catalog.csv', 0],
      ['datasets', 'data/datasets.csv', 0],
      ['changelog', 'data/changelog.csv', 0],
    ]);
  });

  it('its CSVs are what the writer writes for an empty registry, and its schemas name the same columns', async () => {
    const empty = serializeRegistry({ datasets: [], changelog: [] });
    for (const [path, text] of Object.entries(empty)) expect(await readFile(join(TEMPLATE, path), 'utf8')).toBe(text);
    const d = await descriptor();
    expect(d.name).toBe('openspending-registry');
    const fields = (name: string) => d.resources.find((r) => r.name === name)!.schema;
    expect(fields('catalog').fields.map((f) => f.name)).toEqual([...CATALOG_COLUMNS]);
    expect(fields('catalog').primaryKey).toEqual(['owner', 'name']);
    expect(fields('datasets').fields.map((f) => f.name)).toEqual([...DATASET_COLUMNS]);
    expect(fields('datasets').primaryKey).toEqual(['repository_id']);
    expect(fields('datasets').fields.find((f) => f.name === 'status')?.constraints?.enum).toEqual([...DATASET_STATUSES]);
    expect(
      fields('datasets')
        .fields.filter((f) => f.type === 'boolean')
        .map((f) => f.name),
    ).toEqual(['core', 'valid']);
    expect(fields('changelog').fields.map((f) => f.name)).toEqual([...CHANGELOG_COLUMNS]);
  });

  it('stays valid after the App has edited it: every status, odd text, collisions, renames', async () => {
    let state: RegistryState = { datasets: [], changelog: [] };
    const ctx = (now: string, delivery = '') => ({ now, delivery, coreOrg: 'os-data' });
    const batches: RepositoryObservation[][] = [
      [
        obs(1, { descriptor: { name: 'budget', title: 'Budget, 2024: "final"\nline two', owner: 'os-data', valid: true, problems: [] } }),
        obs(2, { repo: 'budget-copy', descriptor: { name: 'budget', title: 'Copy', owner: 'os-data', valid: true, problems: [] } }),
        obs(3, { owner: 'Alice', descriptor: { name: 'spending', title: 'Ünïcödé — 東京', owner: 'alice', valid: true, problems: [] } }),
        obs(4, {
          owner: 'mallory',
          descriptor: {
            name: 'budget',
            title: null,
            owner: 'os-data',
            valid: false,
            problems: ['owner "os-data" is not the owner of the repository ("mallory")'],
          },
        }),
        obs(5, {
          descriptor: {
            name: null,
            title: null,
            owner: null,
            valid: false,
            problems: ['datapackage.json is not valid JSON: found "," where a value belongs'],
          },
        }),
        obs(6, { archived: true }),
        obs(7),
        obs(8),
      ],
      [
        obs(1, { repo: 'budget-2024', descriptor: { name: 'budget', title: 'Budget', owner: 'os-data', valid: true, problems: [] } }),
        obs(7, { private: true }),
        gone(8),
      ],
      [obs(3, { owner: 'Alice', installed: false }), obs(5, { descriptor: null })],
    ];
    batches.forEach(
      (b, i) => (state = applyObservations(state, b, ctx(`2024-05-0${i + 1}T12:00:00.${i}00Z`, i === 2 ? '' : `delivery-${i}`)).state),
    );
    expect(new Set(state.datasets.map((d) => d.status))).toEqual(new Set(['published', 'failed', 'removed', 'private']));

    const dir = await testdir(serializeRegistry(state));
    await copyFile(join(TEMPLATE, 'datapackage.json'), join(dir, 'datapackage.json'));
    const report = await validatePackage(await createFsSource(dir));
    expect(report.errors).toEqual([]);
    expect(report.resources.map((r) => [r.name, r.rows])).toEqual([
      ['catalog', 2],
      ['datasets', 8],
      ['changelog', state.changelog.length],
    ]);
  });

  it('the validate workflow runs our Action in validate mode on every pull request', async () => {
    const wf = parse(await readFile(join(TEMPLATE, '.github/workflows/validate.yml'), 'utf8'), { strict: true }) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>;
    };
    expect(Object.keys(wf.on)).toContain('pull_request');
    expect(Object.keys(wf.on)).not.toContain('pull_request_target');
    expect(wf.permissions).toEqual({ contents: 'read', checks: 'write' });
    const step = Object.values(wf.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.uses?.startsWith('os-team/datastore@'));
    expect(step).toMatchObject({ uses: 'os-team/datastore@v1', with: { mode: 'validate' } });
  });

  it('the publish workflow checks out the given repository at the given commit and publishes it, with minimal permissions', async () => {
    const text = await readFile(join(TEMPLATE, '.github/workflows/publish.yml'), 'utf8');
    const wf = parse(text, { strict: true }) as {
      on: { workflow_dispatch: { inputs: Record<string, { required: boolean; type: string }> } };
      permissions: Record<string, string>;
      jobs: Record<string, { steps: Array<{ uses?: string; run?: string; with?: Record<string, string> }> }>;
    };
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    expect(Object.keys(wf.on.workflow_dispatch.inputs).sort()).toEqual(['commit', 'repository']);
    expect(Object.values(wf.on.workflow_dispatch.inputs).every((i) => i.required && i.type === 'string')).toBe(true);
    expect(wf.permissions).toEqual({ contents: 'read' });
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout@'))?.with).toMatchObject({
      repository: '${{ inputs.repository }}',
      ref: '${{ inputs.commit }}',
      'persist-credentials': false,
    });
    const action = steps.find((s) => s.uses?.startsWith('os-team/datastore@'));
    expect(action?.with).toMatchObject({
      mode: 'publish',
      'secret-access-key': '${{ secrets.OS_SECRET_ACCESS_KEY }}',
      'access-key-id': '${{ secrets.OS_ACCESS_KEY_ID }}',
    });
    // Inputs reach shell scripts only through the environment (no expression injection).
    for (const s of steps) if (s.run) expect(s.run).not.toMatch(/\$\{\{/);
  });
});
