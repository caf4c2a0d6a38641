/**
 * A legacy model (src/migrate/legacy.ts) → an OpenSpending Data Package (OSEP-04) descriptor and a
 * conversion report. Pure, in three steps so the edge can stream the data in between:
 *
 *   planConversion(model, tables, options)  what each column is, which checks the data must pass
 *   TableProfiler (profile.ts)              fed every row of every table
 *   buildPackage(plan, profile, meta)       the descriptor: types that held on the data, the
 *                                           COFOG level, the primary key if the key is unique
 *
 * Mapping rules (documented in the README, "Migrating from the old OpenSpending"):
 * - `amount` measure → transaction.amount (+ value.currency); other measures → the extension;
 * - the date dimension → transaction.date, its format checked against the data;
 * - key dimensions → transaction.id: the one key column, or all of them combined (a list of
 *   fields of one resource); a primary key when the combination is unique in the data;
 * - `from`/`to` → entity payer/payee (id ← name, title ← label, description);
 * - classifiers by taxonomy or name: cofog* → functional (with `cofog` when every value is a COFOG
 *   code), economic / administrative / project by the patterns below; `--classify` decides;
 * - attributes named like a title or a description → transaction title / description;
 * - everything else, and every label, description, flag, default value and view, is kept in the
 *   `openspending` extension and listed in the report.
 */

import type { Finding, LegacyDimension, LegacyModel } from './legacy.ts';
import { MigrationError, timeDimension } from './legacy.ts';
import type { ProfileResult } from './profile.ts';
import { isCountryCode } from '../package/codes/countries.ts';
import { isCurrencyCode } from '../package/codes/currencies.ts';

type Obj = Record<string, unknown>;

export type Classification = 'functional' | 'economic' | 'administrative' | 'project' | 'payer' | 'payee' | 'none';
export const CLASSIFICATIONS: readonly Classification[] = ['functional', 'economic', 'administrative', 'project', 'payer', 'payee', 'none'];

/** Which taxonomy slot a classifier goes to, by its taxonomy or its name (first match wins). */
const TAXONOMY_RULES: ReadonlyArray<{ kind: Classification; pattern: RegExp }> = [
  { kind: 'functional', pattern: /^cofog|function|cofog$/i },
  { kind: 'economic', pattern: /econ|gfs|esa95|esa2010|categor|revenue.?type|expenditure.?type|line.?item|^object|account/i },
  {
    kind: 'administrative',
    pattern:
      /admin|department|^dept|ministr|agency|institution|organi[sz]ation|authority|directorate|^office|^unit$|^vote$|^body$|^level$/i,
  },
  { kind: 'project', pattern: /project|programme|^program/i },
];

/** Attribute dimensions that become the transaction's title or description, by name. */
const TITLE_NAMES = /^(title|label|name|purpose|narrative|subject|transaction.?title)$/i;
const DESCRIPTION_NAMES = /^(description|desc|details?|notes?|comment|transaction.?description)$/i;

/** Date formats the old loader tried when a model gave none (osvalidate validation/data.py). */
const LEGACY_DATE_FORMATS = ['%Y-%m-%d', '%Y-%m-%dZ', '%Y-%m', '%Y'] as const;

/** How a table's columns were named: the original source, or a cube export (DB SQL / API search). */
export type TableMode = 'source' | 'cube-db' | 'cube-api';

export interface TableInput {
  /** The resource name it will get. */
  resource: string;
  /** What it is called in messages (the file given). */
  label: string;
  headers: string[];
}

/** A candidate Table Schema field the data is checked against; the first that holds is used. */
export interface FieldCandidate {
  type: 'number' | 'date' | 'string';
  format?: string;
  groupChar?: string;
  /** Why this one (for the report). */
  note?: string;
}

export interface FieldCheck {
  column: string;
  candidates: FieldCandidate[];
  /** The legacy dimension(.attribute)s read from this column. */
  legacy: string[];
}

export interface Slot {
  /** OSEP-04 model and attribute path, e.g. ["entity", "payer", "id"] or ["transaction", "amount"]. */
  path: string[];
  /** Columns (one, or several combined for transaction.id). */
  columns: string[];
  /** The legacy source, e.g. "from.name". */
  from: string;
}

export interface Unmapped {
  /** The legacy dimension, or dimension.attribute, or "views" / "dataset.x". */
  what: string;
  reason: string;
  /** Where it is kept in the package (a JSON pointer). */
  keptAt: string;
}

