/** Remote (http/https) resources, for packages whose data lives on the web and the user allowed fetching it. */

import { SourceError, type FileHandle } from '../../package/source.ts';

/** A remote resource (the validator only asks when the user allowed remote data). */
export async function openRemote(url: string): Promise<FileHandle> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    throw new SourceError('source-error', `${url} could not be fetched (${e instanceof Error ? e.message : String(e)}); check the URL, or keep the data in the repository`);
  }
  if (!res.ok || !res.body) throw new SourceError('source-error', `${url} answered HTTP ${res.status}; check the URL, or keep the data in the repository`);
  const length = Number(res.headers.get('content-length'));
  const body = res.body;
  return { size: Number.isFinite(length) && length > 0 ? length : null, stream: () => body as unknown as AsyncIterable<Uint8Array> };
}
