/** The committed bundle and sub-actions must be what `npm run build` makes from the sources now. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testdir } from '../support/tmp.ts';

const run = promisify(execFile);

describe('dist/', () => {
  it('matches a fresh build (run `npm run build` and commit dist/ and actions/ if this fails)', async () => {
    const out = await testdir();
    await run(process.execPath, ['scripts/build.mjs', join(out, 'dist')]);
    for (const file of ['dist/index.js', 'dist/pass-worker.js', 'actions/validate/action.yml', 'actions/publish/action.yml']) {
      const fresh = await readFile(join(out, file), 'utf8');
      const committed = await readFile(file, 'utf8');
      expect(committed === fresh, `${file} is stale: run npm run build and commit it`).toBe(true);
    }
  });
});