export interface ConversionOptions {
  /** The package name (default: the legacy name, else required). */
  name?: string;
  /** The owner (a GitHub login), chosen by the caller (owner.ts). */
  owner: string;
  ownerRule: string;
  contributors?: string[];
  /** The currency when the legacy dataset has none or a wrong one. */
  currency?: string;
  /** dimension name → classification, overriding TAXONOMY_RULES. */
  classify?: Record<string, Classification>;
}

export interface ConversionPlan {
  model: LegacyModel;
  options: ConversionOptions;
  mode: TableMode;
  tables: TableInput[];
  checks: FieldCheck[];
  slots: Slot[];
  /** The columns whose combination is the row id. */
  keyColumns: string[];
  /** functional candidates by COFOG level (dimension name, its id column), most detailed first. */
  cofog: Array<{ dim: string; level: number; column: string; titleColumn?: string; descriptionColumn?: string }>;
  unmapped: Unmapped[];
  findings: Finding[];
  /** legacy dimension → the columns it reads. */
  dimensionColumns: Record<string, Record<string, string | null>>;
}

/** normality's slugify(…, sep='_'), as openspending-migrate's export named the cube's columns. */
function exportSlug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Every column a model reads from an original source. */
export function modelColumns(model: LegacyModel): string[] {
  const out: string[] = [];
  for (const d of model.dimensions) {
    if (d.kind === 'compound') for (const a of d.attributes ?? []) if (a.column !== null && a.datatype !== 'constant') out.push(a.column);
    if (d.kind !== 'compound' && d.column && d.datatype !== 'constant') out.push(d.column);
  }
  return [...new Set(out)];
}

/** How a table names its columns. */
function tableMode(model: LegacyModel, headers: string[]): TableMode {
  const have = new Set(headers);
  const titles = model.fieldTitles;
  const inSource = (c: string): boolean => have.has(c) || (titles !== undefined && have.has(titles.get(c) ?? '\u0000'));
  const missing = modelColumns(model).filter((c) => !inSource(c));
  if (missing.length === 0) return 'source';
  if (have.has('openspending_id')) return 'cube-db';
  if (headers.some((h) => h.includes('.'))) return 'cube-api';
  return 'source';
}

/** The column of a dimension (and attribute) in a table of this mode; null when it has none. */
function columnOf(model: LegacyModel, mode: TableMode, headers: Set<string>, dim: LegacyDimension, attr?: string): string | null {
  const candidates: string[] = [];
  if (mode === 'source') {
    const c = attr ? dim.attributes?.find((a) => a.name === attr)?.column : dim.column;
    if (c) {
      candidates.push(c);
      const t = model.fieldTitles?.get(c);
      if (t) candidates.push(t);
    }
  } else if (mode === 'cube-db') {
    if (attr) candidates.push(exportSlug(`${dim.name}_${attr}`));
    else if (dim.kind === 'date') candidates.push(exportSlug(`${dim.name}_name`), exportSlug(dim.name));
    else candidates.push(exportSlug(dim.name));
  } else {
    if (attr) candidates.push(`${dim.name}.${attr}`);
    else if (dim.kind === 'date') candidates.push(`${dim.name}.name`, dim.name);
    else candidates.push(dim.name);
  }
  return candidates.find((c) => headers.has(c)) ?? null;
}

function classificationOf(dim: LegacyDimension, options: ConversionOptions): Classification {
  const forced = options.classify?.[dim.name];
  if (forced) return forced;
  if (dim.name === 'from') return 'payer';
  if (dim.name === 'to') return 'payee';
  for (const key of [dim.taxonomy, dim.name]) {
    if (!key) continue;
    for (const r of TAXONOMY_RULES) if (r.pattern.test(key)) return r.kind;
  }
  return 'none';
}

/** The COFOG level a classifier holds (1–3; 1 when the name says nothing). */
function cofogLevel(dim: LegacyDimension): number {
  const m = /([123])\s*$/.exec(dim.name) ?? /([123])\s*$/.exec(dim.taxonomy ?? '');
  return m ? Number(m[1]) : 1;
}

