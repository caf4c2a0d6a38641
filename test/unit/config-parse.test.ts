/**
 * The pure parse functions of src/config/ (environment → { config, problems }): defaults, every
 * bad form with its message, every problem reported at once. The storage and App variables one
 * by one: test/unit/storage-config.test.ts and test/integration/app-config.test.ts.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ACTION_INPUTS, ACTION_STORAGE_LABELS, InputError, parseActionInputs, readInputs } from '../../src/config/action.ts';
import { APP_DEFAULTS, parseAppConfig, readAppConfig } from '../../src/config/app.ts';
import { parseMigrateEnv, readMigrateEnv } from '../../src/config/migrate.ts';
import { ConfigError } from '../../src/config/problems.ts';
import { parseStorageConfig, STORAGE_DEFAULTS } from '../../src/config/storage.ts';
import { useColor } from '../../src/config/terminal.ts';
import { capThreads, parseThreads, threadsFromEnv } from '../../src/config/threads.ts';

const messages = (parsed: { problems: Array<{ message: string }> }): string[] => parsed.problems.map((p) => p.message);
const inputs = (given: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(given).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/ /g, '_')}`, v]));

describe('OS_DATASTORE_THREADS', () => {
  it('unset or empty: undefined (the runner decides); else a whole number of 1 or more', () => {
    expect(parseThreads({})).toEqual({ config: undefined, problems: [] });
    expect(parseThreads({ OS_DATASTORE_THREADS: ' ' })).toEqual({ config: undefined, problems: [] });
    expect(parseThreads({ OS_DATASTORE_THREADS: '2' })).toEqual({ config: 2, problems: [] });
    for (const v of ['0', '-1', '1.5', 'many'])
      expect(messages(parseThreads({ OS_DATASTORE_THREADS: v }))).toEqual([
        `OS_DATASTORE_THREADS must be a whole number of 1 or more (got "${v}").`,
      ]);
  });

  it('threadsFromEnv lowers it to the cores, saying so; a bad value is a ConfigError', () => {
    const cores = availableParallelism();
    const told: string[] = [];
    expect(threadsFromEnv({ OS_DATASTORE_THREADS: String(cores + 5) }, (m) => told.push(m))).toBe(cores);
    expect(told).toEqual([
      `OS_DATASTORE_THREADS=${cores + 5} is more than the ${cores} core${cores === 1 ? '' : 's'} here: using ${cores} worker thread${cores === 1 ? '' : 's'}`,
    ]);
    expect(capThreads(1, '--threads ')).toBe(1);
    expect(() => threadsFromEnv({ OS_DATASTORE_THREADS: 'x' })).toThrow(ConfigError);
  });
});

describe('the Action inputs', () => {
  it('defaults: those action.yml declares', () => {
    expect(parseActionInputs({})).toEqual({
      config: {
        path: ACTION_INPUTS.path.default,
        mode: 'auto',
        strict: false,
        maxAnnotations: 50,
        failOn: 'error',
        aggregates: true,
        storage: {},
        token: '',
        allowPrivateLfs: false,
        repository: '',
      },
      problems: [],
    });
  });

  it('reads every input; booleans in the YAML forms; storage inputs become overrides', () => {
    const { config, problems } = parseActionInputs(
      inputs({
        path: 'data/ds',
        mode: 'publish',
        strict: 'True',
        'max-annotations': '0',
        'fail-on': 'warning',
        aggregates: 'FALSE',
        token: 'ghs_x',
        'allow-private-lfs': 'true',
        repository: 'os-data/lakes',
        bucket: 'b',
        endpoint: 'http://127.0.0.1:9000',
        region: 'auto',
        prefix: 'p',
        'path-style': 'false',
        'access-key-id': 'id',
        'secret-access-key': 'secret',
      }),
    );
    expect(problems).toEqual([]);
    expect(config).toEqual({
      path: 'data/ds',
      mode: 'publish',
      strict: true,
      maxAnnotations: 0,
      failOn: 'warning',
      aggregates: false,
      token: 'ghs_x',
      allowPrivateLfs: true,
      repository: 'os-data/lakes',
      storage: {
        bucket: 'b',
        endpoint: 'http://127.0.0.1:9000',
        region: 'auto',
        prefix: 'p',
        forcePathStyle: false,
        credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      },
    });
  });

  it('every bad input at once, each one sentence naming the input', () => {
    const parsed = parseActionInputs(
      inputs({
        path: '/etc',
        mode: 'deploy',
        strict: 'yes',
        'max-annotations': 'many',
        'fail-on': 'never',
        'path-style': 'maybe',
        'access-key-id': 'id',
        repository: 'just-a-name',
      }),
    );
    expect(messages(parsed)).toEqual([
      'input "path" must be a folder inside the repository (got "/etc").',
      'input "mode" must be one of auto, validate, publish (got "deploy").',
      'input "strict" must be true or false (got "yes").',
      'input "max-annotations" must be a whole number (got "many").',
      'input "fail-on" must be one of error, warning (got "never").',
      'input "repository" must be owner/name (got "just-a-name").',
      'input "path-style" must be true or false (got "maybe").',
      'inputs "access-key-id" and "secret-access-key" go together: give both, or neither (then OS_ACCESS_KEY_ID / OS_SECRET_ACCESS_KEY or the AWS chain apply).',
    ]);
    expect(parsed.problems.map((p) => p.setting)).toEqual([
      'path',
      'mode',
      'strict',
      'max-annotations',
      'fail-on',
      'repository',
      'path-style',
      'secret-access-key',
    ]);
    expect(messages(parseActionInputs(inputs({ path: 'a/../../b' })))).toEqual([
      'input "path" must be a folder inside the repository (got "a/../../b").',
    ]);
  });

  it('readInputs throws one InputError (a ConfigError) with them', () => {
    let error: unknown;
    try {
      readInputs(inputs({ mode: 'x', strict: 'y' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as InputError).message).toBe(
      'input "mode" must be one of auto, validate, publish (got "x"). input "strict" must be true or false (got "y").',
    );
  });
});

describe('storage', () => {
  it('defaults, and every bad variable at once', () => {
    expect(parseStorageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data' }).config).toMatchObject(STORAGE_DEFAULTS);
    expect(STORAGE_DEFAULTS).toEqual({ region: 'us-east-1', prefix: '', checksums: 'WHEN_REQUIRED' });
    expect(
      messages(
        parseStorageConfig({
          OS_STORAGE_BUCKET_NAME: 'Bad_Bucket',
          OS_STORAGE_REGION: 'EU',
          OS_STORAGE_PATH_STYLE: 'yes',
          OS_ACCESS_KEY_ID: 'id',
        }),
      ),
    ).toEqual([
      'OS_STORAGE_BUCKET_NAME must be a bucket name of 3-63 lowercase letters, digits, dots or hyphens like "openspending-data" (got "Bad_Bucket").',
      'OS_STORAGE_REGION must be a region name like "us-east-1" or "auto" (got "EU").',
      'OS_STORAGE_PATH_STYLE must be true or false (got "yes").',
      'OS_SECRET_ACCESS_KEY must be set together with OS_ACCESS_KEY_ID (or leave both unset to use the standard AWS credential chain).',
    ]);
  });

  it('names an override as the caller labels it (a flag, an input)', () => {
    expect(
      messages(parseStorageConfig({}, { bucket: 'B', region: 'EU' }, { bucket: '--bucket', region: ACTION_STORAGE_LABELS.region! })),
    ).toEqual([
      '--bucket must be a bucket name of 3-63 lowercase letters, digits, dots or hyphens like "openspending-data" (got "B").',
      'input "region" must be a region name like "us-east-1" or "auto" (got "EU").',
    ]);
  });

  it('without a bucket nothing else is read: no store, no problem', () => {
    expect(parseStorageConfig({ OS_STORAGE_REGION: 'EU' })).toEqual({ config: null, problems: [] });
  });
});

describe('the App', () => {
  it('every bad variable at once, the first one named', () => {
    const parsed = parseAppConfig({ APP_ID: 'x', PORT: 'y', LOG_LEVEL: 'loud', OS_STORAGE_BUCKET_NAME: 'B' });
    expect(parsed.problems.map((p) => p.setting)).toEqual([
      'APP_ID',
      'PRIVATE_KEY',
      'WEBHOOK_SECRET',
      'PORT',
      'LOG_LEVEL',
      'OS_STORAGE_BUCKET_NAME',
    ]);
    expect(messages(parsed)[0]).toBe('APP_ID must be the App\'s numeric id like 123456 (got "x").');
  });

  it('app manifest needs no id, key or secret, and reads what the manifest depends on', () => {
    expect(parseAppConfig({}, { for: 'manifest' }).problems).toEqual([]);
    const config = readAppConfig(
      { REGISTRY_MODE: 'pull-request', PUBLISH_WORKFLOW: 'off', WEBHOOK_PATH: '/hooks' },
      { for: 'manifest', readFile: () => expect.unreachable('no file is read') },
    );
    expect(config).toMatchObject({ appId: 0, privateKey: '', registryMode: 'pull-request', publishWorkflow: null, webhookPath: '/hooks' });
    expect(() => readAppConfig({ REGISTRY_MODE: 'pr' }, { for: 'manifest' })).toThrow(/^REGISTRY_MODE must be "commit"/);
  });

  it('PRIVATE_KEY_PATH is read by readAppConfig, the edge; parseAppConfig is given the file', () => {
    expect(messages(parseAppConfig({ APP_ID: '1', PRIVATE_KEY_PATH: '/k.pem' }, { for: 'reconcile' }))).toEqual([
      'PRIVATE_KEY_PATH names "/k.pem", which cannot be read (not read): give the path of the .pem file downloaded from the App\'s settings.',
    ]);
    expect(
      messages(
        parseAppConfig(
          { APP_ID: '1', PRIVATE_KEY_PATH: '/k.pem' },
          { for: 'reconcile', privateKeyFile: { path: '/k.pem', text: 'hello' } },
        ),
      ),
    ).toEqual([
      'PRIVATE_KEY_PATH must hold a PEM private key starting with "-----BEGIN RSA PRIVATE KEY-----" (the .pem file from the App\'s settings); got something else.',
    ]);
  });

  it('the defaults are defined once', () => {
    const { config } = parseAppConfig({}, { for: 'manifest' });
    expect(config).toMatchObject({
      port: APP_DEFAULTS.port,
      webhookPath: APP_DEFAULTS.webhookPath,
      githubApiUrl: APP_DEFAULTS.githubApiUrl,
      coreOrg: APP_DEFAULTS.coreOrg,
      registryMode: APP_DEFAULTS.registryMode,
      publishWorkflow: APP_DEFAULTS.publishWorkflow,
      reconcileIntervalMinutes: APP_DEFAULTS.reconcileIntervalMinutes,
      logLevel: APP_DEFAULTS.logLevel,
      followUpRecordIntervalMs: APP_DEFAULTS.followUpRecordIntervalSeconds * 1000,
    });
  });
});

describe('the migration', () => {
  it('defaults: the core organization of the App; the exporter decides tries and backoff', () => {
    expect(parseMigrateEnv({})).toEqual({
      config: { coreOrg: APP_DEFAULTS.coreOrg, apiKey: undefined, tries: undefined, backoffMs: undefined },
      problems: [],
    });
    expect(
      parseMigrateEnv({ CORE_ORG: 'core', OPENSPENDING_APIKEY: 'k', OS_MIGRATE_TRIES: '3', OS_MIGRATE_BACKOFF_MS: '0' }).config,
    ).toEqual({
      coreOrg: 'core',
      apiKey: 'k',
      tries: 3,
      backoffMs: 0,
    });
  });

  it('bad values: one sentence each', () => {
    expect(messages(parseMigrateEnv({ CORE_ORG: 'a b', OS_MIGRATE_TRIES: '0', OS_MIGRATE_BACKOFF_MS: '60001' }))).toEqual([
      'CORE_ORG must be a GitHub organization login like "os-data" (got "a b").',
      'OS_MIGRATE_TRIES must be a whole number of tries from 1 to 20, like 4 (got "0").',
      'OS_MIGRATE_BACKOFF_MS must be a whole number of milliseconds from 0 to 60000, like 500 (got "60001").',
    ]);
    expect(() => readMigrateEnv({ OS_MIGRATE_TRIES: 'x' })).toThrow(ConfigError);
  });
});

describe('NO_COLOR', () => {
  it('any value turns colour off; colour only on a terminal', () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({ NO_COLOR: '' }, true)).toBe(true);
    expect(useColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor({}, false)).toBe(false);
  });
});
