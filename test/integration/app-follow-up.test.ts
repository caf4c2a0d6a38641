/**
 * The App's follow-up queue (app/follow-up.ts) with real parts: a real App server, signed
 * deliveries, the local GitHub REST server holding the registry, a real subscriber. Slow or
 * failing follow-up is made at the fake GitHub (requests held at a gate, or answered 503), so
 * the tests assert order and observable state, never timings:
 *
 * - a burst of new repositories, then one push: the push is listed while every dispatch is still
 *   owed (they are held), and each is sent once when they are let through;
 * - a restart with follow-up owed sends it once: what the first App did is recorded in the
 *   registry repository and not sent again; what it had not done is sent by the next start;
 * - dispatch failures are retried with backoff, then reported (log, /healthz); a missing
 *   workflow is reported at once;
 * - a clean run logs no error line (a 404 for a missing workflow folder is the normal answer);
 * - with a store (s3rver on loopback), each registry commit's follow-up rewrites the catalog
 *   (`index.html` at the root) from the registry copy it writes: a newly registered dataset is
 *   listed (linked when it is published there), a removed one no longer, a dataset only
 *   published in the store (not registered) never, and a hostile title is shown as text.
 */

import { describe, expect, it } from 'vitest';
import { openGitDataset } from '../../src/adapters/git/dataset.ts';
import { publishDataset } from '../../src/pipeline/publish.ts';
import { gitdir } from '../support/git.ts';
import { startS3 } from '../support/s3.ts';
import type { Fault } from '../support/github-server.ts';
import { startSubscriber } from '../support/subscriber.ts';
import { datasetFiles, installationPayload, pushPayload, repositoryPayload, startAppWorld, type AppWorld } from '../support/webhook.ts';

const DISPATCH = /^\/repos\/os-team\/registry\/actions\/workflows\/[^/]+\/dispatches$/;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A gate: requests wait at it until `open()`. */
function gate(): { wait: () => Promise<void>; open: () => void } {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { wait: () => p, open };
}