export function planConversion(model: LegacyModel, tables: TableInput[], options: ConversionOptions): ConversionPlan {
  if (tables.length === 0)
    throw new MigrationError('no-data', 'no data was given: the conversion needs at least one CSV source (--source FILE)');
  const first = tables[0]!;
  const mode = tableMode(model, first.headers);
  const headers = new Set(first.headers);
  const findings: Finding[] = [...model.warnings];
  if (mode !== 'source') {
    findings.push({
      code: 'cube-export',
      message: `${first.label} is a cube export (${mode === 'cube-db' ? 'the database export: <dimension>_<attribute> columns' : 'the API search export: dotted columns'}), not an original source; the model's columns are read under their exported names`,
    });
  }
  const dimensionColumns: ConversionPlan['dimensionColumns'] = {};
  const col = (dim: LegacyDimension, attr?: string): string | null => {
    const c = columnOf(model, mode, headers, dim, attr);
    (dimensionColumns[dim.name] ??= {})[attr ?? ''] = c;
    return c;
  };
  // Every table must carry the columns the mapping reads.
  const checks = new Map<string, FieldCheck>();
  const check = (column: string, legacy: string, candidates: FieldCandidate[]): void => {
    const c = checks.get(column);
    if (c) {
      c.legacy.push(legacy);
      // A column read both as a string and as a typed value keeps the typed candidates.
      if (c.candidates.length === 1 && c.candidates[0]!.type === 'string') c.candidates = candidates;
    } else checks.set(column, { column, candidates, legacy: [legacy] });
  };
  const slots: Slot[] = [];
  const unmapped: Unmapped[] = [];
  const keep = (what: string, reason: string): void => {
    unmapped.push({ what, reason, keptAt: `/openspending/dimensions/${what.split('.')[0]}` });
  };
  const stringCheck: FieldCandidate[] = [{ type: 'string' }];
  const numberChecks: FieldCandidate[] = [
    { type: 'number' },
    { type: 'number', groupChar: ',', note: 'commas as thousands separators, as the old loader read them' },
    { type: 'string', note: 'not a number in every row; kept as text' },
  ];

  // Amount.
  const amount = model.dimensions.find((d) => d.name === 'amount' && d.kind === 'measure')!;
  const amountCol = col(amount);
  if (!amountCol) throw missingColumn(first, 'amount', amount.column, mode);
  check(amountCol, 'amount', numberChecks);
  slots.push({ path: ['transaction', 'amount'], columns: [amountCol], from: 'amount' });

  // Date.
  const time = timeDimension(model)!;
  const timeCol = col(time);
  if (!timeCol) throw missingColumn(first, time.name, time.column ?? null, mode);
  const dateChecks: FieldCandidate[] = [];
  if (time.format && mode === 'source') dateChecks.push({ type: 'date', format: time.format, note: "the model's format" });
  for (const f of LEGACY_DATE_FORMATS)
    if (f !== time.format)
      dateChecks.push(
        f === '%Y-%m-%d'
          ? { type: 'date', note: time.format && mode === 'source' ? "the model's format did not hold; ISO dates did" : 'ISO dates' }
          : { type: 'date', format: f, note: `the old loader's default format ${f}` },
      );
  dateChecks.push({ type: 'string', note: 'not a date in any of the formats the old loader tried; kept as text' });
  check(timeCol, time.name, dateChecks);
  slots.push({ path: ['transaction', 'date'], columns: [timeCol], from: time.name });

  // Keys.
  let keyColumns: string[] = [];
  const keyDims = model.dimensions.filter((d) => d.key);
  if (mode === 'cube-db' && headers.has('openspending_id')) keyColumns = ['openspending_id'];
  else if (mode === 'cube-api' && headers.has('id')) keyColumns = ['id'];
  else {
    for (const d of keyDims) {
      const c = d.kind === 'compound' ? (col(d, 'name') ?? col(d, d.attributes?.[0]?.name ?? 'name')) : col(d);
      if (c) keyColumns.push(c);
      else if (d.kind !== 'compound' && d.datatype === 'constant')
        findings.push({
          code: 'key-constant',
          message: `the key dimension "${d.name}" is a constant with no column; it cannot tell rows apart and is left out of the id`,
        });
      else throw missingColumn(first, d.name, d.column ?? d.attributes?.find((a) => a.name === 'name')?.column ?? null, mode);
    }
    keyColumns = [...new Set(keyColumns)];
    if (keyColumns.length === 0)
      throw new MigrationError(
        'require_one_key_column',
        'no key dimension has a column in the data, so rows have no identity: mark a column dimension with "key": true',
      );
  }
  slots.push({
    path: ['transaction', 'id'],
    columns: keyColumns,
    from: mode === 'source' ? keyDims.map((d) => d.name).join('+') : `${keyColumns[0]} (the export's row id)`,
  });
  if (keyColumns.length > 1)
    findings.push({
      code: 'key-combined',
      message: `no single id column: the transaction id is the combination of the key columns ${keyColumns.map((c) => `"${c}"`).join(', ')}`,
    });

  // Dimensions.
  const taken = new Set<string>();
  const cofog: ConversionPlan['cofog'] = [];
  for (const d of model.dimensions) {
    if (d === amount || d === time) continue;
    if (d.kind === 'measure') {
      const c = col(d);
      if (c) check(c, d.name, numberChecks);
      keep(d.name, `OSEP-04 has one amount; the measure "${d.name}" is kept as a field${c ? ` ("${c}")` : ''} and in the extension`);
      continue;
    }
    if (d.kind === 'date') {
      const c = col(d);
      if (c) check(c, d.name, stringCheck);
      keep(d.name, 'a second date dimension; kept as a field and in the extension');
      continue;
    }
    const kind = classificationOf(d, options);
    if (d.kind === 'attribute') {
      const c = d.datatype === 'constant' ? null : col(d);
      if (c) check(c, d.name, d.datatype === 'float' ? numberChecks : stringCheck);
      if (!c) {
        keep(
          d.name,
          d.datatype === 'constant'
            ? `a constant (${JSON.stringify(d.constant ?? null)}) has no column, and OSEP-04 maps columns only`
            : 'its column is not in the data',
        );
        continue;
      }
      if (kind === 'payer' || kind === 'payee') {
        if (!taken.has(kind)) {
          taken.add(kind);
          slots.push(
            { path: ['entity', kind, 'id'], columns: [c], from: d.name },
            { path: ['entity', kind, 'title'], columns: [c], from: d.name },
          );
          continue;
        }
      }
      if (d.key && keyColumns.length === 1 && keyColumns[0] === c) continue; // the id
      if (TITLE_NAMES.test(d.name) && !taken.has('title')) {
        taken.add('title');
        slots.push({ path: ['transaction', 'title'], columns: [c], from: d.name });
        continue;
      }
      if (DESCRIPTION_NAMES.test(d.name) && !taken.has('description')) {
        taken.add('description');
        slots.push({ path: ['transaction', 'description'], columns: [c], from: d.name });
        continue;
      }
      if (kind !== 'none' && kind !== 'payer' && kind !== 'payee' && !taken.has(kind)) {
        taken.add(kind);
        addClassifier(kind, d.name, c, c, undefined);
        continue;
      }
      keep(
        d.name,
        d.key
          ? `a key dimension: part of the transaction id, and kept as field "${c}"`
          : `no OSEP-04 slot for this attribute; kept as field "${c}"`,
      );
      continue;
    }
    // Compound.
    const attrCols: Record<string, string | null> = {};
    for (const a of d.attributes ?? []) {
      const c = a.datatype === 'constant' || a.column === null ? null : col(d, a.name);
      attrCols[a.name] = c;
      if (c) check(c, `${d.name}.${a.name}`, a.datatype === 'float' ? numberChecks : stringCheck);
    }
    const idCol = attrCols.name ?? attrCols.label ?? Object.values(attrCols).find((v) => v) ?? null;
    const titleCol = attrCols.label ?? attrCols.name ?? null;
    const descriptionCol = attrCols.description ?? null;
    const otherAttrs = Object.keys(attrCols).filter((a) => a !== 'name' && a !== 'label' && a !== 'description');
    for (const a of otherAttrs)
      keep(
        `${d.name}.${a}`,
        `OSEP-04 has no slot for the attribute "${a}"${attrCols[a] ? `; kept as field "${attrCols[a]}"` : ' (no column)'}`,
      );
    for (const a of d.attributes ?? [])
      if (attrCols[a.name] === null && !otherAttrs.includes(a.name))
        keep(`${d.name}.${a.name}`, a.datatype === 'constant' ? 'a constant attribute has no column' : 'its column is not in the data');
    if (!idCol) {
      keep(d.name, 'none of its attributes has a column in the data');
      continue;
    }
    if (kind === 'functional' && /cofog/i.test(`${d.taxonomy ?? ''} ${d.name}`)) {
      cofog.push({
        dim: d.name,
        level: cofogLevel(d),
        column: idCol,
        ...(titleCol ? { titleColumn: titleCol } : {}),
        ...(descriptionCol ? { descriptionColumn: descriptionCol } : {}),
      });
      continue;
    }
    if ((kind === 'payer' || kind === 'payee') && !taken.has(kind)) {
      taken.add(kind);
      pushDim(['entity', kind], d.name, idCol, titleCol, descriptionCol);
      continue;
    }
    if (kind !== 'none' && kind !== 'payer' && kind !== 'payee' && !taken.has(kind)) {
      taken.add(kind);
      addClassifier(kind, d.name, idCol, titleCol, descriptionCol);
      continue;
    }
    keep(
      d.name,
      kind === 'none'
        ? `no rule places the classifier "${d.name}"${d.taxonomy ? ` (taxonomy "${d.taxonomy}")` : ''} in an OSEP-04 slot; kept as fields${idCol ? ` ("${idCol}"${titleCol && titleCol !== idCol ? `, "${titleCol}"` : ''})` : ''} (use --classify ${d.name}=functional|economic|administrative|project to place it)`
        : `the ${kind} slot is taken by an earlier dimension; kept as fields`,
    );
  }
  for (const t of tables.slice(1)) {
    const have = new Set(t.headers);
    const missing = [...checks.keys(), ...keyColumns].filter((c) => !have.has(c));
    if (missing.length)
      throw new MigrationError(
        'columns-differ',
        `${t.label} lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} that ${first.label} has and the model reads; give sources with the model's columns`,
        undefined,
        true,
      );
  }
  return { model, options, mode, tables, checks: [...checks.values()], slots, keyColumns, cofog, unmapped, findings, dimensionColumns };

  function pushDim(path: string[], from: string, id: string, title: string | null, description: string | null): void {
    slots.push({ path: [...path, 'id'], columns: [id], from: `${from}.name` });
    if (title) slots.push({ path: [...path, 'title'], columns: [title], from: `${from}.label` });
    if (description) slots.push({ path: [...path, 'description'], columns: [description], from: `${from}.description` });
  }
  function addClassifier(
    kind: Classification,
    from: string,
    id: string,
    title: string | null,
    description: string | null | undefined,
  ): void {
    if (kind === 'project') {
      pushDim(['project'], from, id, title, description ?? null);
      // OSEP-04's project MUSTs an amount and a date: the transaction's.
      slots.push(
        { path: ['project', 'amount'], columns: [amountCol!], from: 'amount' },
        { path: ['project', 'date'], columns: [timeCol!], from: time.name },
      );
    } else pushDim(['taxonomy', kind], from, id, title, description ?? null);
  }
}

