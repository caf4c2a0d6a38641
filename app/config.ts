/**
 * The App's configuration, read once from the environment (probot's `readEnvOptions(env)`
 * shape: the environment is a parameter). Every mistake is one AppConfigError naming the
 * variable, what is expected and an example; the CLI prints it and exits 2.
 */

import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, storageConfig, type StorageConfig } from '../src/adapters/s3/config.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './server.ts';

/** A bad or missing variable. Extends the storage ConfigError so every entry point maps it to exit 2. */
export class AppConfigError extends ConfigError {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message, {}, 'app-config');
  }
}

export interface RepoName {
  owner: string;
  repo: string;
}

/** Someone notified after each registry commit: a signed POST to `url`. */
export interface Subscriber {
  url: string;
  secret: string;
}

export interface AppConfig {
  appId: number;
  /** PEM (PKCS#1 or PKCS#8), as GitHub hands it out. */
  privateKey: string;
  /** Needed by `serve` only ('' for `reconcile`). */
  webhookSecret: string;
  port: number;
  /** Interface to listen on; default all. */
  host: string | undefined;
  webhookPath: string;
  /** REST API base: https://api.github.com, or https://HOST/api/v3 on Enterprise Server. */
  githubApiUrl: string;
  registry: RepoName & { branch: string | undefined };
  coreOrg: string;
  registryMode: 'commit' | 'pull-request';
  subscribers: Subscriber[];
  /** repository_dispatch (event_type `registry-updated`) targets after each registry commit. */
  dispatchRepos: RepoName[];
  /** The registry repo's workflow dispatched for datasets that do not run the Action; null: off. */
  publishWorkflow: string | null;
  /** Minutes between scheduled reconcile runs; 0: off. */
  reconcileIntervalMinutes: number;
  /** Where the feed and the registry's read copy go; null: no storage configured (feed off). */
  storage: StorageConfig | null;
  logLevel: LogLevel;
  /** Bounds on each HTTP connection of `serve` (timeouts, connections at once). */
  http: HttpLimits;
  /** Least time between two records of the follow-up queue's progress while work is done (0: after each task). */
  followUpRecordIntervalMs: number;
}

export type Env = Record<string, string | undefined>;

export const DEFAULTS = {
  port: 3000,
  webhookPath: '/api/github/webhooks',
  githubApiUrl: 'https://api.github.com',
  registryRepo: 'os-team/registry',
  coreOrg: 'os-data',
  registryMode: 'commit',
  publishWorkflow: 'publish.yml',
  reconcileIntervalMinutes: 60,
  logLevel: 'info',
  followUpRecordIntervalSeconds: 30,
} as const;

// GitHub's rules: owner 1-39 alphanumerics or single hyphens; repository names of [A-Za-z0-9._-].
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const WORKFLOW_FILE = /^[A-Za-z0-9._-]+\.ya?ml$/;

export interface ReadAppConfigOptions {
  /** `serve` needs the webhook secret; `reconcile` does not. Default 'serve'. */
  for?: 'serve' | 'reconcile';
  readFile?: (path: string) => string;
}

