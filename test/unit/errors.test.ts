/**
 * The one error model (src/errors.ts) at the entry points. Every UserError subclass the project
 * defines, built with its real constructor, goes through the CLI's failure report (what `main`
 * does with anything a command throws) and the Action's (what `run` passes to core.setFailed):
 * its message and hint on one line, no stack, exit 2 (1 where the error says the content, not the
 * command, failed). A TypeError, and an InternalError, are reported as ours, with their stack.
 * The table is checked against the source: a new UserError subclass without a row fails here.
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoSuchKey } from '@aws-sdk/client-s3';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { AppSetupError } from '../../app/index.ts';
import { failureText } from '../../src/action/run.ts';
import { DestinationError } from '../../src/adapters/fs/fresh-folder.ts';
import { SourceUnavailableError } from '../../src/adapters/fs/source.ts';
import { BlobReadError } from '../../src/adapters/git/cat-file.ts';
import { GitCommandError } from '../../src/adapters/git/exec.ts';
import { GitLfsMissingError } from '../../src/adapters/git/package-repo.ts';
import { BlockedAddressError } from '../../src/adapters/http/request.ts';
import { InputError as ActionInputError } from '../../src/config/action.ts';
import { AppConfigError } from '../../src/config/app.ts';
import { ConfigError } from '../../src/config/problems.ts';
import { UsageError } from '../../src/cli/io.ts';
import { reportFailure } from '../../src/cli/main.ts';
import { DatastoreError, describeError, httpStatusOf, InternalError, isUserError, type UserError } from '../../src/errors.ts';
import { DumpError } from '../../src/migrate/dump.ts';
import { HttpFailure } from '../../src/migrate/export.ts';
import { InputError as MigrateInputError } from '../../src/migrate/files.ts';
import { MigrationError } from '../../src/migrate/legacy.ts';
import { RepositoryError } from '../../src/migrate/repos.ts';
import { StoreError } from '../../src/mirror/object-store.ts';
import { DescriptorTooLargeError, SourceError } from '../../src/package/source.ts';
import { ReadError } from '../../src/read/reader.ts';
import { RegistryFormatError } from '../../src/registry/csv.ts';
import { RegistryConflictError, RegistryRepositoryError } from '../../src/registry/writer.ts';
import { PatternError } from '../../src/validate/pattern.ts';
import { SchemaCompileError } from '../../src/validate/table/cast/field-type.ts';
import { CsvSyntaxError, RecordTooLongError, UnclosedQuoteError } from '../../src/validate/table/csv.ts';
import { startFakeGitHub } from '../support/github-server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every user error class, one instance each as the code throws it, and the exit code the CLI gives it. */
const USER_ERRORS: Array<[name: string, error: UserError, exit: 1 | 2]> = [
  ['UsageError', new UsageError('--max-errors must be a whole number of 1 or more (got "x")'), 2],
  ['InputError', new MigrateInputError('model.json: cannot read it (ENOENT); give the path of the legacy model.json'), 2],
  ['InputError', new MigrateInputError('data.csv: is empty (no header row); give a CSV with a header', 'no-data'), 1],
  ['DumpError', new DumpError('dump/dump.json: "format" is "x", not "os-legacy-dump/1"'), 2],
  ['MigrationError', new MigrationError('require_time_dimension', 'the model has no time dimension: add one', '/mapping'), 1],
  ['HttpFailure', new HttpFailure(404, 'https://old.example.org/datasets.json answered 404: is it an old openspending.org site?'), 2],
  ['RegistryFormatError', new RegistryFormatError('data/datasets.csv', 3, 'status must be one of published, failed (found "x")'), 2],
  ['RegistryConflictError', new RegistryConflictError(5, 'main'), 2],
  ['RegistryRepositoryError', new RegistryRepositoryError('os-team/registry is empty: create it from registry-template/'), 2],
  ['SourceError', new SourceError('path-error', '"../x.csv" leaves the dataset; give a path inside it'), 2],
  ['DescriptorTooLargeError', new DescriptorTooLargeError(70_000_000, 64 * 1024 * 1024), 2],
  ['ReadError', new ReadError('os-data/budget is not published at https://example.org; check OWNER/NAME', 'not-found'), 2],
  ['ReadError', new ReadError('data/2020.csv does not match its SHA-256 in the manifest: the store is damaged', 'mismatch'), 1],
  ['PatternError', new PatternError('the pattern "(a+)+\\1" uses a backreference; remove it'), 2],
  ['SchemaCompileError', new SchemaCompileError('format "x" is not valid for type "date"', 'format'), 2],
  ['CsvSyntaxError', new CsvSyntaxError(7, 'line 7 is not CSV; fix it'), 2],
  ['RecordTooLongError', new RecordTooLongError(12, 32 * 1024 * 1024), 2],
  ['UnclosedQuoteError', new UnclosedQuoteError(4), 2],
  ['InputError', new ActionInputError('input "fail-on" must be one of error, warning (found "x")'), 2],
  [
    'StoreError',
    new StoreError('The bucket "b" does not exist at AWS S3 (us-east-1); create it or fix OS_STORAGE_BUCKET_NAME.', 'no-bucket'),
    2,
  ],
  [
    'StoreError',
    new StoreError('GetObject on s3://b/k failed (InternalError, HTTP 500).', 'other', { hint: 'Check that the store works.' }),
    2,
  ],
  ['BlockedAddressError', new BlockedAddressError('intranet.example', '10.0.0.7', 'a private address'), 2],
  ['GitLfsMissingError', new GitLfsMissingError(2, 'out/cra'), 2],
  [
    'RepositoryError',
    new RepositoryError('repo-taken', 'os-archive/cra already holds another repository, left untouched.', {
      hint: 'Rename or remove it, or give another --create-repos organization.',
    }),
    2,
  ],
  ['GitCommandError', new GitCommandError(['rev-parse', '--verify', 'nope'], 128, 'fatal: Needed a single revision\n'), 2],
  [
    'SourceUnavailableError',
    new SourceUnavailableError('x: no such file or directory; give a dataset directory or its datapackage.json'),
    2,
  ],
  ['DestinationError', new DestinationError('--out out is not empty: give a new or empty folder (nothing is ever written over)'), 2],
  ['ConfigError', new ConfigError('OS_STORAGE_REGION must be a region name such as eu-west-1 (got "?")'), 2],
  [
    'AppConfigError',
    new AppConfigError([{ setting: 'WEBHOOK_SECRET', message: 'WEBHOOK_SECRET is not set.', hint: 'Copy it from the App settings.' }]),
    2,
  ],
  [
    'AppSetupError',
    new AppSetupError('The App (APP_ID 1) is not installed on the registry repository a/b (REGISTRY_REPO): install it there.'),
    2,
  ],
];

