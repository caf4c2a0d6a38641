/**
 * What a dataset repository writes reaches the registry, the feed and notifications capped and
 * cleaned (src/registry/clean.ts), and a dataset whose name or owner cannot form a storage key is
 * never listed: repositories served by the local GitHub REST server, observed as the App does,
 * applied, written as the registry's CSV files and sent to a real subscriber.
 */
import { describe, expect, it } from 'vitest';
import { GitHubClient } from '../../src/adapters/github/octokit.ts';
import { githubPort } from '../../src/adapters/github/port.ts';
import { createNotifier } from '../../src/notify/index.ts';
import { cleanText, FIELD_LIMITS } from '../../src/registry/clean.ts';
import { parseRegistryFiles, serializeRegistry } from '../../src/registry/csv.ts';
import { applyObservations, REASONS } from '../../src/registry/edit.ts';
import type { ChangeContext, RegistryState } from '../../src/registry/model.ts';
import { observeRepository } from '../../src/registry/observe.ts';
import { startFakeGitHub, type FakeGitHub } from '../support/github-server.ts';
import { startSubscriber } from '../support/subscriber.ts';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const client = (fake: FakeGitHub, token: string): GitHubClient =>
  new GitHubClient({
    auth: token,
    baseUrl: fake.url,
    log: silent,
    throttle: { enabled: false },
    retry: { doNotRetry: [400, 401, 403, 404, 409, 422] },
  });
const ctx: ChangeContext = { now: '2024-05-01T12:00:00Z', delivery: 'delivery-1', coreOrg: 'os-data' };
const empty: RegistryState = { datasets: [], changelog: [] };
const descriptor = (fields: Record<string, unknown>) =>
  JSON.stringify({
    name: 'budget',
    owner: 'os-data',
    resources: [{ name: 'rows', path: 'data/rows.csv', schema: { fields: [{ name: 'year', type: 'integer' }] } }],
    ...fields,
  });