function missingColumn(t: TableInput, dim: string, column: string | null | undefined, mode: TableMode): MigrationError {
  return new MigrationError(
    'column-missing',
    `${t.label} has no column ${column ? `"${column}"` : ''}${mode === 'source' ? '' : ` (nor its exported name)`} for the dimension "${dim}"; its header is ${JSON.stringify(t.headers.slice(0, 20))}${t.headers.length > 20 ? '…' : ''}: give the source the model was made for`,
    undefined,
    true,
  );
}

export interface PackageMeta {
  /** Resources: name, path(s) in the package, and what they were made from. */
  resources: Array<{ name: string; path: string | string[]; table: string; encoding: string; archive: string[]; rows: number }>;
  /** The legacy sources (url and id) kept as `sources`. */
  sources?: Array<{ id: unknown; url: string }>;
}

export interface FieldReport {
  name: string;
  type: string;
  format?: string;
  legacy: string[];
  note?: string;
}

export interface ConversionReport {
  name: string;
  title: string;
  dialect: string;
  schemaVersion: string | null;
  upgrades: string[];
  owner: string;
  ownerRule: string;
  contributors: string[];
  mode: TableMode;
  resources: PackageMeta['resources'];
  mapped: Array<{ to: string; from: string; fields: string[] }>;
  unmapped: Unmapped[];
  fields: FieldReport[];
  warnings: Finding[];
}

