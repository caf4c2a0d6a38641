/**
 * Resolving Git LFS pointers to their content, in order: the clone's own LFS store, the LFS store
 * of a local (file://) remote, then the remote's LFS server (Batch API).
 *
 * Everything handed out is verified against the pointer while it streams: the bytes are hashed as
 * they pass, more bytes than the pointer's size are never handed out, and when the content ends
 * short or its sha256 differs, the stream throws an `lfs-error` at the end instead of finishing.
 * A consumer that reads to the end therefore never sees a clean end of damaged content: it gets
 * the error where the end would be (a validation is not valid, an upload made from the stream
 * fails). Consumers must read to the end before trusting what they read.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError, type FileHandle } from '../../package/source.ts';
import { requestDownload, startDownload, type DownloadAction, type LfsEndpoint } from './batch.ts';
import { blockedHostReason } from '../http/request.ts';
import type { LfsPointer } from './pointer.ts';
import { lfsEndpointFromRemote, type RemoteUrl } from './remote.ts';
import { messageOf } from '../../errors.ts';

export interface LfsOptions {
  /** Allow an .lfsconfig endpoint on a loopback, private or link-local address (refused otherwise: SSRF). */
  allowPrivateEndpoints?: boolean;
  /** HTTP auth for the LFS API, e.g. { username: 'x-access-token', password: token } (Actions). */
  auth?: { username: string; password: string };
}

export interface LfsContext {
  /** The repository's common git directory (holds lfs/objects). */
  gitDir: string;
  /** The remote, taken apart, or null. */
  remote: RemoteUrl | null;
  /** `lfs.url` of the committed .lfsconfig, or null (read lazily: only when a server is needed). */
  lfsconfigUrl: () => Promise<string | null>;
  options: LfsOptions;
}

export interface LfsReader {
  /** Open the content of an LFS object; `path` is for messages. */
  open(path: string, pointer: LfsPointer): Promise<FileHandle>;
}

const FETCH = 'fetch the LFS objects (git lfs pull, or lfs: true on actions/checkout)';

export function createLfsReader(context: LfsContext): LfsReader {
  let endpoint: Promise<LfsEndpoint | null> | undefined;
  return {
    async open(path, pointer) {
      const subject = `"${path}" is stored in Git LFS (object ${pointer.oid.slice(0, 12)}…, ${pointer.size} bytes)`;
      const local = await localObject(
        join(context.gitDir, 'lfs', 'objects'),
        pointer,
        subject,
        'the local LFS store',
        'delete it and fetch it again (git lfs fetch)',
      );
      if (local) return local;
      if (context.remote?.kind === 'local') {
        const dir = context.remote.dir;
        for (const store of [join(dir, 'lfs', 'objects'), join(dir, '.git', 'lfs', 'objects')]) {
          const found = await localObject(
            store,
            pointer,
            subject,
            `the LFS store of the remote ${dir}`,
            'push the object again (git lfs push --all origin)',
          );
          if (found) return found;
        }
      }
      endpoint ??= findEndpoint(context);
      const server = await endpoint;
      if (!server) {
        throw new SourceError(
          'lfs-error',
          `${subject} and its content is neither in this clone${context.remote?.kind === 'local' ? ` nor in the LFS store of the remote ${context.remote.dir}` : ''}, and there is no LFS server to ask (no lfs.url in .lfsconfig${context.remote ? '' : ', no remote'}); ${FETCH}, or set lfs.url in .lfsconfig`,
        );
      }
      // Ask where the object is now, so that a missing object or refused credentials are
      // reported when the file is opened; download only when it is read (nothing is left
      // hanging when a reader opens a file and never reads it).
      const action = await requestDownload(server, pointer, subject);
      return {
        size: pointer.size,
        stream: () =>
          verified(
            download(action, server, pointer, subject),
            pointer,
            subject,
            `the LFS server ${server.url}`,
            'check the LFS server, or push the object again (git lfs push --all origin)',
          ),
      };
    },
  };
}

async function* download(action: DownloadAction, server: LfsEndpoint, pointer: LfsPointer, subject: string): AsyncGenerator<Uint8Array> {
  yield* await startDownload(action, server, pointer, subject);
}

