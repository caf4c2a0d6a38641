/**
 * The App's commands: `serve` (the webhook App), `reconcile` (one GitOps repair run) and
 * `app manifest` (a GitHub App manifest asking for the least the App needs). Configuration
 * comes from the environment (src/config/app.ts); a bad variable is one sentence and exit 2.
 */

import { visible } from '../escape.ts';
import { createApp, openRegistry } from '../../app/index.ts';
import { createJsonLogger } from '../../app/log.ts';
import { readAppConfig, REGISTRY_MODES, type AppConfig } from '../config/app.ts';
import { createTerminalLogger } from './log.ts';
import { createNotifier, readRegistryFiles } from '../notify/index.ts';
import { githubPort } from '../adapters/github/port.ts';
import { createS3Store } from '../adapters/s3/store.ts';
import type { Io } from './io.ts';
import { UsageError } from './io.ts';

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once (130). */
function interrupted(onForce: () => void = () => process.exit(130)): Promise<string> {
  return new Promise((resolve) => {
    const first = (signal: string): void => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      process.once('SIGINT', onForce);
      process.once('SIGTERM', onForce);
      resolve(signal);
    };
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
  });
}

/** `os-datastore serve`: the App until SIGTERM/SIGINT, then a graceful shutdown that drains the queue. */
export async function runServe(io: Io, until: Promise<string> = interrupted()): Promise<number> {
  const config = readAppConfig(io.env, { for: 'serve' });
  const log = createJsonLogger({
    stream: { write: (s: string) => (io.stdout(s), true) },
    level: config.logLevel,
    base: { app: 'os-datastore' },
  });
  const app = await createApp(config, { log });
  let url: string;
  try {
    url = await app.listen();
  } catch (e) {
    await app.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new UsageError(`PORT ${config.port} cannot be used (${code}): set PORT to a free port.`);
    throw e;
  }
  log.info('listening', {
    url: `${url}${config.webhookPath}`,
    registry: `${app.registry.owner}/${app.registry.repo}`,
    branch: app.registry.branch,
    mode: config.registryMode,
    subscribers: config.subscribers.length,
    feed: config.storage ? 'on' : 'off',
    reconcileIntervalMinutes: config.reconcileIntervalMinutes,
  });
  const signal = await until;
  log.info('shutting down', { signal });
  await app.close();
  return 0;
}

/** `os-datastore reconcile`: one run — recompute the registry from GitHub, commit the difference, print it. */
export async function runReconcile(flags: { json?: boolean }, io: Io): Promise<number> {
  const config = readAppConfig(io.env, { for: 'reconcile' });
  // A person reads this run's log on the terminal: plain lines, warnings and errors unless LOG_LEVEL asks for more.
  const log = createTerminalLogger({ write: io.stderr, level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const registry = await openRegistry(config, { log });
  const result = await registry.reconcile();
  if (result.commit && config.registryMode === 'commit') {
    const store = config.storage ? createS3Store(config.storage) : null;
    const notifier = createNotifier({
      registry: registry.registry,
      subscribers: config.subscribers,
      store,
      readRegistryFiles: (commit) => readRegistryFiles(githubPort(registry.registryClient), registry.registry, commit),
      log,
    });
    await notifier.notify({ commit: result.commit, changes: result.changes });
    store?.destroy();
  }
  if (flags.json) {
    io.stdout(`${JSON.stringify({ registry: `${config.registry.owner}/${config.registry.repo}`, ...result }, null, 2)}\n`);
    return 0;
  }
  const name = `${config.registry.owner}/${config.registry.repo}`;
  if (result.changes.length === 0) {
    io.stdout(`${name} is up to date (${result.observed} repositories observed).\n`);
    return 0;
  }
  io.stdout(
    `${name}: ${result.changes.length} change(s) from ${result.observed} repositories observed${result.commit ? `, commit ${result.commit}` : ''}\n`,
  );
  const width = Math.max(...result.changes.map((c) => c.event.length));
  for (const c of result.changes) io.stdout(`  ${c.event.padEnd(width)}  ${visible(`${c.dataset}${c.note ? `  (${c.note})` : ''}`)}\n`);
  return 0;
}

export interface ManifestFlags {
  name?: string;
  /** The App server's public base URL (the webhook URL is this + WEBHOOK_PATH). */
  url?: string;
  homepage?: string;
  mode?: string;
  /** --no-publish-dispatch: no server-side publishing, so no actions: write. */
  publishDispatch?: boolean;
  private?: boolean;
}

/**
 * The GitHub App manifest (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest)
 * for the App as `config` configures it (REGISTRY_MODE, PUBLISH_WORKFLOW, WEBHOOK_PATH); flags win.
 */
function appManifest(
  flags: ManifestFlags,
  config: Pick<AppConfig, 'registryMode' | 'publishWorkflow' | 'webhookPath'>,
): Record<string, unknown> {
  const mode = flags.mode ?? config.registryMode;
  if (!(REGISTRY_MODES as readonly string[]).includes(mode))
    throw new UsageError(`--mode must be ${REGISTRY_MODES.join(' or ')} (got ${JSON.stringify(mode)})`);
  const publishDispatch = flags.publishDispatch !== false && config.publishWorkflow !== null;
  const base = (flags.url ?? 'https://YOUR-APP-HOST').replace(/\/+$/, '');
  if (flags.url !== undefined && !/^https?:\/\/[^/\s]+/.test(flags.url))
    throw new UsageError(
      `--url must be the App server's public base URL like https://datastore-app.example.org (got ${JSON.stringify(flags.url)})`,
    );
  const path = config.webhookPath;
  const permissions: Record<string, 'read' | 'write'> = {
    // Required of every App; repository events come with it.
    metadata: 'read',
    // Read datasets' datapackage.json and workflows; write the registry repository (the App's
    // permissions are the same on every repository it is installed on).
    contents: 'write',
  };
  if (mode === 'pull-request') permissions['pull_requests'] = 'write';
  if (publishDispatch) permissions['actions'] = 'write';
  return {
    name: flags.name ?? 'os-datastore',
    url: flags.homepage ?? 'https://github.com/os-team/datastore',
    description:
      'Keeps the OpenSpending registry up to date: lists public datasets (valid datapackage.json, owner matching the GitHub owner) when they are pushed, renamed, transferred or deleted.',
    hook_attributes: { url: `${base}${path}`, active: true },
    redirect_url: `${base}/`,
    public: flags.private !== true,
    default_permissions: permissions,
    // installation and installation_repositories are sent to every App without subscribing.
    default_events: ['push', 'repository'],
  };
}

/** `os-datastore app manifest`: prints the manifest JSON (a bad variable of the App's configuration: ConfigError). */
export function runAppManifest(flags: ManifestFlags, io: Io): number {
  const config = readAppConfig(io.env, { for: 'manifest' });
  io.stdout(`${JSON.stringify(appManifest(flags, config), null, 2)}\n`);
  return 0;
}
