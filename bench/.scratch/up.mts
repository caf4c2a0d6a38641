import { createReadStream } from 'node:fs';
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, CopyObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client, createS3Store } from '/work/main/src/adapters/s3/store.ts';
import { datasetFiles, withFreshS3 } from '/work/main/bench/publish-support.ts';
import { pool } from '/work/main/src/mirror/apply.ts';
const dir = process.argv[2]!; const mode = process.argv[3]!; const conc = Number(process.argv[4] ?? 8);
function cpuOf(pid: number): number { const s = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(s[11]) + Number(s[12])) / 100; }
import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
await withFreshS3(async (s3) => {
  const client = createS3Client(s3.config); const Bucket = s3.config.bucket;
  const files = await datasetFiles(dir);
  const sizes = await Promise.all(files.map(async f => (await stat(join(dir, f))).size));
  const spid = (s3 as any).pid ?? (s3 as any).child?.pid;
  const c0 = spid ? cpuOf(spid) : 0; const u0 = process.cpuUsage();
  const t0 = performance.now();
  if (mode === 'put') {
    await pool(files, conc, async (f, _i) => { const i = files.indexOf(f); await client.send(new PutObjectCommand({ Bucket, Key: `p/${f}`, Body: createReadStream(join(dir, f)), ContentLength: sizes[i], ContentType: 'text/csv' })); });
  } else if (mode === 'store') {
    const store = createS3Store(s3.config, { client, partSize: Number(process.env.PART ?? 8*1024*1024) });
    await pool(files, conc, async (f) => { const i = files.indexOf(f); await store.put(`p/${f}`, () => createReadStream(join(dir, f)) as any, { contentType: 'text/csv', size: sizes[i] }); });
  }
  const t1 = performance.now();
  if (process.env.COPY) {
    await pool(files, conc, async (f) => { await client.send(new CopyObjectCommand({ Bucket, Key: `c/${f}`, CopySource: `${Bucket}/p/${f}`, MetadataDirective: process.env.COPY as any, ContentType: 'text/csv', CacheControl: 'x' })); });
  }
  const t2 = performance.now();
  const u = process.cpuUsage(u0);
  console.log(mode, conc, 'upload', ((t1-t0)/1000).toFixed(2), 'copy', ((t2-t1)/1000).toFixed(2), 'client cpu', ((u.user+u.system)/1e6).toFixed(2), 'server cpu', spid ? (cpuOf(spid)-c0).toFixed(2) : '?');
  client.destroy();
});