/** The object in an LFS store directory (`objects/ab/cd/abcd…`), or null when it is not there. */
async function localObject(store: string, pointer: LfsPointer, subject: string, where: string, repair: string): Promise<FileHandle | null> {
  const file = join(store, pointer.oid.slice(0, 2), pointer.oid.slice(2, 4), pointer.oid);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return null;
    size = info.size;
  } catch {
    return null;
  }
  if (size !== pointer.size) {
    throw new SourceError('lfs-error', `${subject}, but the copy in ${where} (${file}) has ${size} bytes: it is damaged; ${repair}`);
  }
  return {
    size,
    stream: () => verified(createReadStream(file, { highWaterMark: 256 * 1024 }), pointer, subject, `${where} (${file})`, repair),
  };
}

/** Pass content through, checking it against the pointer; throws an lfs-error at the end when it does not match. */
async function* verified(
  chunks: AsyncIterable<Uint8Array>,
  pointer: LfsPointer,
  subject: string,
  from: string,
  repair: string,
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let bytes = 0;
  const damaged = (what: string): SourceError =>
    new SourceError('lfs-error', `${subject}, but the content from ${from} ${what}: it is not the object; ${repair}`);
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (bytes > pointer.size) throw damaged(`is longer than ${pointer.size} bytes`);
      hash.update(chunk);
      yield chunk;
    }
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError(
      'lfs-error',
      `${subject}, and reading it from ${from} failed after ${bytes} bytes (${messageOf(e)}); try again, or ${FETCH}`,
    );
  }
  if (bytes !== pointer.size) throw damaged(`ends after ${bytes} of ${pointer.size} bytes`);
  const sha256 = hash.digest('hex');
  if (sha256 !== pointer.oid) throw damaged(`has sha256 ${sha256}, not ${pointer.oid}`);
}

/** The LFS server: `lfs.url` from the committed .lfsconfig, else derived from the remote URL. */
async function findEndpoint(context: LfsContext): Promise<LfsEndpoint | null> {
  const { remote, options } = context;
  let configured: string | null;
  try {
    configured = await context.lfsconfigUrl();
  } catch (e) {
    throw new SourceError('lfs-error', `the committed .lfsconfig cannot be read (${messageOf(e)}); fix it, or ${FETCH}`);
  }
  if (configured !== null) {
    const origin = 'lfs.url in .lfsconfig';
    let url: URL;
    try {
      url = new URL(configured);
    } catch {
      throw new SourceError('lfs-error', `${origin} is "${configured}", which is not a URL; fix .lfsconfig, or ${FETCH}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new SourceError(
        'lfs-error',
        `${origin} is "${configured}": only http(s) LFS servers are supported; fix .lfsconfig, or ${FETCH}`,
      );
    }
    const publicOnly = !options.allowPrivateEndpoints;
    if (publicOnly) {
      let blocked: { address: string; reason: string } | undefined;
      try {
        blocked = await blockedHostReason(url.hostname);
      } catch (e) {
        throw new SourceError(
          'lfs-error',
          `${origin} names the host ${url.hostname}, which could not be resolved (${messageOf(e)}); fix .lfsconfig, or ${FETCH}`,
        );
      }
      if (blocked) {
        const at = blocked.address === url.hostname.replace(/^\[|\]$/g, '') ? '' : ` (${blocked.address})`;
        throw new SourceError(
          'lfs-error',
          `${origin} points at ${url.hostname}${at}, ${blocked.reason}: refused, so that a committed .lfsconfig cannot make the validator reach its own machine or private network (SSRF). If this LFS server is trusted, allow private endpoints (allowPrivateEndpoints); otherwise fix .lfsconfig, or ${FETCH}`,
        );
      }
    }
    // Credentials go only where they belong: the remote's own host (as git's credential helpers
    // do), or the ones written in the URL itself. A committed .lfsconfig must not collect a token.
    const sameHost = remote !== null && remote.kind !== 'local' && url.hostname.toLowerCase().replace(/^\[|\]$/g, '') === remote.host;
    const inUrl =
      url.username !== '' || url.password !== ''
        ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
        : undefined;
    url.username = '';
    url.password = '';
    const auth = inUrl ?? (sameHost ? options.auth : undefined);
    return { url: url.toString().replace(/\/+$/, ''), origin, publicOnly, ...(auth ? { auth } : {}) };
  }
  if (!remote) return null;
  const derived = lfsEndpointFromRemote(remote);
  if (!derived) return null;
  const auth = options.auth ?? (remote.kind === 'http' ? remote.credentials : undefined);
  return { url: derived, origin: 'derived from the remote URL', publicOnly: false, ...(auth ? { auth } : {}) };
}
