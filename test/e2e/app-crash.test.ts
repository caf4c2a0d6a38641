/**
 * A crash with follow-up work owed: `os-datastore serve` as a child process (production
 * settings: GitHub's 1 s write spacing), killed with SIGKILL while one publish dispatch is under
 * way; the next App, started on the same (fake) GitHub, sends what was owed and nothing that was
 * done. The work done before the kill is known from the progress record the App keeps in the
 * registry repository (FOLLOW_UP_RECORD_INTERVAL=0: recorded after each task).
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startSubscriber } from '../support/subscriber.ts';
import { deliver, pushPayload, startAppWorld } from '../support/webhook.ts';

const BIN = fileURLToPath(new URL('../../bin/os-datastore.js', import.meta.url));
const DISPATCH = /^\/repos\/os-team\/registry\/actions\/workflows\/publish\.yml\/dispatches$/;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, test: () => boolean | Promise<boolean>, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

describe('a crash with follow-up owed', () => {
  it('the next start sends what was owed once, and nothing that was done', async () => {
    const sub = await startSubscriber();
    const config = { publishWorkflow: 'publish.yml', subscribers: [{ url: sub.url, secret: sub.secret }] };
    // The fake GitHub, its registry and installations (this first App only sets them up).
    const w0 = await startAppWorld({ config });
    await w0.app.close();
    const { fake } = w0;
    const ids = ['alpha', 'beta', 'gamma'].map((n) => w0.addDataset('os-data', n));
    // Two dispatches go through; the third is held until after the kill, then answered 503.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.inject({ method: 'POST', path: DISPATCH, after: 2, times: 1, status: 503, before: () => held });

    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        APP_ID: String(fake.app.id),
        PRIVATE_KEY: fake.app.privateKeyPem,
        WEBHOOK_SECRET: fake.app.webhookSecret,
        GITHUB_API_URL: fake.url,
        HOST: '127.0.0.1',
        PORT: '0',
        RECONCILE_INTERVAL: '0',
        PUBLISH_WORKFLOW: 'publish.yml',
        SUBSCRIBERS: sub.url,
        SUBSCRIBER_SECRET: sub.secret,
        FOLLOW_UP_RECORD_INTERVAL: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const exited = once(child, 'exit');
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    const lines = (): Array<Record<string, unknown>> =>
      out.split('\n').flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : []));
    await until('the App listens', () => lines().some((l) => l['msg'] === 'listening'));
    const hook = String(lines().find((l) => l['msg'] === 'listening')!['url']);

    for (const id of ids)
      expect((await deliver(hook, fake.app.webhookSecret, 'push', pushPayload(fake, id, w0.coreInstallation))).status).toBe(202);
    await until(
      'the three datasets are listed',
      () => (fake.readFile(w0.registry, 'main', 'data/catalog.csv') ?? '').split('\n').length === 5,
    );
    const commit = fake.headSha(w0.registry)!;

    // Wait until the record says: the subscriber and two publishes are done for this commit.
    const recordedDone = async (): Promise<string[]> => {
      const ref = await fetch(`${fake.url}/repos/os-team/registry/git/ref/os-datastore/follow-up`, {
        headers: { authorization: `token ${fake.token}` },
      });
      if (ref.status !== 200) return [];
      const sha = ((await ref.json()) as { object: { sha: string } }).object.sha;
      const c = (await (
        await fetch(`${fake.url}/repos/os-team/registry/git/commits/${sha}`, { headers: { authorization: `token ${fake.token}` } })
      ).json()) as { message: string };
      const i = c.message.indexOf('{');
      return i < 0 ? [] : ((JSON.parse(c.message.slice(i)) as { done: Record<string, string[]> }).done[commit] ?? []);
    };
    await until('the subscriber and two publishes are recorded done', async () => {
      const done = await recordedDone();
      return done.filter((k) => k.startsWith('publish:')).length === 2 && done.some((k) => k.startsWith('subscriber:'));
    });
    expect(fake.requests.some((r) => r.method === 'POST' && DISPATCH.test(r.path) && r.status === 0)).toBe(true);

    child.kill('SIGKILL');
    await exited;
    release();
    const before = fake.dispatches.length;
    expect(before).toBe(2);
    expect(sub.accepted()).toHaveLength(1);

    const b = await startAppWorld({ fake, config });
    await b.settle();
    const published = fake.dispatches.flatMap((d) => (d.type === 'workflow_dispatch' ? [String(d.inputs['repository'])] : []));
    expect(published.sort()).toEqual(['os-data/alpha', 'os-data/beta', 'os-data/gamma']);
    expect(sub.accepted()).toHaveLength(1);
    expect(b.app.followUp.stats()).toMatchObject({ pending: 0, done: 1, failed: 0 });
    expect(b.logs.filter((l) => l['level'] === 'error')).toEqual([]);
  });
});
