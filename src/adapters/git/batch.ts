/**
 * The Git LFS Batch API client (https://github.com/git-lfs/git-lfs/blob/main/docs/api/batch.md):
 * one download request with the basic transfer, then the object fetched from the action's href.
 */

import type { IncomingMessage } from 'node:http';
import { SourceError } from '../../package/source.ts';
import { BlockedAddressError, readBody, send } from '../http/request.ts';
import type { LfsPointer } from './pointer.ts';
import { messageOf } from '../../errors.ts';

const LFS_JSON = 'application/vnd.git-lfs+json';

/** Where and how to ask for objects. */
export interface LfsEndpoint {
  /** The endpoint URL, e.g. `https://github.com/o/r.git/info/lfs`. */
  url: string;
  /** Where it came from, for messages, e.g. `lfs.url in .lfsconfig`. */
  origin: string;
  /** Refuse loopback, private and link-local addresses (the endpoint came from repository content). */
  publicOnly: boolean;
  auth?: { username: string; password: string };
}

const FETCH_BEFOREHAND = 'or fetch the LFS objects before validating (git lfs pull, or lfs: true on actions/checkout)';

/** Where to download one object from, as the Batch API answered. */
export interface DownloadAction {
  href: URL;
  header: Record<string, string>;
}

/**
 * Ask the endpoint where to download the object (the Batch API's download operation). Every
 * failure is an `lfs-error` whose message starts with `subject` and says what to do.
 */
export async function requestDownload(endpoint: LfsEndpoint, pointer: LfsPointer, subject: string): Promise<DownloadAction> {
  const batchUrl = new URL(`${endpoint.url.replace(/\/+$/, '')}/objects/batch`);
  const headers: Record<string, string> = { accept: LFS_JSON, 'content-type': LFS_JSON };
  if (endpoint.auth)
    headers.authorization = `Basic ${Buffer.from(`${endpoint.auth.username}:${endpoint.auth.password}`).toString('base64')}`;
  const request = { operation: 'download', transfers: ['basic'], objects: [{ oid: pointer.oid, size: pointer.size }] };
  const fail = failWith(subject);
  const server = `the LFS server ${endpoint.url} (${endpoint.origin})`;

  let answer: IncomingMessage;
  try {
    answer = (await send(batchUrl, { method: 'POST', headers, body: JSON.stringify(request), publicOnly: endpoint.publicOnly })).response;
  } catch (e) {
    throw networkFailure(e, server, fail);
  }
  let text: string;
  try {
    text = await readBody(answer, 1024 * 1024);
  } catch (e) {
    throw fail(`${server} sent an unreadable answer (${messageOf(e)})`, `try again, ${FETCH_BEFOREHAND}`);
  }
  const status = answer.statusCode ?? 0;
  if (status !== 200) {
    const said = serverMessage(text);
    const detail = `${server} answered HTTP ${status}${said ? ` (${said})` : ''}`;
    if (status === 401) {
      const how = answer.headers['lfs-authenticate'];
      throw fail(
        `${detail}: it needs credentials${how ? ` (${String(how)})` : ''}`,
        `${endpoint.auth ? 'check the credentials given' : 'give credentials (auth: e.g. username x-access-token and a token)'}, ${FETCH_BEFOREHAND}`,
      );
    }
    if (status === 403) throw fail(`${detail}: access denied`, `check that the credentials may read the repository, ${FETCH_BEFOREHAND}`);
    if (status === 404)
      throw fail(
        `${detail}: no such repository or endpoint`,
        `check the endpoint (${endpoint.origin}) and that the credentials can see the repository, ${FETCH_BEFOREHAND}`,
      );
    throw fail(detail, `try again later or check the LFS server, ${FETCH_BEFOREHAND}`);
  }

  const object = findObject(text, pointer.oid);
  if (typeof object === 'string')
    throw fail(
      `${server} sent an answer that is not a Git LFS batch response (${object})`,
      `check the endpoint (${endpoint.origin}), ${FETCH_BEFOREHAND}`,
    );
  if (object.error) {
    const { code, message } = object.error;
    const why =
      code === 404
        ? 'the server does not have the object'
        : code === 410
          ? 'the object was removed from the server'
          : code === 422
            ? 'the server says the object is invalid'
            : `the server refused the object`;
    const fix =
      code === 404 || code === 410 ? `push it (git lfs push --all origin) from a clone that has it, ${FETCH_BEFOREHAND}` : FETCH_BEFOREHAND;
    throw fail(`${why} (error ${code}${message ? `: ${message}` : ''} from ${server})`, fix);
  }
  const download = object.actions?.download;
  if (!download || typeof download.href !== 'string')
    throw fail(`${server} gave no download action for the object`, `check the LFS server, ${FETCH_BEFOREHAND}`);
  let href: URL;
  try {
    href = new URL(download.href, batchUrl);
  } catch {
    throw fail(`${server} gave the download URL "${download.href}", which is not a URL`, `check the LFS server, ${FETCH_BEFOREHAND}`);
  }
  const header: Record<string, string> = {};
  for (const [k, v] of Object.entries(download.header ?? {})) if (typeof v === 'string') header[k] = v;
  return { href, header };
}

