/**
 * Measurement child: the publish baseline, a plain sequential PutObject loop uploading every file
 * of the dataset (working tree) to `plain/{path}` on a fresh s3rver, each file streamed
 * (fs.createReadStream with ContentLength), with the client settings of our store
 * (createS3Client: path style, WHEN_REQUIRED checksums, s3rver's credentials).
 * Usage: node --import tsx bench/child-publish-plain.ts DATASET_DIR
 *
 * Timed: listing the files and the loop (the server's start and stop are not).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../src/adapters/s3/store.ts';
import { contentTypeOf } from '../src/mirror/layout.ts';
import { cpuSeconds, emit, peakRssBytes, processCpuSeconds, reasonOf } from './child.ts';
import { datasetFiles, withFreshS3 } from './publish-support.ts';

const dir = process.argv[2];
if (!dir) {
  emit({ ok: false, unavailable: false, reason: 'usage: child-publish-plain.ts DATASET_DIR' });
  process.exit(2);
}
try {
  await withFreshS3(async (s3) => {
    const client = createS3Client(s3.config);
    const Bucket = s3.config.bucket;
    try {
      const t0 = performance.now();
      const cpu0 = cpuSeconds();
      const server0 = processCpuSeconds(s3.pid);
      const files = await datasetFiles(dir);
      let bytes = 0;
      let largest = { path: '', size: -1 };
      for (const path of files) {
        const file = join(dir, path);
        const size = (await stat(file)).size;
        await client.send(
          new PutObjectCommand({
            Bucket,
            Key: `plain/${path}`,
            Body: createReadStream(file),
            ContentLength: size,
            ContentType: contentTypeOf(path),
          }),
        );
        bytes += size;
        if (size > largest.size) largest = { path, size };
      }
      const seconds = (performance.now() - t0) / 1000;
      const server1 = processCpuSeconds(s3.pid);
      const cpu = { client: cpuSeconds() - cpu0, server: server0 === null || server1 === null ? null : server1 - server0 };
      // Not timed: the largest object landed whole (not, e.g., with aws-chunked framing inside).
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: `plain/${largest.path}` }));
      emit({
        ok: true,
        seconds,
        maxRssBytes: peakRssBytes(),
        rows: 0,
        bytes,
        details: { files: files.length, largest: largest.path, largestSize: largest.size, largestStored: head.ContentLength ?? null, cpu },
      });
    } finally {
      client.destroy();
    }
  });
} catch (err) {
  emit({ ok: false, unavailable: false, reason: `plain PutObject loop threw: ${reasonOf(err)}` });
  process.exitCode = 1;
}
