/**
 * The README's Configuration section lists every variable the code reads, once, and nothing
 * else; and only src/config/ reads settings from the environment.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../src/config/app.ts';
import { parseMigrateEnv } from '../../src/config/migrate.ts';
import type { Env } from '../../src/config/readers.ts';
import { parseStorageConfig } from '../../src/config/storage.ts';
import { useColor } from '../../src/config/terminal.ts';
import { parseThreads } from '../../src/config/threads.ts';

/** The variables `parse` reads from an environment holding `values` (every other variable unset). */
function variablesRead(values: Record<string, string>, parse: (env: Env) => unknown): Set<string> {
  const read = new Set<string>();
  const env = new Proxy(values, {
    get: (target, key) => {
      if (typeof key !== 'string') return undefined;
      read.add(key);
      return target[key];
    },
  });
  parse(env);
  return read;
}

/** Every variable the configuration module reads, each parse function driven down every branch that reads one. */
function everyVariable(): Set<string> {
  const all = new Set<string>();
  const add = (values: Record<string, string>, parse: (env: Env) => unknown): void => {
    for (const name of variablesRead(values, parse)) all.add(name);
  };
  add({ OS_STORAGE_BUCKET_NAME: 'os-data' }, (env) => parseStorageConfig(env));
  add({ APP_ID: '1', PRIVATE_KEY: 'x', WEBHOOK_SECRET: 's', OS_STORAGE_BUCKET_NAME: 'os-data' }, (env) => parseAppConfig(env));
  add({ APP_ID: '1', PRIVATE_KEY_PATH: '/k.pem' }, (env) => parseAppConfig(env, { for: 'reconcile' }));
  add({}, parseThreads);
  add({}, parseMigrateEnv);
  add({}, (env) => useColor(env, true));
  return all;
}

/** The variables named in the first cell of the tables of README's "## Configuration" section, with their counts. */
async function readmeVariables(): Promise<Map<string, number>> {
  const readme = await readFile('README.md', 'utf8');
  const start = readme.indexOf('\n## Configuration\n');
  expect(start, 'README has a "## Configuration" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  const counts = new Map<string, number>();
  for (const m of readme.slice(start, end).matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  return counts;
}

describe("README's Configuration section", () => {
  it('lists every variable the code reads, each in one row, and no other', async () => {
    const code = [...everyVariable()].sort();
    const readme = await readmeVariables();
    expect(code.length).toBeGreaterThan(30);
    expect([...readme.keys()].sort()).toEqual(code);
    for (const [name, count] of readme) expect(count, `${name} rows`).toBe(1);
  });
});

describe('settings are read in src/config/ only', () => {
  /** Reads of the environment outside src/config/ that are not settings: the runner's context, and environments handed to child processes. */
  const ALLOWED: Record<string, RegExp> = {
    'src/action/context.ts': /^(GITHUB_[A-Z_]+|RUNNER_TEMP|TMPDIR)$/,
    'src/action/run.ts': /^GITHUB_STEP_SUMMARY$/,
    'src/adapters/s3/embedded.ts': /^NODE_OPTIONS$/,
  };

  it('no other module reads a variable by name', async () => {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) await walk(path);
        else if (e.name.endsWith('.ts') && !path.startsWith('src/config/')) files.push(path);
      }
    };
    await walk('src');
    await walk('app');
    const found: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)\b|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) {
        const name = m[1] ?? m[2]!;
        if (!(ALLOWED[file]?.test(name) ?? false)) found.push(`${file}: ${name}`);
      }
    }
    expect(found).toEqual([]);
  });
});
