/**
 * Webhook deliveries as GitHub sends them: the raw JSON body signed with HMAC-SHA256
 * (@octokit/webhooks-methods `sign`, the same code GitHub's own libraries verify with) and
 * GitHub's headers. Payloads come from @octokit/webhooks-examples (real recorded payloads),
 * adapted to the fake GitHub's repositories: ids, names, owner, default branch, visibility, the
 * pushed ref and commit, and the installation id are replaced; everything else is as recorded.
 */

import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sign } from '@octokit/webhooks-methods';
import { onTestFinished } from 'vitest';
import { DEFAULT_HTTP_LIMITS, type AppConfig } from '../../src/config/app.ts';
import { createApp, type App, type AppOptions } from '../../app/index.ts';
import { createJsonLogger, type LogLevel } from '../../app/log.ts';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions, type RepoRef } from './github-server.ts';

export interface DeliverOptions {
  deliveryId?: string;
  /** Override the signature; null leaves the header out. */
  signature?: string | null;
  /** Override or remove (null) headers. */
  headers?: Record<string, string | null>;
  /** Send this body instead of JSON.stringify(payload) (signed unless `signature` says otherwise). */
  rawBody?: string | Uint8Array;
}

export interface DeliveryResponse {
  status: number;
  body: unknown;
  deliveryId: string;
  /** Round trip, in milliseconds. */
  ms: number;
}

/** POSTs a signed delivery of `event` to `url` with GitHub's headers. */
export async function deliver(
  url: string,
  secret: string,
  event: string,
  payload: unknown,
  options: DeliverOptions = {},
): Promise<DeliveryResponse> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const body = options.rawBody ?? JSON.stringify(payload);
  const signature =
    options.signature === undefined
      ? await sign(secret, typeof body === 'string' ? body : Buffer.from(body).toString('utf8'))
      : options.signature;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/4d63832',
    'x-github-event': event,
    'x-github-delivery': deliveryId,
    'x-github-hook-id': '292430182',
    'x-github-hook-installation-target-type': 'integration',
    'x-github-hook-installation-target-id': '424242',
  };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    if (v === null) delete headers[k];
    else headers[k] = v;
  }
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  const ms = performance.now() - t0;
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, deliveryId, ms };
}

// --- recorded payloads, adapted ---------------------------------------------------------------

type Json = Record<string, unknown>;
interface ExampleEvent {
  name: string;
  actions: string[];
  examples: Json[];
}

let examples: ExampleEvent[] | undefined;
function allExamples(): ExampleEvent[] {
  examples ??= createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as ExampleEvent[];
  return examples;
}

/** A deep copy of a recorded payload of `event` (with `action`, when given). */
export function examplePayload(event: string, action?: string): Json {
  const e = allExamples().find((x) => x.name === event);
  const found = e?.examples.find((x) => action === undefined || x['action'] === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}${action ? `.${action}` : ''} payload`);
  return structuredClone(found);
}

/** The recorded repository object, re-pointed at a fake repository (as GitHub would describe it now). */
function repositoryJson(fake: FakeGitHub, ref: RepoRef, template: Json): Json {
  const r = fake.getRepo(ref);
  const owner = { ...(template['owner'] as Json), login: r.owner, name: r.owner };
  return {
    ...template,
    id: r.id,
    node_id: Buffer.from(`010:Repository${r.id}`).toString('base64'),
    name: r.name,
    full_name: r.fullName,
    private: r.private,
    visibility: r.private ? 'private' : 'public',
    archived: r.archived,
    owner,
    html_url: `https://github.com/${r.fullName}`,
    url: `https://api.github.com/repos/${r.fullName}`,
    default_branch: r.defaultBranch,
    ...('master_branch' in template ? { master_branch: r.defaultBranch } : {}),
  };
}

/** The short repository object of installation payloads. */
function shortRepo(fake: FakeGitHub, ref: RepoRef): Json {
  const r = fake.getRepo(ref);
  return {
    id: r.id,
    node_id: Buffer.from(`010:Repository${r.id}`).toString('base64'),
    name: r.name,
    full_name: r.fullName,
    private: r.private,
  };
}

