/**
 * The App's composition root: config in, a running App out. Builds the GitHub clients, finds
 * the App's installation on the registry repository (it writes there), the registry writer,
 * the notifier, the batch processor, the queue and the HTTP server; schedules reconcile runs.
 * Nothing here is global: tests run several Apps in one process (e.g. two replicas).
 */

import { createS3Store, type S3Store } from '../src/adapters/s3/store.ts';
import { ConfigError } from '../src/config/problems.ts';
import type { GitHubClient } from '../src/adapters/github/octokit.ts';
import { githubPort } from '../src/adapters/github/port.ts';
import type { ObjectStore } from '../src/mirror/object-store.ts';
import {
  createNotifier,
  publishesOwed,
  publishTask,
  readRegistryFiles,
  type FollowUpTask,
  type Notifier,
  type RetryPolicy,
} from '../src/notify/index.ts';
import { createRegistryWriter, observeRepository, reconcile } from '../src/registry/index.ts';
import type { AppConfig } from '../src/config/app.ts';
import { createFollowUpQueue, type CommitWork, type FollowUpQueue, type FollowUpRetry } from './follow-up.ts';
import { registrySource } from './follow-up-progress.ts';
import { createAppGitHub, type AppGitHub } from './github.ts';
import { silentLogger, type Logger } from './log.ts';
import { createBatchProcessor, type ReconcileResult, type RegistryTarget, type RegistryWriter } from './process-batch.ts';
import { createRegistryQueue, type QueueOptions, type RegistryQueue } from './queue.ts';
import { createAppServer, type AppServer } from './server.ts';
import { describeError, httpStatusOf } from '../src/errors.ts';

/** The App cannot start as configured (not installed on the registry, GitHub unreachable): exit 2. */
export class AppSetupError extends ConfigError {
  constructor(message: string) {
    super(message, { code: 'app-setup' });
  }
}

export interface RegistryContext {
  github: AppGitHub;
  registry: RegistryTarget;
  registryClient: GitHubClient;
  writer: RegistryWriter;
  /** One reconcile run (not serialized with the queue: use App.reconcileNow when serving). */
  reconcile(): Promise<ReconcileResult>;
}

export interface RegistryContextOptions {
  log?: Logger;
  now?: () => string;
  /** Spacing of GitHub writes per installation (default 1000 ms, GitHub's guidance; see app/github.ts). */
  writeIntervalMs?: number;
  /** Retries of a GitHub request on 5xx and network errors (default 3; see app/github.ts). */
  githubRetries?: number;
  /** Content-creating requests to GitHub in any 60 s (default 80; see app/write-scheduler.ts). */
  writesPerMinute?: number;
  /** Content-creating requests to GitHub in any hour (default 500; see app/write-scheduler.ts). */
  writesPerHour?: number;
}

