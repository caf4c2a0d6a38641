/** The registry CSVs: deterministic bytes, exact round trips, clear errors. */

import { describe, expect, it } from 'vitest';
import {
  CATALOG_COLUMNS,
  CHANGELOG_COLUMNS,
  DATASET_COLUMNS,
  parseRegistry,
  parseRegistryFiles,
  RegistryFormatError,
  serializeRegistry,
  csvCell,
} from '../../src/registry/csv.ts';
import type { DatasetEntry, RegistryState } from '../../src/registry/model.ts';

const entry = (id: number, over: Partial<DatasetEntry> = {}): DatasetEntry => ({
  repositoryId: id,
  owner: 'os-data',
  repo: `repo-${id}`,
  name: `ds-${id}`,
  url: `https://github.com/os-data/repo-${id}`,
  core: true,
  title: `Dataset ${id}`,
  defaultBranch: 'main',
  lastCommit: String(id).repeat(40).slice(0, 40),
  valid: true,
  s3Prefix: `datasets/os-data/ds-${id}/`,
  updated: '2024-05-01T12:00:00Z',
  status: 'published',
  reason: '',
  ...over,
});

const state: RegistryState = {
  datasets: [
    entry(1, { title: 'Budget, 2024: "final"', owner: 'Alice', name: 'zeta', url: 'https://github.com/Alice/repo-1', core: false }),
    entry(2, { title: 'Multi\nline\r\ntitle', owner: 'alice', name: 'alpha', core: false }),
    entry(3, { title: '  spaced  ', status: 'failed', reason: 'owner mismatch', valid: false }),
    entry(4, { title: 'Ünïcödé — 東京', name: 'beta' }),
    entry(5, { title: '', lastCommit: '', defaultBranch: '', s3Prefix: '', name: '', status: 'removed', reason: 'deleted' }),
    entry(6, { title: '"', name: 'gamma', status: 'published', reason: 'archived' }),
  ],
  changelog: [
    {
      time: '2024-05-01T12:00:00Z',
      event: 'listed',
      dataset: 'Alice/zeta',
      repositoryId: 1,
      commit: '1'.repeat(40),
      delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      note: '',
    },
    {
      time: '2024-05-01T12:00:01.123Z',
      event: 'failed',
      dataset: 'os-data/ds-3',
      repositoryId: 3,
      commit: '',
      delivery: '',
      note: 'owner mismatch: the descriptor\'s owner "x" is not "os-data"',
    },
    {
      time: '2024-05-01T12:00:00Z',
      event: 'removed',
      dataset: 'os-data/repo-5',
      repositoryId: 5,
      commit: '',
      delivery: '',
      note: 'a, b\nc',
    },
  ],
};

describe('serializeRegistry', () => {
  it('writes headers, LF line ends, a final newline, and quotes only what needs quoting', () => {
    const files = serializeRegistry(state);
    for (const text of Object.values(files)) {
      expect(text.endsWith('\n')).toBe(true);
      expect(text.endsWith('\n\n')).toBe(false);
    }
    expect(files['data/catalog.csv'].split('\n')[0]).toBe(CATALOG_COLUMNS.join(','));
    expect(files['data/datasets.csv'].split('\n')[0]).toBe(DATASET_COLUMNS.join(','));
    expect(files['data/changelog.csv'].split('\n')[0]).toBe(CHANGELOG_COLUMNS.join(','));
    expect(files['data/datasets.csv']).toContain(
      '1,Alice,repo-1,zeta,https://github.com/Alice/repo-1,false,"Budget, 2024: ""final""",main,',
    );
    expect(files['data/datasets.csv']).toContain('"Multi\nline\r\ntitle"');
    expect(files['data/datasets.csv']).toContain(',  spaced  ,');
    expect(files['data/datasets.csv']).toContain(',Ünïcödé — 東京,');
    expect(files['data/datasets.csv']).toContain(
      '5,os-data,repo-5,,https://github.com/os-data/repo-5,true,,,,true,,2024-05-01T12:00:00Z,removed,deleted\n',
    );
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell('')).toBe('');
  });

  it('the catalog holds exactly the published datasets, by owner then name, case-insensitive', () => {
    expect(serializeRegistry(state)['data/catalog.csv']).toBe(
      [
        'url,name,owner',
        'https://github.com/os-data/repo-2,alpha,alice',
        'https://github.com/Alice/repo-1,zeta,Alice',
        'https://github.com/os-data/repo-4,beta,os-data',
        'https://github.com/os-data/repo-6,gamma,os-data',
        '',
      ].join('\n'),
    );
  });

  it('is deterministic: the order of datasets in the state does not matter; the changelog keeps its order', () => {
    const reversed = { ...state, datasets: [...state.datasets].reverse() };
    expect(serializeRegistry(reversed)).toEqual(serializeRegistry(state));
    const datasetsCsv = serializeRegistry(reversed)['data/datasets.csv'];
    const ids = datasetsCsv
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(',')[0]);
    expect(ids.filter((id) => /^\d+$/.test(id!))).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(parseRegistryFiles(serializeRegistry(state)).changelog.map((c) => c.repositoryId)).toEqual([1, 3, 5]);
  });

  it('writes an empty registry as headers only', () => {
    expect(serializeRegistry({ datasets: [], changelog: [] })).toEqual({
      'data/catalog.csv': 'url,name,owner\n',
      'data/datasets.csv': `${DATASET_COLUMNS.join(',')}\n`,
      'data/changelog.csv': `${CHANGELOG_COLUMNS.join(',')}\n`,
    });
  });
});

