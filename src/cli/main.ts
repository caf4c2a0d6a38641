/**
 * The `os-datastore` command line. Exit codes: 0 valid / done, 1 invalid, 2 could not run
 * (usage, unreadable input).
 */

import { Command, CommanderError, Option } from 'commander';
import { visible, visibleLines } from '../escape.ts';
import { APP_DEFAULTS } from '../config/app.ts';
import { STORAGE_DEFAULTS, STORAGE_ENV } from '../config/storage.ts';
import { isUserError, stackOf } from '../errors.ts';
import { defaultIo, type Io } from './io.ts';
import { commitIsh, githubOwner, port, positiveInt, storagePrefix, strictBoolean, threadsOption } from './options.ts';
import { EMBEDDED_SERVE_PORT, runPublish, type PublishFlags, type StorageFlags } from './publish.ts';
import { runBucketInit, runPrune, runStorageServe } from './storage.ts';
import { runAppManifest, runReconcile, runServe, type ManifestFlags } from './app.ts';
import { runValidate, type ValidateFlags } from './validate.ts';
import { registerMigrate } from './migrate.ts';
import { runGet, runRestore, runSite, runVersions, type ReadFlags } from './read.ts';

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
    .addOption(new Option('--owner <owner>', 'the GitHub owner the descriptor must name').argParser(githubOwner))
    .option(
      '--allow-remote',
      'fetch and validate http(s) resources, from public addresses, within size and time limits (skipped with a warning otherwise)',
    )
    .option('--allow-private-remote', 'with --allow-remote: also fetch from loopback, private and link-local addresses')
    .option('--aggregates <dir>', 'also compute the aggregates of OpenSpending packages in the same pass and write them under <dir>')
    .addOption(threadsOption())
    .option('--no-cache', 'do not reuse nor keep the validation results of unchanged resources (kept under .os-datastore/cache)')
    .option(
      '--cache-from <url>',
      'also reuse the validation results a publish keeps in this public bucket (its public URL, prefix included); read anonymously',
    )
    .action(async (targets: string[], opts: ValidateFlags) => {
      code = await runValidate(targets, opts, io);
    });

  const storageOptions = (cmd: Command): Command =>
    cmd
      .option('--bucket <name>', 'bucket (default: OS_STORAGE_BUCKET_NAME; none: the embedded store under .os-datastore/)')
      .option('--endpoint <url>', 'S3-compatible endpoint (default: OS_STORAGE_ENDPOINT; none: AWS)')
      .option('--region <region>', `region (default: ${STORAGE_ENV.region} or ${STORAGE_DEFAULTS.region})`)
      .addOption(new Option('--prefix <prefix>', 'key prefix in the bucket (default: OS_STORAGE_PREFIX)').argParser(storagePrefix))
      .addOption(new Option('--path-style <bool>', 'path-style addressing (default: on when an endpoint is set)').argParser(strictBoolean));

  storageOptions(
    program
      .command('publish')
      .description('validate, then publish datasets to the store: blobs, latest paths, aggregates, report, version manifest')
      .argument(
        '[targets...]',
        'a dataset folder (in a git repository: published at its commit), a folder of datasets, or a git URL to clone',
        ['.'],
      )
      .option('--json', 'print one JSON document on stdout')
      .option('--strict', 'treat warnings as errors')
      .addOption(new Option('--max-errors <n>', 'problems listed per resource (all are counted)').argParser(positiveInt).default(1000))
      .addOption(
        new Option('--owner <owner>', "the owner when the dataset is not a GitHub repository (default: the descriptor's owner)").argParser(
          githubOwner,
        ),
      )
      .addOption(new Option('--commit <commit-ish>', 'publish this commit instead of HEAD').argParser(commitIsh))
      .option('--allow-private-lfs', 'allow an .lfsconfig LFS endpoint on a loopback or private address')
      .addOption(threadsOption())
      .option('--no-cache', 'validate every resource, neither reusing nor keeping results in the store (.datastore/cache/)'),
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

  registerMigrate(program, io, (c) => (code = c), storageOptions, githubOwner);
  const readOptions = (cmd: Command): Command =>
    storageOptions(
      cmd.option(
        '--url <base>',
        'read anonymously (HTTP GET) under this public base URL, prefix included (default: the storage settings of publish)',
      ),
    );

  readOptions(
    program
      .command('get')
      .description('write a published version of a dataset to a new folder, every file verified against its manifest (sha256, size)')
      .argument(
        '<owner/name[@commit]>',
        'the dataset, e.g. os-data/city-budget-2024, at a version (a commit or a unique prefix of one; default: the latest)',
      )
      .requiredOption('--out <dir>', 'the folder to create (absent or empty); written in a temporary folder renamed at the end')
      .option('--aggregates', 'also fetch the aggregates (the latest version only) under aggregates/')
      .option('--json', 'print one JSON document on stdout'),
  ).action(async (dataset: string, opts: ReadFlags & { out: string; aggregates?: boolean; json?: boolean }) => {
    code = await runGet(dataset, opts, io);
  });

  readOptions(
    program
      .command('versions')
      .description('list the published versions of a dataset, newest first')
      .argument('<owner/name>', 'the dataset, e.g. os-data/city-budget-2024')
      .option('--json', 'print one JSON document on stdout'),
  ).action(async (dataset: string, opts: ReadFlags & { json?: boolean }) => {
    code = await runVersions(dataset, opts, io);
  });

  readOptions(
    program
      .command('restore')
      .description('recreate a git repository (branch main, LFS files tracked by LFS) from a published version alone')
      .argument('<owner/name[@commit]>', 'the dataset and version (default: the latest)')
      .requiredOption('--into <dir>', 'the folder of the new repository (absent or empty)')
      .option('--json', 'print one JSON document on stdout'),
  ).action(async (dataset: string, opts: ReadFlags & { into: string; json?: boolean }) => {
    code = await runRestore(dataset, opts, io);
  });

  storageOptions(
    program
      .command('site')
      .description("write the catalog (index.html at the root of the prefix) and every dataset's page from what the store holds")
      .option('--json', 'print one JSON document on stdout'),
  ).action(async (opts: StorageFlags & { json?: boolean }) => {
    code = await runSite(opts, io);
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
    .addOption(new Option('--port <n>', 'port on 127.0.0.1').argParser(port).default(EMBEDDED_SERVE_PORT))
    .action(async (opts: { port: number }) => {
      code = await runStorageServe(opts, io);
    });

  program
    .command('serve')
    .description(
      'run the GitHub App: webhook deliveries → registry updates → notifications (configured by the environment; see the README)',
    )
    .action(async () => {
      code = await runServe(io);
    });

  program
    .command('reconcile')
    .description("recompute the registry from every installation's repositories, commit the difference and print it")
    .option('--json', 'print one JSON document on stdout')
    .action(async (opts: { json?: boolean }) => {
      code = await runReconcile(opts, io);
    });

  const appCommand = program.command('app').description('the GitHub App');
  appCommand
    .command('manifest')
    .description('print a GitHub App manifest asking for the least the App needs')
    .option('--url <url>', "the App server's public base URL (webhooks go to <url>/api/github/webhooks)")
    .option('--name <name>', "the App's name", 'os-datastore')
    .option('--homepage <url>', "the App's homepage")
    .option(
      '--mode <mode>',
      `commit or pull-request (default: REGISTRY_MODE or ${APP_DEFAULTS.registryMode}); pull-request adds pull_requests: write`,
    )
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
    return reportFailure(e, io);
  }
}

/**
 * What the CLI shows for a command that threw, and its exit code. One test (src/errors.ts): a
 * mistake the user can fix is one line, message and hint, no stack, exit 2 (1 when the error says
 * so); anything else is ours: its stack and a request to report it, exit 2.
 */
export function reportFailure(e: unknown, io: Pick<Io, 'stderr'>): number {
  if (isUserError(e)) {
    io.stderr(`os-datastore: ${visible(e.describe())}\n`);
    return e.exitCode;
  }
  io.stderr(`os-datastore: internal error (please report it): ${visibleLines(stackOf(e))}\n`);
  return 2;
}