/** `class X extends Y` for every class in src/ and app/. */
async function classesInSource(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const dir of ['src', 'app']) {
    for (const file of await readdir(join(ROOT, dir), { recursive: true })) {
      if (!file.endsWith('.ts')) continue;
      const text = await readFile(join(ROOT, dir, file), 'utf8');
      for (const m of text.matchAll(/\bclass (\w+) extends (\w+)/g)) found.set(m[1]!, m[2]!);
    }
  }
  return found;
}

describe('every error a user can cause reaches them as one sentence that says what to do', () => {
  it('the table names every UserError subclass in the source', async () => {
    const classes = await classesInSource();
    const derivesFromUserError = (name: string): boolean => {
      for (let c: string | undefined = name; c !== undefined; c = classes.get(c)) if (c === 'UserError') return true;
      return false;
    };
    const userClasses = [...classes.keys()].filter((c) => c !== 'UserError' && derivesFromUserError(c)).sort();
    expect(userClasses.length).toBeGreaterThan(20);
    expect([...new Set(USER_ERRORS.map(([name]) => name))].sort()).toEqual(userClasses);
    // And no error class the project throws on purpose is outside the model.
    const outside = [...classes].filter(([c, base]) => /Error$|Failure$/.test(c) && base === 'Error').map(([c]) => c);
    expect(outside).toEqual(['DatastoreError']);
  });

  for (const [name, error, exit] of USER_ERRORS) {
    it(`${name} (${error.code}): message and hint on one line, no stack, exit ${exit}; the Action fails the step with the same line`, () => {
      expect(error.name).toBe(name);
      expect(isUserError(error)).toBe(true);
      expect(error.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      const line = error.hint ? `${error.message} ${error.hint}` : error.message;
      expect(error.describe()).toBe(line);

      let stderr = '';
      const code = reportFailure(error, { stderr: (s) => (stderr += s) });
      expect(code).toBe(exit);
      expect(stderr).toBe(`os-datastore: ${line}\n`);
      expect(stderr).not.toMatch(/internal error|please report|\n\s+at /);

      expect(failureText(error)).toBe(line);
      expect(JSON.parse(JSON.stringify(error))).toEqual({
        code: error.code,
        message: error.message,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    });
  }

  it('the hint is shown after the message, and control characters in it are escaped', () => {
    const error = new UsageError('--out x\u001b[31m is not a folder', { hint: 'Give a new folder.' });
    let stderr = '';
    expect(reportFailure(error, { stderr: (s) => (stderr += s) })).toBe(2);
    expect(stderr).toBe('os-datastore: --out x\\x1b[31m is not a folder Give a new folder.\n');
  });
});

describe('anything else is ours: its stack and a request to report it', () => {
  const internal: Array<[string, unknown]> = [
    [
      'a TypeError',
      (() => {
        try {
          return (null as unknown as { x: number }).x;
        } catch (e) {
          return e;
        }
      })(),
    ],
    ['an InternalError', new InternalError('storage-key', 'name "A B" cannot be used in a storage key')],
    ['a BlobReadError', new BlobReadError('the git dataset was closed; open it again to read it')],
  ];
  for (const [title, error] of internal) {
    it(`${title}: "internal error (please report it)" with the stack, exit 2; the Action says "failed unexpectedly"`, () => {
      expect(isUserError(error)).toBe(false);
      let stderr = '';
      expect(reportFailure(error, { stderr: (s) => (stderr += s) })).toBe(2);
      expect(stderr).toMatch(/^os-datastore: internal error \(please report it\): \w*Error: .+\n\s+at /);
      expect(failureText(error)).toMatch(/^os-datastore failed unexpectedly \(please report it\): \w*Error: .+\n\s+at /);
    });
  }

  it('a thrown non-Error is shown as text', () => {
    let stderr = '';
    expect(reportFailure('boom', { stderr: (s) => (stderr += s) })).toBe(2);
    expect(stderr).toBe('os-datastore: internal error (please report it): boom\n');
    expect(describeError(42)).toBe('42');
  });

  it('DatastoreError is the base of both, and cannot be mistaken for a user error', () => {
    const e = new InternalError('x', 'y', { hint: 'z', cause: new Error('inner') });
    expect(e).toBeInstanceOf(DatastoreError);
    expect(e.describe()).toBe('y z');
    expect((e.cause as Error).message).toBe('inner');
    expect(describeError(e)).toBe('y z');
  });
});

describe('httpStatusOf: the status of an error, read in one place', () => {
  it("reads Octokit's RequestError (a real 404 from the local GitHub server)", async () => {
    const fake = await startFakeGitHub();
    const error = await new Octokit({ baseUrl: fake.url, auth: fake.token, log: { debug() {}, info() {}, warn() {}, error() {} } })
      .request('GET /repos/{owner}/{repo}', { owner: 'nobody', repo: 'nothing' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(httpStatusOf(error)).toBe(404);
  });

  it("reads the AWS SDK's $metadata.httpStatusCode", () => {
    expect(httpStatusOf(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }))).toBe(404);
  });

  it('is undefined for errors without one, and for non-errors', () => {
    expect(httpStatusOf(new Error('x'))).toBeUndefined();
    expect(httpStatusOf(Object.assign(new Error('x'), { status: '404' }))).toBeUndefined();
    expect(httpStatusOf(null)).toBeUndefined();
    expect(httpStatusOf('404')).toBeUndefined();
    expect(httpStatusOf(new HttpFailure(503, 'x answered 503 after 3 tries'))).toBe(503);
    expect(httpStatusOf(new HttpFailure(null, 'x is not JSON'))).toBeUndefined();
  });
});