/** Control characters, bidi controls or line breaks anywhere in a text. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('untrusted fields are capped and cleaned before the registry, the feed and notifications', () => {
  it('a 5 MB title with control characters, bidi overrides, newlines and a formula becomes one clean line of 200 characters', async () => {
    const fake = await startFakeGitHub();
    const huge = fake.addRepo({ owner: 'os-data', name: 'huge' });
    const sly = fake.addRepo({ owner: 'os-data', name: 'sly' });
    const formula = fake.addRepo({ owner: 'os-data', name: 'formula' });
    fake.commit(
      huge,
      'main',
      { 'datapackage.json': descriptor({ name: 'huge', title: 'Budget '.repeat(750_000) }), 'data/rows.csv': 'year\n2024\n' },
      'init',
    );
    fake.commit(
      sly,
      'main',
      {
        'datapackage.json': descriptor({ name: 'sly', title: 'City\u001b[31m budget\r\n2024\u202e\u0007 (draft)\u2066' }),
        'data/rows.csv': 'year\n2024\n',
      },
      'init',
    );
    fake.commit(
      formula,
      'main',
      {
        'datapackage.json': descriptor({ name: 'formula', title: '=HYPERLINK("http://evil.test","click")' }),
        'data/rows.csv': 'year\n2024\n',
      },
      'init',
    );
    const gh = githubPort(client(fake, fake.installationToken(fake.addInstallation({ account: 'os-data' }))));

    const observed = await Promise.all([huge, sly, formula].map((id) => observeRepository(gh, id)));
    expect(observed.map((o) => o.descriptor?.valid)).toEqual([true, true, true]);
    const titles = observed.map((o) => o.descriptor!.title!);
    expect(titles[0]!.length).toBe(FIELD_LIMITS.title);
    expect(titles[0]).toBe(`${'Budget '.repeat(28)}Bud…`); // 199 characters and the ellipsis
    expect(titles[1]).toBe('City[31m budget 2024 (draft)');
    expect(titles[2]).toBe('\'=HYPERLINK("http://evil.test","click")');

    const { state, changes } = applyObservations(empty, observed, ctx);
    const files = serializeRegistry(state);
    const datasets = files['data/datasets.csv'];
    expect(datasets.length).toBeLessThan(2000);
    expect(datasets.split('\n').every((line) => !HIDDEN.test(line))).toBe(true);
    // Read back as a spreadsheet would (quotes removed), no cell starts a formula.
    const reread = parseRegistryFiles(files);
    const cells = [...reread.datasets, ...reread.changelog].flatMap((row) =>
      Object.values(row).filter((v): v is string => typeof v === 'string'),
    );
    expect(cells.filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    expect(cells).toContain('\'=HYPERLINK("http://evil.test","click")');
    // The registry read back is what was written: applying the same observations again changes nothing.
    expect(applyObservations(reread, observed, ctx).changes).toEqual([]);

    // A subscriber receives the same clean rows, even when a row handed to the notifier is not.
    const subscriber = await startSubscriber();
    const notifier = createNotifier({
      registry: { owner: 'os-team', repo: 'registry' },
      subscribers: [{ url: subscriber.url, secret: subscriber.secret }],
    });
    const dirty = { ...changes[0]!, note: `listed\u202e\n${'x'.repeat(5000)}`, dataset: 'os-data/\u0000huge' };
    await notifier.notify({ commit: 'c'.repeat(40), changes: [dirty, ...changes.slice(1)] });
    const [delivery] = await subscriber.waitForAccepted(1);
    const sent = (delivery!.body as { changes: Array<{ note: string; dataset: string }> }).changes;
    expect(sent[0]).toMatchObject({ dataset: 'os-data/huge', note: cleanText(dirty.note, FIELD_LIMITS.note) });
    expect(sent[0]!.note.length).toBe(FIELD_LIMITS.note);
    expect(delivery!.raw).not.toMatch(/\\u202e|\\u0000/i);
  });

  it('a dataset whose name or owner cannot form a storage key is observed invalid and never listed', async () => {
    const fake = await startFakeGitHub();
    const long = fake.addRepo({ owner: 'os-data', name: 'long' });
    const slash = fake.addRepo({ owner: 'os-data', name: 'slash' });
    const traversal = fake.addRepo({ owner: 'os-data', name: 'traversal' });
    const fine = fake.addRepo({ owner: 'os-data', name: 'fine' });
    fake.commit(long, 'main', { 'datapackage.json': descriptor({ name: 'n'.repeat(2000) }), 'data/rows.csv': 'year\n2024\n' }, 'init');
    fake.commit(slash, 'main', { 'datapackage.json': descriptor({ name: 'a/b' }), 'data/rows.csv': 'year\n2024\n' }, 'init');
    fake.commit(
      traversal,
      'main',
      { 'datapackage.json': descriptor({ name: 'ok', owner: '../x' }), 'data/rows.csv': 'year\n2024\n' },
      'init',
    );
    fake.commit(fine, 'main', { 'datapackage.json': descriptor({ name: 'fine' }), 'data/rows.csv': 'year\n2024\n' }, 'init');
    const gh = githubPort(client(fake, fake.installationToken(fake.addInstallation({ account: 'os-data' }))));

    const observed = await Promise.all([long, slash, traversal, fine].map((id) => observeRepository(gh, id)));
    expect(observed.map((o) => o.descriptor?.valid)).toEqual([false, false, false, true]);
    expect(observed[0]!.descriptor!.name!.length).toBeLessThanOrEqual(FIELD_LIMITS.name);
    expect(observed[0]!.descriptor!.problems.join('\n')).toMatch(/2000 characters long/);
    expect(observed[2]!.descriptor!.problems.join('\n')).toMatch(/is not a GitHub login/);

    const { state } = applyObservations(empty, observed, ctx);
    const byRepo = new Map(state.datasets.map((d) => [d.repo, d]));
    expect(byRepo.get('long')).toMatchObject({ status: 'failed', s3Prefix: '' });
    expect(byRepo.get('slash')).toMatchObject({ status: 'failed', reason: REASONS.invalid });
    expect(byRepo.get('traversal')).toMatchObject({ status: 'failed' });
    expect(byRepo.get('fine')).toMatchObject({ status: 'published', s3Prefix: 'datasets/os-data/fine/' });
    expect(serializeRegistry(state)['data/catalog.csv']).toBe('url,name,owner\nhttps://github.com/os-data/fine,fine,os-data\n');
  });

  it('a descriptor over 10 MiB is refused from its size, never downloaded; one between 1 MB and 10 MiB is read raw; a symlinked one is no descriptor', async () => {
    const fake = await startFakeGitHub();
    const huge = fake.addRepo({ owner: 'os-data', name: 'huge' });
    const big = fake.addRepo({ owner: 'os-data', name: 'big' });
    const linked = fake.addRepo({ owner: 'os-data', name: 'linked' });
    // valid JSON of 11 MiB (a long description) and of 2 MiB
    fake.commit(
      huge,
      'main',
      { 'datapackage.json': descriptor({ name: 'huge', description: 'x'.repeat(11 * 1024 * 1024) }), 'data/rows.csv': 'year\n2024\n' },
      'init',
    );
    fake.commit(
      big,
      'main',
      { 'datapackage.json': descriptor({ name: 'big', description: 'x'.repeat(2 * 1024 * 1024) }), 'data/rows.csv': 'year\n2024\n' },
      'init',
    );
    fake.commit(
      linked,
      'main',
      { 'real.json': descriptor({ name: 'linked' }), 'datapackage.json': { symlink: 'real.json' }, 'data/rows.csv': 'year\n2024\n' },
      'init',
    );
    const gh = githubPort(client(fake, fake.installationToken(fake.addInstallation({ account: 'os-data' }))));

    const [ofHuge, ofBig, ofLinked] = await Promise.all([huge, big, linked].map((id) => observeRepository(gh, id)));
    expect(ofHuge!.descriptor).toMatchObject({ valid: false });
    expect(ofHuge!.descriptor!.problems.join('\n')).toMatch(/datapackage\.json is 11\.0 MiB, more than the 10 MiB limit/);
    expect(ofBig!.descriptor).toMatchObject({ name: 'big', valid: true });
    expect(ofLinked!.descriptor).toBeNull();
    const raw = fake.requests.filter((r) => r.path.endsWith('/contents/datapackage.json') && /raw/.test(String(r.headers.accept)));
    expect(raw.map((r) => r.path)).toEqual(['/repos/os-data/big/contents/datapackage.json']);
    expect(fake.violations).toEqual([]);
  });
});
