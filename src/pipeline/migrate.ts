/**
 * The migrate-one use case (src/migrate holds its parts): convert one legacy dataset into a package folder: read the model, sniff the sources, plan,
 * copy the sources in as UTF-8 while profiling them, build the descriptor, validate the result
 * with our validator, and only then move it into place. Nothing is left behind when any step
 * fails: the package is built in a temporary folder beside the output.
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { createFsSource } from '../adapters/fs/source.ts';
import { validatePackage } from '../validate/package.ts';
import type { Report } from '../validate/report.ts';
import {
  buildPackage,
  planConversion,
  type Classification,
  type ConversionReport,
  type PackageMeta,
  type TableInput,
} from '../migrate/convert.ts';
import { commitDir, copySource, inspectSource, partialDir, type SourceInfo } from '../migrate/files.ts';
import { readLegacyModel, type Finding, type LegacyModel } from '../migrate/legacy.ts';
import { chooseOwner, type OwnerInput } from '../migrate/owner.ts';
import { TableProfiler } from '../migrate/profile.ts';

export interface SourceFile {
  file: string;
  /** The legacy source id (dump), used for archive names and `sources`. */
  id?: string | number;
  url?: string;
  /** How messages name it (default: the path given); the batch names sources relative to the dump. */
  label?: string;
}

export interface ConvertInput {
  /** The parsed legacy model document. */
  model: unknown | LegacyModel;
  sources: SourceFile[];
  /** The package folder to create. */
  out: string;
  /** Replace an existing folder. */
  replace?: boolean;
  name?: string;
  currency?: string;
  classify?: Record<string, Classification>;
  /** Everything chooseOwner needs except the dataset name and managers the model may carry. */
  owner: Omit<OwnerInput, 'dataset' | 'managers'> & { managers?: string[] };
  /** Extra findings to carry into the report (from the dump: fallbacks, skipped sources). */
  findings?: Finding[];
  /** Files to keep under archive/ without converting them (sources that were not used). */
  archiveOnly?: Array<{ file: string; as: string }>;
  /** Legacy sources for the descriptor's `sources`. */
  legacySources?: Array<{ id: unknown; url: string }>;
  /** Extra properties for the extension (dump provenance). */
  provenance?: Record<string, unknown>;
  strict?: boolean;
}

export interface ConvertResult {
  status: 'converted' | 'invalid';
  out: string;
  report: ConversionReport;
  validation: Pick<Report, 'valid' | 'errors' | 'warnings' | 'stats'>;
}

const slugOf = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 80) || 'data';

