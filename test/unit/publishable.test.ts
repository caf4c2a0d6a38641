/**
 * What publishing adds to the validation (src/validate/descriptor/publishable.ts): an owner and a
 * name that form storage keys, and published file paths that fit a key — reported once, at their
 * pointer or file, and counted like any other problem by the validator.
 */
import { describe, expect, it } from 'vitest';
import type { PackageDescriptor } from '../../src/package/descriptor.ts';
import { MAX_PATH_BYTES } from '../../src/package/names.ts';
import { checkPublishable, resolveOwner, type PublishTarget } from '../../src/validate/descriptor/publishable.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import { testdir } from '../support/tmp.ts';

const pkg = (d: Record<string, unknown>): PackageDescriptor =>
  ({ name: 'budget', resources: [{ name: 'rows', path: 'rows.csv' }], ...d }) as PackageDescriptor;
const found = (d: Record<string, unknown>, target: PublishTarget) =>
  checkPublishable(pkg(d), target).map((p) => [p.code, p.pointer ?? p.path]);

describe('the owner a dataset is published under', () => {
  it('is the GitHub owner when there is one, else the given or declared one, in lowercase', () => {
    expect(resolveOwner({ github: 'OS-Data' }, undefined)).toEqual({ owner: 'os-data' });
    expect(resolveOwner({ given: 'Alice' }, 'alice')).toEqual({ owner: 'alice' });
    expect(resolveOwner({}, 'Bob')).toEqual({ owner: 'bob' });
  });

  it('says why there is none', () => {
    expect(resolveOwner({ github: 'os-data', given: 'alice' }, undefined)).toEqual({
      error: expect.stringMatching(/^--owner alice differs/),
    });
    expect(resolveOwner({ github: 'os-data' }, 'alice')).toEqual({ error: expect.stringMatching(/is not the repository owner "os-data"/) });
    expect(resolveOwner({}, undefined)).toEqual({ error: expect.stringMatching(/^no owner: .*add "owner" or pass --owner$/) });
    expect(resolveOwner({ given: 'not_a_login' }, undefined)).toEqual({ error: expect.stringMatching(/is not a GitHub login/) });
  });
});

describe('checkPublishable', () => {
  it('finds nothing to say about a publishable package', () => {
    expect(found({ owner: 'os-data' }, { github: 'os-data', files: ['datapackage.json', 'rows.csv', 'README.md'] })).toEqual([]);
  });

  it('reports a missing owner, a conflicting --owner and a missing name at their pointers', () => {
    expect(found({}, {})).toEqual([['owner-mismatch', '/owner']]);
    expect(found({}, { github: 'os-data', given: 'alice' })).toEqual([['owner-mismatch', '/owner']]);
    expect(found({ name: undefined, owner: 'alice' }, {})).toEqual([['descriptor-error', '/name']]);
    expect(found({ name: 7, owner: 'alice' }, {})).toEqual([['descriptor-error', '/name']]);
  });

  it('leaves to the descriptor checks what they report already: a declared owner that is not the repository’s, or not a login', () => {
    expect(found({ owner: 'alice' }, { github: 'os-data' })).toEqual([]);
    expect(found({ owner: 'not_a_login' }, {})).toEqual([]);
  });

  it('reports a published file whose path is too long for a key, but not a resource path (checked with the descriptor)', () => {
    const long = `docs/${'x'.repeat(MAX_PATH_BYTES)}.txt`;
    const longData = `data/${'y'.repeat(MAX_PATH_BYTES)}.csv`;
    expect(
      found({ owner: 'alice', resources: [{ name: 'rows', path: longData }] }, { given: 'alice', files: ['rows.csv', long, longData] }),
    ).toEqual([['path-error', long]]);
  });
});

describe('the validator with `publishing`', () => {
  it('counts what keeps a package from being published like any other problem', async () => {
    const source = await createFsSource(
      await testdir({ 'datapackage.json': { resources: [{ name: 'rows', path: 'rows.csv' }] }, 'rows.csv': 'a\n1\n' }),
    );
    expect((await validatePackage(source)).valid).toBe(true);
    const report = await validatePackage(source, { publishing: {} });
    expect(report.valid).toBe(false);
    expect(report.stats.errors).toBe(2);
    expect(report.errors.map((p) => [p.code, p.pointer, p.lineNumber])).toEqual([
      ['owner-mismatch', '/owner', 1],
      ['descriptor-error', '/name', 1],
    ]);
  });
});
