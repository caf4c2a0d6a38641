/**
 * The import directions of eslint.config.js (README, "Architecture rules"), checked by running
 * ESLint's own API on source text placed in each layer: a deliberate violation is reported with
 * the rule's message, and the same import from where it is allowed is not. (The tree as it is
 * passes the rule: `npm run lint`, part of `npm test`.)
 */

import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd });

/** The no-restricted-imports messages ESLint gives for `code` as if it were the file at `path` (relative to the repository). */
async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${cwd}${path}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import directions (eslint.config.js)', { timeout: 60_000 }, () => {
  it('the core never imports an adapter, an entry, the use-case layer or a vendor SDK', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['src/validate/table/probe.ts', "import { createFsSource } from '../../adapters/fs/source.ts';", /ports/],
      ['src/site/probe.ts', "import { createS3Store } from '../adapters/s3/store.ts';", /ports/],
      ['src/registry/edit-probe.ts', "import { Octokit } from '@octokit/rest';", /Octokit stays/],
      ['src/mirror/plan-probe.ts', "import { S3Client } from '@aws-sdk/client-s3';", /S3 SDK/],
      ['src/aggregate/probe.ts', "import { Worker } from 'node:worker_threads';", /Threads are runtime I\/O/],
      ['src/migrate/convert.ts', "import { runCli } from '../cli/main.ts';", /Entries/],
      ['src/read/probe.ts', "import { createApp } from '../../app/index.ts';", /The App/],
      ['src/cache/key.ts', "import { checkPackage } from '../pipeline/check.ts';", /use-case layer/],
      ['src/package/probe.ts', "import { readConfig } from '../config/env.ts';", /Configuration/],
    ];
    for (const [path, code, message] of cases) {
      const found = await restricted(path, `${code}\nexport const probe = 1;\n`);
      expect(found, `${path}: ${code}`).toHaveLength(1);
      expect(found[0], path).toMatch(message);
    }
  });

  it('src/package imports nothing from src/validate', async () => {
    const found = await restricted(
      'src/package/probe.ts',
      "import type { Report } from '../validate/report.ts';\nexport type R = Report;\n",
    );
    expect(found).toEqual([expect.stringMatching(/src\/package is below src\/validate/)]);
  });

  it('the registry and notifications reach GitHub through the port, never the Octokit adapter', async () => {
    for (const path of ['src/registry/writer.ts', 'src/notify/dispatch.ts']) {
      const found = await restricted(
        path,
        "import type { GitHubClient } from '../adapters/github/octokit.ts';\nexport type C = GitHubClient;\n",
      );
      expect(found, path).toEqual([expect.stringMatching(/ports/)]);
    }
  });

  it('adapters never import an entry', async () => {
    const found = await restricted(
      'src/adapters/s3/probe.ts',
      "import { runAction } from '../../action/run.ts';\nexport const r = runAction;\n",
    );
    expect(found).toEqual([expect.stringMatching(/Entries/)]);
  });

  it('the same imports are allowed where they belong: entries and adapters use SDKs and adapters', async () => {
    expect(
      await restricted('src/cli/probe.ts', "import { createS3Store } from '../adapters/s3/store.ts';\nexport const s = createS3Store;\n"),
    ).toEqual([]);
    expect(await restricted('app/probe.ts', "import { Octokit } from '@octokit/rest';\nexport const o = Octokit;\n")).toEqual([]);
    expect(
      await restricted('src/adapters/github/probe.ts', "import { Octokit } from '@octokit/rest';\nexport const o = Octokit;\n"),
    ).toEqual([]);
    expect(
      await restricted('src/validate/probe.ts', "import { problem } from '../package/problem.ts';\nexport const p = problem;\n"),
    ).toEqual([]);
  });
});
