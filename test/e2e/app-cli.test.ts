/**
 * The App as an operator runs it (probot's e2e model): `os-datastore serve` as a child process,
 * configured only through the environment, pointed at the fake GitHub on loopback, receiving
 * real signed deliveries; SIGTERM drains the queue before it exits. Also `reconcile` and
 * `app manifest`, and a configuration mistake (one sentence naming the variable, exit 2).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/github-server.ts';
import { startSubscriber } from '../support/subscriber.ts';
import { datasetFiles, deliver, pushPayload, registryTemplateFiles } from '../support/webhook.ts';

const BIN = fileURLToPath(new URL('../../bin/os-datastore.js', import.meta.url));
const REGISTRY = 'os-team/registry';

interface World {
  fake: FakeGitHub;
  core: number;
  env: Record<string, string> & { WEBHOOK_SECRET: string };
}

async function world(): Promise<World> {
  const fake = await startFakeGitHub();
  fake.addRepo({ owner: 'os-team', name: 'registry' });
  fake.commit(REGISTRY, 'main', registryTemplateFiles(), 'A registry from registry-template/');
  fake.addInstallation({ account: 'os-team', repos: [REGISTRY] });
  const core = fake.addInstallation({ account: 'os-data' });
  const env = {
    APP_ID: String(fake.app.id),
    PRIVATE_KEY: fake.app.privateKeyPem,
    WEBHOOK_SECRET: fake.app.webhookSecret,
    GITHUB_API_URL: fake.url,
    HOST: '127.0.0.1',
    PORT: '0',
    RECONCILE_INTERVAL: '0',
    PUBLISH_WORKFLOW: 'off',
  };
  return { fake, core, env };
}

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string;
  exit: Promise<number | null>;
}

function cli(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { child, stdout: [], stderr: '', exit: once(child, 'exit').then(([code]) => code as number | null) };
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    const lines = (partial + s).split('\n');
    partial = lines.pop()!;
    run.stdout.push(...lines);
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (run.stderr += s));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return run;
}

async function lineMatching(
  run: Run,
  test: (line: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const l of run.stdout) {
      try {
        const parsed = JSON.parse(l) as Record<string, unknown>;
        if (test(parsed)) return parsed;
      } catch {
        // not a JSON line
      }
    }
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no such log line; stdout:\n${run.stdout.join('\n')}\nstderr:\n${run.stderr}`);
}

describe('os-datastore serve', () => {
  it("serves deliveries from the environment's configuration and drains its queue on SIGTERM", async () => {
    const { fake, core, env } = await world();
    const sub = await startSubscriber();
    const ids = ['north', 'south'].map((name) => {
      const id = fake.addRepo({ owner: 'os-data', name });
      fake.commit(id, 'main', datasetFiles(name, 'os-data'), 'data');
      return id;
    });
    const run = cli(['serve'], { ...env, SUBSCRIBERS: sub.url, SUBSCRIBER_SECRET: sub.secret, LOG_LEVEL: 'info' });
    const listening = await lineMatching(run, (l) => l['msg'] === 'listening');
    expect(listening).toMatchObject({ level: 'info', registry: REGISTRY, mode: 'commit', subscribers: 1, feed: 'off' });
    const hook = String(listening['url']);
    expect(hook).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/github\/webhooks$/);

    const first = await deliver(hook, env.WEBHOOK_SECRET, 'push', pushPayload(fake, ids[0]!, core));
    expect(first.status).toBe(202);
    await lineMatching(run, (l) => l['msg'] === 'registry updated');
    expect(fake.readFile(REGISTRY, 'main', 'data/catalog.csv')).toContain('https://github.com/os-data/north,north,os-data');

    // Accepted just before SIGTERM: still written before the process exits.
    expect((await deliver(hook, env.WEBHOOK_SECRET, 'push', pushPayload(fake, ids[1]!, core))).status).toBe(202);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(fake.readFile(REGISTRY, 'main', 'data/catalog.csv')).toContain('https://github.com/os-data/south,south,os-data');
    await lineMatching(run, (l) => l['msg'] === 'stopped' && l['drained'] === true);
    expect(sub.accepted().length).toBe(2);
    expect(sub.accepted().every((d) => d.verified)).toBe(true);
    // Every line is JSON, and none carries a secret.
    const all = run.stdout.filter((l) => l !== '');
    for (const l of all) expect(() => JSON.parse(l)).not.toThrow();
    expect(all.join('\n')).not.toContain(env.WEBHOOK_SECRET);
    expect(all.join('\n')).not.toContain('PRIVATE KEY');
    expect(await lineMatching(run, (l) => l['msg'] === 'delivery queued')).toMatchObject({
      deliveryId: first.deliveryId,
      event: 'push',
      installationId: core,
      repository: 'os-data/north',
    });
  });

  it('a missing or malformed variable is one sentence naming it, exit 2', async () => {
    const { env } = await world();
    const { WEBHOOK_SECRET: _ignored, ...noSecret } = env;
    const missing = cli(['serve'], noSecret);
    expect(await missing.exit).toBe(2);
    expect(missing.stderr).toMatch(/^os-datastore: WEBHOOK_SECRET is not set/);
    const malformed = cli(['serve'], { ...env, REGISTRY_MODE: 'yolo' });
    expect(await malformed.exit).toBe(2);
    expect(malformed.stderr).toMatch(/^os-datastore: REGISTRY_MODE must be "commit" .* \(got "yolo"\)\.\n$/);
    const notInstalled = cli(['serve'], { ...env, REGISTRY_REPO: 'os-team/elsewhere' });
    expect(await notInstalled.exit).toBe(2);
    expect(notInstalled.stderr).toMatch(/is not installed on the registry repository os-team\/elsewhere \(REGISTRY_REPO\)/);
  });
});

describe('os-datastore reconcile', () => {
  // Observed: the three datasets and the registry repository itself (never listed).
  it('commits what the installations hold and prints the changes; a second run finds nothing', async () => {
    const { fake, env } = await world();
    for (const name of ['lakes', 'rivers'])
      fake.commit(fake.addRepo({ owner: 'os-data', name }), 'main', datasetFiles(name, 'os-data'), 'data');
    fake.commit(fake.addRepo({ owner: 'os-data', name: 'spoof' }), 'main', datasetFiles('spoof', 'someone-else'), 'data');
    const { WEBHOOK_SECRET: _s, PORT: _p, ...reconcileEnv } = env;
    const first = cli(['reconcile'], reconcileEnv);
    expect(await first.exit).toBe(0);
    const out = first.stdout.join('\n');
    expect(out).toMatch(/^os-team\/registry: 3 change\(s\) from 4 repositories observed, commit [0-9a-f]{40}$/m);
    expect(out).toMatch(/listed\s+os-data\/lakes/);
    expect(out).toMatch(/os-data\/spoof/);
    expect(fake.readFile(REGISTRY, 'main', 'data/catalog.csv')).toBe(
      'url,name,owner\nhttps://github.com/os-data/lakes,lakes,os-data\nhttps://github.com/os-data/rivers,rivers,os-data\n',
    );
    const second = cli(['reconcile', '--json'], reconcileEnv);
    expect(await second.exit).toBe(0);
    expect(JSON.parse(second.stdout.join('\n'))).toMatchObject({ registry: REGISTRY, commit: null, changes: [], observed: 4 });
  });

  it('an empty registry repository is one sentence saying to create it from registry-template/, exit 2, no stack', async () => {
    const fake = await startFakeGitHub();
    fake.addRepo({ owner: 'os-team', name: 'registry' });
    fake.addInstallation({ account: 'os-team', repos: [REGISTRY] });
    const run = cli(['reconcile'], {
      APP_ID: String(fake.app.id),
      PRIVATE_KEY: fake.app.privateKeyPem,
      GITHUB_API_URL: fake.url,
      RECONCILE_INTERVAL: '0',
      PUBLISH_WORKFLOW: 'off',
    });
    expect(await run.exit).toBe(2);
    expect(run.stderr).toMatch(/^os-datastore: os-team\/registry is empty: create it from registry-template\/ .*\n$/);
    expect(run.stderr).not.toMatch(/internal error|please report|\n\s+at /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('os-datastore app manifest', () => {
  it('prints a manifest with the least permissions for the configuration', async () => {
    const run = cli(['app', 'manifest', '--url', 'https://datastore.example.org'], {});
    expect(await run.exit).toBe(0);
    const manifest = JSON.parse(run.stdout.join('\n')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: 'os-datastore',
      hook_attributes: { url: 'https://datastore.example.org/api/github/webhooks', active: true },
      redirect_url: 'https://datastore.example.org/',
      public: true,
      default_permissions: { metadata: 'read', contents: 'write', actions: 'write' },
      default_events: ['push', 'repository'],
    });
    expect(manifest['default_permissions']).not.toHaveProperty('pull_requests');
    expect(manifest['default_permissions']).not.toHaveProperty('checks');
    const pr = cli(['app', 'manifest', '--mode', 'pull-request', '--no-publish-dispatch'], {});
    expect(await pr.exit).toBe(0);
    expect(JSON.parse(pr.stdout.join('\n'))).toMatchObject({
      default_permissions: { metadata: 'read', contents: 'write', pull_requests: 'write' },
      hook_attributes: { url: 'https://YOUR-APP-HOST/api/github/webhooks' },
    });
    expect(JSON.parse(pr.stdout.join('\n'))['default_permissions']).not.toHaveProperty('actions');
  });

  it('follows the App configuration it will run with (REGISTRY_MODE, PUBLISH_WORKFLOW, WEBHOOK_PATH); a bad variable is exit 2', async () => {
    const run = cli(['app', 'manifest', '--url', 'https://datastore.example.org'], {
      REGISTRY_MODE: 'pull-request',
      PUBLISH_WORKFLOW: 'off',
      WEBHOOK_PATH: '/hooks/github',
    });
    expect(await run.exit).toBe(0);
    const manifest = JSON.parse(run.stdout.join('\n')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      hook_attributes: { url: 'https://datastore.example.org/hooks/github' },
      default_permissions: { metadata: 'read', contents: 'write', pull_requests: 'write' },
    });
    expect(manifest['default_permissions']).not.toHaveProperty('actions');
    const bad = cli(['app', 'manifest'], { REGISTRY_MODE: 'pr', WEBHOOK_PATH: 'hooks' });
    expect(await bad.exit).toBe(2);
    expect(bad.stdout.join('')).toBe('');
    expect(bad.stderr).toBe(
      'os-datastore: WEBHOOK_PATH must be a URL path starting with "/" like "/api/github/webhooks" (got "hooks"). REGISTRY_MODE must be "commit" (write the registry\'s branch) or "pull-request" (open a pull request for review) (got "pr").\n',
    );
  });
});
