/**
 * The old openspending.org model (`model.json`) read in every shape it was written in, upgraded as
 * osvalidate's `migrate_model` did (MIGRATION.md §4), normalised to one internal form, and checked
 * against the legacy rules: the rules that make a conversion impossible are errors
 * (MigrationError, naming the rule), the rules real models broke anyway are warnings.
 *
 * Dialects:
 * - `model`: `{"dataset", "mapping", "views"}` (the site's `/{name}/model.json`, the fixtures);
 * - `bare-mapping`: a `mapping` object alone (the old CSV importer's `mapping.json`);
 * - `dataset-record`: the exported database row with `data.mapping` (openspending-migrate's
 *   `dataset.json`, with `sources` and `team`);
 * - `spendb`: the 2015 spendb export `{"dataset", "model": {measures, dimensions}, "fields"}`,
 *   normalised as MIGRATION.md §5 proposes.
 *
 * Pure: no I/O.
 */

import { UserError } from '../errors.ts';
import { isObject } from '../package/descriptor.ts';

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export type Dialect = 'model' | 'bare-mapping' | 'dataset-record' | 'spendb';

/** Something the conversion noticed: a broken legacy rule that is only a warning, an upgrade, a fallback. */
export interface Finding {
  code: string;
  /** The legacy rule (osvalidate's name) when one is concerned. */
  rule?: string;
  message: string;
  /** A JSON pointer into the legacy model document. */
  pointer?: string;
}

/**
 * A conversion that cannot be done; `rule` names the legacy rule or the reason. Nothing is
 * written; the CLI exits 1 (the model, not the command, is at fault). `located`: the message
 * already starts with the file it is about (the model's file and line, see locateError, or a
 * source file); otherwise the entry names the model file before it.
 */
export class MigrationError extends UserError {
  constructor(
    readonly rule: string,
    message: string,
    readonly pointer?: string,
    readonly located = false,
  ) {
    super('migration-error', message, { exitCode: 1 });
  }
}

export interface LegacyAttribute {
  name: string;
  column: string | null;
  datatype: string;
  defaultValue?: unknown;
  /** A `constant` datatype's value (no column). */
  constant?: unknown;
}

export type DimensionKind = 'measure' | 'date' | 'attribute' | 'compound';

export interface LegacyDimension {
  name: string;
  kind: DimensionKind;
  label?: string;
  description?: string;
  key: boolean;
  facet: boolean;
  taxonomy?: string;
  /** measure, date, attribute: the column (null for a constant). */
  column?: string | null;
  datatype?: string;
  format?: string | null;
  defaultValue?: unknown;
  constant?: unknown;
  /** compound: its attributes in model order. */
  attributes?: LegacyAttribute[];
  /** spendb: the attribute naming a member (MIGRATION.md §5). */
  keyAttribute?: string;
  labelAttribute?: string;
}

export interface LegacyModel {
  dialect: Dialect;
  /** The dataset record (the model's `dataset`, the record's own fields); {} when the dialect has none. */
  dataset: Obj;
  /** The dataset name, lowercased and stripped (osvalidate), or '' when the model has none. */
  name: string;
  schemaVersion: string | null;
  /** The osvalidate migrations that changed something, in order. */
  upgrades: string[];
  dimensions: LegacyDimension[];
  views: unknown;
  /** The mapping after the upgrades (as the monolith ran it). */
  mapping: Obj;
  /** The document as read, verbatim (kept in the package's `openspending` extension). */
  original: unknown;
  /** openspending-migrate's record: sources and team. */
  sources?: Array<{ id: unknown; url: string; createdAt?: string; creator?: unknown }>;
  team?: string[];
  /** spendb's `fields`: normalised column name → source header. */
  fieldTitles?: Map<string, string>;
  warnings: Finding[];
}

/** osvalidate `RESERVED_TERMS` (validation/dataset.py). */
const RESERVED_TERMS = new Set([
  'entry',
  'entries',
  'dataset',
  'datasets',
  'dimension',
  'dimensions',
  'editor',
  'meta',
  'id',
  'login',
  'logout',
  'settings',
  'browser',
  'explorer',
  'member',
  'register',
  'after_login',
  'after_logout',
  'locale',
  'reporterror',
  'getinvolved',
  'api',
  '500',
  'error',
  'model',
  'views',
]);

