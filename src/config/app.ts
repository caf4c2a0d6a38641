/**
 * The App's configuration (`serve`, `reconcile`, `app manifest`): parsed from the environment by
 * a pure function (probot's `readEnvOptions(env)` shape: the environment is a parameter) that
 * reports every bad variable at once; readAppConfig, the edge, reads the private key's file and
 * throws one AppConfigError naming the variables, what is expected and an example. The CLI
 * prints it and exits 2.
 */

import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LOG_LEVELS, type LogLevel } from '../log.ts';
import { ConfigError, configOrThrow, type ConfigProblem, type Parsed } from './problems.ts';
import { mustBe, SettingsReader, type Env, type Setting } from './readers.ts';
import { parseStorageConfig, type StorageConfig } from './storage.ts';
import { messageOf } from '../errors.ts';

/** A bad or missing variable of the App; `variable` names the first. A ConfigError, so every entry point maps it to exit 2. */
export class AppConfigError extends ConfigError {
  constructor(problems: readonly ConfigProblem[]) {
    super(problems, { code: 'app-config' });
  }

  get variable(): string {
    return this.setting;
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

/**
 * Bounds on each connection, so that a slow or idle client cannot hold the server: GitHub sends a
 * delivery at once and gives up after 10 s, so a request still arriving after that is not one.
 */
export interface HttpLimits {
  /** All the request's headers must have arrived within this (408, then the connection is closed). */
  headersTimeoutMs: number;
  /** The whole request, body included, within this (408). At least headersTimeoutMs. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; one more is closed as soon as it is accepted. */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 5000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5000,
  maxConnections: 256,
};

export interface AppConfig {
  /** 0 for `app manifest` (not needed). */
  appId: number;
  /** PEM (PKCS#1 or PKCS#8), as GitHub hands it out; '' for `app manifest`. */
  privateKey: string;
  /** Needed by `serve` only ('' for `reconcile` and `app manifest`). */
  webhookSecret: string;
  port: number;
  /** Interface to listen on; default all. */
  host: string | undefined;
  webhookPath: string;
  /** REST API base: https://api.github.com, or https://HOST/api/v3 on Enterprise Server. */
  githubApiUrl: string;
  registry: RepoName & { branch: string | undefined };
  coreOrg: string;
  registryMode: RegistryMode;
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

export const REGISTRY_MODES = ['commit', 'pull-request'] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

/** The App's defaults (the HTTP bounds: DEFAULT_HTTP_LIMITS; storage: src/config/storage.ts). */
export const APP_DEFAULTS = {
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
} as const satisfies Record<string, string | number>;

// GitHub's rules: owner 1-39 alphanumerics or single hyphens; repository names of [A-Za-z0-9._-].
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const WORKFLOW_FILE = /^[A-Za-z0-9._-]+\.ya?ml$/;

/** What the configuration is for: `serve` needs everything; `reconcile` no webhook secret; `app manifest` no id, key or secret. */
export type AppPurpose = 'serve' | 'reconcile' | 'manifest';

/** PRIVATE_KEY_PATH's file as the edge read it: its text, or why it could not be read (an errno code). */
export type PrivateKeyFile = { path: string; text: string } | { path: string; error: string };

export interface ParseAppConfigOptions {
  /** Default 'serve'. */
  for?: AppPurpose;
  /** PRIVATE_KEY_PATH's file, read by the caller (readAppConfig reads it when PRIVATE_KEY is unset). */
  privateKeyFile?: PrivateKeyFile;
}

/** The App's configuration from `env` (see the README's table) and every problem; pure. */
export function parseAppConfig(env: Env, options: ParseAppConfigOptions = {}): Parsed<AppConfig> {
  const purpose = options.for ?? 'serve';
  const r = new SettingsReader(env);

  let appId = 0;
  let privateKey = '';
  if (purpose !== 'manifest') {
    const id = r.setting('APP_ID');
    if (id.raw === undefined) r.missing(id, 'give the GitHub App\'s numeric id (App settings → "App ID"), e.g. APP_ID=123456.');
    appId = r.integer(id, { min: 1, max: 999_999_999_999, expected: "the App's numeric id like 123456" }) ?? 0;
    privateKey = parsePrivateKey(r, options.privateKeyFile) ?? '';
  }

  const webhookSecret = purpose === 'serve' ? (env['WEBHOOK_SECRET'] ?? '') : '';
  if (purpose === 'serve' && webhookSecret === '') {
    r.missing('WEBHOOK_SECRET', "give the webhook secret entered in the App's settings (GitHub signs every delivery with it).");
  }

  const port = r.integer('PORT', { min: 0, max: 65535, expected: `a port number 0-65535 like ${APP_DEFAULTS.port}` }) ?? APP_DEFAULTS.port;
  const webhookPath =
    r.string('WEBHOOK_PATH', {
      pattern: /^\/[A-Za-z0-9._~\-/]*$/,
      expected: `a URL path starting with "/" like "${APP_DEFAULTS.webhookPath}"`,
    }) ?? APP_DEFAULTS.webhookPath;
  const githubApiUrl = readGitHubApiUrl(r);

  const registrySetting = r.setting('REGISTRY_REPO');
  const registry =
    registrySetting.raw === undefined
      ? (repoName(APP_DEFAULTS.registryRepo) as RepoName)
      : (repoNameOf(r, registrySetting, registrySetting.raw, APP_DEFAULTS.registryRepo) ?? { owner: '', repo: '' });
  const branch = r.string('REGISTRY_BRANCH', { pattern: /^[A-Za-z0-9._/-]+$/, expected: 'a branch name like "main"' });

  const coreOrg = readCoreOrg(r);
  const registryMode =
    r.choice('REGISTRY_MODE', REGISTRY_MODES, {
      expected: '"commit" (write the registry\'s branch) or "pull-request" (open a pull request for review)',
    }) ?? APP_DEFAULTS.registryMode;

  const subscribers = subscribersOf(r, r.raw('SUBSCRIBERS'), r.raw('SUBSCRIBER_SECRET'));

  const dispatch = r.setting('DISPATCH_REPOS');
  const dispatchRepos = r.list(dispatch).flatMap((item) => repoNameOf(r, dispatch, item, 'os-team/site') ?? []);

  // Unset: the default; set but empty, or "off": no dispatch.
  const workflowRaw = env['PUBLISH_WORKFLOW'] === undefined ? APP_DEFAULTS.publishWorkflow : env['PUBLISH_WORKFLOW'].trim();
  let publishWorkflow: string | null = workflowRaw === '' || workflowRaw === 'off' ? null : workflowRaw;
  if (publishWorkflow !== null && !WORKFLOW_FILE.test(publishWorkflow)) {
    r.invalid(r.setting('PUBLISH_WORKFLOW'), 'a workflow file name in the registry repo\'s .github/workflows like "publish.yml", or "off"');
    publishWorkflow = null;
  }

  const reconcileIntervalMinutes =
    r.integer('RECONCILE_INTERVAL', {
      min: 0,
      max: 10_080,
      expected: `whole minutes between scheduled reconcile runs, 0 to turn them off, at most 10080 (a week), like ${APP_DEFAULTS.reconcileIntervalMinutes}`,
    }) ?? APP_DEFAULTS.reconcileIntervalMinutes;

  const http = httpLimitsOf(r);

  const recordSeconds =
    r.decimal('FOLLOW_UP_RECORD_INTERVAL', {
      min: 0,
      max: 300,
      decimals: 3,
      expected: `seconds from 0 to 300 between two records of the follow-up progress (0: after each notification or dispatch), like ${APP_DEFAULTS.followUpRecordIntervalSeconds}`,
    }) ?? APP_DEFAULTS.followUpRecordIntervalSeconds;

  const logLevel = r.choice('LOG_LEVEL', LOG_LEVELS) ?? APP_DEFAULTS.logLevel;

  const storage = parseStorageConfig(env);

  return {
    config: {
      appId,
      privateKey,
      webhookSecret,
      port,
      host: r.raw('HOST'),
      webhookPath,
      githubApiUrl,
      registry: { ...registry, branch },
      coreOrg,
      registryMode,
      subscribers,
      dispatchRepos,
      publishWorkflow,
      reconcileIntervalMinutes,
      storage: storage.config,
      logLevel,
      http,
      followUpRecordIntervalMs: Math.round(recordSeconds * 1000),
    },
    problems: [...r.problems, ...storage.problems],
  };
}

export interface ReadAppConfigOptions {
  /** Default 'serve'. */
  for?: AppPurpose;
  readFile?: (path: string) => string;
}

/**
 * The App's configuration from `env`, reading PRIVATE_KEY_PATH's file when PRIVATE_KEY is unset;
 * throws one AppConfigError with every problem.
 */
export function readAppConfig(env: Env, options: ReadAppConfigOptions = {}): AppConfig {
  const purpose = options.for ?? 'serve';
  const path = env['PRIVATE_KEY_PATH']?.trim();
  let privateKeyFile: PrivateKeyFile | undefined;
  if (purpose !== 'manifest' && !env['PRIVATE_KEY']?.trim() && path) {
    try {
      privateKeyFile = { path, text: (options.readFile ?? ((p) => readFileSync(p, 'utf8')))(path) };
    } catch (e) {
      privateKeyFile = { path, error: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
  }
  return configOrThrow(parseAppConfig(env, { for: purpose, ...(privateKeyFile && { privateKeyFile }) }), AppConfigError);
}

function parsePrivateKey(r: SettingsReader, file: PrivateKeyFile | undefined): string | undefined {
  const inline = r.raw('PRIVATE_KEY');
  let pem: string;
  let from: string;
  if (inline) {
    // Hosting dashboards often keep a PEM on one line with literal "\n" sequences.
    pem = inline.includes('\\n') && !inline.includes('\n') ? inline.replaceAll('\\n', '\n') : inline;
    from = 'PRIVATE_KEY';
  } else if (r.has('PRIVATE_KEY_PATH')) {
    from = 'PRIVATE_KEY_PATH';
    const path = file?.path ?? r.raw('PRIVATE_KEY_PATH') ?? '';
    if (file === undefined || 'error' in file) {
      return r.problem(
        from,
        `PRIVATE_KEY_PATH names ${JSON.stringify(path)}, which cannot be read (${file && 'error' in file ? file.error : 'not read'}): give the path of the .pem file downloaded from the App's settings.`,
      );
    }
    pem = file.text;
  } else {
    return r.missing(
      'PRIVATE_KEY',
      'give the App\'s private key (the PEM text, "-----BEGIN RSA PRIVATE KEY-----..."), or PRIVATE_KEY_PATH with the path of the .pem file.',
    );
  }
  if (!/-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(pem)) {
    return r.problem(
      from,
      `${from} must hold a PEM private key starting with "-----BEGIN RSA PRIVATE KEY-----" (the .pem file from the App's settings); got something else.`,
    );
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`a ${key.asymmetricKeyType} key`);
  } catch (e) {
    return r.problem(from, `${from} is not a usable RSA private key (${messageOf(e)}): download a new key in the App's settings.`);
  }
  return pem;
}

/** CORE_ORG (the App's and the migration's): a GitHub organization login, default APP_DEFAULTS.coreOrg. */
/** GITHUB_API_URL: the REST API the App (and `migrate --create-repos` with a token) talks to. */
export function readGitHubApiUrl(r: SettingsReader): string {
  return (
    r.url('GITHUB_API_URL', {
      expected: `an http(s) URL: ${APP_DEFAULTS.githubApiUrl}, or https://HOST/api/v3 for GitHub Enterprise Server`,
    }) ?? APP_DEFAULTS.githubApiUrl
  );
}

export function readCoreOrg(r: SettingsReader): string {
  return (
    r.string('CORE_ORG', { pattern: OWNER, expected: `a GitHub organization login like "${APP_DEFAULTS.coreOrg}"` }) ?? APP_DEFAULTS.coreOrg
  );
}

/** HTTP_HEADERS_TIMEOUT, HTTP_REQUEST_TIMEOUT (at least the former), HTTP_KEEP_ALIVE_TIMEOUT, HTTP_MAX_CONNECTIONS. */
function httpLimitsOf(r: SettingsReader): HttpLimits {
  const seconds = (name: string, fallbackMs: number): number => {
    const value = r.decimal(name, { min: 0.1, max: 300, decimals: 3, expected: `seconds from 0.1 to 300, like ${fallbackMs / 1000}` });
    return value === undefined ? fallbackMs : Math.round(value * 1000);
  };
  const headersTimeoutMs = seconds('HTTP_HEADERS_TIMEOUT', DEFAULT_HTTP_LIMITS.headersTimeoutMs);
  const requestTimeoutMs = seconds('HTTP_REQUEST_TIMEOUT', Math.max(DEFAULT_HTTP_LIMITS.requestTimeoutMs, headersTimeoutMs));
  if (requestTimeoutMs < headersTimeoutMs)
    r.problem(
      'HTTP_REQUEST_TIMEOUT',
      `HTTP_REQUEST_TIMEOUT must be at least HTTP_HEADERS_TIMEOUT (${headersTimeoutMs / 1000} s): the headers are part of the request.`,
    );
  const keepAliveTimeoutMs = seconds('HTTP_KEEP_ALIVE_TIMEOUT', DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs);
  const maxConnections =
    r.integer('HTTP_MAX_CONNECTIONS', {
      min: 1,
      max: 999_999,
      expected: `a whole number of connections of 1 or more, like ${DEFAULT_HTTP_LIMITS.maxConnections}`,
    }) ?? DEFAULT_HTTP_LIMITS.maxConnections;
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections };
}

/** OWNER/REPO as GitHub allows them; null otherwise. */
function repoName(value: string): RepoName | null {
  const m = /^([^/]+)\/([^/]+)$/.exec(value);
  if (!m || !OWNER.test(m[1]!) || !REPO.test(m[2]!) || m[2] === '.' || m[2] === '..') return null;
  return { owner: m[1]!, repo: m[2]! };
}

/** `value` (the setting, or one item of its list) as OWNER/REPO; a problem otherwise. */
function repoNameOf(r: SettingsReader, setting: Setting, value: string, example: string): RepoName | undefined {
  return repoName(value) ?? r.problem(setting.name, mustBe(setting.label, `OWNER/REPO like "${example}"`, value));
}

/**
 * SUBSCRIBERS is either a comma-separated list of URLs, all signed with SUBSCRIBER_SECRET, or a
 * JSON array `[{"url": "...", "secret": "..."}]` for one secret each (an entry without one uses
 * SUBSCRIBER_SECRET). Every subscriber must end up with a secret: notifications are always
 * signed. Throws AppConfigError.
 */
export function parseSubscribers(raw: string | undefined, sharedSecret: string | undefined): Subscriber[] {
  const r = new SettingsReader({});
  const subscribers = subscribersOf(r, raw, sharedSecret);
  return configOrThrow({ config: subscribers, problems: r.problems }, AppConfigError);
}

function subscribersOf(r: SettingsReader, raw: string | undefined, sharedSecret: string | undefined): Subscriber[] {
  if (raw === undefined) return [];
  const entries: Array<{ url: string; secret?: string }> = [];
  if (raw.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      r.problem(
        'SUBSCRIBERS',
        `SUBSCRIBERS starts with "[" but is not valid JSON (${messageOf(e)}): use [{"url": "https://example.org/hook", "secret": "..."}] or a comma-separated list of URLs.`,
      );
      return [];
    }
    const wellFormed =
      Array.isArray(parsed) &&
      parsed.every(
        (item: unknown) =>
          typeof item === 'object' &&
          item !== null &&
          typeof (item as { url?: unknown }).url === 'string' &&
          ['undefined', 'string'].includes(typeof (item as { secret?: unknown }).secret),
      );
    if (!wellFormed) {
      r.problem(
        'SUBSCRIBERS',
        'SUBSCRIBERS as JSON must be an array of {"url": "https://...", "secret": "..."} objects (secret optional when SUBSCRIBER_SECRET is set).',
      );
      return [];
    }
    for (const { url, secret } of parsed as Array<{ url: string; secret?: string }>)
      entries.push({ url, ...(secret !== undefined && secret !== '' ? { secret } : {}) });
  } else {
    for (const url of raw.split(/[\s,]+/).filter(Boolean)) entries.push({ url });
  }
  return entries.flatMap(({ url, secret }) => {
    let u: URL | undefined;
    try {
      u = new URL(url);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      r.problem(
        'SUBSCRIBERS',
        `SUBSCRIBERS lists ${JSON.stringify(url)}, which is not an http(s) URL like "https://example.org/os-datastore-hook".`,
      );
      return [];
    }
    const s = secret ?? sharedSecret;
    if (s === undefined) {
      // Said once: one SUBSCRIBER_SECRET mends every subscriber without a secret.
      if (r.problems.some((p) => p.setting === 'SUBSCRIBER_SECRET')) return [];
      r.problem(
        'SUBSCRIBER_SECRET',
        `SUBSCRIBER_SECRET is not set and the subscriber ${u.origin} has no secret of its own: notifications are always signed; set SUBSCRIBER_SECRET (or a "secret" per subscriber in SUBSCRIBERS' JSON form).`,
      );
      return [];
    }
    return [{ url: u.toString(), secret: s }];
  });
}