/** The descriptor and the report, from the plan and what the data showed. */
export function buildPackage(
  plan: ConversionPlan,
  profile: ProfileResult,
  meta: PackageMeta,
): { descriptor: Obj; report: ConversionReport } {
  const { model, options } = plan;
  const ds = model.dataset;
  const findings = [...plan.findings];
  const unmapped = [...plan.unmapped];
  const name = options.name ?? model.name;
  if (!name) throw new MigrationError('database_name', 'the model has no dataset name (a bare mapping): give --name');
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name) || name.length > 100)
    throw new MigrationError(
      'database_name',
      `the name "${name}" cannot name a package (${'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100'}): give --name`,
    );

  // Currency.
  const legacyCurrency = typeof ds.currency === 'string' ? ds.currency.trim().toUpperCase() : '';
  let currency = options.currency ?? legacyCurrency;
  if (!options.currency && legacyCurrency && !isCurrencyCode(legacyCurrency)) {
    throw new MigrationError(
      'valid_currency',
      `dataset.currency "${String(ds.currency)}" is not an ISO 4217 code: give --currency CODE`,
      '/dataset/currency',
    );
  }
  if (!currency)
    throw new MigrationError(
      'valid_currency',
      'the dataset has no currency (a bare mapping, or an empty record): give --currency CODE (ISO 4217, e.g. EUR)',
    );
  currency = currency.toUpperCase();

  // Field types: the first candidate that held on every row.
  const fieldOf = new Map<string, Obj>();
  const fieldReports: FieldReport[] = [];
  for (const c of plan.checks) {
    const i = profile.chosen.get(c.column) ?? c.candidates.length - 1;
    const cand = c.candidates[Math.min(i, c.candidates.length - 1)]!;
    const f: Obj = { name: c.column, type: cand.type };
    if (cand.format) f.format = cand.format;
    if (cand.groupChar) f.groupChar = cand.groupChar;
    fieldOf.set(c.column, f);
    const fr: FieldReport = { name: c.column, type: cand.type, legacy: c.legacy };
    if (cand.format) fr.format = cand.format;
    if (i > 0 && cand.note) {
      fr.note = cand.note;
      findings.push({ code: 'type-fallback', message: `field "${c.column}" (${c.legacy.join(', ')}): ${cand.note}` });
    }
    fieldReports.push(fr);
  }

  // Functional: the most detailed COFOG level filled in every row, else the least detailed.
  const slots = [...plan.slots];
  if (plan.cofog.length) {
    const levels = [...plan.cofog].sort((a, b) => b.level - a.level);
    const full = levels.find((l) => (profile.empty.get(l.column) ?? 0) === 0);
    const pick = full ?? levels[levels.length - 1]!;
    slots.push({ path: ['taxonomy', 'functional', 'id'], columns: [pick.column], from: `${pick.dim}.name` });
    if (pick.titleColumn) slots.push({ path: ['taxonomy', 'functional', 'title'], columns: [pick.titleColumn], from: `${pick.dim}.label` });
    if (pick.descriptionColumn)
      slots.push({ path: ['taxonomy', 'functional', 'description'], columns: [pick.descriptionColumn], from: `${pick.dim}.description` });
    const bad = profile.notCofog.get(pick.column) ?? 0;
    if (bad === 0) slots.push({ path: ['taxonomy', 'functional', 'cofog'], columns: [pick.column], from: `${pick.dim}.name` });
    else
      findings.push({
        code: 'cofog-values',
        message: `the functional classification "${pick.dim}" has ${bad} value${bad === 1 ? '' : 's'} that ${bad === 1 ? 'is' : 'are'} no COFOG code (e.g. ${JSON.stringify(profile.notCofogExample.get(pick.column) ?? '')}); it is mapped without "cofog"`,
      });
    for (const l of levels) {
      if (l === pick) continue;
      unmapped.push({
        what: l.dim,
        reason: `another COFOG level; "${pick.dim}" is the functional classification (${full ? 'the most detailed level filled in every row' : 'no level is filled in every row: the least detailed'}); kept as fields`,
        keptAt: `/openspending/dimensions/${l.dim}`,
      });
    }
  }

  // The id: a primary key when the data says it is unique.
  let primaryKey: string[] | null = null;
  const checkedAll = profile.keysChecked + profile.emptyKeys >= profile.rows;
  if (!checkedAll)
    findings.push({
      code: 'key-not-checked',
      message: `the transaction id was checked for repeats in the first ${profile.keysChecked} rows only (a memory bound); no primary key is declared`,
    });
  else if (profile.duplicateKeys === 0 && profile.emptyKeys === 0) primaryKey = plan.keyColumns;
  else {
    findings.push({
      code: 'key-not-unique',
      message: `the transaction id (${plan.keyColumns.map((c) => `"${c}"`).join(' + ')}) is ${profile.duplicateKeys ? `repeated in ${profile.duplicateKeys} row${profile.duplicateKeys === 1 ? '' : 's'}` : ''}${profile.duplicateKeys && profile.emptyKeys ? ' and ' : ''}${profile.emptyKeys ? `empty in ${profile.emptyKeys} row${profile.emptyKeys === 1 ? '' : 's'}` : ''}; no primary key is declared (the old site keyed rows the same way and merged such rows)`,
    });
  }

  // Resources: every column of the table, typed where the model says, else text.
  const multi = meta.resources.length > 1;
  const ref = (c: string): string => `${multi ? 'data*' : meta.resources[0]!.name}/${c}`;
  const resources = meta.resources.map((r) => {
    const table = plan.tables.find((t) => t.resource === r.table) ?? plan.tables[0]!;
    const fields = table.headers.map((h) => fieldOf.get(h) ?? { name: h, type: 'string' });
    const schema: Obj = { fields };
    if (primaryKey && !multi) schema.primaryKey = primaryKey.length === 1 ? primaryKey[0] : primaryKey;
    const res: Obj = { name: r.name, path: r.path, format: 'csv', mediatype: 'text/csv', encoding: 'utf-8', schema };
    return res;
  });
  if (primaryKey && multi)
    findings.push({
      code: 'key-across-resources',
      message: 'the id is unique across all the sources, but a Table Schema primary key holds within one resource only; none is declared',
    });

  const mapping: Obj = {};
  const set = (path: string[], columns: string[]): void => {
    let o = mapping;
    const [model0, ...rest] = path;
    o = (o[model0!] ??= model0 === 'transaction' ? { value: {}, attributes: {} } : { attributes: {} }) as Obj;
    o = o.attributes as Obj;
    for (const p of rest.slice(0, -1)) o = (o[p] ??= {}) as Obj;
    o[rest[rest.length - 1]!] = columns.map(ref);
  };
  for (const s of slots) set(s.path, s.columns);
  ((mapping.transaction as Obj).value as Obj).currency = currency;
  ((mapping.transaction as Obj).value as Obj).factor = 1;

  // Top level.
  const title = (typeof ds.label === 'string' && ds.label.trim()) || name;
  const descriptor: Obj = { name, title };
  if (typeof ds.description === 'string' && ds.description.trim()) descriptor.description = ds.description;
  descriptor.profiles = ['openspending', 'tabular'];
  descriptor.owner = options.owner;
  const territories = Array.isArray(ds.territories)
    ? ds.territories.filter((t): t is string => typeof t === 'string').map((t) => t.toUpperCase())
    : [];
  const goodTerritories = territories.filter((t) => isCountryCode(t));
  for (const t of territories)
    if (!goodTerritories.includes(t))
      findings.push({
        code: 'legacy-rule',
        rule: 'valid_territory',
        message: `territory "${t}" is not an ISO 3166 code; left out of "location" (kept in the extension)`,
      });
  if (goodTerritories.length) descriptor.location = goodTerritories.length === 1 ? goodTerritories[0] : goodTerritories;
  if (Array.isArray(ds.languages) && ds.languages.length) descriptor.languages = ds.languages;
  if (options.contributors?.length)
    descriptor.contributors = options.contributors.map((login) => ({
      title: login,
      role: 'contributor',
      path: `https://openspending.org/account/${encodeURIComponent(login)}`,
    }));
  // Legacy URLs as URLs (spaces and other raw characters percent-encoded); anything else stays in the extension only.
  const sources = (meta.sources ?? model.sources ?? []).flatMap((s) => {
    try {
      const u = new URL(s.url);
      return u.protocol === 'http:' || u.protocol === 'https:' ? [{ title: `OpenSpending source ${String(s.id)}`, path: u.href }] : [];
    } catch {
      return [];
    }
  });
  if (sources.length) descriptor.sources = sources;
  descriptor.mapping = mapping;
  descriptor.resources = resources;

  // The extension: everything the legacy model said, and where each dimension went.
  const mappedBy = new Map<string, string[]>();
  for (const s of slots) {
    const dim = s.from.split('.')[0]!;
    for (const d of dim.split('+')) (mappedBy.get(d) ?? mappedBy.set(d, []).get(d)!).push(s.path.join('.'));
  }
  const dimensions: Obj = {};
  for (const d of model.dimensions) {
    const e: Obj = { type: d.kind };
    if (d.label !== undefined) e.label = d.label;
    if (d.description !== undefined) e.description = d.description;
    if (d.key) e.key = true;
    if (d.facet) e.facet = true;
    if (d.taxonomy !== undefined) e.taxonomy = d.taxonomy;
    if (d.kind !== 'compound') {
      e.datatype = d.datatype;
      if (d.format) e.format = d.format;
      if (d.defaultValue !== undefined) e.default_value = d.defaultValue;
      if (d.constant !== undefined) e.constant = d.constant;
    } else {
      e.attributes = Object.fromEntries(
        (d.attributes ?? []).map((a) => [
          a.name,
          {
            column: a.column,
            datatype: a.datatype,
            ...(a.defaultValue !== undefined ? { default_value: a.defaultValue } : {}),
            ...(a.constant !== undefined ? { constant: a.constant } : {}),
          },
        ]),
      );
    }
    e.fields = plan.dimensionColumns[d.name] ?? {};
    e.mappedTo = mappedBy.get(d.name) ?? [];
    dimensions[d.name] = e;
  }
  const ext: Obj = {
    migratedFrom: {
      dialect: model.dialect,
      schemaVersion: model.schemaVersion,
      upgrades: model.upgrades,
      dataset: pick(ds, [
        'id',
        'name',
        'label',
        'category',
        'currency',
        'territories',
        'languages',
        'default_time',
        'created_at',
        'updated_at',
        'timestamps',
        'html_url',
        'private',
        'serp_title',
        'serp_teaser',
      ]),
      table: plan.mode,
    },
    dimensions,
    unmapped,
    model: model.original,
  };
  if (model.views !== undefined && model.views !== null) {
    ext.views = model.views;
    unmapped.push({ what: 'views', reason: 'OSEP-04 has no views; kept verbatim', keptAt: '/openspending/views' });
  }
  for (const k of Object.keys(ds)) {
    if (['name', 'label', 'description', 'currency', 'territories', 'languages'].includes(k)) continue;
    if (ds[k] === null || ds[k] === '' || (Array.isArray(ds[k]) && (ds[k] as unknown[]).length === 0)) continue;
    if (['sources', 'team', 'export_query', 'id'].includes(k) && model.dialect === 'dataset-record') continue;
    unmapped.push({ what: `dataset.${k}`, reason: 'no OSEP-04 property; kept verbatim', keptAt: '/openspending/model' });
  }
  // What OSEP-04 has no place for even in a mapped dimension: listed too, so the report accounts for all of the model.
  for (const d of model.dimensions) {
    const kept: string[] = [];
    if (d.label !== undefined) kept.push('label');
    if (d.description !== undefined) kept.push('description');
    if (d.key) kept.push('key');
    if (d.facet) kept.push('facet');
    if (d.kind === 'compound' && d.taxonomy !== undefined) kept.push('taxonomy');
    if (d.kind !== 'compound' && d.datatype !== undefined) kept.push('datatype');
    if (d.format) kept.push('format');
    if (d.defaultValue !== undefined || (d.attributes ?? []).some((a) => a.defaultValue !== undefined)) kept.push('default values');
    if (kept.length && (mappedBy.get(d.name) ?? []).length)
      unmapped.push({
        what: `${d.name} (${kept.join(', ')})`,
        reason: 'no OSEP-04 property for these; the dimension itself is mapped',
        keptAt: `/openspending/dimensions/${d.name}`,
      });
  }
  descriptor.openspending = ext;

  const report: ConversionReport = {
    name,
    title,
    dialect: model.dialect,
    schemaVersion: model.schemaVersion,
    upgrades: model.upgrades,
    owner: options.owner,
    ownerRule: options.ownerRule,
    contributors: options.contributors ?? [],
    mode: plan.mode,
    resources: meta.resources,
    mapped: slots.map((s) => ({ to: s.path.join('.'), from: s.from, fields: s.columns.map(ref) })),
    unmapped,
    fields: fieldReports,
    warnings: findings,
  };
  return { descriptor, report };
}

function pick(o: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