describe('parseRegistry', () => {
  const parse = (files: Record<string, string>) => parseRegistryFiles(files);

  it('round-trips exactly: parse(serialize(x)) = x and serialize(parse(text)) = text', () => {
    const files = serializeRegistry(state);
    const parsed = parse(files);
    expect(parsed).toEqual({ ...state, datasets: [...state.datasets].sort((a, b) => a.repositoryId - b.repositoryId) });
    expect(serializeRegistry(parsed)).toEqual(files);
    expect(
      parseRegistry({ catalog: files['data/catalog.csv'], datasets: files['data/datasets.csv'], changelog: files['data/changelog.csv'] }),
    ).toEqual(parsed);
  });

  it('reads CRLF files, a BOM, blank lines, and columns in another order', () => {
    const datasets =
      '\uFEFFrepository_id,owner,repo,name,url,core,title,default_branch,last_commit,valid,s3_prefix,updated,status,reason\r\n\r\n7,o,r,n,https://x,false,T,main,,false,,2024-01-01T00:00:00Z,failed,x\r\n';
    const changelog = 'note,event,time,dataset,repository_id,commit,delivery\n"a\nb",listed,2024-01-01T00:00:00Z,o/n,7,,\n';
    const s = parseRegistry({ datasets, changelog });
    expect(s.datasets).toMatchObject([
      { repositoryId: 7, owner: 'o', core: false, valid: false, status: 'failed', reason: 'x', lastCommit: '' },
    ]);
    expect(s.changelog).toEqual([
      { time: '2024-01-01T00:00:00Z', event: 'listed', dataset: 'o/n', repositoryId: 7, commit: '', delivery: '', note: 'a\nb' },
    ]);
  });

  it('reads empty files (no header yet) as no rows', () => {
    expect(parseRegistry({ catalog: '', datasets: '', changelog: '' })).toEqual({ datasets: [], changelog: [] });
  });

  it.each([
    ['a wrong header', { datasets: 'repository_id,owner\n' }, /data\/datasets\.csv:1: the header must be .*missing repo/],
    ['an unknown column', { changelog: `${CHANGELOG_COLUMNS.join(',')},extra\n` }, /data\/changelog\.csv:1: .*unexpected extra/],
    ['a bad catalog header', { catalog: 'url,name\n' }, /data\/catalog\.csv:1: .*missing owner/],
    [
      'a bad status',
      { datasets: `${DATASET_COLUMNS.join(',')}\n1,o,r,n,u,true,t,main,,true,,2024-01-01T00:00:00Z,listed,\n` },
      /data\/datasets\.csv:2: status must be one of/,
    ],
    [
      'a bad boolean',
      { datasets: `${DATASET_COLUMNS.join(',')}\n1,o,r,n,u,yes,t,main,,true,,2024-01-01T00:00:00Z,failed,\n` },
      /:2: core must be true or false/,
    ],
    [
      'a bad id',
      { datasets: `${DATASET_COLUMNS.join(',')}\nx,o,r,n,u,true,t,main,,true,,2024-01-01T00:00:00Z,failed,\n` },
      /:2: repository_id must be a positive integer/,
    ],
    [
      'a repeated id',
      { datasets: `${DATASET_COLUMNS.join(',')}\n1,o,r,n,u,true,t,main,,true,,t,failed,\n1,o,r,n,u,true,t,main,,true,,t,failed,\n` },
      /:3: repository_id 1 repeats line 2/,
    ],
    [
      'an extra cell',
      { datasets: `${DATASET_COLUMNS.join(',')}\n1,o,r,n,u,true,t,main,,true,,t,failed,,oops\n` },
      /:2: 15 cells where the header has 14/,
    ],
  ])('refuses %s with the file and line', (_what, files, message) => {
    const all = { datasets: '', changelog: '', ...files };
    expect(() => parseRegistry(all)).toThrow(RegistryFormatError);
    expect(() => parseRegistry(all)).toThrow(message);
  });
});
