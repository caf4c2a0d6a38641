import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/problems.ts';
import { storageConfig } from '../../src/config/storage.ts';

function error(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('storageConfig', () => {
  it('is null when no bucket is configured (the embedded store is used)', () => {
    expect(storageConfig({})).toBeNull();
    expect(storageConfig({ OS_STORAGE_BUCKET_NAME: '', OS_STORAGE_ENDPOINT: 'http://127.0.0.1:9000' })).toBeNull();
  });

  it('defaults to AWS S3 in us-east-1, virtual-hosted, WHEN_REQUIRED checksums and the AWS credential chain', () => {
    expect(storageConfig({ OS_STORAGE_BUCKET_NAME: 'openspending-data' })).toEqual({
      bucket: 'openspending-data',
      region: 'us-east-1',
      prefix: '',
      forcePathStyle: false,
      checksums: 'WHEN_REQUIRED',
    });
  });

  it('reads every variable', () => {
    const config = storageConfig({
      OS_STORAGE_BUCKET_NAME: 'os-data',
      OS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      OS_SECRET_ACCESS_KEY: 'secret',
      OS_STORAGE_ENDPOINT: 'https://minio.example.org:9000/',
      OS_STORAGE_REGION: 'eu-west-1',
      OS_STORAGE_PREFIX: '/staging/',
      OS_STORAGE_PATH_STYLE: 'false',
      OS_STORAGE_CHECKSUMS: 'WHEN_SUPPORTED',
      OS_STORAGE_PUBLIC_URL: 'https://data.example.org/',
    });
    expect(config).toEqual({
      bucket: 'os-data',
      endpoint: 'https://minio.example.org:9000',
      region: 'eu-west-1',
      prefix: 'staging',
      forcePathStyle: false,
      checksums: 'WHEN_SUPPORTED',
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
      publicBaseUrl: 'https://data.example.org',
    });
  });

  it('uses path style by default whenever an endpoint is set', () => {
    expect(storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_ENDPOINT: 'http://127.0.0.1:4568' })?.forcePathStyle).toBe(true);
    expect(
      storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_ENDPOINT: 'http://127.0.0.1:4568', OS_STORAGE_PATH_STYLE: 'false' })
        ?.forcePathStyle,
    ).toBe(false);
    expect(storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_PATH_STYLE: 'true' })?.forcePathStyle).toBe(true);
  });

  it('accepts only true or false for OS_STORAGE_PATH_STYLE', () => {
    for (const value of ['yes', '1', 'TRUE', 'on']) {
      expect(error(() => storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_PATH_STYLE: value }))).toBe(
        `OS_STORAGE_PATH_STYLE must be true or false (got "${value}").`,
      );
    }
  });

  it('keeps a nested prefix and strips its slashes', () => {
    expect(storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_PREFIX: 'env/prod/' })?.prefix).toBe('env/prod');
    expect(error(() => storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_PREFIX: 'a//b' }))).toMatch(
      /^OS_STORAGE_PREFIX must be segments of .* \(got "a\/\/b"\)\.$/,
    );
    expect(error(() => storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_PREFIX: '../up' }))).toMatch(/^OS_STORAGE_PREFIX/);
    // an override (the Action's "prefix" input) is bounded alike, so every key fits S3's 1,024 bytes
    expect(error(() => storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data' }, { prefix: 'p'.repeat(300) }))).toMatch(
      /^The storage setting "prefix" is 300 bytes long; .* at most 256 bytes/,
    );
  });

  it('reads OS_STORAGE_MULTIPART_THRESHOLD in bytes or with a unit, from 5 MiB to 5 GiB', () => {
    const at = (value: string) =>
      storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_MULTIPART_THRESHOLD: value })?.multipartThreshold;
    expect(storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data' })).not.toHaveProperty('multipartThreshold');
    expect(at('67108864')).toBe(64 * 1024 * 1024);
    expect(at('64MiB')).toBe(64 * 1024 * 1024);
    expect(at('100 MB')).toBe(100e6);
    expect(at('5GiB')).toBe(5 * 1024 ** 3);
    for (const value of ['4MiB', '6GiB', 'lots', '-8MiB', '64 furlongs']) {
      expect(error(() => at(value))).toBe(
        `OS_STORAGE_MULTIPART_THRESHOLD must be a size from 5MiB to 5GiB, in bytes or like "64MiB" (got "${value}").`,
      );
    }
    expect(error(() => storageConfig({}, { bucket: 'os-data', multipartThreshold: 1024 }))).toBe(
      'The storage setting "multipartThreshold" must be a size from 5MiB to 5GiB, in bytes or like "64MiB" (got "1024").',
    );
  });

  it('lets overrides (CLI flags, Action inputs) win over the environment', () => {
    const env = {
      OS_STORAGE_BUCKET_NAME: 'from-env',
      OS_STORAGE_REGION: 'eu-west-1',
      OS_STORAGE_PATH_STYLE: 'true',
      OS_STORAGE_PREFIX: 'env',
    };
    expect(storageConfig(env, { bucket: 'from-flag', region: 'auto', forcePathStyle: false, prefix: 'flag/' })).toMatchObject({
      bucket: 'from-flag',
      region: 'auto',
      forcePathStyle: false,
      prefix: 'flag',
    });
    // Empty and undefined overrides are "not given" (Actions passes unset inputs as '').
    expect(storageConfig(env, { bucket: '', region: undefined })).toMatchObject({ bucket: 'from-env', region: 'eu-west-1' });
    expect(storageConfig({}, { bucket: 'only-flag' })?.bucket).toBe('only-flag');
    expect(
      storageConfig(
        { OS_STORAGE_BUCKET_NAME: 'os-data', OS_ACCESS_KEY_ID: 'a', OS_SECRET_ACCESS_KEY: 'b' },
        {
          credentials: { accessKeyId: 'c', secretAccessKey: 'd', sessionToken: 'e' },
        },
      )?.credentials,
    ).toEqual({ accessKeyId: 'c', secretAccessKey: 'd', sessionToken: 'e' });
  });

  it('names the override, not the variable, when an override is invalid', () => {
    expect(error(() => storageConfig({}, { bucket: 's3://my-bucket' }))).toBe(
      'The storage setting "bucket" must be a bucket name of 3-63 lowercase letters, digits, dots or hyphens like "openspending-data" (got "s3://my-bucket").',
    );
  });

  it('rejects invalid values with one sentence naming the variable and the allowed values', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [
        { OS_STORAGE_BUCKET_NAME: 'My_Bucket' },
        'OS_STORAGE_BUCKET_NAME must be a bucket name of 3-63 lowercase letters, digits, dots or hyphens like "openspending-data" (got "My_Bucket").',
      ],
      [
        { OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_ENDPOINT: 'localhost:9000' },
        'OS_STORAGE_ENDPOINT must be an http(s) URL like "http://127.0.0.1:9000" (got "localhost:9000").',
      ],
      [
        { OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_ENDPOINT: 'ftp://example.org' },
        'OS_STORAGE_ENDPOINT must be an http(s) URL like "http://127.0.0.1:9000" (got "ftp://example.org").',
      ],
      [
        { OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_REGION: 'EU West' },
        'OS_STORAGE_REGION must be a region name like "us-east-1" or "auto" (got "EU West").',
      ],
      [
        { OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_CHECKSUMS: 'ALWAYS' },
        'OS_STORAGE_CHECKSUMS must be WHEN_REQUIRED or WHEN_SUPPORTED (got "ALWAYS").',
      ],
      [
        { OS_STORAGE_BUCKET_NAME: 'os-data', OS_ACCESS_KEY_ID: 'AKIAEXAMPLE' },
        'OS_SECRET_ACCESS_KEY must be set together with OS_ACCESS_KEY_ID (or leave both unset to use the standard AWS credential chain).',
      ],
      [
        { OS_STORAGE_BUCKET_NAME: 'os-data', OS_SECRET_ACCESS_KEY: 'secret' },
        'OS_ACCESS_KEY_ID must be set together with OS_SECRET_ACCESS_KEY (or leave both unset to use the standard AWS credential chain).',
      ],
      [
        { OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_PUBLIC_URL: 'data.example.org' },
        'OS_STORAGE_PUBLIC_URL must be an http(s) URL like "https://data.example.org" (got "data.example.org").',
      ],
    ];
    for (const [env, message] of cases) expect(error(() => storageConfig(env))).toBe(message);
  });

  it('accepts the checksum mode in any case', () => {
    expect(storageConfig({ OS_STORAGE_BUCKET_NAME: 'os-data', OS_STORAGE_CHECKSUMS: 'when_supported' })?.checksums).toBe('WHEN_SUPPORTED');
  });
});
