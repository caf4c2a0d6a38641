/**
 * The environment of `os-datastore migrate …`: the core organization (CORE_ORG, as the App reads
 * it), the old API's key (OPENSPENDING_APIKEY; --api-key wins) and the export's retries
 * (OS_MIGRATE_TRIES, OS_MIGRATE_BACKOFF_MS; unset: the exporter's defaults, src/migrate/export.ts);
 * for `--create-repos`, the LFS threshold (--lfs-threshold wins over OS_MIGRATE_LFS_THRESHOLD) and
 * the credentials (GITHUB_TOKEN and GITHUB_API_URL; else the App's, APP_ID …: src/config/app.ts).
 */

import { readCoreOrg, readGitHubApiUrl } from './app.ts';
import { configOrThrow, type Parsed } from './problems.ts';
import { SettingsReader, type Env } from './readers.ts';

export interface MigrateEnv {
  coreOrg: string;
  apiKey: string | undefined;
  tries: number | undefined;
  backoffMs: number | undefined;
  /** Files of more bytes go to git-LFS in a repository --create-repos makes. */
  lfsThreshold: number;
  /** A token allowed to create repositories (else the App's installation is used). */
  githubToken: string | undefined;
  githubApiUrl: string;
  /** Whether the App's configuration is given (APP_ID): the GitHub registry and the App's credentials. */
  appConfigured: boolean;
}

export const MIGRATE_DEFAULTS = { lfsThreshold: 10 * 1024 * 1024 } as const;

/** Settings given as flags; they win over the environment. */
export interface MigrateOverrides {
  /** `--lfs-threshold`, as typed. */
  lfsThreshold?: string;
}

/** The migration's settings from `env`, and every problem; pure. */
export function parseMigrateEnv(env: Env, overrides: MigrateOverrides = {}): Parsed<MigrateEnv> {
  const r = new SettingsReader(env);
  const threshold =
    overrides.lfsThreshold === undefined
      ? r.setting('OS_MIGRATE_LFS_THRESHOLD')
      : r.given('OS_MIGRATE_LFS_THRESHOLD', '--lfs-threshold', overrides.lfsThreshold);
  const config: MigrateEnv = {
    coreOrg: readCoreOrg(r),
    apiKey: r.raw('OPENSPENDING_APIKEY'),
    tries: r.integer('OS_MIGRATE_TRIES', { min: 1, max: 20, expected: 'a whole number of tries from 1 to 20, like 4' }),
    backoffMs: r.integer('OS_MIGRATE_BACKOFF_MS', {
      min: 0,
      max: 60_000,
      expected: 'a whole number of milliseconds from 0 to 60000, like 500',
    }),
    lfsThreshold:
      r.size(threshold, {
        min: 0,
        max: 5 * 1024 ** 3,
        expected: 'a size in bytes, or with k, M or G (binary: 10M is 10 MiB, the default), up to 5G',
      }) ?? MIGRATE_DEFAULTS.lfsThreshold,
    githubToken: r.raw('GITHUB_TOKEN'),
    githubApiUrl: readGitHubApiUrl(r),
    appConfigured: r.has('APP_ID'),
  };
  return { config, problems: r.problems };
}

/** parseMigrateEnv, throwing one ConfigError for its problems. */
export function readMigrateEnv(env: Env, overrides: MigrateOverrides = {}): MigrateEnv {
  return configOrThrow(parseMigrateEnv(env, overrides));
}