/**
 * Start the download of an object (its body not yet read). The address rules of the endpoint
 * apply to the download URL too: it comes from the same server.
 */
export async function startDownload(
  action: DownloadAction,
  endpoint: LfsEndpoint,
  pointer: LfsPointer,
  subject: string,
): Promise<IncomingMessage> {
  const fail = failWith(subject);
  const { href } = action;
  let got: IncomingMessage;
  try {
    got = (await send(href, { method: 'GET', headers: action.header, publicOnly: endpoint.publicOnly })).response;
  } catch (e) {
    throw networkFailure(e, `the object's download URL on ${href.host} (from the LFS server ${endpoint.url})`, fail);
  }
  const status = got.statusCode ?? 0;
  if (status !== 200) {
    got.resume();
    throw fail(
      `the download from ${href.host} answered HTTP ${status}`,
      `${status === 401 || status === 403 ? 'check the credentials, ' : 'try again, '}${FETCH_BEFOREHAND}`,
    );
  }
  const length = got.headers['content-length'];
  if (length !== undefined && Number(length) !== pointer.size) {
    got.destroy();
    throw fail(
      `the download from ${href.host} is ${length} bytes, but the pointer says ${pointer.size}: it is not the object`,
      'check the LFS server, or push the object again (git lfs push --all origin)',
    );
  }
  return got;
}

function failWith(subject: string): (what: string, fix: string) => SourceError {
  return (what, fix) => new SourceError('lfs-error', `${subject}: ${what}; ${fix}`);
}

interface BatchObject {
  oid: string;
  error?: { code: number; message?: string };
  actions?: { download?: { href?: unknown; header?: Record<string, unknown> } };
}

/** The response's entry for `oid`, or why the response is unusable. */
function findObject(text: string, oid: string): BatchObject | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { objects?: unknown }).objects)) return 'no "objects" list';
  const transfer = (body as { transfer?: unknown }).transfer;
  if (transfer !== undefined && transfer !== 'basic') return `transfer "${String(transfer)}" instead of "basic"`;
  const found = ((body as { objects: unknown[] }).objects as Array<Partial<BatchObject>>).find(
    (o) => typeof o === 'object' && o !== null && o.oid === oid,
  );
  if (!found) return 'the object asked for is not in it';
  if (found.error !== undefined && (typeof found.error !== 'object' || found.error === null || typeof found.error.code !== 'number'))
    return 'a malformed "error"';
  return found as BatchObject;
}

function serverMessage(text: string): string | undefined {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    return typeof m === 'string' && m !== '' ? m.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

function networkFailure(e: unknown, what: string, fail: (what: string, fix: string) => SourceError): SourceError {
  if (e instanceof BlockedAddressError) {
    return fail(
      `${what} leads to ${e.message}: refused, so that repository content cannot make the validator reach its own machine or private network (SSRF)`,
      'if this LFS server is trusted, allow private endpoints (allowPrivateEndpoints)',
    );
  }
  return fail(`${what} could not be reached (${messageOf(e)})`, `check the endpoint and the network, ${FETCH_BEFOREHAND}`);
}
