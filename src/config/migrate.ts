/**
 * The environment of `os-datastore migrate …`: the core organization (CORE_ORG, as the App reads
 * it), the old API's key (OPENSPENDING_APIKEY; --api-key wins) and the export's retries
 * (OS_MIGRATE_TRIES, OS_MIGRATE_BACKOFF_MS; unset: the exporter's defaults, src/migrate/export.ts).
 */

import { readCoreOrg } from './app.ts';
import { configOrThrow, type Parsed } from './problems.ts';
import { SettingsReader, type Env } from './readers.ts';

export interface MigrateEnv {
  coreOrg: string;
  apiKey: string | undefined;
  tries: number | undefined;
  backoffMs: number | undefined;
}

/** The migration's settings from `env`, and every problem; pure. */
export function parseMigrateEnv(env: Env): Parsed<MigrateEnv> {
  const r = new SettingsReader(env);
  const config: MigrateEnv = {
    coreOrg: readCoreOrg(r),
    apiKey: r.raw('OPENSPENDING_APIKEY'),
    tries: r.integer('OS_MIGRATE_TRIES', { min: 1, max: 20, expected: 'a whole number of tries from 1 to 20, like 4' }),
    backoffMs: r.integer('OS_MIGRATE_BACKOFF_MS', {
      min: 0,
      max: 60_000,
      expected: 'a whole number of milliseconds from 0 to 60000, like 500',
    }),
  };
  return { config, problems: r.problems };
}

/** parseMigrateEnv, throwing one ConfigError for its problems. */
export function readMigrateEnv(env: Env): MigrateEnv {
  return configOrThrow(parseMigrateEnv(env));
}
