/**
 * Convert every dataset of a dump (dump.ts) into `OUT/<name>/`, handling the OSEP-8 edge cases
 * as MIGRATION.md's table says and naming each one in the report:
 *
 * | case              | what happens                                                           |
 * | private           | skipped unless includePrivate                                          |
 * | no-model          | skipped (mapping missing or {}); the dump's files stay where they are  |
 * | several-sources   | each usable source a resource, or one multi-file resource              |
 * | source-unused     | a source not loaded, failed, HTML or without the model's columns: kept |
 * |                   | under archive/, listed                                                 |
 * | sources-gone      | no usable source: built from the cube export (entries.csv), warned     |
 * | no-sources        | the dataset had no sources: built from entries.csv                     |
 * | no-data           | neither: failed                                                        |
 * | not-loaded        | modelled but 0 entries: converted from the sources, warned             |
 * | several-managers  | the owner rule (owner.ts) picks one; the others are contributors       |
 *
 * Resumable: a finished dataset (its folder with migration-report.json) is skipped; a package is
 * built beside its folder and renamed into place, so a killed run leaves no half package and the
 * next run starts that dataset again.
 */

import { lstat, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isUserError, type UserError } from '../errors.ts';
import { modelColumns, type Classification } from './convert.ts';
import { convertDataset, type ConvertResult } from '../pipeline/migrate.ts';
import { readDump, type DumpDataset, type DumpLayout } from './dump.ts';
import { clearPartials, InputError, inspectSource, readJsonFile } from './files.ts';
import { MigrationError, readLegacyModel, type Finding, type LegacyModel } from './legacy.ts';
import type { OwnerMap } from './owner.ts';
import { inShard, type Shard } from './shard.ts';

export type DatasetStatus = 'converted' | 'skipped' | 'failed' | 'planned';

export interface DatasetOutcome {
  name: string;
  status: DatasetStatus;
  /** Why (skipped/failed: the case or the rule; converted: '' or 'resumed'). */
  reason: string;
  detail: string;
  /** The OSEP-8 edge cases this dataset met. */
  cases: string[];
  valid: boolean | null;
  warnings: number;
  owner?: string;
  out?: string;
  /** Sources used as resources / kept in archive only. */
  sources?: { used: string[]; archived: string[]; entries: boolean };
  unmapped?: number;
  /** Filled by the after-convert step (publish, registry). */
  publish?: Record<string, unknown>;
}

export interface BatchOptions {
  dump: string;
  out: string;
  includePrivate?: boolean;
  dryRun?: boolean;
  ownerMap?: OwnerMap;
  coreOrg: string;
  /** `--create-repos ORG`: ORG owns every dataset (owner.ts). */
  ownerOrg?: string;
  shard?: Shard;
  strict?: boolean;
  classify?: Record<string, Classification>;
  /** false: convert nothing, only take up the datasets a previous run converted (listing them). */
  convert?: boolean;
  /** Called once the datasets to handle are known. */
  onPlan?(total: number, names: string[]): void;
  onDataset?(outcome: DatasetOutcome): void;
  /** Run after a dataset is converted (or found converted): publish, register. */
  afterConvert?(outcome: DatasetOutcome, dir: string): Promise<void>;
}

export interface BatchReport {
  format: 'os-datastore-migrate/1';
  dump: string;
  layout: DumpLayout;
  out: string;
  dryRun: boolean;
  shard: string | null;
  counts: {
    datasets: number;
    converted: number;
    valid: number;
    withWarnings: number;
    skipped: number;
    failed: number;
    planned: number;
    resumed: number;
    outsideShard: number;
  };
  cases: Record<string, number>;
  datasets: DatasetOutcome[];
}

const exists = (p: string): Promise<boolean> =>
  lstat(p).then(
    () => true,
    () => false,
  );

export async function runMigration(options: BatchOptions): Promise<BatchReport> {
  const { layout, datasets } = await readDump(options.dump);
  const mine = options.shard ? datasets.filter((d) => inShard(d.name, options.shard!)) : datasets;
  options.onPlan?.(
    mine.length,
    mine.map((d) => d.name),
  );
  const outcomes: DatasetOutcome[] = [];
  for (const d of mine) {
    const o = await migrateOne(d, options);
    if (o.status === 'converted' && options.afterConvert && !options.dryRun) {
      try {
        await options.afterConvert(o, o.out!);
      } catch (e) {
        o.publish = { ...(o.publish ?? {}), status: 'failed', error: (e as Error).message };
      }
    }
    outcomes.push(o);
    options.onDataset?.(o);
  }
  const counts = {
    datasets: outcomes.length,
    converted: outcomes.filter((o) => o.status === 'converted').length,
    valid: outcomes.filter((o) => o.valid === true).length,
    withWarnings: outcomes.filter((o) => o.status === 'converted' && o.warnings > 0).length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    planned: outcomes.filter((o) => o.status === 'planned').length,
    resumed: outcomes.filter((o) => o.reason === 'resumed').length,
    outsideShard: datasets.length - mine.length,
  };
  const cases: Record<string, number> = {};
  for (const o of outcomes) for (const c of o.cases) cases[c] = (cases[c] ?? 0) + 1;
  return {
    format: 'os-datastore-migrate/1',
    dump: options.dump,
    layout,
    out: options.out,
    dryRun: Boolean(options.dryRun),
    shard: options.shard ? `${options.shard.k}/${options.shard.n}` : null,
    counts,
    cases,
    datasets: outcomes,
  };
}