async function until(what: string, test: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

const published = (w: AppWorld): string[] =>
  w.fake.dispatches.flatMap((d) => (d.type === 'workflow_dispatch' ? [String(d.inputs['repository'])] : []));
const errors = (w: AppWorld): Array<Record<string, unknown>> => w.logs.filter((l) => l['level'] === 'error');
const health = async (w: AppWorld): Promise<Record<string, unknown>> =>
  (await (await fetch(w.hook.replace('/api/github/webhooks', '/healthz'))).json()) as Record<string, unknown>;

describe('the follow-up queue', () => {
  it('a burst of new repositories, then one push: the push is listed while every dispatch is still owed', async () => {
    const w = await startAppWorld({ config: { publishWorkflow: 'publish.yml' } });
    const held = gate();
    w.fake.inject({ method: 'POST', path: DISPATCH, times: Infinity, before: held.wait });

    // An organisation installs the App on all its repositories: 40 new datasets, an installation
    // delivery and a push delivery each.
    const burst = Array.from({ length: 40 }, (_, i) => w.addDataset('burst-org', `set-${String(i).padStart(2, '0')}`));
    const org = w.fake.addInstallation({ account: 'burst-org' });
    const acks = await Promise.all([
      w.send('installation', installationPayload(w.fake, org, 'created', burst.slice(0, 5))),
      ...burst.map((id) => w.push(id, org)),
    ]);
    expect(acks.map((r) => r.status)).toEqual(acks.map(() => 202));
    await w.app.queue.drain();
    expect(w.catalog()).toHaveLength(40);

    // One ordinary push meanwhile: its registry commit does not wait for the 40 dispatches.
    const single = w.addDataset('os-data', 'ordinary');
    expect((await w.push(single)).status).toBe(202);
    await w.app.queue.drain();
    expect(w.catalog()).toContain('https://github.com/os-data/ordinary,ordinary,os-data');
    expect(published(w)).toEqual([]);
    const owed = w.app.followUp.stats();
    expect(owed.pending).toBe(41);
    expect(owed.commits).toBeGreaterThanOrEqual(2);
    const h = await health(w);
    expect(h['followUp']).toMatchObject({ pending: 41, failed: 0 });
    expect((h['followUp'] as { oldestAgeSeconds: number }).oldestAgeSeconds).toBeGreaterThanOrEqual(0);

    held.open();
    await w.settle();
    const sent = published(w);
    expect(sent).toHaveLength(41);
    expect(new Set(sent)).toEqual(new Set([...burst.map((id) => w.fake.getRepo(id).fullName), 'os-data/ordinary']));
    expect(w.app.followUp.stats()).toMatchObject({ pending: 0, failed: 0, done: 41 });
    expect(errors(w)).toEqual([]);
  });

  it('a restart with follow-up owed sends it once: not again what was done, not never what was not', async () => {
    const sub = await startSubscriber();
    const config = { publishWorkflow: 'publish.yml', subscribers: [{ url: sub.url, secret: sub.secret }] };
    const a = await startAppWorld({ config, app: { followUpDrainTimeoutMs: 100 } });
    const ids = ['one', 'two', 'three'].map((n) => a.addDataset('os-data', n));
    // The first two dispatches go through; the third is held, then answered 503 (after the App stopped).
    const held = gate();
    a.fake.inject({ method: 'POST', path: DISPATCH, after: 2, times: 1, status: 503, before: held.wait });
    await Promise.all(ids.map((id) => a.push(id)));
    await a.app.queue.drain();
    const commit = a.fake.headSha(a.registry)!;
    await until(
      'two dispatches were sent and the third is under way',
      () => published(a).length === 2 && a.fake.requests.some((r) => r.method === 'POST' && DISPATCH.test(r.path) && r.status === 0),
    );
    await sub.waitForAccepted(1);

    await a.app.close();
    held.open();
    expect(a.logs.some((l) => l['msg'] === 'follow-up owed at shutdown is left for the next start')).toBe(true);

    // The next start, on the same GitHub: it reads the record and sends only the third dispatch.
    const b = await startAppWorld({ fake: a.fake, config });
    await b.settle();
    expect(published(b).sort()).toEqual(['os-data/one', 'os-data/three', 'os-data/two']);
    expect(sub.accepted().map((d) => (d.body as { commit: string }).commit)).toEqual([commit]);
    expect(b.logs.find((l) => l['msg'] === 'follow-up owed from before this start')).toMatchObject({ commits: 1 });
    expect(b.app.followUp.stats()).toMatchObject({ pending: 0, done: 1, failed: 0 });

    // And a third start finds nothing owed.
    await b.app.close();
    const c = await startAppWorld({ fake: a.fake, config });
    await c.settle();
    expect(published(c)).toHaveLength(3);
    expect(c.app.followUp.stats()).toMatchObject({ pending: 0, done: 0 });
    expect(sub.accepted()).toHaveLength(1);
  });

  it('a dispatch GitHub keeps failing is retried with backoff, then reported; a missing workflow is reported at once', async () => {
    const w = await startAppWorld({
      config: { publishWorkflow: 'publish.yml' },
      app: { githubRetries: 0, followUp: { retry: { baseMs: 20, maxMs: 40, maxAttempts: 3 } } },
    });
    const id = w.addDataset('os-data', 'unlucky');
    const failing: Fault = { method: 'POST', path: DISPATCH, times: 3, status: 503 };
    w.fake.inject(failing);
    await w.push(id);
    await w.settle();
    expect(published(w)).toEqual([]);
    expect(w.fake.requests.filter((r) => r.method === 'POST' && DISPATCH.test(r.path)).map((r) => r.status)).toEqual([503, 503, 503]);
    expect(w.logs.filter((l) => l['msg'] === 'follow-up failed; retrying')).toHaveLength(2);
    const reported = errors(w);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({
      msg: 'follow-up failed after 3 attempts; giving up',
      kind: 'publish',
      target: 'os-data/unlucky',
      attempts: 3,
      status: 503,
    });
    const h = (await health(w))['followUp'] as Record<string, unknown>;
    expect(h).toMatchObject({
      pending: 0,
      failed: 1,
      lastFailures: [expect.objectContaining({ kind: 'publish', target: 'os-data/unlucky', attempts: 3 })],
    });

    // A workflow the registry does not have: GitHub's 404 will not change by asking again.
    const v = await startAppWorld({ config: { publishWorkflow: 'missing.yml' } });
    const other = v.addDataset('os-data', 'orphan');
    await v.push(other);
    await v.settle();
    expect(errors(v)).toEqual([
      expect.objectContaining({
        msg: 'follow-up failed; not retried (the answer will not change)',
        kind: 'publish',
        attempts: 1,
        status: 404,
        error: expect.stringContaining('missing.yml'),
      }),
    ]);
    expect(v.app.followUp.stats()).toMatchObject({ pending: 0, failed: 1 });
  });

  it('a clean run logs no error line', async () => {
    const sub = await startSubscriber();
    const w = await startAppWorld({ config: { publishWorkflow: 'publish.yml', subscribers: [{ url: sub.url, secret: sub.secret }] } });
    const plain = w.addDataset('os-data', 'plain');
    const withAction = w.addDataset('os-data', 'with-action', {
      files: {
        ...datasetFiles('with-action', 'os-data'),
        '.github/workflows/datastore.yml':
          'on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: os-team/datastore@v1\n',
      },
    });
    const invalid = w.addDataset('os-data', 'invalid', { descriptorOwner: 'someone-else' });
    const renamed = w.addDataset('os-data', 'old-name');
    await Promise.all([plain, withAction, invalid, renamed].map((id) => w.push(id)));
    await w.settle();
    w.fake.renameRepo(renamed, 'new-name');
    await w.send('repository', repositoryPayload(w.fake, renamed, 'renamed', w.coreInstallation));
    const gone = pushPayload(w.fake, plain, w.coreInstallation);
    w.fake.deleteRepo(plain);
    await w.send('repository', repositoryPayload(w.fake, withAction, 'edited', w.coreInstallation));
    await w.send('push', gone);
    await w.settle();

    // GitHub answered 404 for the workflow folders of datasets without one: normal, not an error.
    expect(w.fake.requests.some((r) => r.status === 404 && r.path.endsWith('/contents/.github/workflows'))).toBe(true);
    expect(published(w)).toEqual(['os-data/plain', 'os-data/old-name']);
    expect(sub.accepted().length).toBeGreaterThanOrEqual(2);
    expect(errors(w)).toEqual([]);
    expect(w.logs.filter((l) => l['level'] === 'warn')).toEqual([]);
  });

  it('each registry commit rewrites the catalog from the registry copy it writes to the store', async () => {
    const s3 = await startS3();
    const w = await startAppWorld({ app: { store: s3.store } });
    const row = (html: string, name: string): string =>
      html.split('\n').find((l) => l.startsWith('<tr ') && l.includes(`<td data-value="${name}">`)) ?? `no row for ${name}`;
    const catalog = async (): Promise<string> => Buffer.from((await s3.store.get('index.html')) ?? new Uint8Array()).toString('utf8');
    // Published in the store by the Action: one that will be registered, one that never is.
    await publishDataset(await openGitDataset(await gitdir(datasetFiles('roads', 'os-data'))), s3.store);
    await publishDataset(await openGitDataset(await gitdir(datasetFiles('unlisted', 'os-data'))), s3.store);

    const roads = w.addDataset('os-data', 'roads');
    const hostile = w.addDataset('os-data', 'hostile', {
      files: datasetFiles('hostile', 'os-data', { title: '<script>alert(1)</script> & <b>bold</b>' }),
    });
    await Promise.all([w.push(roads), w.push(hostile)]);
    await w.settle();
    let html = await catalog();
    expect(html).toContain('<a href="datasets/os-data/roads/index.html">roads</a>');
    // Registered but not published in the store: listed, not linked, "not published".
    expect(row(html, 'hostile')).toContain('<td data-value="hostile">hostile <span class="core">(core)</span>');
    expect(row(html, 'hostile')).toContain('not published');
    expect(row(html, 'roads')).not.toContain('not published');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('unlisted');
    expect(html).toContain('2 datasets');

    // A new dataset is registered, the hostile one is deleted: the next commit's catalog follows.
    const bridges = w.addDataset('os-data', 'bridges');
    await w.push(bridges);
    const deleted = repositoryPayload(w.fake, hostile, 'deleted', w.coreInstallation);
    w.fake.deleteRepo(hostile);
    await w.send('repository', deleted);
    await w.settle();
    html = await catalog();
    expect(row(html, 'bridges')).toContain('<td data-value="bridges">bridges ');
    expect(html).not.toContain('hostile');
    expect(html).toContain('roads');
    expect(html).toContain('2 datasets');
    // Built from the copy written for the registry's last commit, which is in the store too.
    const registryCsv = Buffer.from((await s3.store.get('registry/data/datasets.csv'))!).toString('utf8');
    expect(registryCsv).toBe(w.fake.readFile(w.registry, 'main', 'data/datasets.csv'));
    expect(w.logs.filter((l) => l['level'] === 'error')).toEqual([]);
  });
});
