/** The datasets published in a store: `datasets/{owner}/{name}/` prefixes, listed with a delimiter. */

import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { isDatasetName, isGitHubLogin } from '../../package/names.ts';
import type { S3Store } from './store.ts';

async function folders(store: S3Store, under: string): Promise<string[]> {
  const prefix = store.config.prefix === '' ? '' : `${store.config.prefix}/`;
  const out: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await store.client.send(
      new ListObjectsV2Command({ Bucket: store.config.bucket, Prefix: prefix + under, Delimiter: '/', ContinuationToken }),
    );
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix.slice((prefix + under).length).replace(/\/$/, ''));
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return out;
}

/**
 * Every `datasets/{owner}/{name}/` in the store. s3rver (the embedded store) finds no common
 * prefix two levels down (it skips the folders below one while walking), so when the delimited
 * listing finds no owner, the keys are listed in full and the datasets read from their
 * `.datastore/state.json`.
 */
export async function listPublishedDatasets(store: S3Store): Promise<Array<{ owner: string; name: string }>> {
  const out: Array<{ owner: string; name: string }> = [];
  const owners = await folders(store, 'datasets/');
  if (owners.length === 0) {
    for await (const o of store.list('datasets/')) {
      const m = /^datasets\/([^/]+)\/([^/]+)\/\.datastore\/state\.json$/.exec(o.key);
      if (m && isGitHubLogin(m[1]!) && m[1] === m[1]!.toLowerCase() && isDatasetName(m[2]!)) out.push({ owner: m[1]!, name: m[2]! });
    }
    return out;
  }
  for (const owner of owners) {
    if (!isGitHubLogin(owner) || owner !== owner.toLowerCase()) continue;
    for (const name of await folders(store, `datasets/${owner}/`)) if (isDatasetName(name)) out.push({ owner, name });
  }
  return out;
}
