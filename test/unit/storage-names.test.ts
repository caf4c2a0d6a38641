/**
 * Names a dataset is stored under (src/package/names.ts): the descriptor checks at /name,
 * /owner and resource paths, and the guarantee that every key of the layout fits S3's bound.
 */
import { describe, expect, it } from 'vitest';
import type { PackageDescriptor } from '../../src/package/descriptor.ts';
import { DatasetLayout } from '../../src/mirror/layout.ts';
import {
  byteLength,
  isGitHubLogin,
  MAX_KEY_BYTES,
  MAX_NAME_LENGTH,
  MAX_OWNER_LENGTH,
  MAX_PATH_BYTES,
  MAX_PREFIX_BYTES,
  prefixProblem,
} from '../../src/package/names.ts';
import type { ProfileInfo } from '../../src/package/profiles.ts';
import { checkSemantics } from '../../src/validate/descriptor/semantic.ts';

const TABULAR: ProfileInfo = { kind: 'tabular', openspending: false, tabular: true, fiscal: false };
const check = (d: Record<string, unknown>, repositoryOwner?: string) =>
  checkSemantics({ resources: [{ name: 'rows', path: 'data/rows.csv' }], ...d } as PackageDescriptor, {
    profile: TABULAR,
    ...(repositoryOwner ? { repositoryOwner } : {}),
  }).map((p) => [p.code, p.pointer]);

describe('GitHub logins', () => {
  it('1–39 letters, digits and single hyphens, not first or last', () => {
    for (const ok of ['a', 'os-data', 'A1-b2-C3', 'x'.repeat(MAX_OWNER_LENGTH)]) expect(isGitHubLogin(ok)).toBe(true);
    for (const bad of ['', '-a', 'a-', 'a--b', '../x', 'a.b', 'a_b', 'a/b', 'é', 'x'.repeat(MAX_OWNER_LENGTH + 1), 'a\u0000'])
      expect(isGitHubLogin(bad)).toBe(false);
  });
});

describe('descriptor names that cannot form a storage key are errors at their pointer', () => {
  it('a name over 100 characters, or with "/", "..", a leading dot or hyphen, at /name', () => {
    expect(check({ name: 'a'.repeat(2000) })).toEqual([['descriptor-error', '/name']]);
    expect(check({ name: 'a'.repeat(MAX_NAME_LENGTH + 1) })).toEqual([['descriptor-error', '/name']]);
    expect(check({ name: 'a'.repeat(MAX_NAME_LENGTH) })).toEqual([]);
    for (const bad of ['a/b', 'a..b', '.hidden', '-dash', '_under']) expect(check({ name: bad })).toEqual([['descriptor-error', '/name']]);
    // What the schema's own pattern refuses is left to it (one problem, not two).
    expect(check({ name: 'Not A Slug' })).toEqual([]);
    const long = checkSemantics({ name: 'b'.repeat(2000), resources: [] } as PackageDescriptor, { profile: TABULAR })[0]!;
    expect(long.message).toMatch(/2000 characters long; a name has at most 100/);
    expect(long.message.length).toBeLessThan(300);
  });

  it('an owner that is not a GitHub login, at /owner, instead of an owner mismatch', () => {
    expect(check({ name: 'ok', owner: '../x' }, 'os-data')).toEqual([['descriptor-error', '/owner']]);
    expect(check({ name: 'ok', owner: 'a'.repeat(5000) })).toEqual([['descriptor-error', '/owner']]);
    expect(check({ name: 'ok', owner: 'os-data' }, 'OS-Data')).toEqual([]);
    expect(check({ name: 'ok', owner: 'mallory' }, 'os-data')).toEqual([['owner-mismatch', '/owner']]);
  });

  it('a local resource path over 512 bytes of UTF-8, at its pointer; remote URLs are not keys', () => {
    const euros = `data/${'€'.repeat(170)}.csv`; // 5 + 510 + 4 bytes
    expect(byteLength(euros)).toBeGreaterThan(MAX_PATH_BYTES);
    expect(euros.length).toBeLessThan(MAX_PATH_BYTES);
    const fits = `${'d'.repeat(MAX_PATH_BYTES - 4)}.csv`;
    const d = {
      name: 'ok',
      resources: [
        { name: 'a', path: euros },
        { name: 'b', path: ['data/b.csv', `${'x'.repeat(600)}.csv`] },
        { name: 'c', path: fits },
        { name: 'd', path: `https://example.org/${'x'.repeat(2000)}.csv` },
      ],
    };
    expect(check(d).filter(([code]) => code === 'path-error')).toEqual([
      ['path-error', '/resources/0/path'],
      ['path-error', '/resources/1/path/1'],
    ]);
  });
});

describe('every key of the layout fits the store', () => {
  it('with the longest prefix, owner, name and path, every key is at most 1,024 bytes', () => {
    const prefix = 'p'.repeat(MAX_PREFIX_BYTES);
    expect(prefixProblem(prefix)).toBeNull();
    expect(prefixProblem(prefix + 'p')).toMatch(/257 bytes long/);
    const layout = new DatasetLayout('o'.repeat(MAX_OWNER_LENGTH), 'n'.repeat(MAX_NAME_LENGTH));
    const sha = 'f'.repeat(64); // SHA-256 commits and blobs: the longest ids
    const keys = [
      layout.latest('€'.repeat(Math.floor(MAX_PATH_BYTES / 3))),
      layout.latest('x'.repeat(MAX_PATH_BYTES)),
      layout.latest('aggregates/by-administrative.csv'),
      layout.blob(sha),
      layout.version(sha),
      layout.report(sha),
      layout.badge,
      layout.state,
      layout.pending,
    ];
    for (const key of keys) expect(byteLength(`${prefix}/${key}`)).toBeLessThanOrEqual(MAX_KEY_BYTES);
  });

  it('the layout refuses an owner or a name past the bounds', () => {
    expect(() => new DatasetLayout('o'.repeat(MAX_OWNER_LENGTH + 1), 'n')).toThrow(/owner/);
    expect(() => new DatasetLayout('os-data', 'n'.repeat(MAX_NAME_LENGTH + 1))).toThrow(/name/);
  });

  it('prefixes: S3-safe segments, no "." or ".." segment', () => {
    for (const ok of ['', 'staging', 'a/b/c', "x-1_(2)!*'.y"]) expect(prefixProblem(ok)).toBeNull();
    for (const bad of ['a/../b', './a', 'a//b', 'a b', 'a\nb', 'a\\b', 'ü']) expect(prefixProblem(bad)).not.toBeNull();
  });
});