/** A push of `branch` (default: the default branch) at its tip, through installation `installationId`. */
export function pushPayload(
  fake: FakeGitHub,
  ref: RepoRef,
  installationId: number,
  options: { branch?: string; after?: string } = {},
): Json {
  const p = examplePayload('push');
  const r = fake.getRepo(ref);
  const branch = options.branch ?? r.defaultBranch;
  const after = options.after ?? fake.headSha(ref, branch) ?? '0'.repeat(40);
  p['ref'] = `refs/heads/${branch}`;
  p['before'] = '0'.repeat(40);
  p['after'] = after;
  p['created'] = false;
  p['deleted'] = false;
  p['repository'] = repositoryJson(fake, ref, p['repository'] as Json);
  p['installation'] = { id: installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return p;
}

/** A `repository` event (`renamed`, `deleted`, `privatized`, ...) describing the repository as it is now. */
export function repositoryPayload(fake: FakeGitHub, ref: RepoRef, action: string, installationId: number, extra: Json = {}): Json {
  // The examples have no `deleted` payload: GitHub sends the same shape, so another action's is re-labelled.
  const p =
    action === 'deleted' ? { ...examplePayload('repository', 'publicized'), action: 'deleted' } : examplePayload('repository', action);
  p['repository'] = repositoryJson(fake, ref, p['repository'] as Json);
  p['installation'] = { id: installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return { ...p, ...extra };
}

/** `installation_repositories` added/removed. */
export function installationRepositoriesPayload(
  fake: FakeGitHub,
  installationId: number,
  changes: { added?: RepoRef[]; removed?: RepoRef[] },
): Json {
  const action = (changes.added?.length ?? 0) > 0 ? 'added' : 'removed';
  const p = examplePayload('installation_repositories', action);
  p['repositories_added'] = (changes.added ?? []).map((r) => shortRepo(fake, r));
  p['repositories_removed'] = (changes.removed ?? []).map((r) => shortRepo(fake, r));
  p['installation'] = { ...(p['installation'] as Json), id: installationId };
  return p;
}

/** `installation` created/deleted/suspend/unsuspend; repositories listed as GitHub lists them for created/deleted. */
export function installationPayload(
  fake: FakeGitHub,
  installationId: number,
  action: 'created' | 'deleted' | 'suspend' | 'unsuspend',
  repos: RepoRef[] = [],
): Json {
  const p = examplePayload('installation', action);
  p['installation'] = { ...(p['installation'] as Json), id: installationId };
  if (action === 'created' || action === 'deleted') p['repositories'] = repos.map((r) => shortRepo(fake, r));
  return p;
}

// --- an App under test ------------------------------------------------------------------------

/** A valid OpenSpending descriptor (descriptor level) naming `owner`. */
export function datasetDescriptor(name: string, owner: string, extra: Json = {}): string {
  return `${JSON.stringify(
    {
      name,
      title: `Spending of ${name}`,
      owner,
      profiles: ['openspending', 'tabular'],
      licenses: [
        {
          name: 'ODC-PDDL-1.0',
          path: 'http://opendatacommons.org/licenses/pddl/',
          title: 'Open Data Commons Public Domain Dedication and License v1.0',
        },
      ],
      mapping: {
        transaction: {
          value: { currency: 'EUR', factor: 1 },
          attributes: { id: ['spending/id'], amount: ['spending/amount'], date: ['spending/date'] },
        },
      },
      resources: [
        {
          name: 'spending',
          path: 'data/spending.csv',
          format: 'csv',
          schema: {
            fields: [
              { name: 'id', type: 'string' },
              { name: 'date', type: 'date' },
              { name: 'amount', type: 'number' },
            ],
            primaryKey: 'id',
          },
        },
      ],
      ...extra,
    },
    null,
    2,
  )}\n`;
}

/** The files of a dataset repository. */
export function datasetFiles(name: string, owner: string, extra: Json = {}): Record<string, string> {
  return {
    'datapackage.json': datasetDescriptor(name, owner, extra),
    'data/spending.csv': 'id,date,amount\n1,2024-01-02,10.5\n2,2024-02-03,20\n',
  };
}

/** registry-template/'s files (what a new registry repository starts from). */
export function registryTemplateFiles(): Record<string, string> {
  const root = fileURLToPath(new URL('../../registry-template/', import.meta.url));
  const out: Record<string, string> = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    out[relative(root, full).split(sep).join('/')] = readFileSync(full, 'utf8');
  }
  return out;
}

export interface AppWorld {
  fake: FakeGitHub;
  app: App;
  /** The webhook URL. */
  hook: string;
  secret: string;
  registry: string;
  registryInstallation: number;
  /** The App's installation on the core organization (all repositories). */
  coreInstallation: number;
  config: AppConfig;
  logs: Array<Record<string, unknown>>;
  /** A public dataset repository in `owner` with a valid descriptor (owner as given), committed on main. */
  addDataset(
    owner: string,
    name: string,
    options?: { descriptorOwner?: string; private?: boolean; files?: Record<string, string> },
  ): number;
  /** Delivers a push of the default branch's tip. */
  push(repo: RepoRef, installationId?: number, options?: { branch?: string; deliveryId?: string }): Promise<DeliveryResponse>;
  send(event: string, payload: unknown, options?: DeliverOptions): Promise<DeliveryResponse>;
  /** Waits until the queue is idle and the follow-up (notifications, dispatches) is done. */
  settle(): Promise<void>;
  /** catalog.csv rows (without the header) on the registry's main branch. */
  catalog(): string[];
  /** datasets.csv rows as objects. */
  datasets(): Array<Record<string, string>>;
  /** Commits on the registry's main branch, newest first. */
  registryCommits(): number;
}

export interface AppWorldOptions {
  config?: Partial<AppConfig>;
  app?: AppOptions;
  /** Leave everything running after the test (bench): call `close`. */
  keepOpen?: boolean;
  /** An existing fake GitHub (e.g. two Apps on one GitHub). */
  fake?: FakeGitHub;
  /** Lines below this level are not kept in `logs` (default debug). */
  logLevel?: LogLevel;
  /** Options of the fake GitHub started here (e.g. GitHub's secondary limit, `writesPerMinute`). */
  fakeOptions?: Omit<FakeGitHubOptions, 'keepOpen'>;
}

const CORE = 'os-data';

/**
 * A fake GitHub with a registry repository (from registry-template/, the App installed on it),
 * the App installed on the core organization, and a real App (app/index.ts) listening on
 * 127.0.0.1:0, configured as `serve` would configure it. Closed when the test finishes.
 */
export async function startAppWorld(options: AppWorldOptions = {}): Promise<AppWorld & { close(): Promise<void> }> {
  const fake = options.fake ?? (await startFakeGitHub({ ...options.fakeOptions, ...(options.keepOpen ? { keepOpen: true } : {}) }));
  const registry = 'os-team/registry';
  let registryInstallation: number;
  let coreInstallation: number;
  if (options.fake) {
    registryInstallation = installationOf(options.fake, 'os-team');
    coreInstallation = installationOf(options.fake, CORE);
  } else {
    fake.addRepo({ owner: 'os-team', name: 'registry' });
    fake.commit(registry, 'main', registryTemplateFiles(), 'A registry from registry-template/');
    registryInstallation = fake.addInstallation({ account: 'os-team', repos: [registry] });
    coreInstallation = fake.addInstallation({ account: CORE });
    installations.set(fake, { 'os-team': registryInstallation, [CORE]: coreInstallation });
  }
  const logs: Array<Record<string, unknown>> = [];
  const log = createJsonLogger({
    level: options.logLevel ?? 'debug',
    stream: { write: (line: string) => (logs.push(JSON.parse(line) as Record<string, unknown>), true) },
  });
  const config: AppConfig = {
    appId: fake.app.id,
    privateKey: fake.app.privateKeyPem,
    webhookSecret: fake.app.webhookSecret,
    port: 0,
    host: '127.0.0.1',
    webhookPath: '/api/github/webhooks',
    githubApiUrl: fake.url,
    registry: { owner: 'os-team', repo: 'registry', branch: undefined },
    coreOrg: CORE,
    registryMode: 'commit',
    subscribers: [],
    dispatchRepos: [],
    publishWorkflow: null,
    reconcileIntervalMinutes: 0,
    storage: null,
    logLevel: 'debug',
    http: DEFAULT_HTTP_LIMITS,
    followUpRecordIntervalMs: 0,
    ...options.config,
  };
  const app = await createApp(config, {
    log,
    writeIntervalMs: 0,
    writesPerMinute: Infinity,
    writesPerHour: Infinity,
    queue: { debounceMs: 50, retry: { baseMs: 50, maxMs: 500 } },
    notifyRetry: { baseMs: 20, timeoutMs: 5000 },
    followUp: { retry: { baseMs: 20, maxMs: 200 } },
    ...options.app,
  });
  const url = await app.listen(0);
  const close = (): Promise<void> => app.close();
  if (!options.keepOpen) onTestFinished(close);
  const hook = `${url}${config.webhookPath}`;
  const send = (event: string, payload: unknown, o?: DeliverOptions): Promise<DeliveryResponse> =>
    deliver(hook, config.webhookSecret, event, payload, o);
  const rows = (path: string): string[] =>
    (fake.readFile(registry, 'main', path) ?? '')
      .split('\n')
      .slice(1)
      .filter((l) => l !== '');
  return {
    fake,
    app,
    hook,
    secret: config.webhookSecret,
    registry,
    registryInstallation,
    coreInstallation,
    config,
    logs,
    close,
    addDataset(owner, name, o = {}) {
      const id = fake.addRepo({ owner, name, private: o.private ?? false });
      fake.commit(id, 'main', o.files ?? datasetFiles(name, o.descriptorOwner ?? owner), 'Add the dataset');
      return id;
    },
    push: (repo, installationId = coreInstallation, o = {}) =>
      send(
        'push',
        pushPayload(fake, repo, installationId, o.branch ? { branch: o.branch } : {}),
        o.deliveryId ? { deliveryId: o.deliveryId } : {},
      ),
    send,
    async settle() {
      // The registry first; its follow-up may be queued by the last batch, then the follow-up.
      await app.recovered;
      await app.queue.drain();
      await app.followUp.drain();
    },
    catalog: () => rows('data/catalog.csv'),
    datasets() {
      const [head, ...lines] = (fake.readFile(registry, 'main', 'data/datasets.csv') ?? '').split('\n').filter((l) => l !== '');
      const cols = (head ?? '').split(',');
      return lines.map((l) => Object.fromEntries(splitCsvLine(l).map((v, i) => [cols[i] ?? String(i), v])));
    },
    registryCommits: () => fake.log(registry).length,
  };
}

const installations = new WeakMap<FakeGitHub, Record<string, number>>();
function installationOf(fake: FakeGitHub, account: string): number {
  const id = installations.get(fake)?.[account];
  if (id === undefined) throw new Error(`no installation on ${account} in this fake (start the first App world on it without \`fake\`)`);
  return id;
}

/** One CSV line's cells (quotes as RFC 4180). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out;
}