/** GitHub clients, the registry repository (found through the App's installation on it) and its writer. */
export async function openRegistry(config: AppConfig, options: RegistryContextOptions = {}): Promise<RegistryContext> {
  const log = options.log ?? silentLogger;
  const github = createAppGitHub({
    appId: config.appId,
    privateKey: config.privateKey,
    baseUrl: config.githubApiUrl,
    log,
    ...(options.writeIntervalMs !== undefined ? { writeIntervalMs: options.writeIntervalMs } : {}),
    ...(options.githubRetries !== undefined ? { retries: options.githubRetries } : {}),
    ...(options.writesPerMinute !== undefined ? { writesPerMinute: options.writesPerMinute } : {}),
    ...(options.writesPerHour !== undefined ? { writesPerHour: options.writesPerHour } : {}),
  });
  const name = `${config.registry.owner}/${config.registry.repo}`;
  let installation;
  let repo;
  try {
    installation = await github.installationOfRepo(config.registry.owner, config.registry.repo);
    if (!installation) {
      throw new AppSetupError(
        `The App (APP_ID ${config.appId}) is not installed on the registry repository ${name} (REGISTRY_REPO): install it there — it writes the registry — or set REGISTRY_REPO.`,
      );
    }
    if (installation.suspended)
      throw new AppSetupError(`The App's installation on ${name} (REGISTRY_REPO) is suspended: unsuspend it in the account's settings.`);
    const client = await github.installationOctokit(installation.id);
    repo = (await client.request('GET /repos/{owner}/{repo}', { owner: config.registry.owner, repo: config.registry.repo })).data;
  } catch (e) {
    if (e instanceof AppSetupError) throw e;
    const status = httpStatusOf(e);
    const why =
      status === 401
        ? "GitHub refused the App's credentials: check APP_ID and PRIVATE_KEY (the key must belong to this App)"
        : `GitHub at ${config.githubApiUrl} (GITHUB_API_URL) answered ${status ?? 'nothing'}: ${describeError(e)}`;
    throw new AppSetupError(`Cannot open the registry ${name}: ${why}.`);
  }
  const registryClient = await github.installationOctokit(installation.id);
  const registry: RegistryTarget = {
    owner: config.registry.owner,
    repo: config.registry.repo,
    id: Number(repo.id),
    installationId: installation.id,
    branch: config.registry.branch ?? repo.default_branch,
  };
  const writer = createRegistryWriter(githubPort(registryClient), {
    owner: registry.owner,
    repo: registry.repo,
    branch: registry.branch,
    mode: config.registryMode,
    log: log.child({ component: 'registry' }),
  });
  return {
    github,
    registry,
    registryClient,
    writer,
    reconcile: () =>
      reconcile({
        appGitHub: githubPort(github.appOctokit),
        installationGitHub: async (id) => githubPort(await github.installationOctokit(id)),
        writer,
        coreOrg: config.coreOrg,
        log: log.child({ component: 'reconcile' }),
        ...(options.now ? { now: options.now } : {}),
      }),
  };
}

export interface AppOptions extends RegistryContextOptions {
  /** For subscriber deliveries (tests). */
  fetch?: typeof fetch;
  queue?: Pick<QueueOptions, 'debounceMs' | 'maxBatch' | 'retry'>;
  /** Subscriber deliveries: only `timeoutMs` (per try) applies in the App; the follow-up queue retries. */
  notifyRetry?: RetryPolicy;
  /** The follow-up queue (app/follow-up.ts): retries, tasks at once, progress record spacing (default config.followUpRecordIntervalMs). */
  followUp?: { retry?: FollowUpRetry; concurrency?: number; writeConcurrency?: number; recordIntervalMs?: number };
  /** How long shutdown waits for follow-up work before leaving it to the next start (default 10 000 ms). */
  followUpDrainTimeoutMs?: number;
  /** The feed's store; default: from config.storage (none: no feed). */
  store?: ObjectStore | null;
  drainTimeoutMs?: number;
  /** Largest delivery accepted (default 25 MiB, GitHub's cap). */
  maxBodyBytes?: number;
}

export interface App extends RegistryContext {
  server: AppServer;
  queue: RegistryQueue;
  notifier: Notifier;
  /** Post-commit work: notifications and dispatches (app/follow-up.ts). */
  followUp: FollowUpQueue;
  /** Re-deriving the follow-up owed from before this start (resolves when it is queued). */
  recovered: Promise<void>;
  /** Listens on config.port (or `port`) and resolves to the base URL. */
  listen(port?: number): Promise<string>;
  /** A reconcile run between batches. */
  reconcileNow(): Promise<ReconcileResult>;
  /** Graceful: stop accepting, drain the queue and the notifications, stop timers. */
  close(): Promise<void>;
}