/** osvalidate `database_name`: `^[\w\-\_]+$` (Python 2 `\w`: ASCII letters, digits and "_"). */
const DATABASE_NAME = /^[A-Za-z0-9_-]+$/;
/** A dimension or attribute name the old validator accepted. */
const PROPERTY_NAME = /^[A-Za-z0-9_-]+$/;

/** Which dialect a parsed document is written in (or why it is none). */
function detectDialect(doc: unknown): Dialect {
  if (!isObject(doc))
    throw new MigrationError(
      'unsupported-dialect',
      'the model is not a JSON object; give an old OpenSpending model.json ({"dataset", "mapping", "views"}), a bare mapping, or an exported dataset.json',
    );
  if (isObject(doc.model) && (isObject(doc.model.measures) || isObject(doc.model.dimensions))) return 'spendb';
  if (isObject(doc.data) && ('mapping' in doc.data || typeof doc.name === 'string')) return 'dataset-record';
  if ('mapping' in doc) return 'model';
  if (Array.isArray(doc.resources)) {
    throw new MigrationError(
      'unsupported-dialect',
      'this is already a data package (it has "resources"), not a legacy model; validate it with `os-datastore validate`',
    );
  }
  if (isObject(doc.dataset))
    throw new MigrationError(
      'no-model',
      'the model has a "dataset" but no "mapping": the dataset was never modelled in the old site, so there is nothing to convert',
    );
  const values = Object.values(doc);
  if (values.length > 0 && values.every((v) => isObject(v) && ('type' in v || 'column' in v || 'attributes' in v || 'fields' in v)))
    return 'bare-mapping';
  throw new MigrationError(
    'unsupported-dialect',
    `unsupported dialect: an object with the keys ${JSON.stringify(Object.keys(doc).slice(0, 8))} is none of the legacy model forms (model.json, a bare mapping, an exported dataset.json, a spendb export)`,
  );
}

/** Read, upgrade, normalise and check a legacy model document. */
export function readLegacyModel(doc: unknown): LegacyModel {
  const dialect = detectDialect(doc);
  if (dialect === 'spendb') return readSpendb(doc as Obj);
  const d = doc as Obj;
  let dataset: Obj;
  let mapping: unknown;
  let views: unknown;
  let mappingPointer: string;
  let sources: LegacyModel['sources'];
  let team: string[] | undefined;
  if (dialect === 'dataset-record') {
    const { data, ...rest } = d;
    dataset = rest;
    const dataObj = data as Obj;
    mapping = dataObj.mapping;
    views = dataObj.views ?? d.views;
    mappingPointer = '/data/mapping';
    if (Array.isArray(d.sources)) {
      sources = d.sources
        .filter(isObject)
        .map((s) => ({ id: s.id, url: str(s.url) ?? '', createdAt: str(s.created_at), creator: s.creator_id }));
    }
    if (Array.isArray(d.team)) team = d.team.filter((t): t is string => typeof t === 'string');
  } else if (dialect === 'model') {
    dataset = isObject(d.dataset) ? d.dataset : {};
    mapping = d.mapping;
    views = d.views;
    mappingPointer = '/mapping';
  } else {
    dataset = {};
    mapping = d;
    views = undefined;
    mappingPointer = '';
  }
  if (!isObject(mapping) || Object.keys(mapping).length === 0) {
    throw new MigrationError(
      'no-model',
      `the model's mapping is ${mapping === undefined ? 'missing' : isObject(mapping) ? 'empty' : 'not an object'}: the dataset was never modelled in the old site, so there is nothing to convert`,
      mappingPointer || '/',
    );
  }
  const warnings: Finding[] = [];
  const schemaVersion = str(dataset.schema_version) ?? null;
  const { mapping: upgraded, upgrades } = upgradeMapping(structuredClone(mapping), structuredClone(dataset), schemaVersion);
  const dimensions = normalise(upgraded, mappingPointer, warnings);
  const name = checkDataset(dataset, warnings);
  const model: LegacyModel = {
    dialect,
    dataset,
    name,
    schemaVersion,
    upgrades,
    dimensions,
    views,
    mapping: upgraded,
    original: doc,
    warnings,
  };
  if (sources) model.sources = sources;
  if (team) model.team = team;
  checkRules(model, mappingPointer);
  return model;
}

/**
 * osvalidate's `migrate_model`: every migration later than `schema_version` (default 1970-01-01),
 * in order. Returns the migrations that changed something.
 */