/** Convert one dataset; throws MigrationError / InputError (nothing written) or returns the outcome. */
export async function convertDataset(input: ConvertInput): Promise<ConvertResult> {
  const model = isLegacyModel(input.model) ? input.model : readLegacyModel(input.model);
  const infos: SourceInfo[] = [];
  for (const s of input.sources) infos.push(await inspectSource(s.file));
  const labelOf = (k: number): string => input.sources[k]!.label ?? input.sources[k]!.file;
  const findings: Finding[] = [...(input.findings ?? [])];
  infos.forEach((i, k) => {
    if (i.encoding === 'windows-1252')
      findings.push({
        code: 'encoding',
        message: `${labelOf(k)} is not UTF-8; read as Windows-1252 (Latin-1) and copied in as UTF-8 (the original bytes are under archive/)`,
      });
    if (i.encoding === 'utf-8-bom')
      findings.push({ code: 'encoding', message: `${labelOf(k)} starts with a byte order mark; copied in without it` });
  });

  // One multi-file resource when the columns agree, else one resource each.
  const same = infos.every((i) => JSON.stringify(i.headers) === JSON.stringify(infos[0]!.headers));
  const usedPaths = new Set<string>();
  const pathFor = (s: SourceFile): string => {
    const base = slugOf(s.id !== undefined ? String(s.id) : basename(s.file, extname(s.file)));
    let p = `data/${base}.csv`;
    for (let n = 2; usedPaths.has(p); n++) p = `data/${base}-${n}.csv`;
    usedPaths.add(p);
    return p;
  };
  const paths = input.sources.map(pathFor);
  const tables: TableInput[] = same
    ? [{ resource: 'data', label: labelOf(0), headers: infos[0]!.headers }]
    : infos.map((i, k) => ({ resource: `data-${k + 1}`, label: labelOf(k), headers: i.headers }));
  if (infos.length > 1)
    findings.push({
      code: 'several-sources',
      message: same
        ? `${infos.length} sources with the same columns: one resource of ${infos.length} files`
        : `${infos.length} sources whose columns differ: one resource each (the mapping refers to them as "data*")`,
    });

  const name = input.name ?? model.name;
  const owner = chooseOwner({ ...input.owner, dataset: name, managers: input.owner.managers ?? model.team ?? [] });
  findings.push(...owner.warnings);
  const plan = planConversion(model, tables, {
    name: input.name,
    owner: owner.owner,
    ownerRule: owner.rule,
    contributors: owner.contributors,
    currency: input.currency,
    classify: input.classify,
  });
  plan.findings.push(...findings);

  const tmp = partialDir(input.out);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const profiler = new TableProfiler(plan);
    const resources: PackageMeta['resources'] = [];
    for (let k = 0; k < infos.length; k++) {
      const info = infos[k]!;
      const rel = paths[k]!;
      const archiveRel = `archive/${slugOf(input.sources[k]!.id !== undefined ? String(input.sources[k]!.id) : basename(info.file, extname(info.file)))}${extname(info.file) || '.csv'}`;
      const { rows, blankLines } = await copySource(
        info,
        join(tmp, rel),
        join(tmp, archiveRel),
        (h) => profiler.header(h),
        (cells) => profiler.row(cells),
        same && k > 0,
      );
      if (blankLines)
        plan.findings.push({
          code: 'blank-lines',
          message: `${labelOf(k)}: ${blankLines} empty line${blankLines === 1 ? '' : 's'} left out (the old loader skipped them; the original is under archive/)`,
        });
      const table = same ? 'data' : `data-${k + 1}`;
      const prev = resources.find((r) => r.name === table);
      if (prev) {
        prev.path = [...(Array.isArray(prev.path) ? prev.path : [prev.path]), rel];
        prev.archive.push(archiveRel);
        prev.rows += rows;
      } else resources.push({ name: table, path: rel, table, encoding: info.encoding, archive: [archiveRel], rows });
    }
    for (const a of input.archiveOnly ?? []) {
      const { copyFile } = await import('node:fs/promises');
      await mkdir(join(tmp, 'archive'), { recursive: true });
      await copyFile(a.file, join(tmp, 'archive', a.as));
    }
    const { descriptor, report } = buildPackage(plan, profiler.result(), {
      resources,
      ...(input.legacySources ? { sources: input.legacySources } : {}),
    });
    if (input.provenance)
      ((descriptor.openspending as Record<string, unknown>).migratedFrom as Record<string, unknown>).dump = input.provenance;
    await writeFile(join(tmp, 'datapackage.json'), JSON.stringify(descriptor, null, 2) + '\n');
    const validation = await validatePackage(await createFsSource(tmp), { strict: input.strict, maxErrors: 50 });
    const summary = { valid: validation.valid, errors: validation.errors, warnings: validation.warnings, stats: validation.stats };
    if (!validation.valid) {
      await rm(tmp, { recursive: true, force: true });
      return { status: 'invalid', out: input.out, report, validation: summary };
    }
    await writeFile(
      join(tmp, 'migration-report.json'),
      JSON.stringify({ ...report, validation: { valid: true, errors: 0, warnings: validation.warnings.length } }, null, 2) + '\n',
    );
    await commitDir(tmp, input.out, Boolean(input.replace));
    return { status: 'converted', out: input.out, report, validation: summary };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

function isLegacyModel(m: unknown): m is LegacyModel {
  return typeof m === 'object' && m !== null && 'dimensions' in m && 'dialect' in m && 'original' in m;
}