/** The App's configuration from `env` (see the README's table); throws AppConfigError. */
export function readAppConfig(env: Env, options: ReadAppConfigOptions = {}): AppConfig {
  const purpose = options.for ?? 'serve';
  const read = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const fail = (name: string, message: string): never => {
    throw new AppConfigError(name, `${name} ${message}`);
  };

  const appIdRaw =
    read('APP_ID') ?? fail('APP_ID', 'is not set: give the GitHub App\'s numeric id (App settings → "App ID"), e.g. APP_ID=123456.');
  if (!/^\d{1,12}$/.test(appIdRaw) || Number(appIdRaw) < 1)
    fail('APP_ID', `must be the App's numeric id like 123456 (got ${JSON.stringify(appIdRaw)}).`);
  const appId = Number(appIdRaw);

  const privateKey = readPrivateKey(env, options.readFile ?? ((p) => readFileSync(p, 'utf8')));

  const webhookSecret = env['WEBHOOK_SECRET'] ?? '';
  if (purpose === 'serve' && webhookSecret === '') {
    fail('WEBHOOK_SECRET', "is not set: give the webhook secret entered in the App's settings (GitHub signs every delivery with it).");
  }

  const portRaw = read('PORT');
  const port = portRaw === undefined ? DEFAULTS.port : /^\d{1,5}$/.test(portRaw) ? Number(portRaw) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) fail('PORT', `must be a port number 0-65535 like 3000 (got ${JSON.stringify(portRaw)}).`);

  const webhookPath = read('WEBHOOK_PATH') ?? DEFAULTS.webhookPath;
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(webhookPath))
    fail('WEBHOOK_PATH', `must be a URL path starting with "/" like "${DEFAULTS.webhookPath}" (got ${JSON.stringify(webhookPath)}).`);

  const githubApiUrl = parseHttpUrl(
    read('GITHUB_API_URL') ?? DEFAULTS.githubApiUrl,
    'GITHUB_API_URL',
    'https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server',
  );

  const registryRaw = read('REGISTRY_REPO') ?? DEFAULTS.registryRepo;
  const registry = parseRepoName(registryRaw, 'REGISTRY_REPO', DEFAULTS.registryRepo);
  const branch = read('REGISTRY_BRANCH');
  if (branch !== undefined && !/^[A-Za-z0-9._/-]+$/.test(branch))
    fail('REGISTRY_BRANCH', `must be a branch name like "main" (got ${JSON.stringify(branch)}).`);

  const coreOrg = read('CORE_ORG') ?? DEFAULTS.coreOrg;
  if (!OWNER.test(coreOrg))
    fail('CORE_ORG', `must be a GitHub organization login like "${DEFAULTS.coreOrg}" (got ${JSON.stringify(coreOrg)}).`);

  const mode = read('REGISTRY_MODE') ?? DEFAULTS.registryMode;
  if (mode !== 'commit' && mode !== 'pull-request')
    fail(
      'REGISTRY_MODE',
      `must be "commit" (write the registry's branch) or "pull-request" (open a pull request for review) (got ${JSON.stringify(mode)}).`,
    );

  const subscribers = parseSubscribers(read('SUBSCRIBERS'), read('SUBSCRIBER_SECRET'));

  const dispatchRepos = (read('DISPATCH_REPOS') ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((s) => parseRepoName(s, 'DISPATCH_REPOS', 'os-team/site'));

  const workflowRaw = env['PUBLISH_WORKFLOW'] === undefined ? DEFAULTS.publishWorkflow : env['PUBLISH_WORKFLOW'].trim();
  const publishWorkflow = workflowRaw === '' || workflowRaw === 'off' ? null : workflowRaw;
  if (publishWorkflow !== null && !WORKFLOW_FILE.test(publishWorkflow))
    fail(
      'PUBLISH_WORKFLOW',
      `must be a workflow file name in the registry repo's .github/workflows like "publish.yml", or "off" (got ${JSON.stringify(workflowRaw)}).`,
    );

  const intervalRaw = read('RECONCILE_INTERVAL');
  const reconcileIntervalMinutes = intervalRaw === undefined ? DEFAULTS.reconcileIntervalMinutes : Number(intervalRaw);
  if (!Number.isInteger(reconcileIntervalMinutes) || reconcileIntervalMinutes < 0 || reconcileIntervalMinutes > 10_080) {
    fail(
      'RECONCILE_INTERVAL',
      `must be whole minutes between scheduled reconcile runs, 0 to turn them off, at most 10080 (a week), like 60 (got ${JSON.stringify(intervalRaw)}).`,
    );
  }

  const seconds = (name: string, fallbackMs: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallbackMs;
    const value = /^\d{1,3}(\.\d{1,3})?$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value >= 0.1 && value <= 300))
      fail(name, `must be seconds from 0.1 to 300, like ${fallbackMs / 1000} (got ${JSON.stringify(raw)}).`);
    return Math.round(value * 1000);
  };
  const headersTimeoutMs = seconds('HTTP_HEADERS_TIMEOUT', DEFAULT_HTTP_LIMITS.headersTimeoutMs);
  const requestTimeoutMs = seconds('HTTP_REQUEST_TIMEOUT', Math.max(DEFAULT_HTTP_LIMITS.requestTimeoutMs, headersTimeoutMs));
  if (requestTimeoutMs < headersTimeoutMs)
    fail(
      'HTTP_REQUEST_TIMEOUT',
      `must be at least HTTP_HEADERS_TIMEOUT (${headersTimeoutMs / 1000} s): the headers are part of the request.`,
    );
  const keepAliveTimeoutMs = seconds('HTTP_KEEP_ALIVE_TIMEOUT', DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs);
  const connectionsRaw = read('HTTP_MAX_CONNECTIONS');
  const maxConnections =
    connectionsRaw === undefined ? DEFAULT_HTTP_LIMITS.maxConnections : /^\d{1,6}$/.test(connectionsRaw) ? Number(connectionsRaw) : 0;
  if (maxConnections < 1)
    fail(
      'HTTP_MAX_CONNECTIONS',
      `must be a whole number of connections of 1 or more, like ${DEFAULT_HTTP_LIMITS.maxConnections} (got ${JSON.stringify(connectionsRaw)}).`,
    );

  const recordRaw = read('FOLLOW_UP_RECORD_INTERVAL');
  const recordSeconds =
    recordRaw === undefined
      ? DEFAULTS.followUpRecordIntervalSeconds
      : /^\d{1,3}(\.\d{1,3})?$/.test(recordRaw)
        ? Number(recordRaw)
        : Number.NaN;
  if (!(recordSeconds >= 0 && recordSeconds <= 300)) {
    fail(
      'FOLLOW_UP_RECORD_INTERVAL',
      `must be seconds from 0 to 300 between two records of the follow-up progress (0: after each notification or dispatch), like ${DEFAULTS.followUpRecordIntervalSeconds} (got ${JSON.stringify(recordRaw)}).`,
    );
  }

  const logLevel = (read('LOG_LEVEL') ?? DEFAULTS.logLevel) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    fail('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(read('LOG_LEVEL'))}).`);

  return {
    appId,
    privateKey,
    webhookSecret,
    port,
    host: read('HOST'),
    webhookPath,
    githubApiUrl,
    registry: { ...registry, branch },
    coreOrg,
    registryMode: mode as AppConfig['registryMode'],
    subscribers,
    dispatchRepos,
    publishWorkflow,
    reconcileIntervalMinutes,
    storage: storageConfig(env),
    logLevel,
    http: { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections },
    followUpRecordIntervalMs: Math.round(recordSeconds * 1000),
  };
}