function upgradeMapping(mapping: Obj, dataset: Obj, schemaVersion: string | null): { mapping: Obj; upgrades: string[] } {
  const version = schemaVersion ?? '1970-01-01';
  const upgrades: string[] = [];
  const run = (date: string, name: string, f: () => boolean): void => {
    if (version < date && f()) upgrades.push(name);
  };
  run('2011-11-20', 'm2011_11_20_require_name_attribute', () => {
    let changed = false;
    for (const dim of Object.values(mapping)) {
      if (!isObject(dim) || !Array.isArray(dim.fields)) continue;
      const fields = dim.fields.filter(isObject);
      const label = fields.find((f) => f.name === 'label');
      if (label && !fields.some((f) => f.name === 'name')) {
        dim.fields.push({ name: 'name', datatype: 'id', column: label.column });
        changed = true;
      }
    }
    return changed;
  });
  run('2011-11-21', 'm2011_11_21_normalize_types', () => {
    let changed = false;
    for (const [name, dim] of Object.entries(mapping)) {
      if (!isObject(dim)) continue;
      const before = dim.type;
      const t = String(dim.type ?? '').toLowerCase();
      let next: string;
      if (t === 'value') next = name === 'amount' ? 'measure' : name === 'time' ? 'date' : 'attribute';
      else if (t === 'measure' || t === 'date' || t === 'attribute' || t === 'compound') next = t;
      else next = isObject(dim.attributes) || Array.isArray(dim.fields) ? 'compound' : 'attribute';
      if (next !== before) {
        dim.type = next;
        changed = true;
      }
    }
    return changed;
  });
  run('2011-11-22', 'm2011_11_22_unique_keys', () => {
    if (!Array.isArray(dataset.unique_keys)) return false;
    let changed = false;
    for (const k of dataset.unique_keys) {
      if (typeof k !== 'string') continue;
      const dim = mapping[k.split('.')[0]!];
      if (isObject(dim) && dim.key !== true) {
        dim.key = true;
        changed = true;
      }
    }
    return changed;
  });
  run('2011-12-07', 'm2011_12_07_attributes_dictionary', () => {
    let changed = false;
    for (const dim of Object.values(mapping)) {
      if (!isObject(dim) || !Array.isArray(dim.fields)) continue;
      const attributes: Obj = isObject(dim.attributes) ? dim.attributes : {};
      for (const f of dim.fields.filter(isObject)) {
        const { name, ...rest } = f;
        if (typeof name === 'string') attributes[name] = rest;
      }
      dim.attributes = attributes;
      delete dim.fields;
      changed = true;
    }
    return changed;
  });
  run('2012-05-29', 'm2012_05_29_add_category', () => {
    if (dataset.category !== undefined) return false;
    dataset.category = 'other';
    return true;
  });
  return { mapping, upgrades };
}

/** The types as the monolith's `Dataset._load_model` read them, whatever the schema version said. */
function kindOf(name: string, dim: Obj): DimensionKind {
  const t = String(dim.type ?? '').toLowerCase();
  if (t === 'measure' || (name === 'amount' && t !== 'compound' && !isObject(dim.attributes))) return 'measure';
  if (t === 'date' || (name === 'time' && dim.datatype === 'date')) return 'date';
  if (t === 'value' || t === 'attribute') return 'attribute';
  if (isObject(dim.attributes) || Array.isArray(dim.fields)) return 'compound';
  return 'attribute';
}

