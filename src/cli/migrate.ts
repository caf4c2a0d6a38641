/**
 * `os-datastore migrate`: old openspending.org datasets into OpenSpending Data Packages (OSEP-8).
 *
 *   migrate MODEL.json --source DATA.csv [--source ...] --out DIR    one dataset
 *   migrate DUMP_DIR --out DIR                                      every dataset of a dump (batch.ts)
 *   migrate export --from URL --out DUMP_DIR                         a dump from the old API (export.ts)
 *
 * Thin: flags → the use cases in src/migrate/ → text or JSON.
 */

import { readFile, stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { visible, visibleLines } from '../escape.ts';
import { CLASSIFICATIONS, type Classification } from '../migrate/convert.ts';
import { convertDataset, type ConvertResult } from '../pipeline/migrate.ts';
import { InputError, locateError, readJsonFile } from '../migrate/files.ts';
import { MigrationError, readLegacyModel } from '../migrate/legacy.ts';
import { parseOwnerMap, type OwnerMap } from '../migrate/owner.ts';
import { readMigrateEnv } from '../config/migrate.ts';
import type { Io } from './io.ts';
import { UsageError } from './io.ts';
import type { StorageFlags } from './publish.ts';

export interface MigrateFlags extends StorageFlags {
  source?: string[];
  out: string;
  owner?: string;
  name?: string;
  currency?: string;
  classify?: string[];
  force?: boolean;
  json?: boolean;
  strict?: boolean;
  dryRun?: boolean;
  includePrivate?: boolean;
  ownerMap?: string;
  shard?: string;
  publish?: boolean;
  registry?: string;
  createRepos?: string;
  lfsThreshold?: string;
  progress?: boolean;
}

/** `--classify DIM=KIND` pairs. */
export function parseClassify(pairs: string[] | undefined): Record<string, Classification> {
  const out: Record<string, Classification> = {};
  for (const p of pairs ?? []) {
    const m = /^([^=]+)=([a-z]+)$/.exec(p);
    if (!m || !CLASSIFICATIONS.includes(m[2] as Classification)) {
      throw new UsageError(
        `--classify ${p}: expected DIMENSION=KIND with KIND one of ${CLASSIFICATIONS.join(', ')} (e.g. --classify pog=economic)`,
      );
    }
    out[m[1]!] = m[2] as Classification;
  }
  return out;
}

export async function readOwnerMap(file: string | undefined): Promise<OwnerMap | undefined> {
  if (!file) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--owner-map ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--owner-map ${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseOwnerMap(value, `--owner-map ${file}`); // a UserError naming the flag and file
}

/** CORE_ORG (default os-data); a bad value is a ConfigError. */
export const coreOrgOf = (io: Io): string => readMigrateEnv(io.env).coreOrg;

/** `os-datastore migrate TARGET`: one model, or a dump folder. */
async function runMigrate(target: string, flags: MigrateFlags, io: Io): Promise<number> {
  let st;
  try {
    st = await stat(target);
  } catch {
    throw new UsageError(`${target}: no such file or directory; give a legacy model.json (with --source) or a dump folder`);
  }
  if (st.isDirectory()) {
    if (flags.source?.length)
      throw new UsageError(`${target} is a folder (a dump): --source is for one model.json; the dump holds its sources`);
    const { runBatch } = await import('./migrate-batch.ts');
    return runBatch(target, flags, io);
  }
  if (!flags.source?.length)
    throw new UsageError(`${target}: give the dataset's data with --source DATA.csv (repeat it for several files)`);
  for (const f of ['dryRun', 'includePrivate', 'shard', 'publish', 'registry', 'createRepos', 'lfsThreshold'] as const) {
    if (flags[f]) throw new UsageError(`--${f.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is for a dump folder, not one model.json`);
  }
  const classify = parseClassify(flags.classify);
  const map = await readOwnerMap(flags.ownerMap);
  const { value, locate } = await readJsonFile(target); // an InputError: exit 2
  let result: ConvertResult;
  try {
    let model;
    try {
      model = readLegacyModel(value);
    } catch (e) {
      locateError(e, target, locate);
    }
    result = await convertDataset({
      model,
      sources: flags.source.map((file) => ({ file })),
      out: flags.out,
      replace: flags.force,
      name: flags.name,
      currency: flags.currency,
      classify,
      strict: flags.strict,
      owner: { explicit: flags.owner, map, coreOrg: coreOrgOf(io) },
    });
  } catch (e) {
    if (e instanceof MigrationError || e instanceof InputError) {
      if (flags.json)
        io.stdout(
          JSON.stringify({ status: 'failed', rule: e instanceof MigrationError ? e.rule : e.code, error: e.message, out: null }, null, 2) +
            '\n',
        );
      // An InputError's message starts with its file; a MigrationError says whether it does.
      const located = e instanceof InputError || e.located;
      const rule = e instanceof MigrationError ? ` [rule ${e.rule}]` : '';
      io.stderr(`os-datastore: ${visibleLines(located ? e.describe() : `${target}: ${e.describe()}`)}${rule}\nnothing was written\n`);
      return e.exitCode;
    }
    throw e;
  }
  if (flags.json) io.stdout(JSON.stringify(result, null, 2) + '\n');
  else io.stdout(describeConversion(result));
  return result.status === 'converted' ? 0 : 1;
}

/** The human summary of one conversion. */
function describeConversion(r: ConvertResult): string {
  const rep = r.report;
  const lines: string[] = [];
  if (r.status === 'converted')
    lines.push(
      `converted: ${visible(rep.name)} → ${visible(r.out)} (valid${r.validation.warnings.length ? `, ${r.validation.warnings.length} validation warning${r.validation.warnings.length === 1 ? '' : 's'}` : ''})`,
    );
  else {
    lines.push(`not converted: ${visible(rep.name)}: the package would be invalid (nothing was written)`);
    for (const e of r.validation.errors.slice(0, 10)) lines.push(`  error ${e.code}: ${visible(e.message)}`);
  }
  lines.push(
    `  owner ${visible(rep.owner)} (${rep.ownerRule})${rep.contributors.length ? `; contributors ${rep.contributors.map(visible).join(', ')}` : ''}`,
  );
  lines.push(
    `  model: ${rep.dialect}${rep.schemaVersion ? ` ${rep.schemaVersion}` : ''}${rep.upgrades.length ? `, upgraded by ${rep.upgrades.join(', ')}` : ''}; data: ${rep.mode}`,
  );
  for (const res of rep.resources)
    lines.push(`  resource ${visible(res.name)}: ${[res.path].flat().map(visible).join(', ')} (${res.rows} rows, from ${res.encoding})`);
  lines.push('  mapped:');
  for (const m of rep.mapped) lines.push(`    ${m.to} ← ${visible(m.fields.join(' + '))}  (${visible(m.from)})`);
  if (rep.unmapped.length) {
    lines.push('  kept in the "openspending" extension, not mapped:');
    for (const u of rep.unmapped) lines.push(`    ${visible(u.what)}: ${visible(u.reason)}`);
  }
  if (rep.warnings.length) {
    lines.push('  warnings:');
    for (const w of rep.warnings) lines.push(`    ${w.rule ? `[${w.rule}] ` : ''}${visible(w.message)}`);
  }
  return lines.join('\n') + '\n';
}

/** Register `migrate` (and `migrate export`) on the program; `storageOptions` adds the store's flags. */
export function registerMigrate(
  program: Command,
  io: Io,
  setCode: (c: number) => void,
  storageOptions: (cmd: Command) => Command,
  githubOwner: (v: string) => string,
): void {
  const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
  // migrate's own options (e.g. --out) must not swallow `migrate export`'s.
  program.enablePositionalOptions();
  const migrate = storageOptions(
    program
      .command('migrate')
      .description(
        'convert old openspending.org datasets (a model.json with its sources, or a dump folder) into validated OpenSpending Data Packages',
      )
      .argument('<target>', 'a legacy model.json (with --source), or a dump folder (os-legacy-dump/1 or openspending-migrate exports)')
      .option('--source <file>', 'a CSV source of the model (repeat for several)', collect)
      .option('--out <dir>', 'the package folder (one model) or the folder of packages (a dump); required')
      .addOption(new Option('--owner <login>', 'the owner (a GitHub login) of the one dataset converted').argParser(githubOwner))
      .option('--owner-map <file>', 'JSON: {"datasets": {"<name>": "<login>"}, "accounts": {"<old login>": "<GitHub login>"}}')
      .option('--name <name>', 'the package name (default: the legacy dataset name)')
      .option('--currency <code>', 'the currency (ISO 4217) when the legacy dataset has none')
      .option('--classify <dim=kind>', `place a classifier: kind one of ${CLASSIFICATIONS.join(', ')} (repeatable)`, collect)
      .option('--force', 'replace an existing output folder (one model)')
      .option('--json', 'print one JSON document on stdout')
      .option('--strict', 'validation warnings count as errors')
      .option('--dry-run', 'dump: plan and report, write nothing')
      .option('--include-private', 'dump: also convert datasets marked private')
      .option('--shard <k/n>', 'dump: convert only the K-th of N stable shares of the datasets (1-based)')
      .option('--no-progress', 'dump: no progress bar, even on a terminal')
      .option('--publish', 'dump: publish each valid package (as `publish` does; the embedded store when none is configured)')
      .option('--registry <dir>', 'dump: list the published packages in a local registry folder (made from registry-template/ when absent)')
      .addOption(
        new Option(
          '--create-repos <org>',
          'dump: create one GitHub repository per dataset in ORG (its owner) and push the package (GITHUB_TOKEN and GITHUB_API_URL, or the App: APP_ID, PRIVATE_KEY)',
        ).argParser(githubOwner),
      )
      .option(
        '--lfs-threshold <size>',
        'dump, with --create-repos: files larger than this go to git-LFS (bytes, or 500k, 10M, 1G; default OS_MIGRATE_LFS_THRESHOLD or 10M)',
      ),
  )
    .enablePositionalOptions()
    .action(async (target: string, opts: MigrateFlags) => {
      if (!opts.out) throw new UsageError("required option '--out <dir>' not specified");
      setCode(await runMigrate(target, opts, io));
    });
  migrate
    .command('export')
    .description('write an os-legacy-dump/1 dump from a server speaking the old openspending.org API (resumable)')
    .requiredOption('--from <url>', 'the old site, e.g. https://openspending.org')
    .requiredOption('--out <dir>', 'the dump folder')
    .option(
      '--api-key <key>',
      'an API key (Authorization: ApiKey …): private datasets its account manages are exported too (default: OPENSPENDING_APIKEY)',
    )
    .option('--datasets <names>', 'only these datasets, comma-separated (private ones need the key)')
    .option('--json', 'print one JSON document on stdout')
    .option('--refresh', 'fetch finished datasets again')
    .action(async (opts: { from: string; out: string; apiKey?: string; datasets?: string; json?: boolean; refresh?: boolean }) => {
      const { runExport } = await import('./migrate-export.ts');
      setCode(await runExport(opts, io));
    });
}
