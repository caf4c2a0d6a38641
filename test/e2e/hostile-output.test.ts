/**
 * Hostile text through the built Action (dist/index.js, run as the runner runs it): the job summary
 * builds no HTML from the data and stays under GitHub's 1 MiB, annotations show controls escaped
 * and are cut, and the check run's summary and annotations keep within GitHub's limits.
 */
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { examplePayload, runBundle } from '../support/action.ts';
import { gitdir } from '../support/git.ts';

const REPO = 'Codertocat/Hello-World'; // the repository of the example payloads
const XSS = '<img src=x onerror=alert(1)>';
const CONTROLS = '\u001b[31m\u0007\u202Eevil';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** GitHub's limit on a step summary ("supports content up to a size of 1024k"). */
const STEP_SUMMARY_LIMIT = 1024 * 1024;

/** GitHub-flavoured Markdown to HTML with raw HTML let through, as GitHub reads it before sanitizing. */
const render = (md: string): string => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

const descriptor = (resourceName: string) => ({
  name: 'hello-world',
  owner: 'Codertocat',
  resources: [
    {
      name: resourceName,
      path: 'data/spending.csv',
      schema: {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'note', type: 'string' },
          { name: 'amount', type: 'number' },
        ],
      },
    },
  ],
});

describe('the Action on hostile data', () => {
  it('the job summary and the check run show markup from cells, labels and names as text; annotations show controls escaped and are cut', async () => {
    const { startFakeGitHub } = await import('../support/github-server.ts');
    const github = await startFakeGitHub();
    github.addRepo({ owner: 'Codertocat', name: 'Hello-World' });
    const payload = await examplePayload('pull_request.opened.0.json');
    // GitHub only takes check runs for commits it has: the PR head must exist there.
    const head = github.commit('Codertocat/Hello-World', 'feature', { 'README.md': 'hello' }, 'the PR head');
    (payload.pull_request as { head: { sha: string } }).head.sha = head;
    const big = `${XSS}${'x'.repeat(2 * 1024 * 1024)}`; // a 2 MB cell
    const csv = `id,note${XSS},amount\n1,x,${XSS}\n2,x,1${CONTROLS}\n3,x,[a](javascript:alert(1))\n4,x,${big}\n`;
    const run = await runBundle({
      workspace: await gitdir({ 'datapackage.json': descriptor(`sp${XSS}`), 'data/spending.csv': csv }),
      event: 'pull_request',
      payload,
      repository: REPO,
      inputs: { token: github.token },
      env: { GITHUB_API_URL: github.url },
    });
    expect(run.code).toBe(1);
    // the job summary: no element from the data once rendered; controls shown
    const html = render(run.summary);
    expect(html).not.toMatch(/<img|<a |<script/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;'); // shown, not obeyed
    expect(html).toContain('\\x1b[31m\\x07U+202Eevil');
    expect(run.summary).not.toMatch(RAW);
    // workflow-command annotations: controls escaped, the 2 MB cell quoted cut
    expect(run.stdout).not.toMatch(RAW);
    expect(run.annotations.find((a) => a.props.line === '3')?.message).toContain('"1\\x1b[31m\\x07U+202Eevil" is not a number');
    const bigOne = run.annotations.find((a) => a.props.line === '5');
    expect(bigOne?.message).toMatch(/"<img src=x onerror=alert\(1\)>x+…" is not a number/);
    expect(Buffer.byteLength(bigOne!.message)).toBeLessThan(4096);
    // the check run: summary escaped too, annotations within GitHub's limits (the fake refuses more)
    expect(run.stdout).not.toContain('the check run could not be created');
    const [check] = github.checkRuns('Codertocat/Hello-World');
    expect(check!.output.summary!.length).toBeLessThanOrEqual(65535);
    expect(render(check!.output.summary!)).not.toMatch(/<img|<a |<script/);
    expect(check!.annotations.length).toBe(run.annotations.length);
    expect(check!.annotations.every((a) => Buffer.byteLength(a.message) <= 64 * 1024 && !RAW.test(a.message))).toBe(true);
    github.assertNoViolations();
  });

  it('a 2 MB cell and thousands of problems: the summary stays under 1 MiB and ends with "N more problems"', async () => {
    const big = `${XSS}${'x'.repeat(2 * 1024 * 1024)}`;
    const rows = [`1,x,${big}`, ...Array.from({ length: 3000 }, (_, i) => `${i + 2},${XSS},bad${i}`)];
    const run = await runBundle({
      workspace: await gitdir({ 'datapackage.json': descriptor('spending'), 'data/spending.csv': `id,note,amount\n${rows.join('\n')}\n` }),
      event: 'pull_request',
      payload: await examplePayload('pull_request.opened.0.json'),
      repository: REPO,
    });
    expect(run.code).toBe(1);
    expect(run.outputs['error-count']).toBe('3001');
    expect(Buffer.byteLength(run.summary)).toBeLessThan(STEP_SUMMARY_LIMIT);
    expect(run.summary).toMatch(/\n… and \d+ more problems \(see the JSON report\)\n$/);
    expect(render(run.summary)).not.toMatch(/<img/);
    expect(run.annotations.length).toBeGreaterThan(0);
    for (const a of run.annotations) expect(Buffer.byteLength(a.message)).toBeLessThan(4096);
    expect(Buffer.byteLength(run.stdout)).toBeLessThan(1024 * 1024);
  });
});