function normalise(mapping: Obj, base: string, warnings: Finding[]): LegacyDimension[] {
  const dims: LegacyDimension[] = [];
  const names = new Set(Object.keys(mapping));
  for (const [name, raw] of Object.entries(mapping)) {
    const at = `${base}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!isObject(raw)) {
      warnings.push({
        code: 'legacy-rule',
        rule: 'mapping_schema',
        message: `mapping "${name}" is not an object; it is kept in the extension and not mapped`,
        pointer: at,
      });
      continue;
    }
    if (!PROPERTY_NAME.test(name)) {
      throw new MigrationError(
        'valid_name',
        `the dimension name "${name}" is not a name (letters, digits, "_" and "-" only); the old validator refused it and it cannot name a field: rename it in the model`,
        at,
      );
    }
    if (name.startsWith('entry_'))
      warnings.push({
        code: 'legacy-rule',
        rule: 'no_entry_namespace_overlap',
        message: `the dimension "${name}" starts with "entry_", which the old validator refused; converted anyway`,
        pointer: at,
      });
    if (names.has(`${name}_id`))
      warnings.push({
        code: 'legacy-rule',
        rule: 'no_dimension_id_overlap',
        message: `the dimensions "${name}" and "${name}_id" overlap, which the old validator refused; converted anyway`,
        pointer: at,
      });
    if (!str(raw.label))
      warnings.push({
        code: 'legacy-rule',
        rule: 'nonempty_string',
        message: `the dimension "${name}" has no label; its name is used`,
        pointer: `${at}/label`,
      });
    const kind = kindOf(name, raw);
    const dim: LegacyDimension = { name, kind, key: raw.key === true, facet: raw.facet === true };
    if (str(raw.label)) dim.label = str(raw.label)!;
    if (str(raw.description)) dim.description = str(raw.description)!;
    if (kind === 'compound') {
      dim.taxonomy = str(raw.taxonomy) ?? name;
      const attrs = isObject(raw.attributes) ? raw.attributes : {};
      dim.attributes = Object.entries(attrs)
        .filter((e): e is [string, Obj] => isObject(e[1]))
        .map(([an, a]) => {
          const attr: LegacyAttribute = { name: an, column: str(a.column) ?? null, datatype: str(a.datatype) ?? 'string' };
          if ('default_value' in a) attr.defaultValue = a.default_value;
          if ('constant' in a) attr.constant = a.constant;
          return attr;
        });
      const has = (n: string): boolean => dim.attributes!.some((a) => a.name === n);
      if (!has('name') || !has('label')) {
        warnings.push({
          code: 'legacy-rule',
          rule: 'compound_attributes',
          message: `the compound dimension "${name}" lacks a "${has('name') ? 'label' : 'name'}" attribute, which the old validator required; ${has('name') || has('label') ? 'the one it has is used for both' : 'its first attribute is used'}`,
          pointer: `${at}/attributes`,
        });
      }
    } else {
      dim.column = str(raw.column) ?? null;
      dim.datatype = str(raw.datatype) ?? (kind === 'measure' ? 'float' : kind === 'date' ? 'date' : 'string');
      if (kind === 'date') dim.format = str(raw.format) ?? null;
      if ('default_value' in raw) dim.defaultValue = raw.default_value;
      if ('constant' in raw) dim.constant = raw.constant;
      if (kind === 'measure' && dim.datatype !== 'float')
        warnings.push({
          code: 'legacy-rule',
          rule: 'measure_datatype',
          message: `the measure "${name}" has datatype "${dim.datatype}", not "float"; it is checked as a number against the data`,
          pointer: `${at}/datatype`,
        });
      if (kind === 'attribute' && !['id', 'string', 'float', 'constant', 'date', 'url'].includes(dim.datatype)) {
        warnings.push({
          code: 'legacy-rule',
          rule: 'attribute_datatype',
          message: `the attribute "${name}" has datatype "${dim.datatype}", which the old validator refused; it is kept as a string`,
          pointer: `${at}/datatype`,
        });
      }
      if (dim.column === null && dim.datatype !== 'constant') {
        if (kind === 'measure' || kind === 'date')
          throw new MigrationError(
            kind === 'measure' ? 'measure_column' : 'date_column',
            `the ${kind} "${name}" has no "column": there is nothing in the data to read it from; give it the source column`,
            `${at}/column`,
          );
        warnings.push({
          code: 'legacy-rule',
          rule: 'attribute_column',
          message: `the attribute "${name}" has no column; it is kept in the extension and not mapped`,
          pointer: at,
        });
      }
    }
    dims.push(dim);
  }
  return dims;
}

/** The dataset record's rules; returns the normalised name ('' when there is none). */
function checkDataset(dataset: Obj, warnings: Finding[]): string {
  const raw = dataset.name;
  if (raw === undefined) return '';
  if (typeof raw !== 'string')
    throw new MigrationError('database_name', 'dataset.name is not a string; give the dataset a name', '/dataset/name');
  const name = raw.trim().toLowerCase();
  if (!DATABASE_NAME.test(name)) {
    throw new MigrationError(
      'database_name',
      `the dataset name "${raw}" is not a name (letters, digits, "_" and "-" only), which the old validator refused and no package can be called: rename it, or give --name`,
      '/dataset/name',
    );
  }
  if (name.length > 30)
    warnings.push({
      code: 'legacy-rule',
      rule: 'database_name',
      message: `the dataset name "${name}" is ${name.length} characters long; osvalidate later capped names at 30 (datasets made before that kept theirs)`,
      pointer: '/dataset/name',
    });
  if (RESERVED_TERMS.has(name))
    warnings.push({
      code: 'legacy-rule',
      rule: 'reserved_name',
      message: `the dataset name "${name}" is a reserved word of the old site`,
      pointer: '/dataset/name',
    });
  if (name.includes('__'))
    warnings.push({
      code: 'legacy-rule',
      rule: 'no_double_underscore',
      message: `the dataset name "${name}" contains "__", which the old validator refused`,
      pointer: '/dataset/name',
    });
  if (!str(dataset.label))
    warnings.push({
      code: 'legacy-rule',
      rule: 'nonempty_string',
      message: 'dataset.label is empty; the name is used as the title',
      pointer: '/dataset/label',
    });
  if (!str(dataset.description))
    warnings.push({
      code: 'legacy-rule',
      rule: 'nonempty_string',
      message: 'dataset.description is empty',
      pointer: '/dataset/description',
    });
  const category = dataset.category;
  if (category !== undefined && category !== null && !['budget', 'spending', 'other'].includes(String(category))) {
    warnings.push({
      code: 'legacy-rule',
      rule: 'valid_category',
      message: `dataset.category "${String(category)}" is not budget, spending or other`,
      pointer: '/dataset/category',
    });
  }
  return name;
}

/** The three rules that make a conversion impossible (MIGRATION.md §4, in bold). */
function checkRules(model: LegacyModel, base: string): void {
  const dims = model.dimensions;
  const amount = dims.find((d) => d.name === 'amount' && d.kind === 'measure');
  if (!amount) {
    const measures = dims.filter((d) => d.kind === 'measure');
    throw new MigrationError(
      'require_amount_dimension',
      `the model has no "amount" measure (type measure or value, datatype float)${measures.length ? `; its measures are ${measures.map((m) => `"${m.name}"`).join(', ')}: rename the one that holds the amount to "amount"` : ': add one naming the column that holds the money'}`,
      base || '/',
    );
  }
  const time = timeDimension(model);
  if (!time) {
    throw new MigrationError(
      'require_time_dimension',
      'the model has no "time" dimension with datatype "date": add one naming the column that holds the date (with its "format" when it is not YYYY-MM-DD)',
      base || '/',
    );
  }
  if (time.name !== 'time')
    model.warnings.push({
      code: 'legacy-rule',
      rule: 'require_time_dimension',
      message: `the model has no "time" dimension; the date dimension "${time.name}" is used`,
      pointer: `${base}/${time.name}`,
    });
  if (!dims.some((d) => d.key)) {
    throw new MigrationError(
      'require_one_key_column',
      'the model has no dimension with "key": true, so rows have no identity: mark the dimensions whose values together identify a row with "key": true',
      base || '/',
    );
  }
  for (const n of ['from', 'to']) {
    const d = dims.find((x) => x.name === n);
    if (d && d.kind !== 'compound')
      model.warnings.push({
        code: 'legacy-rule',
        rule: 'must_be_compound_dimension',
        message: `"${n}" is not a compound dimension; its column is used as the entity's id and title`,
        pointer: `${base}/${n}`,
      });
  }
}

