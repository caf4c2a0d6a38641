/** The read port through the S3 client of `publish`'s storage configuration (credentials, prefix). */

import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { StoreReader } from '../../read/reader.ts';
import type { S3Store } from './store.ts';

export function s3StoreReader(store: S3Store): StoreReader {
  const prefix = store.config.prefix === '' ? '' : `${store.config.prefix}/`;
  return {
    description: store.description,
    url: (key) => store.url(key),
    get: (key) => store.get(key),
    async stream(key) {
      // get() knows every store's way of saying "no such key"; a HEAD first keeps that logic in one place.
      if (!(await store.head(key))) return null;
      const response = await store.client.send(new GetObjectCommand({ Bucket: store.config.bucket, Key: prefix + key }));
      return (response.Body as Readable | undefined) ?? (async function* () {})();
    },
  };
}
