/**
 * Remote (http/https) resources, for packages whose data lives on the web and the user allowed
 * fetching it (`validate --allow-remote`). The URL comes from the descriptor, so it gets the LFS
 * client's address policy: only public addresses, checked on the address actually connected to,
 * on every redirect too (request.ts); and every fetch is bounded in redirects, bytes and time.
 */

import { formatBytes } from '../../package/json-document.ts';
import { SourceError, type FileHandle } from '../../package/source.ts';
import { BlockedAddressError, send } from './request.ts';
import { messageOf } from '../../errors.ts';

export interface RemotePolicy {
  /** Also reach loopback, private and link-local addresses (`--allow-private-remote`); default false. */
  allowPrivate?: boolean;
  /** The most bytes one remote resource may have (default REMOTE_LIMITS.maxBytes). */
  maxBytes?: number;
  /** Give up when the connection is idle this long, connecting included (ms). */
  idleTimeoutMs?: number;
  /** Give up when one resource takes longer than this in all, reading its body included (ms). */
  totalTimeoutMs?: number;
  /** Redirects followed at most. */
  maxRedirects?: number;
}

/** The bounds of one remote resource (documented in the README, "Safety"). */
export const REMOTE_LIMITS = {
  maxBytes: 1024 * 1024 * 1024,
  idleTimeoutMs: 30_000,
  totalTimeoutMs: 10 * 60_000,
  maxRedirects: 5,
} as const;

const KEEP = 'keep the data in the repository';

/** A remote resource, opened: its headers have arrived; the body streams within the policy's bounds. */
export async function openRemote(url: string, policy: RemotePolicy = {}): Promise<FileHandle> {
  const maxBytes = policy.maxBytes ?? REMOTE_LIMITS.maxBytes;
  const totalMs = policy.totalTimeoutMs ?? REMOTE_LIMITS.totalTimeoutMs;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new SourceError('source-error', `${url} is not a valid URL; fix the path`);
  }
  const deadline = AbortSignal.timeout(totalMs);
  const idleMs = policy.idleTimeoutMs ?? REMOTE_LIMITS.idleTimeoutMs;
  // Errors while the body streams are reported after the URL (the validator names the part): `subject` is '' there.
  const late = (subject: string): SourceError =>
    new SourceError(
      'source-error',
      `${subject}took longer than ${seconds(totalMs)} in all (the limit for a remote resource); ${KEEP}, or serve it faster`,
    );
  let response;
  try {
    ({ response } = await send(target, {
      method: 'GET',
      publicOnly: !policy.allowPrivate,
      idleTimeoutMs: idleMs,
      maxRedirects: policy.maxRedirects ?? REMOTE_LIMITS.maxRedirects,
      signal: deadline,
    }));
  } catch (e) {
    if (e instanceof BlockedAddressError) {
      throw new SourceError(
        'source-error',
        `${url} was not fetched: ${e.message}; remote resources are read from public addresses only (${KEEP}, or allow private addresses with --allow-private-remote)`,
      );
    }
    if (deadline.aborted) throw late(`${url} `);
    throw new SourceError('source-error', `${url} could not be fetched (${messageOf(e)}); check the URL, or ${KEEP}`);
  }
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.resume();
    throw new SourceError('source-error', `${url} answered HTTP ${status}; check the URL, or ${KEEP}`);
  }
  const tooLarge = (subject: string): SourceError =>
    new SourceError(
      'source-error',
      `${subject} the ${formatBytes(maxBytes)} limit for a remote resource; ${KEEP} (in Git LFS if it is large)`,
    );
  const length = Number(response.headers['content-length']);
  const announced = response.headers['content-length'] !== undefined && Number.isSafeInteger(length) && length >= 0 ? length : null;
  if (announced !== null && announced > maxBytes) {
    response.destroy();
    throw tooLarge(`${url} is ${formatBytes(announced)}, more than`);
  }
  return {
    size: announced,
    async *stream() {
      let n = 0;
      const idle = new Error('idle');
      response.setTimeout(idleMs, () => response.destroy(idle));
      try {
        for await (const chunk of response as AsyncIterable<Buffer>) {
          n += chunk.length;
          if (n > maxBytes) throw tooLarge('larger than');
          yield chunk;
        }
      } catch (e) {
        if (e instanceof SourceError) throw e;
        if (deadline.aborted) throw late('');
        if (e === idle)
          throw new SourceError(
            'source-error',
            `sent nothing for ${seconds(idleMs)} after ${formatBytes(n)} (the idle limit for a remote resource); try again, or ${KEEP}`,
          );
        throw new SourceError('source-error', `the download broke off after ${formatBytes(n)} (${messageOf(e)}); try again, or ${KEEP}`);
      } finally {
        response.destroy();
      }
    },
  };
}

const seconds = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`);
