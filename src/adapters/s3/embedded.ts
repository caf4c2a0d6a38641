/**
 * The embedded store: a real S3-compatible server (s3rver) on loopback with its data in a local
 * folder, used when no bucket is configured so the whole pipeline runs with zero setup.
 *
 * s3rver runs in a child Node process started with `--openssl-legacy-provider`: it encrypts
 * ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+) only offers through
 * the legacy provider, so in-process every listing of more than 1000 keys fails with a 500.
 * The flag is per process; a child keeps it out of ours. The child also dies with its parent:
 * it exits when its stdin closes.
 */

import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { corsRules } from './bucket-init.ts';
import { MAX_SINGLE_PUT, type StorageConfig } from '../../config/storage.ts';
import { UserError } from '../../errors.ts';

export interface EmbeddedStoreOptions {
  /** Where the objects live (kept across runs). Default `.os-datastore/s3` under the cwd. */
  directory?: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Bucket, created if missing. Default 'openspending'. */
  bucket?: string;
}

export interface EmbeddedStore {
  /** Config for createS3Store/createS3Client (path style, WHEN_REQUIRED checksums, s3rver's key). */
  config: StorageConfig;
  /** e.g. http://127.0.0.1:4568 */
  endpoint: string;
  /** The s3rver process id (the benchmark reads its CPU time). */
  pid: number | undefined;
  /** Stop the server (the data stays in the directory). */
  close(): Promise<void>;
}

/** s3rver's one built-in account; any other access key id gets InvalidAccessKeyId. */
const EMBEDDED_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

const LEGACY_FLAG = '--openssl-legacy-provider';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

// CommonJS, run with `node -e`: argv[1] = s3rver's path, argv[2] = JSON options.
const CHILD = `
process.on('uncaughtException', (error) => {
  process.stderr.write(String((error && error.message) || error) + '\\n');
  process.exit(1);
});
const S3rver = require(process.argv[1]);
// Two changes to s3rver's filesystem store, both about object files:
// - a PUT writes a temporary file and renames it into place, so an object is whole or absent (s3rver
//   writes in place: a killed upload left a truncated object under the key);
// - CopyObject hard-links the object file (a server-side copy costs no bytes, as on S3; safe since
//   nothing writes into an object file any more) and copies its MD5 along, metadata replaced or not
//   (s3rver copied the bytes, then re-read them to hash them again when the metadata was replaced).
const path = require('node:path');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const crypto = require('node:crypto');
const { Transform } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const Store = require(path.join(path.dirname(process.argv[1]), 'stores', 'filesystem.js'));
let temps = 0;
const tempOf = (file) => file + '.' + process.pid + '.' + ++temps + '.tmp';
Store.prototype.putObject = async function (object) {
  const file = this.getResourcePath(object.bucket, object.key, 'object');
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const temp = tempOf(file);
  const md5 = crypto.createHash('md5');
  let size = 0;
  try {
    if (Buffer.isBuffer(object.content)) {
      md5.update(object.content);
      size = object.content.length;
      await fsp.writeFile(temp, object.content);
    } else {
      const count = new Transform({ transform(chunk, encoding, done) { md5.update(chunk); size += chunk.length; done(null, chunk); } });
      await pipeline(object.content, count, fs.createWriteStream(temp));
    }
    await fsp.rename(temp, file);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
  const digest = md5.digest('hex');
  await this.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
};
const copyObject = Store.prototype.copyObject;
Store.prototype.copyObject = async function (srcBucket, srcKey, destBucket, destKey, replacement) {
  const from = this.getResourcePath(srcBucket, srcKey, 'object');
  const to = this.getResourcePath(destBucket, destKey, 'object');
  if (from === to) return copyObject.apply(this, arguments);
  await fsp.mkdir(path.dirname(to), { recursive: true });
  const temp = tempOf(to);
  await fsp.link(from, temp);
  await fsp.rename(temp, to);
  await fsp.rm(temp, { force: true }); // still there when both names were links to one file
  const md5 = await fsp.readFile(from + '.md5', 'utf8').catch(() => undefined);
  if (replacement) {
    await this.putMetadata(destBucket, destKey, replacement, md5);
  } else {
    const metadata = await fsp.readFile(this.getResourcePath(srcBucket, srcKey, 'metadata.json'), 'utf8');
    await this.putMetadata(destBucket, destKey, JSON.parse(metadata), md5);
  }
  if (md5 === undefined) await fsp.rm(to + '.md5', { force: true }); // getMetadata computes it
  return this.getMetadata(destBucket, destKey);
};
const { directory, port, bucket, cors } = JSON.parse(process.argv[2]);
const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory,
  configureBuckets: [{ name: bucket, configs: [cors] }] });
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (error) => { process.stderr.write(String((error && error.message) || error) + '\\n'); process.exit(1); },
);
process.stdin.on('end', () => server.close().finally(() => process.exit(0)));
process.stdin.resume();
`;

