/**
 * The App's pure parts: configuration from the environment (one sentence naming the variable),
 * event routing (which deliveries trigger which re-reads), notification signatures, the
 * "runs the Action" detection. Real recorded payloads from @octokit/webhooks-examples.
 */

import { generateKeyPairSync } from 'node:crypto';
import { verify } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { AppConfigError, parseSubscribers, readAppConfig } from '../../src/config/app.ts';
import { routeEvent } from '../../app/route-event.ts';
import { signBody, usesTheAction, verifyBody } from '../../src/notify/index.ts';
import { examplePayload } from '../support/webhook.ts';

const pem = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
const base = { APP_ID: '123456', PRIVATE_KEY: pem, WEBHOOK_SECRET: 'hook-secret' };

const errorOf = (f: () => unknown): AppConfigError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppConfigError) return e;
    throw e;
  }
  throw new Error('no error');
};

describe('readAppConfig', () => {
  it('has defaults for everything but the App id, key and webhook secret', () => {
    const c = readAppConfig(base);
    expect(c).toMatchObject({
      appId: 123456,
      webhookSecret: 'hook-secret',
      port: 3000,
      webhookPath: '/api/github/webhooks',
      githubApiUrl: 'https://api.github.com',
      registry: { owner: 'os-team', repo: 'registry', branch: undefined },
      coreOrg: 'os-data',
      registryMode: 'commit',
      subscribers: [],
      dispatchRepos: [],
      publishWorkflow: 'publish.yml',
      reconcileIntervalMinutes: 60,
      storage: null,
      logLevel: 'info',
      followUpRecordIntervalMs: 30_000,
    });
  });

  it('reads every variable', () => {
    const c = readAppConfig({
      ...base,
      PORT: '8080',
      WEBHOOK_PATH: '/hooks/github',
      GITHUB_API_URL: 'https://ghe.example.org/api/v3/',
      REGISTRY_REPO: 'openspending/registry',
      REGISTRY_BRANCH: 'live',
      CORE_ORG: 'core-data',
      REGISTRY_MODE: 'pull-request',
      SUBSCRIBERS: 'https://a.example.org/hook, https://b.example.org/hook',
      SUBSCRIBER_SECRET: 's3cret',
      DISPATCH_REPOS: 'openspending/site,openspending/api',
      PUBLISH_WORKFLOW: 'off',
      RECONCILE_INTERVAL: '0',
      LOG_LEVEL: 'debug',
      OS_STORAGE_BUCKET_NAME: 'openspending-data',
      FOLLOW_UP_RECORD_INTERVAL: '2.5',
    });
    expect(c).toMatchObject({
      port: 8080,
      webhookPath: '/hooks/github',
      githubApiUrl: 'https://ghe.example.org/api/v3',
      registry: { owner: 'openspending', repo: 'registry', branch: 'live' },
      coreOrg: 'core-data',
      registryMode: 'pull-request',
      subscribers: [
        { url: 'https://a.example.org/hook', secret: 's3cret' },
        { url: 'https://b.example.org/hook', secret: 's3cret' },
      ],
      dispatchRepos: [
        { owner: 'openspending', repo: 'site' },
        { owner: 'openspending', repo: 'api' },
      ],
      publishWorkflow: null,
      reconcileIntervalMinutes: 0,
      logLevel: 'debug',
      storage: { bucket: 'openspending-data' },
      followUpRecordIntervalMs: 2500,
    });
  });

  it('takes the key from PRIVATE_KEY_PATH, or from one line with literal \\n', () => {
    expect(readAppConfig({ ...base, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: '/keys/app.pem' }, { readFile: () => pem }).privateKey).toBe(
      pem,
    );
    expect(readAppConfig({ ...base, PRIVATE_KEY: pem.trim().replaceAll('\n', '\\n') }).privateKey).toBe(pem.trim());
    expect(
      errorOf(() =>
        readAppConfig(
          { ...base, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: '/nope.pem' },
          {
            readFile: () => {
              throw Object.assign(new Error('x'), { code: 'ENOENT' });
            },
          },
        ),
      ).message,
    ).toMatch(/^PRIVATE_KEY_PATH names "\/nope.pem", which cannot be read \(ENOENT\)/);
  });

  it.each([
    [{ APP_ID: undefined }, 'APP_ID', /^APP_ID is not set/],
    [{ APP_ID: '12ab' }, 'APP_ID', /^APP_ID must be the App's numeric id like 123456 \(got "12ab"\)/],
    [{ PRIVATE_KEY: undefined }, 'PRIVATE_KEY', /^PRIVATE_KEY is not set/],
    [{ PRIVATE_KEY: 'ghp_notakey' }, 'PRIVATE_KEY', /^PRIVATE_KEY must hold a PEM private key/],
    [
      { PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----' },
      'PRIVATE_KEY',
      /^PRIVATE_KEY is not a usable RSA private key/,
    ],
    [{ WEBHOOK_SECRET: '' }, 'WEBHOOK_SECRET', /^WEBHOOK_SECRET is not set/],
    [{ PORT: '70000' }, 'PORT', /^PORT must be a port number/],
    [{ PORT: '3000abc' }, 'PORT', /^PORT must be a port number/],
    [{ WEBHOOK_PATH: 'hooks' }, 'WEBHOOK_PATH', /^WEBHOOK_PATH must be a URL path starting with "\/"/],
    [{ GITHUB_API_URL: 'ghe.example.org' }, 'GITHUB_API_URL', /^GITHUB_API_URL must be an http\(s\) URL/],
    [{ REGISTRY_REPO: 'registry' }, 'REGISTRY_REPO', /^REGISTRY_REPO must be OWNER\/REPO like "os-team\/registry" \(got "registry"\)/],
    [{ CORE_ORG: 'os data' }, 'CORE_ORG', /^CORE_ORG must be a GitHub organization login/],
    [{ REGISTRY_MODE: 'pr' }, 'REGISTRY_MODE', /^REGISTRY_MODE must be "commit" .* \(got "pr"\)/],
    [
      { SUBSCRIBERS: 'https://a.example.org/hook' },
      'SUBSCRIBER_SECRET',
      /^SUBSCRIBER_SECRET is not set and the subscriber https:\/\/a\.example\.org has no secret/,
    ],
    [
      { SUBSCRIBERS: 'ftp://a.example.org', SUBSCRIBER_SECRET: 'x' },
      'SUBSCRIBERS',
      /^SUBSCRIBERS lists "ftp:\/\/a\.example\.org", which is not an http\(s\) URL/,
    ],
    [{ SUBSCRIBERS: '[{"url": 1}]' }, 'SUBSCRIBERS', /^SUBSCRIBERS as JSON must be an array of/],
    [{ SUBSCRIBERS: '[oops' }, 'SUBSCRIBERS', /^SUBSCRIBERS starts with "\[" but is not valid JSON/],
    [{ DISPATCH_REPOS: 'site' }, 'DISPATCH_REPOS', /^DISPATCH_REPOS must be OWNER\/REPO/],
    [{ PUBLISH_WORKFLOW: 'publish' }, 'PUBLISH_WORKFLOW', /^PUBLISH_WORKFLOW must be a workflow file name/],
    [{ RECONCILE_INTERVAL: '1.5' }, 'RECONCILE_INTERVAL', /^RECONCILE_INTERVAL must be whole minutes/],
    [
      { FOLLOW_UP_RECORD_INTERVAL: '301' },
      'FOLLOW_UP_RECORD_INTERVAL',
      /^FOLLOW_UP_RECORD_INTERVAL must be seconds from 0 to 300 .* \(got "301"\)/,
    ],
    [{ FOLLOW_UP_RECORD_INTERVAL: '-1' }, 'FOLLOW_UP_RECORD_INTERVAL', /^FOLLOW_UP_RECORD_INTERVAL must be seconds from 0 to 300/],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', /^LOG_LEVEL must be one of debug, info, warn, error/],
  ] as Array<[Record<string, string | undefined>, string, RegExp]>)('%o → names %s', (env, variable, message) => {
    const e = errorOf(() => readAppConfig({ ...base, ...env }));
    expect(e.variable).toBe(variable);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(pem.slice(40, 80));
  });

  it('reconcile does not need the webhook secret', () => {
    expect(readAppConfig({ ...base, WEBHOOK_SECRET: undefined }, { for: 'reconcile' }).webhookSecret).toBe('');
  });

  it('SUBSCRIBERS as JSON gives each subscriber its own secret', () => {
    expect(parseSubscribers('[{"url": "https://a.example.org/h", "secret": "a"}, {"url": "https://b.example.org/h"}]', 'shared')).toEqual([
      { url: 'https://a.example.org/h', secret: 'a' },
      { url: 'https://b.example.org/h', secret: 'shared' },
    ]);
  });
});

describe('routeEvent (recorded payloads)', () => {
  const push = (ref: string): Record<string, unknown> => {
    const p = examplePayload('push');
    p['ref'] = ref;
    p['after'] = 'a'.repeat(40);
    return p;
  };

  it('push: the default branch only', () => {
    const p = push('refs/heads/main');
    const repo = p['repository'] as { id: number; default_branch: string };
    repo.default_branch = 'main';
    expect(routeEvent('push', 'd1', p)).toMatchObject({
      kind: 'queue',
      repos: [{ repositoryId: repo.id, deliveryId: 'd1', event: 'push', push: { commit: 'a'.repeat(40) } }],
      sweeps: [],
      reconcile: false,
    });
    expect(routeEvent('push', 'd1', { ...push('refs/heads/feature'), repository: repo })).toMatchObject({ kind: 'ignore' });
    expect(routeEvent('push', 'd1', { ...push('refs/tags/v1'), repository: repo })).toMatchObject({ kind: 'ignore' });
  });

  it.each(['created', 'deleted', 'renamed', 'transferred', 'archived', 'unarchived', 'privatized', 'publicized', 'edited'])(
    'repository.%s re-reads the repository',
    (action) => {
      const p = { ...examplePayload('repository', 'publicized'), action };
      expect(routeEvent('repository', 'd', p)).toMatchObject({ kind: 'queue', repos: [{ event: `repository.${action}` }] });
    },
  );

  it('installation: created/unsuspend sweep the installation, deleted re-reads the listed repositories, suspend (no list) reconciles', () => {
    const created = examplePayload('installation', 'created');
    const id = (created['installation'] as { id: number }).id;
    expect(routeEvent('installation', 'd', created)).toMatchObject({ kind: 'queue', sweeps: [{ installationId: id }], reconcile: false });
    expect(routeEvent('installation', 'd', examplePayload('installation', 'deleted'))).toMatchObject({
      kind: 'queue',
      repos: [{ event: 'installation.deleted' }],
      sweeps: [],
      reconcile: false,
    });
    expect(routeEvent('installation', 'd', examplePayload('installation', 'suspend'))).toMatchObject({
      kind: 'queue',
      repos: [],
      sweeps: [],
      reconcile: true,
    });
    expect(routeEvent('installation', 'd', examplePayload('installation', 'unsuspend'))).toMatchObject({
      kind: 'queue',
      sweeps: [{ event: 'installation.unsuspend' }],
    });
    expect(routeEvent('installation', 'd', examplePayload('installation', 'new_permissions_accepted'))).toMatchObject({ kind: 'ignore' });
  });

  it('installation_repositories: added and removed', () => {
    const added = examplePayload('installation_repositories', 'added');
    const removed = examplePayload('installation_repositories', 'removed');
    expect(routeEvent('installation_repositories', 'd', added)).toMatchObject({
      kind: 'queue',
      repos: [{ event: 'installation_repositories.added' }],
    });
    expect(routeEvent('installation_repositories', 'd', removed)).toMatchObject({
      kind: 'queue',
      repos: [{ event: 'installation_repositories.removed' }],
    });
  });

  it('anything else is ignored, including malformed payloads', () => {
    expect(routeEvent('ping', 'd', examplePayload('ping'))).toMatchObject({ kind: 'ignore' });
    expect(routeEvent('issues', 'd', {})).toMatchObject({ kind: 'ignore' });
    expect(routeEvent('push', 'd', [])).toMatchObject({ kind: 'ignore' });
    expect(routeEvent('push', 'd', { ref: 'refs/heads/main', repository: { id: 'x', default_branch: 'main' } })).toMatchObject({
      kind: 'ignore',
    });
  });
});

describe('notification signatures', () => {
  it("are GitHub's: @octokit/webhooks-methods verifies them", async () => {
    const body = JSON.stringify({ event: 'registry.updated', commit: 'abc' });
    const sig = signBody('s3cret', body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verify('s3cret', body, sig)).toBe(true);
    expect(verifyBody('s3cret', body, sig)).toBe(true);
    expect(verifyBody('other', body, sig)).toBe(false);
    expect(verifyBody('s3cret', `${body} `, sig)).toBe(false);
    expect(verifyBody('s3cret', body, undefined)).toBe(false);
  });
});

describe('usesTheAction', () => {
  it.each([
    ['      - uses: os-team/datastore@v1', true],
    ['      - uses: "os-team/datastore@main"', true],
    ["    - uses: 'OS-Team/Datastore/actions/publish@v1.2.0'", true],
    ['      - uses: os-team/datastore-fork@v1', false],
    ['      # - uses: os-team/datastore@v1', false],
    ['      - uses: actions/checkout@v4', false],
  ])('%s → %s', (line, expected) => {
    expect(usesTheAction(`jobs:\n  a:\n    steps:\n${line}\n`)).toBe(expected);
  });

  it('reads CR-only and CRLF line breaks, and a line of 1,000,000 carriage returns or spaces finishes', () => {
    expect(usesTheAction('jobs:\r  a:\r    steps:\r      - uses: os-team/datastore@v1\r')).toBe(true);
    expect(usesTheAction('jobs:\r\n    steps:\r\n      - uses: os-team/datastore@v1\r\n')).toBe(true);
    expect(usesTheAction(`${'\r'.repeat(1_000_000)}x`)).toBe(false);
    expect(usesTheAction(`${' -'.repeat(500_000)}x`)).toBe(false);
  });
});