function readPrivateKey(env: Env, readFile: (path: string) => string): string {
  const inline = env['PRIVATE_KEY']?.trim();
  const path = env['PRIVATE_KEY_PATH']?.trim();
  let pem: string;
  let from: string;
  if (inline) {
    // Hosting dashboards often keep a PEM on one line with literal "\n" sequences.
    pem = inline.includes('\\n') && !inline.includes('\n') ? inline.replaceAll('\\n', '\n') : inline;
    from = 'PRIVATE_KEY';
  } else if (path) {
    from = 'PRIVATE_KEY_PATH';
    try {
      pem = readFile(path);
    } catch (e) {
      throw new AppConfigError(
        from,
        `PRIVATE_KEY_PATH names ${JSON.stringify(path)}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): give the path of the .pem file downloaded from the App's settings.`,
      );
    }
  } else {
    throw new AppConfigError(
      'PRIVATE_KEY',
      'PRIVATE_KEY is not set: give the App\'s private key (the PEM text, "-----BEGIN RSA PRIVATE KEY-----..."), or PRIVATE_KEY_PATH with the path of the .pem file.',
    );
  }
  if (!/-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(pem)) {
    throw new AppConfigError(
      from,
      `${from} must hold a PEM private key starting with "-----BEGIN RSA PRIVATE KEY-----" (the .pem file from the App's settings); got something else.`,
    );
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`a ${key.asymmetricKeyType} key`);
  } catch (e) {
    throw new AppConfigError(
      from,
      `${from} is not a usable RSA private key (${e instanceof Error ? e.message : String(e)}): download a new key in the App's settings.`,
    );
  }
  return pem;
}

