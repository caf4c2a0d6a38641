/** Storage commands: `bucket init`, `storage serve`, `prune`. */

import { initBucket } from '../adapters/s3/bucket-init.ts';
import { startEmbeddedStore } from '../adapters/s3/embedded.ts';
import { DatasetLayout } from '../mirror/layout.ts';
import { pruneDataset } from '../mirror/prune.ts';
import { DATASET_NAME_FORM, GITHUB_LOGIN_FORM, isDatasetName, isGitHubLogin } from '../package/names.ts';
import { quoted } from '../package/problem.ts';
import { UsageError, type Io } from './io.ts';
import { openStore, type StorageFlags } from './publish.ts';

/** `os-datastore bucket init`: policy, CORS, versioning; prints the robot user's IAM policy. */
export async function runBucketInit(flags: StorageFlags & { json?: boolean }, io: Io): Promise<number> {
  const { store, config, close } = await openStore(flags, io);
  try {
    const result = await initBucket(config, store);
    if (flags.json) {
      io.stdout(JSON.stringify({ bucket: config.bucket, ...result }, null, 2) + '\n');
      return 0;
    }
    io.stdout(`bucket ${store.description}\n`);
    for (const s of result.steps) io.stdout(`  ${s.step.padEnd(18)} ${s.status.padEnd(11)} ${s.detail}\n`);
    io.stdout(
      '\nLeast-privilege IAM policy for the robot user (attach it instead of AmazonS3FullAccess):\n' +
        JSON.stringify(result.iamPolicy, null, 2) +
        '\n',
    );
    return 0;
  } finally {
    await close();
  }
}

/** `os-datastore storage serve`: keep the embedded store up for browsing until interrupted. */
export async function runStorageServe(flags: { port: number }, io: Io, until: Promise<void> = interrupted()): Promise<number> {
  const embedded = await startEmbeddedStore({ port: flags.port });
  const base = `${embedded.endpoint}/${embedded.config.bucket}`;
  io.stdout(
    `The embedded store is up (public GET, CORS) with its data in .os-datastore/s3:\n` +
      `  catalog: ${base}/index.html (written by npm start, or os-datastore site)\n` +
      `  public base (get/versions/restore --url): ${base}\n` +
      `  ${base}/datasets/{owner}/{name}/datapackage.json\n` +
      `  endpoint for S3 clients: ${embedded.endpoint} (bucket "${embedded.config.bucket}", path style)\n` +
      'Press Ctrl+C to stop.\n',
  );
  await until;
  await embedded.close();
  return 0;
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** `os-datastore prune OWNER/NAME --keep N [--dry-run]`. */
export async function runPrune(
  dataset: string,
  flags: StorageFlags & { keep: number; dryRun?: boolean; json?: boolean },
  io: Io,
): Promise<number> {
  const m = /^([^/]+)\/([^/]+)$/.exec(dataset);
  if (!m) throw new UsageError(`prune: ${quoted(dataset)} is not OWNER/NAME (e.g. os-data/city-budget-2024)`);
  if (!isGitHubLogin(m[1]!)) throw new UsageError(`prune: the owner in ${quoted(dataset)} is not a GitHub owner: ${GITHUB_LOGIN_FORM}`);
  if (!isDatasetName(m[2]!)) throw new UsageError(`prune: the name in ${quoted(dataset)} is not a dataset name: ${DATASET_NAME_FORM}`);
  const layout = new DatasetLayout(m[1]!.toLowerCase(), m[2]!);
  const { store, close } = await openStore(flags, io);
  try {
    const result = await pruneDataset(store, layout, { keep: flags.keep, dryRun: flags.dryRun });
    if (flags.json) io.stdout(JSON.stringify(result, null, 2) + '\n');
    else {
      const verb = result.dryRun ? 'would remove' : 'removed';
      io.stdout(
        `${layout.root}: kept ${result.kept.length} versions; ${verb} ${result.removedVersions.length} versions and ${result.removedBlobs.length} unused blobs\n`,
      );
    }
    return 0;
  } finally {
    await close();
  }
}
