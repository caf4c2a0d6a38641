/** The Action's source run once through @github/local-action (which stubs @actions/core), as `npm run local-action` does. */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../support/tmp.ts';

describe('@github/local-action', () => {
  it('runs src/action/run.ts on an example dataset and reports its outputs', async () => {
    const tmp = await testdir();
    const envFile = join(tmp, '.env');
    await writeFile(
      envFile,
      [
        'INPUT_PATH=examples/city-budget',
        'INPUT_MODE=validate',
        'GITHUB_EVENT_NAME=pull_request',
        'GITHUB_REPOSITORY=os-team/datastore',
        `GITHUB_WORKSPACE=${process.cwd()}`,
        `RUNNER_TEMP=${tmp}`,
        `GITHUB_STEP_SUMMARY=${join(tmp, 'summary.md')}`,
      ].join('\n') + '\n',
    );
    await writeFile(join(tmp, 'summary.md'), '');
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        'npx',
        ['local-action', '.', 'src/action/run.ts', envFile],
        { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout) => resolve({ code: err ? 1 : 0, stdout }),
      );
    });
    expect(stdout).toContain('::set-output name=valid::true');
    expect(stdout).toContain('::set-output name=error-count::0');
    expect(stdout).not.toContain('failed unexpectedly');
    expect(code).toBe(0);
    expect(JSON.parse(await readFile(join(tmp, 'os-datastore', 'report.json'), 'utf8')).valid).toBe(true);
  });
});