function parseHttpUrl(value: string, name: string, expected: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppConfigError(name, `${name} must be an http(s) URL: ${expected} (got ${JSON.stringify(value)}).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppConfigError(name, `${name} must be an http(s) URL: ${expected} (got ${JSON.stringify(value)}).`);
  return value.replace(/\/+$/, '');
}

function parseRepoName(value: string, name: string, example: string): RepoName {
  const m = /^([^/]+)\/([^/]+)$/.exec(value);
  if (!m || !OWNER.test(m[1]!) || !REPO.test(m[2]!) || m[2] === '.' || m[2] === '..') {
    throw new AppConfigError(name, `${name} must be OWNER/REPO like "${example}" (got ${JSON.stringify(value)}).`);
  }
  return { owner: m[1]!, repo: m[2]! };
}

/**
 * SUBSCRIBERS is either a comma-separated list of URLs, all signed with SUBSCRIBER_SECRET, or a
 * JSON array `[{"url": "...", "secret": "..."}]` for one secret each (an entry without one uses
 * SUBSCRIBER_SECRET). Every subscriber must end up with a secret: notifications are always signed.
 */
export function parseSubscribers(raw: string | undefined, sharedSecret: string | undefined): Subscriber[] {
  if (raw === undefined) return [];
  const entries: Array<{ url: string; secret?: string }> = [];
  if (raw.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new AppConfigError(
        'SUBSCRIBERS',
        `SUBSCRIBERS starts with "[" but is not valid JSON (${e instanceof Error ? e.message : String(e)}): use [{"url": "https://example.org/hook", "secret": "..."}] or a comma-separated list of URLs.`,
      );
    }
    const bad = (): never => {
      throw new AppConfigError(
        'SUBSCRIBERS',
        'SUBSCRIBERS as JSON must be an array of {"url": "https://...", "secret": "..."} objects (secret optional when SUBSCRIBER_SECRET is set).',
      );
    };
    if (!Array.isArray(parsed)) bad();
    for (const item of parsed as unknown[]) {
      if (typeof item !== 'object' || item === null) bad();
      const { url, secret } = item as { url?: unknown; secret?: unknown };
      if (typeof url !== 'string' || (secret !== undefined && typeof secret !== 'string')) bad();
      entries.push({ url: url as string, ...(typeof secret === 'string' && secret !== '' ? { secret } : {}) });
    }
  } else {
    for (const url of raw.split(/[\s,]+/).filter(Boolean)) entries.push({ url });
  }
  return entries.map(({ url, secret }) => {
    let u: URL | undefined;
    try {
      u = new URL(url);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      throw new AppConfigError(
        'SUBSCRIBERS',
        `SUBSCRIBERS lists ${JSON.stringify(url)}, which is not an http(s) URL like "https://example.org/os-datastore-hook".`,
      );
    }
    const s = secret ?? sharedSecret;
    if (s === undefined) {
      throw new AppConfigError(
        'SUBSCRIBER_SECRET',
        `SUBSCRIBER_SECRET is not set and the subscriber ${u.origin} has no secret of its own: notifications are always signed; set SUBSCRIBER_SECRET (or a "secret" per subscriber in SUBSCRIBERS' JSON form).`,
      );
    }
    return { url: u.toString(), secret: s };
  });
}
