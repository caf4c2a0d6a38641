/**
 * The `os-datastore` command line. Exit codes: 0 valid / done, 1 invalid, 2 could not run
 * (usage, unreadable input).
 */

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SourceUnavailableError } from '../adapters/fs/source.ts';
import { visible, visibleLines } from '../escape.ts';
import { ConfigError } from '../adapters/s3/config.ts';
import { StoreError } from '../mirror/object-store.ts';
import { threadsFromEnv } from '../pass/parallel.ts';
import { EMBEDDED_SERVE_PORT, runPublish, type PublishFlags, type StorageFlags } from './publish.ts';
import { runBucketInit, runPrune, runStorageServe } from './storage.ts';
import { runAppManifest, runReconcile, runServe, type ManifestFlags } from './app.ts';
import { runValidate, type ValidateFlags } from './validate.ts';

/** A mistake in how the command was called: message only, exit 2. */
export class UsageError extends Error {}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): Io => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
});

function strictBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('expected true or false');
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}

/** `--threads`: worker threads for the table pass (OS_DATASTORE_THREADS when not given: see threadsOf). */
function threadsOption(): Option {
  return new Option('--threads <n>', 'worker threads validating resources at once (default: OS_DATASTORE_THREADS, else the cores up to 4; 1: none)').argParser(positiveInt);
}

/** The --threads flag, else OS_DATASTORE_THREADS, else undefined (the default). */
export function threadsOf(flag: number | undefined, env: Io['env']): number | undefined {
  if (flag !== undefined) return flag;
  try {
    return threadsFromEnv(env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let code = 0;
  const program = new Command('os-datastore')
    .description('Validate, publish and register OpenSpending Data Packages')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('validate')
    .description('validate data packages: the descriptor, then every row of every resource')
    .argument('[targets...]', 'dataset directories or datapackage.json files; a directory without one is searched for datasets', ['.'])
    .option('--json', 'print one JSON report on stdout')
    .option('--strict', 'treat warnings as errors')
    .addOption(new Option('--max-errors <n>', 'problems listed per resource (all are counted)').argParser(positiveInt).default(1000))
    .option('--owner <owner>', 'the GitHub owner the descriptor must name')
    .option('--allow-remote', 'fetch and validate http(s) resources, from public addresses, within size and time limits (skipped with a warning otherwise)')
    .option('--allow-private-remote', 'with --allow-remote: also fetch from loopback, private and link-local addresses')
    .option('--aggregates <dir>', 'also compute the aggregates of OpenSpending packages in the same pass and write them under <dir>')
    .addOption(threadsOption())
    .action(async (targets: string[], opts: ValidateFlags) => {
      code = await runValidate(targets, opts, io);
    });

  const storageOptions = (cmd: Command): Command =>
    cmd
      .option('--bucket <name>', 'bucket (default: OS_STORAGE_BUCKET_NAME; none: the embedded store under .os-datastore/)')
      .option('--endpoint <url>', 'S3-compatible endpoint (default: OS_STORAGE_ENDPOINT; none: AWS)')
      .option('--region <region>', 'region (default: OS_STORAGE_REGION or us-east-1)')
      .option('--prefix <prefix>', 'key prefix in the bucket (default: OS_STORAGE_PREFIX)')
      .addOption(new Option('--path-style <bool>', 'path-style addressing (default: on when an endpoint is set)').argParser(strictBoolean));

  storageOptions(
    program
      .command('publish')
      .description('validate, then publish datasets to the store: blobs, latest paths, aggregates, report, version manifest')
      .argument('[targets...]', 'a dataset folder (in a git repository: published at its commit), a folder of datasets, or a git URL to clone', ['.'])
      .option('--json', 'print one JSON document on stdout')
      .option('--strict', 'treat warnings as errors')
      .addOption(new Option('--max-errors <n>', 'problems listed per resource (all are counted)').argParser(positiveInt).default(1000))
      .option('--owner <owner>', 'the owner when the dataset is not a GitHub repository (default: the descriptor\'s owner)')
      .option('--commit <commit-ish>', 'publish this commit instead of HEAD')
      .option('--allow-private-lfs', 'allow an .lfsconfig LFS endpoint on a loopback or private address')
      .addOption(threadsOption()),
  ).action(async (targets: string[], opts: PublishFlags) => {
    code = await runPublish(targets, opts, io);
  });

  storageOptions(
    program
      .command('prune')
      .description('remove old versions of a dataset (manifests, reports) and the blobs no kept version uses; never done implicitly')
      .argument('<owner/name>', 'the dataset, e.g. os-data/city-budget-2024')
      .requiredOption('--keep <n>', 'versions to keep (the published one is always kept)', positiveInt)
      .option('--dry-run', 'say what would be removed, remove nothing')
      .option('--json', 'print one JSON document on stdout'),
  ).action(async (dataset: string, opts: StorageFlags & { keep: number; dryRun?: boolean; json?: boolean }) => {
    code = await runPrune(dataset, opts, io);
  });

  const bucket = program.command('bucket').description('set up the bucket');
  storageOptions(
    bucket
      .command('init')
      .description('apply the public-read policy and CORS rules, enable versioning, print a least-privilege IAM policy (idempotent)')
      .option('--json', 'print one JSON document on stdout'),
  ).action(async (opts: StorageFlags & { json?: boolean }) => {
    code = await runBucketInit(opts, io);
  });

  const storage = program.command('storage').description('the embedded store');
  storage
    .command('serve')
    .description('keep the embedded S3-compatible store (.os-datastore/) up for browsing: public GET, CORS')
    .addOption(new Option('--port <n>', 'port on 127.0.0.1').argParser(positiveInt).default(EMBEDDED_SERVE_PORT))
    .action(async (opts: { port: number }) => {
      code = await runStorageServe(opts, io);
    });

  program
    .command('serve')
    .description('run the GitHub App: webhook deliveries → registry updates → notifications (configured by the environment; see the README)')
    .action(async () => {
      code = await runServe(io);
    });

  program
    .command('reconcile')
    .description('recompute the registry from every installation\'s repositories, commit the difference and print it')
    .option('--json', 'print one JSON document on stdout')
    .action(async (opts: { json?: boolean }) => {
      code = await runReconcile(opts, io);
    });

  const appCommand = program.command('app').description('the GitHub App');
  appCommand
    .command('manifest')
    .description('print a GitHub App manifest asking for the least the App needs')
    .option('--url <url>', 'the App server\'s public base URL (webhooks go to <url>/api/github/webhooks)')
    .option('--name <name>', 'the App\'s name', 'os-datastore')
    .option('--homepage <url>', 'the App\'s homepage')
    .option('--mode <mode>', 'commit or pull-request (default: REGISTRY_MODE or commit); pull-request adds pull_requests: write')
    .option('--no-publish-dispatch', 'no server-side publishing workflow dispatch (drops actions: write)')
    .option('--private', 'only the owning account may install it')
    .action((opts: ManifestFlags) => {
      code = runAppManifest(opts, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError || e instanceof SourceUnavailableError || e instanceof StoreError || e instanceof ConfigError) {
      io.stderr(`os-datastore: ${visible(e.message)}\n`);
      return 2;
    }
    io.stderr(`os-datastore: internal error (please report it): ${visibleLines(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    return 2;
  }
}
