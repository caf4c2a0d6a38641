/**
 * `--shard K/N`: a stable share of a dump's datasets, so N jobs of a matrix migrate a dump in
 * parallel and never touch the same dataset. A dataset belongs to shard 1 + (the first 8 bytes of
 * sha256(name), as a number) mod N: the same whatever the order, the size of the dump or the
 * machine, and each dataset in exactly one shard. Pure.
 */

import { createHash } from 'node:crypto';

export interface Shard {
  k: number;
  n: number;
}

/** Parse "K/N" (1 ≤ K ≤ N ≤ 1000); null with the reason when it is not one. */
export function parseShard(value: string): Shard | string {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(value);
  if (!m) return `--shard ${value}: expected K/N, e.g. 2/8 (the 2nd of 8 shares)`;
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || n > 1000 || k < 1 || k > n) return `--shard ${value}: K must be from 1 to N, and N from 1 to 1000`;
  return { k, n };
}

/** The shard (1-based) a dataset name falls in. */
export function shardOf(name: string, n: number): number {
  const h = createHash('sha256').update(name, 'utf8').digest();
  return Number(h.readBigUInt64BE(0) % BigInt(n)) + 1;
}

export const inShard = (name: string, s: Shard): boolean => shardOf(name, s.n) === s.k;