/** The datastore README's CORS rules as the XML s3rver's bucket configuration takes. */
function corsXml(): string {
  const tag = (name: string, values: string[] | undefined): string => (values ?? []).map((v) => `<${name}>${v}</${name}>`).join('');
  const rules = corsRules()
    .map(
      (rule) =>
        `<CORSRule>${tag('AllowedOrigin', rule.AllowedOrigins)}${tag('AllowedMethod', rule.AllowedMethods)}` +
        `${tag('AllowedHeader', rule.AllowedHeaders)}${tag('ExposeHeader', rule.ExposeHeaders)}</CORSRule>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</CORSConfiguration>`;
}

/**
 * Start s3rver on 127.0.0.1 with the bucket (created if missing) and the README's CORS rules;
 * anonymous GETs are served, so published files can be browsed while it runs.
 */
export async function startEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const directory = resolve(options.directory ?? '.os-datastore/s3');
  const bucket = options.bucket ?? 'openspending';
  await mkdir(directory, { recursive: true });
  const s3rverPath = createRequire(import.meta.url).resolve('s3rver');
  const flags = process.allowedNodeEnvironmentFlags.has(LEGACY_FLAG) ? [LEGACY_FLAG] : [];
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // no loaders or inspectors from the parent in the server process
  const child = spawn(
    process.execPath,
    [...flags, '-e', CHILD, s3rverPath, JSON.stringify({ directory, port: options.port ?? 0, bucket, cors: corsXml() })],
    { stdio: ['pipe', 'pipe', 'pipe'], env },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const port = await new Promise<number>((ready, fail) => {
    let stdout = '';
    const timer = setTimeout(
      () => fail(new Error(`The embedded S3 store did not start within ${START_TIMEOUT_MS / 1000} s.`)),
      START_TIMEOUT_MS,
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined) {
        clearTimeout(timer);
        try {
          ready((JSON.parse(line) as { port: number }).port);
        } catch {
          fail(new Error(`The embedded S3 store said something unexpected: ${line}`));
        }
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const reason = stderr.trim().split('\n')[0] || `exit code ${code}`;
      fail(
        new UserError(
          'embedded-store',
          `The embedded S3 store could not start on 127.0.0.1:${options.port ?? 0} in ${directory}: ${reason}.`,
          {
            hint: 'Give a free port and a folder you can write to, or configure a bucket (OS_STORAGE_BUCKET_NAME).',
          },
        ),
      );
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    pid: child.pid,
    config: {
      bucket,
      endpoint,
      region: 'us-east-1',
      prefix: '',
      forcePathStyle: true,
      checksums: 'WHEN_REQUIRED',
      credentials: { ...EMBEDDED_CREDENTIALS },
      // One PutObject per file whatever its size: on loopback there is no network for parallel
      // parts to fill, and s3rver assembles a multipart upload by reading every part again.
      multipartThreshold: MAX_SINGLE_PUT,
    },
    close() {
      closing ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