/** The date dimension: `time`, else the only date dimension. */
export function timeDimension(model: Pick<LegacyModel, 'dimensions'>): LegacyDimension | undefined {
  const dates = model.dimensions.filter((d) => d.kind === 'date');
  return dates.find((d) => d.name === 'time') ?? (dates.length === 1 ? dates[0] : undefined);
}

/** spendb (2015): babbage measures and dimensions, normalised to the legacy form (MIGRATION.md §5). */
function readSpendb(doc: Obj): LegacyModel {
  const dataset = isObject(doc.dataset) ? doc.dataset : {};
  const m = doc.model as Obj;
  const warnings: Finding[] = [
    {
      code: 'dialect',
      message:
        'a spendb (2015) model: dimensions have no types, row keys or taxonomies; they are read as MIGRATION.md §5 says (key_attribute → id, label_attribute → title, the facts "_id" as the row id)',
    },
  ];
  const fieldTitles = new Map<string, string>();
  if (Array.isArray(doc.fields))
    for (const f of doc.fields) if (isObject(f) && typeof f.name === 'string') fieldTitles.set(f.name, str(f.title) ?? f.name);
  const dims: LegacyDimension[] = [];
  const measures = isObject(m.measures) ? m.measures : {};
  for (const [name, raw] of Object.entries(measures)) {
    if (!isObject(raw)) continue;
    const dim: LegacyDimension = { name, kind: 'measure', key: false, facet: false, column: str(raw.column) ?? name, datatype: 'float' };
    if (str(raw.label)) dim.label = str(raw.label)!;
    if (str(raw.description)) dim.description = str(raw.description)!;
    dims.push(dim);
  }
  if (!dims.some((d) => d.name === 'amount') && dims.length > 0) {
    warnings.push({
      code: 'legacy-rule',
      rule: 'require_amount_dimension',
      message: `spendb models name measures freely; the first measure "${dims[0]!.name}" is the amount`,
    });
    dims[0] = { ...dims[0]!, name: 'amount' };
  }
  const dimensions = isObject(m.dimensions) ? m.dimensions : {};
  for (const [name, raw] of Object.entries(dimensions)) {
    if (!isObject(raw)) continue;
    if (!PROPERTY_NAME.test(name))
      throw new MigrationError(
        'valid_name',
        `the dimension name "${name}" is not a name (letters, digits, "_" and "-" only): rename it in the model`,
        `/model/dimensions/${name}`,
      );
    const attrs = isObject(raw.attributes) ? raw.attributes : {};
    const entries = Object.entries(attrs).filter((e): e is [string, Obj] => isObject(e[1]));
    const keyAttr = str(raw.key_attribute) ?? entries[0]?.[0] ?? 'name';
    const labelAttr = str(raw.label_attribute) ?? keyAttr;
    const dateAttr = entries.find(([an, a]) => a.type === 'date' || an === 'year');
    const base: LegacyDimension = { name, kind: 'attribute', key: false, facet: false };
    if (str(raw.label)) base.label = str(raw.label)!;
    if (str(raw.description)) base.description = str(raw.description)!;
    if (name === 'time' || dateAttr) {
      const [an, a] = dateAttr ?? entries.find(([an2]) => an2 === keyAttr) ?? entries[0] ?? ['', {}];
      dims.push({
        ...base,
        kind: 'date',
        column: str(a.column) ?? an,
        datatype: 'date',
        format: an === 'year' || a.type === 'integer' ? '%Y' : null,
      });
      continue;
    }
    if (entries.length === 1 && entries[0]![0] === keyAttr) {
      dims.push({ ...base, kind: 'attribute', column: str(entries[0]![1].column) ?? keyAttr, datatype: 'string' });
      continue;
    }
    dims.push({
      ...base,
      kind: 'compound',
      taxonomy: name,
      keyAttribute: keyAttr,
      labelAttribute: labelAttr,
      attributes: entries.map(([an, a]) => ({
        name: an === keyAttr ? 'name' : an === labelAttr ? 'label' : an,
        column: str(a.column) ?? an,
        datatype: 'string',
      })),
    });
  }
  // The row id of a spendb fact table.
  dims.push({ name: '_id', kind: 'attribute', key: true, facet: false, column: '_id', datatype: 'string', label: 'Row id (spendb facts)' });
  const rawName = str(dataset.name) ?? '';
  const model: LegacyModel = {
    dialect: 'spendb',
    dataset,
    name: rawName.trim().toLowerCase(),
    schemaVersion: null,
    upgrades: [],
    dimensions: dims,
    views: undefined,
    mapping: m,
    original: doc,
    fieldTitles,
    warnings,
  };
  if (rawName && !DATABASE_NAME.test(model.name))
    throw new MigrationError(
      'database_name',
      `the dataset name "${rawName}" is not a name (letters, digits, "_" and "-" only): rename it, or give --name`,
      '/dataset/name',
    );
  if (!dims.some((d) => d.kind === 'measure'))
    throw new MigrationError(
      'require_amount_dimension',
      'the spendb model has no measure: add the one that holds the money',
      '/model/measures',
    );
  if (!timeDimension(model))
    throw new MigrationError(
      'require_time_dimension',
      'the spendb model has no "time" dimension and no attribute typed "date" or named "year": add one',
      '/model/dimensions',
    );
  if (isObject(dataset) && dataset.private === true) warnings.push({ code: 'private', message: 'the spendb dataset is marked private' });
  return model;
}