export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? silentLogger;
  const context = await openRegistry(config, options);
  const { github, registry, writer } = context;

  let ownStore: S3Store | null = null;
  const store = options.store !== undefined ? options.store : config.storage ? (ownStore = createS3Store(config.storage)) : null;
  // Follow-up work writes through the follow-up lane of each installation: registry commits go first.
  const followUpClient = await github.installationOctokit(registry.installationId, 'follow-up');
  const notifier = createNotifier({
    registry,
    subscribers: config.subscribers,
    store,
    readRegistryFiles: (commit) => readRegistryFiles(githubPort(followUpClient), registry, commit),
    dispatch: {
      targets: config.dispatchRepos,
      client: async (t) => {
        const i = await github.installationOfRepo(t.owner, t.repo);
        return i && !i.suspended ? githubPort(await github.installationOctokit(i.id, 'follow-up')) : null;
      },
    },
    ...(options.notifyRetry ? { retry: options.notifyRetry } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    log: log.child({ component: 'notify' }),
    ...(options.now ? { now: options.now } : {}),
  });

  const source = registrySource(followUpClient, registry, { log: log.child({ component: 'follow-up' }) });
  const publishDeps = config.publishWorkflow
    ? {
        registryClient: githubPort(followUpClient),
        registry,
        workflow: config.publishWorkflow,
        ref: registry.branch,
        async readerOf(repositoryId: number) {
          const i = await github.installationOfRepository(repositoryId, [followUpClient]);
          return i && !i.suspended ? githubPort(await github.installationOctokit(i.id, 'follow-up')) : null;
        },
      }
    : null;
  type Work = CommitWork & { only?: 'notify' | 'publish' };
  const followUp = createFollowUpQueue({
    async tasksOf(work: Work): Promise<FollowUpTask[]> {
      const tasks = work.only === 'publish' ? [] : notifier.tasks(work);
      if (publishDeps && work.only !== 'notify' && work.changes.length > 0) {
        const state = work.state ?? (await source.stateAt(work.commit));
        for (const owed of publishesOwed(state, work.changes.length)) tasks.push(publishTask(publishDeps, owed));
      }
      return tasks;
    },
    // Pull-request mode: the registry branch is not where the App commits; nothing is recorded.
    progress: config.registryMode === 'commit' ? source.progress : null,
    owedSince: (through) => source.owedSince(through),
    log: log.child({ component: 'follow-up' }),
    recordIntervalMs: options.followUp?.recordIntervalMs ?? config.followUpRecordIntervalMs,
    ...(options.followUp?.retry ? { retry: options.followUp.retry } : {}),
    ...(options.followUp?.concurrency !== undefined ? { concurrency: options.followUp.concurrency } : {}),
    ...(options.followUp?.writeConcurrency !== undefined ? { writeConcurrency: options.followUp.writeConcurrency } : {}),
  });
  let recovered: Promise<void> = Promise.resolve();
  try {
    recovered = (await followUp.recover()).walked;
  } catch (e) {
    log.error('the follow-up record cannot be read; follow-up owed from before this start is not sent', {
      component: 'follow-up',
      ref: 'refs/os-datastore/follow-up',
      err: e,
    });
  }

  const processBatch = createBatchProcessor({
    github,
    writer,
    registry,
    coreOrg: config.coreOrg,
    mode: config.registryMode,
    followUp: {
      commit: (work) => followUp.add(work),
      publishOnly: (work) => followUp.addUntracked({ ...work, only: 'publish' } as Work),
      notifyOnly: (work) => followUp.addUntracked({ ...work, only: 'notify' } as Work),
    },
    observe: (client, repositoryId, options) => observeRepository(githubPort(client), repositoryId, options),
    reconcile: context.reconcile,
    log: log.child({ component: 'queue' }),
    ...(options.now ? { now: options.now } : {}),
  });
  const queue = createRegistryQueue({ process: processBatch, log: log.child({ component: 'queue' }), ...options.queue });
  const server = createAppServer({
    secret: config.webhookSecret,
    path: config.webhookPath,
    queue,
    log: log.child({ component: 'http' }),
    health: () => ({
      registry: `${registry.owner}/${registry.repo}`,
      mode: config.registryMode,
      followUp: followUp.stats(),
      githubWrites: github.writes.stats(),
    }),
    limits: config.http,
    ...(options.drainTimeoutMs !== undefined ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    onClose: async () => {
      // What is not done by then stays owed: recorded as such, sent by the next start.
      await followUp.drain({ timeoutMs: options.followUpDrainTimeoutMs ?? 10_000 });
      await followUp.close();
      await notifier.drain();
      ownStore?.destroy();
    },
  });

  let timer: NodeJS.Timeout | null = null;
  if (config.reconcileIntervalMinutes > 0) {
    timer = setInterval(() => queue.enqueue({ reconcile: true }), config.reconcileIntervalMinutes * 60_000);
    timer.unref();
  }

  return {
    ...context,
    server,
    queue,
    notifier,
    followUp,
    recovered,
    listen: (port) => server.listen(port ?? config.port, config.host),
    reconcileNow: () => queue.exclusive(context.reconcile),
    async close() {
      if (timer) clearInterval(timer);
      await server.close();
    },
  };
}