/** A package folder name for a dataset: its name, made safe (the legacy names are `[\w-]+`). */
function folderOf(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-._]+/, '') || 'dataset'
  );
}

async function migrateOne(d: DumpDataset, options: BatchOptions): Promise<DatasetOutcome> {
  const cases: string[] = [];
  const base = { name: d.name, cases, valid: null, warnings: 0 };
  const out = join(options.out, folderOf(d.name));
  if (d.private) {
    cases.push('private');
    if (!options.includePrivate)
      return { ...base, status: 'skipped', reason: 'private', detail: 'a private dataset: give --include-private to convert it' };
  }
  if (
    d.layout === 'os-legacy-dump/1' &&
    d.dumpStatus !== undefined &&
    !['complete', 'partial', 'kept'].includes(d.dumpStatus) &&
    !d.modelFile
  ) {
    cases.push('not-exported');
    return {
      ...base,
      status: 'skipped',
      reason: 'not-exported',
      detail: `the export did not finish it (${d.dumpStatus}); run \`migrate export\` again${d.dumpStatus === 'private-skipped' ? " with a manager's --api-key" : ''}`,
    };
  }
  if (!d.modelFile || d.modelState === 'no-mapping' || d.modelState === 'empty-mapping') {
    cases.push('no-model');
    return {
      ...base,
      status: 'skipped',
      reason: 'no-model',
      detail: d.modelFile
        ? `the model's mapping is ${d.modelState === 'empty-mapping' ? 'empty' : 'missing'}: never modelled in the old site`
        : 'the dump has no model.json for it',
    };
  }
  if (d.managers.length > 1) cases.push('several-managers');
  if (!options.dryRun) await clearPartials(out);
  if (await exists(join(out, 'migration-report.json'))) {
    let rep: Record<string, unknown> = {};
    try {
      rep = JSON.parse(await readFile(join(out, 'migration-report.json'), 'utf8'));
    } catch {
      /* a finished folder with an unreadable report: counted as converted, without details */
    }
    const warnings = Array.isArray(rep.warnings) ? rep.warnings.length : 0;
    return {
      ...base,
      status: options.dryRun ? 'planned' : 'converted',
      reason: 'resumed',
      detail: 'already converted (a previous run); its folder is kept',
      valid: true,
      warnings,
      owner: typeof rep.owner === 'string' ? rep.owner : undefined,
      out,
    };
  }

  if (options.convert === false)
    return {
      ...base,
      status: 'skipped',
      reason: 'not-converted',
      detail: 'not converted by an earlier run (this run only lists converted packages): convert it with --publish first',
    };

  // The model.
  let model: LegacyModel;
  try {
    const { value, locate } = await readJsonFile(d.modelFile);
    try {
      model = readLegacyModel(value);
    } catch (e) {
      if (e instanceof MigrationError && e.rule === 'no-model') {
        cases.push('no-model');
        return { ...base, status: 'skipped', reason: 'no-model', detail: e.message };
      }
      if (e instanceof MigrationError)
        throw new MigrationError(
          e.rule,
          `${e.pointer !== undefined ? locate(e.pointer === '/' ? '' : e.pointer) : d.modelFile}: ${e.message}`,
          e.pointer,
        );
      throw e;
    }
  } catch (e) {
    if (isUserError(e)) return { ...base, status: 'failed', reason: reasonOf(e), detail: e.describe() };
    throw e;
  }

  // The data: usable sources, else the cube export.
  const findings: Finding[] = [];
  const wanted = modelColumns(model);
  const used: DumpDataset['sources'] = [];
  const archiveOnly: Array<{ file: string; as: string }> = [];
  for (const s of d.sources) {
    let why: string | null = null;
    if (s.download !== 'ok' || !s.file)
      why = s.download === 'missing' ? 'not in the dump' : `download ${s.download}${s.httpStatus ? ` (HTTP ${s.httpStatus})` : ''}`;
    else if (s.loaded === false) why = 'never loaded in the old site (no complete import run)';
    else {
      try {
        const info = await inspectSource(s.file);
        const have = new Set(info.headers);
        const titles = model.fieldTitles;
        const missing = wanted.filter((c) => !have.has(c) && !(titles && have.has(titles.get(c) ?? '\u0000')));
        if (missing.length && s.loaded !== true)
          why = `its header lacks the model's column${missing.length > 1 ? 's' : ''} ${missing
            .slice(0, 5)
            .map((c) => JSON.stringify(c))
            .join(', ')}`;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        why = e.code === 'not-csv' ? 'not CSV (an HTML page)' : e.message;
      }
    }
    if (why === null) used.push(s);
    else {
      if (!cases.includes('source-unused')) cases.push('source-unused');
      findings.push({
        code: 'source-unused',
        message: `source ${s.id} (${s.url || 'no URL'}) is not used: ${why}${s.file ? '; its file is kept under archive/' : ''}`,
      });
      if (s.file) archiveOnly.push({ file: s.file, as: `source-${s.id.replace(/[^A-Za-z0-9._-]+/g, '-')}.unused` });
    }
  }
  const rel = (f: string): string => relative(options.dump, f).split(sep).join('/');
  let files: Array<{ file: string; id?: string; url?: string; label?: string }> = used.map((s) => ({
    file: s.file!,
    id: s.id,
    url: s.url,
    label: rel(s.file!),
  }));
  let entries = false;
  if (files.length === 0) {
    if (d.entriesFile) {
      entries = true;
      const c = d.sources.length ? 'sources-gone' : 'no-sources';
      cases.push(c);
      findings.push({
        code: c,
        message: d.sources.length
          ? `none of the ${d.sources.length} sources can be used: built from the cube export (${d.layout === 'os-legacy-dump/1' ? 'entries.csv' : 'dataset.csv'}), as OSEP-8 says`
          : `the dataset had no sources: built from the cube export (${d.layout === 'os-legacy-dump/1' ? 'entries.csv' : 'dataset.csv'})`,
      });
      files = [{ file: d.entriesFile, id: 'entries', label: rel(d.entriesFile) }];
    } else {
      cases.push('no-data');
      return {
        ...base,
        status: 'failed',
        reason: 'no-data',
        detail: d.sources.length
          ? `none of the ${d.sources.length} sources can be used (${findings.map((f) => f.message).join('; ')}) and the dump has no cube export`
          : 'no sources and no cube export',
      };
    }
  }
  if (files.length > 1) cases.push('several-sources');
  if (d.entries === 0) {
    cases.push('not-loaded');
    findings.push({ code: 'not-loaded', message: 'modelled but never loaded in the old site (0 entries): converted from the sources' });
  }
  if (d.managers.length > 1)
    findings.push({ code: 'several-managers', message: `${d.managers.length} managers: ${d.managers.join(', ')}` });
  const sourcesSummary = { used: used.map((s) => s.id), archived: archiveOnly.map((a) => a.as), entries };
  if (options.dryRun) {
    return {
      ...base,
      status: 'planned',
      reason: '',
      detail: entries ? 'from the cube export' : `from ${files.length} source${files.length === 1 ? '' : 's'}`,
      out,
      sources: sourcesSummary,
    };
  }

  let result: ConvertResult;
  try {
    result = await convertDataset({
      model,
      sources: files,
      out,
      name: model.name ? undefined : folderOf(d.name),
      classify: options.classify,
      strict: options.strict,
      owner: {
        map: options.ownerMap,
        coreOrg: options.coreOrg,
        ...(options.ownerOrg ? { org: options.ownerOrg } : {}),
        managers: d.managers,
        sources: d.sources.map((s) => ({ creator: s.creator, loaded: s.loaded, ...(s.createdAt ? { createdAt: s.createdAt } : {}) })),
      },
      findings,
      archiveOnly,
      legacySources: d.sources.map((s) => ({ id: s.id, url: s.url })),
      provenance: { layout: d.layout, folder: rel(d.dir) },
    });
  } catch (e) {
    if (isUserError(e)) return { ...base, status: 'failed', reason: reasonOf(e), detail: e.describe(), sources: sourcesSummary };
    // Anything else (a file that cannot be read or written, a disk full) fails this dataset only: the report accounts for it.
    return {
      ...base,
      status: 'failed',
      reason: 'error',
      detail: `${(e as NodeJS.ErrnoException).code ? `${(e as NodeJS.ErrnoException).code}: ` : ''}${(e as Error).message}`,
      sources: sourcesSummary,
    };
  }
  if (result.status === 'invalid') {
    const first = result.validation.errors
      .slice(0, 3)
      .map((e) => e.message)
      .join('; ');
    return {
      ...base,
      status: 'failed',
      reason: 'invalid',
      detail: `the package would be invalid (${result.validation.errors.length} error${result.validation.errors.length === 1 ? '' : 's'}): ${first}`,
      valid: false,
      sources: sourcesSummary,
      owner: result.report.owner,
    };
  }
  return {
    ...base,
    status: 'converted',
    reason: '',
    detail: `${result.report.resources.length} resource${result.report.resources.length === 1 ? '' : 's'}, ${result.report.resources.reduce((n, r) => n + r.rows, 0)} rows; owner ${result.report.owner} (${result.report.ownerRule})`,
    valid: true,
    warnings: result.report.warnings.length,
    owner: result.report.owner,
    out,
    sources: sourcesSummary,
    unmapped: result.report.unmapped.length,
  };
}

/** A failed dataset's reason: the legacy rule a model breaks, else the error's code. */
function reasonOf(e: UserError): string {
  return e instanceof MigrationError ? e.rule : e.code;
}
