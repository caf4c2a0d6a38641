/**
 * Descriptor checks that no JSON Schema can express: names, paths, keys, and the OSEP-04
 * mapping. Runs on a drift-normalized descriptor (canonical form) that passed the JSON Schema
 * check, but never trusts its shape: every read is guarded and nothing here throws.
 */

import { cofogCanonical } from '../../package/codes/cofog.ts';
import { COUNTRY_SUGGESTIONS, isCountryCode } from '../../package/codes/countries.ts';
import { CURRENCIES, HISTORIC_CURRENCIES } from '../../package/codes/currencies.ts';
import { isObject, type PackageDescriptor, type ResourceDescriptor } from '../../package/descriptor.ts';
import { checkStorageNames } from './storage-names.ts';
import { fieldNamesOf, resolveMapping, splitReference } from '../../package/mapping.ts';
import type { ProfileInfo } from '../../package/profiles.ts';
import { isRemote, unsafePathReason } from '../../package/source.ts';
import { pointerOf, problem, quoted, quotedList } from '../../package/problem.ts';
import type { Problem } from '../../package/problem.ts';
import { messageOf } from '../../errors.ts';

export interface SemanticContext {
  profile: ProfileInfo;
  /** Owner of the repository the package comes from, when known (GitHub login). */
  repositoryOwner?: string;
}

type Obj = Record<string, unknown>;

/** A descriptor value in a message, as JSON, cut (see `quoted`). */
const json = (value: unknown): string => {
  try {
    return quoted(value);
  } catch {
    return String(value);
  }
};

const quoteList = (names: readonly string[]): string => quotedList(names);

const SLUG = /^[a-z0-9._-]+$/;

/** A slug suggestion for a resource name. */
function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'resource';
}

function asKeyList(value: unknown): Array<{ name: unknown; index?: number }> {
  if (Array.isArray(value)) return value.map((name: unknown, index: number) => ({ name, index }));
  if (value === undefined) return [];
  return [{ name: value }];
}

// ---------------------------------------------------------------------------------------------
// Resources: names, paths, schemas
// ---------------------------------------------------------------------------------------------

function checkResources(resources: unknown[], profile: ProfileInfo, problems: Problem[]): void {
  const firstIndex = new Map<string, number>();
  const byName = new Map<string, Obj>();
  resources.forEach((r, i) => {
    if (!isObject(r) || typeof r.name !== 'string') return;
    const name = r.name;
    const pointer = pointerOf('resources', i, 'name');
    if (!SLUG.test(name)) {
      problems.push(
        problem(
          'descriptor-error',
          `resource name ${quoted(name)} is not a slug: use only lowercase letters, digits, ".", "_" and "-" ` +
            `(for example ${quoted(slugify(name))}), and update the mapping references that use it.`,
          { pointer, resource: name },
        ),
      );
    }
    const first = firstIndex.get(name);
    if (first !== undefined) {
      problems.push(
        problem(
          'descriptor-error',
          `resource name ${quoted(name)} is used again (first by resources[${first}]); resource names must be unique ` +
            `in a package: rename one of them.`,
          { pointer, resource: name },
        ),
      );
    } else {
      firstIndex.set(name, i);
      byName.set(name, r);
    }
  });

  resources.forEach((r, i) => {
    if (!isObject(r)) return;
    const name = typeof r.name === 'string' ? r.name : `#${i}`;
    checkPaths(r, i, name, profile, problems);
    if (isObject(r.schema)) checkSchema(r.schema, i, name, byName, problems);
  });
}

function checkPaths(r: Obj, i: number, name: string, profile: ProfileInfo, problems: Problem[]): void {
  const paths: Array<{ path: string; pointer: string }> = [];
  if (typeof r.path === 'string') paths.push({ path: r.path, pointer: pointerOf('resources', i, 'path') });
  else if (Array.isArray(r.path)) {
    r.path.forEach((p: unknown, k: number) => {
      if (typeof p === 'string') paths.push({ path: p, pointer: pointerOf('resources', i, 'path', k) });
    });
  }
  const format = typeof r.format === 'string' ? r.format.toLowerCase() : undefined;
  const mediatype = typeof r.mediatype === 'string' ? r.mediatype.toLowerCase() : undefined;
  const declaredCsv = format === 'csv' || mediatype === 'text/csv';
  for (const { path, pointer } of paths) {
    if (isRemote(path)) continue;
    const reason = unsafePathReason(path);
    if (reason) {
      problems.push(
        problem(
          'path-error',
          `path ${quoted(path)} of resource ${quoted(name)} ${reason}; a resource path must be relative to datapackage.json ` +
            `and stay inside the dataset, with "/" separators (e.g. ${quoted(`data/${name}.csv`)}). A remote file needs an ` +
            `http(s) URL.`,
          { pointer, resource: name, path, severity: 'error' },
        ),
      );
      continue;
    }
    if (/\.csv$/i.test(path) || declaredCsv) continue;
    if (profile.openspending) {
      problems.push(
        problem(
          'path-error',
          `path ${quoted(path)} of resource ${quoted(name)} is not a CSV file; OSEP-04: data must be CSV. Convert the data ` +
            `to CSV and point "path" at a ".csv" file (or declare "format": "csv" if it is CSV under another name).`,
          { pointer, resource: name, path },
        ),
      );
    } else if (profile.tabular) {
      problems.push(
        problem(
          'path-error',
          `path ${quoted(path)} of resource ${quoted(name)} does not end in ".csv" and the resource declares no ` +
            `"format": "csv"; tabular resources are read as CSV. Rename the file to ".csv" or declare ` +
            `"format": "csv" if it is CSV.`,
          { pointer, resource: name, path, severity: 'warning' },
        ),
      );
    }
  }
}

function checkSchema(schema: Obj, i: number, name: string, byName: Map<string, Obj>, problems: Problem[]): void {
  const base = ['resources', i, 'schema'] as const;
  const fields: string[] = [];
  const firstAt = new Map<string, number>();
  if (Array.isArray(schema.fields)) {
    schema.fields.forEach((f: unknown, j: number) => {
      if (!isObject(f) || typeof f.name !== 'string') return;
      const first = firstAt.get(f.name);
      if (first !== undefined) {
        problems.push(
          problem(
            'descriptor-error',
            `field ${quoted(f.name)} is declared twice in the schema of resource ${quoted(name)} (first as fields[${first}], ` +
              `again as fields[${j}]); field names must be unique: rename or remove one.`,
            { pointer: pointerOf(...base, 'fields', j, 'name'), resource: name, fieldName: f.name, fieldNumber: j + 1 },
          ),
        );
        return;
      }
      firstAt.set(f.name, j);
      fields.push(f.name);
    });
  }

  for (const { name: key, index } of asKeyList(schema.primaryKey)) {
    if (typeof key !== 'string' || fields.includes(key)) continue;
    const pointer = index === undefined ? pointerOf(...base, 'primaryKey') : pointerOf(...base, 'primaryKey', index);
    problems.push(
      problem(
        'descriptor-error',
        `primaryKey field ${quoted(key)} is not a field of resource ${quoted(name)}; its fields are ${quoteList(fields)}: ` +
          `name one of them, or add the field.`,
        { pointer, resource: name, fieldName: key },
      ),
    );
  }

  if (!Array.isArray(schema.foreignKeys)) return;
  schema.foreignKeys.forEach((fk: unknown, k: number) => {
    if (!isObject(fk)) return;
    const fkBase = [...base, 'foreignKeys', k] as const;
    const own = asKeyList(fk.fields);
    for (const { name: f, index } of own) {
      if (typeof f !== 'string' || fields.includes(f)) continue;
      const pointer = index === undefined ? pointerOf(...fkBase, 'fields') : pointerOf(...fkBase, 'fields', index);
      problems.push(
        problem(
          'descriptor-error',
          `foreign key field ${quoted(f)} is not a field of resource ${quoted(name)}; its fields are ${quoteList(fields)}: ` +
            `fix the name in foreignKeys[${k}].fields, or add the field.`,
          { pointer, resource: name, fieldName: f },
        ),
      );
    }
    // v2: a reference without `resource` is to the same resource, as "" is.
    const ref = isObject(fk.reference) && fk.reference.resource === undefined ? { ...fk.reference, resource: '' } : fk.reference;
    if (!isObject(ref) || typeof ref.resource !== 'string') return;
    const targetName = ref.resource === '' ? name : ref.resource;
    const target = ref.resource === '' ? byName.get(name) : byName.get(ref.resource);
    const refKeys = asKeyList(ref.fields);
    if (!target) {
      problems.push(
        problem(
          'descriptor-error',
          `foreign key of resource ${quoted(name)} references resource ${quoted(ref.resource)}, which is not in this package ` +
            `(resources: ${quoteList([...byName.keys()])}); add that resource or fix reference.resource ` +
            `("" references this resource itself).`,
          { pointer: pointerOf(...fkBase, 'reference', 'resource'), resource: name },
        ),
      );
    } else if (isObject(target.schema)) {
      const targetFields = fieldNamesOf(target as ResourceDescriptor);
      for (const { name: f, index } of refKeys) {
        if (typeof f !== 'string' || targetFields.includes(f)) continue;
        const pointer =
          index === undefined ? pointerOf(...fkBase, 'reference', 'fields') : pointerOf(...fkBase, 'reference', 'fields', index);
        problems.push(
          problem(
            'descriptor-error',
            `foreign key of resource ${quoted(name)} references field ${quoted(f)} of resource ${quoted(targetName)}, which has no such ` +
              `field (its fields are ${quoteList(targetFields)}); fix reference.fields.`,
            { pointer, resource: name, fieldName: f },
          ),
        );
      }
    }
    if (own.length > 0 && refKeys.length > 0 && own.length !== refKeys.length) {
      problems.push(
        problem(
          'descriptor-error',
          `foreign key of resource ${quoted(name)} has ${own.length} field(s) but its reference has ${refKeys.length}; ` +
            `fields and reference.fields pair up by position, so give both the same number of fields.`,
          { pointer: pointerOf(...fkBase), resource: name },
        ),
      );
    }
  });
}

// ---------------------------------------------------------------------------------------------
// OSEP-04: mapping, currency, location, owner
// ---------------------------------------------------------------------------------------------

const TAXONOMY_KINDS = ['functional', 'economic', 'administrative'] as const;
const ENTITY_KINDS = ['payer', 'payee'] as const;
const MODEL_TYPES = ['transaction', 'taxonomy', 'entity', 'project'] as const;

/** True when the attribute map has a non-empty list of references for `key`. */
function hasAttribute(attrs: Obj, key: string): boolean {
  const v = attrs[key];
  return Array.isArray(v) && v.length > 0;
}

/** The attribute map of a model (or of one kind inside it); a warning-free {} when missing. */
function attrsOf(value: unknown): Obj | undefined {
  return isObject(value) && isObject(value.attributes) ? value.attributes : undefined;
}

function requireAttributes(
  attrs: Obj,
  pointer: string,
  where: string,
  must: readonly string[],
  should: readonly string[],
  problems: Problem[],
): void {
  for (const key of must) {
    if (hasAttribute(attrs, key)) continue;
    problems.push(
      problem(
        'mapping-error',
        `${where} has no ${quoted(key)}; OSEP-04 requires it: add ${quoted(key)}: ["{resource}/{field}"] naming the field ` +
          `that holds it.`,
        { pointer },
      ),
    );
  }
  for (const key of should) {
    if (hasAttribute(attrs, key)) continue;
    problems.push(
      problem(
        'mapping-error',
        `${where} has no ${quoted(key)}; OSEP-04 says it SHOULD: add ${quoted(key)}: ["{resource}/{field}"] if the data has one.`,
        { pointer, severity: 'warning' },
      ),
    );
  }
}

function checkCurrency(transaction: Obj, problems: Problem[]): void {
  const value = transaction.value;
  const valuePointer = pointerOf('mapping', 'transaction', 'value');
  if (!isObject(value)) {
    problems.push(
      problem(
        'profile-error',
        `mapping.transaction has no "value"; OSEP-04 requires "value": {"currency": "<ISO 4217 code>", "factor": 1}.`,
        { pointer: pointerOf('mapping', 'transaction') },
      ),
    );
    return;
  }
  const currency = value.currency;
  if (typeof currency !== 'string') {
    problems.push(
      problem(
        'profile-error',
        `mapping.transaction.value has no "currency"${currency === undefined ? '' : ` string (it is ${json(currency)})`}; ` +
          `OSEP-04 requires an ISO 4217 code such as "USD" or "EUR".`,
        { pointer: currency === undefined ? valuePointer : pointerOf('mapping', 'transaction', 'value', 'currency') },
      ),
    );
  } else if (!CURRENCIES.has(currency)) {
    const pointer = pointerOf('mapping', 'transaction', 'value', 'currency');
    const upper = currency.trim().toUpperCase();
    if (HISTORIC_CURRENCIES.has(currency)) {
      problems.push(
        problem(
          'profile-error',
          `currency ${quoted(currency)} is a withdrawn ISO 4217 code; fine for historical data, but check it is meant ` +
            `(a current code is expected otherwise).`,
          { pointer, severity: 'warning', cell: currency },
        ),
      );
    } else if (CURRENCIES.has(upper) || HISTORIC_CURRENCIES.has(upper)) {
      problems.push(
        problem(
          'profile-error',
          `currency ${quoted(currency)} is not an ISO 4217 code as written: codes are uppercase; write ${quoted(upper)}.`,
          { pointer, cell: currency },
        ),
      );
    } else {
      problems.push(
        problem(
          'profile-error',
          `currency ${quoted(currency)} is not an ISO 4217 currency code; use the three-letter code, e.g. "USD", "EUR", "GBP".`,
          { pointer, cell: currency },
        ),
      );
    }
  }
  if ('factor' in value && value.factor !== undefined) {
    const factor = value.factor;
    if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0) {
      const asNumber = typeof factor === 'string' ? Number(factor) : NaN;
      const hint =
        typeof factor === 'string' && Number.isFinite(asNumber) && asNumber > 0
          ? ` write it as a JSON number: ${asNumber}`
          : ' e.g. 1, or 1000 when amounts are in thousands';
      problems.push(
        problem(
          'profile-error',
          `mapping.transaction.value.factor is ${json(factor)}; it must be a positive number (default 1) by which ` +
            `raw amounts are multiplied:${hint}.`,
          { pointer: pointerOf('mapping', 'transaction', 'value', 'factor') },
        ),
      );
    }
  }
}

function checkModels(mapping: Obj, problems: Problem[]): void {
  // transaction: MUST
  const transaction = mapping.transaction;
  if (!isObject(transaction)) {
    problems.push(
      problem(
        'mapping-error',
        `mapping has no "transaction"; OSEP-04 requires it: "transaction": {"value": {"currency": "USD", ` +
          `"factor": 1}, "attributes": {"id": [...], "amount": [...], "date": [...]}}.`,
        { pointer: pointerOf('mapping') },
      ),
    );
  } else {
    checkCurrency(transaction, problems);
    const attrs = attrsOf(transaction);
    if (!attrs) {
      problems.push(
        problem(
          'mapping-error',
          `mapping.transaction has no "attributes"; OSEP-04 requires "attributes": {"id": [...], "amount": [...], ` +
            `"date": [...]} with "{resource}/{field}" references.`,
          { pointer: pointerOf('mapping', 'transaction') },
        ),
      );
    } else {
      const pointer = pointerOf('mapping', 'transaction', 'attributes');
      requireAttributes(attrs, pointer, 'mapping.transaction.attributes', ['id', 'amount', 'date'], ['title'], problems);
    }
  }

  // taxonomy: SHOULD
  const taxonomy = mapping.taxonomy;
  if (taxonomy === undefined) {
    problems.push(
      problem(
        'mapping-error',
        `mapping has no "taxonomy"; OSEP-04 says it SHOULD: classify the spending with "taxonomy": {"attributes": ` +
          `{"functional": {"id": [...], "cofog": [...]}}} (or "economic" / "administrative").`,
        { pointer: pointerOf('mapping'), severity: 'warning' },
      ),
    );
  } else {
    const attrs = attrsOf(taxonomy);
    const base = pointerOf('mapping', 'taxonomy', 'attributes');
    const kinds = attrs ? Object.keys(attrs) : [];
    const known = kinds.filter((k) => (TAXONOMY_KINDS as readonly string[]).includes(k));
    for (const k of kinds) {
      if (known.includes(k)) continue;
      problems.push(
        problem(
          'mapping-error',
          `taxonomy ${quoted(k)} is not one of OSEP-04's classification types (${quoteList(TAXONOMY_KINDS)}); it is not ` +
            `used: rename it to the type it is, or remove it.`,
          { pointer: pointerOf('mapping', 'taxonomy', 'attributes', k), severity: 'warning' },
        ),
      );
    }
    if (known.length === 0) {
      problems.push(
        problem(
          'mapping-error',
          `mapping.taxonomy has none of ${quoteList(TAXONOMY_KINDS)}; OSEP-04 requires at least one, each with ` +
            `"id": e.g. "attributes": {"functional": {"id": ["{resource}/{field}"]}}.`,
          { pointer: attrs ? base : pointerOf('mapping', 'taxonomy') },
        ),
      );
    }
    for (const k of known) {
      const kind = attrs?.[k];
      const pointer = pointerOf('mapping', 'taxonomy', 'attributes', k);
      if (!isObject(kind)) continue;
      requireAttributes(kind, pointer, `taxonomy ${quoted(k)}`, ['id'], k === 'functional' ? ['title', 'cofog'] : ['title'], problems);
    }
  }

  // entity: MAY; payer / payee
  const entity = mapping.entity;
  if (entity !== undefined) {
    const attrs = attrsOf(entity);
    const base = pointerOf('mapping', 'entity', 'attributes');
    const kinds = attrs ? Object.keys(attrs) : [];
    for (const k of kinds) {
      if ((ENTITY_KINDS as readonly string[]).includes(k)) continue;
      problems.push(
        problem(
          'mapping-error',
          `entity ${quoted(k)} is not an OSEP-04 entity; the entities are "payer" (who pays) and "payee" (who is paid): ` +
            `rename it to one of them, or remove it.`,
          { pointer: pointerOf('mapping', 'entity', 'attributes', k) },
        ),
      );
    }
    if (!kinds.some((k) => (ENTITY_KINDS as readonly string[]).includes(k))) {
      problems.push(
        problem(
          'mapping-error',
          `mapping.entity has neither "payer" nor "payee"; when present it must describe at least one: ` +
            `"attributes": {"payee": {"id": ["{resource}/{field}"]}}. Add one, or remove "entity".`,
          { pointer: attrs ? base : pointerOf('mapping', 'entity') },
        ),
      );
    }
    for (const k of ENTITY_KINDS) {
      const kind = attrs?.[k];
      if (!isObject(kind)) continue;
      requireAttributes(kind, pointerOf('mapping', 'entity', 'attributes', k), `entity ${quoted(k)}`, ['id'], ['title'], problems);
    }
  }

  // project: MAY
  const project = mapping.project;
  if (project !== undefined) {
    const attrs = attrsOf(project);
    if (!attrs) {
      problems.push(
        problem(
          'mapping-error',
          `mapping.project has no "attributes"; when present OSEP-04 requires "attributes": {"id": [...], ` +
            `"amount": [...], "date": [...]}. Add them, or remove "project".`,
          { pointer: pointerOf('mapping', 'project') },
        ),
      );
    } else {
      requireAttributes(
        attrs,
        pointerOf('mapping', 'project', 'attributes'),
        'mapping.project.attributes',
        ['id', 'amount', 'date'],
        ['title'],
        problems,
      );
    }
  }

  // Anything else is not an OSEP-04 model type.
  const others = Object.keys(mapping).filter((k) => !(MODEL_TYPES as readonly string[]).includes(k));
  if (others.length > 0) {
    const fdp = others.includes('measures') || others.includes('dimensions');
    problems.push(
      problem(
        'mapping-error',
        `mapping has ${quoteList(others)}, which ${others.length === 1 ? 'is not an' : 'are not'} OSEP-04 model ` +
          `type${others.length === 1 ? '' : 's'} (${quoteList(MODEL_TYPES)}) and ${others.length === 1 ? 'is' : 'are'} ignored` +
          (fdp
            ? '; "measures"/"dimensions" is the Fiscal Data Package form: declare the fiscal profile instead of ' +
              '"openspending", or rewrite the mapping in OSEP-04 form.'
            : '.'),
        { pointer: pointerOf('mapping', others[0] as string), severity: fdp ? 'error' : 'warning' },
      ),
    );
  }
}

function checkMappingReferences(d: PackageDescriptor, problems: Problem[]): void {
  for (const r of resolveMapping(d)) {
    if (!r.error) continue;
    const bare = splitReference(r.ref).glob === undefined;
    let hint = '';
    if (bare && r.attribute.endsWith('.cofog') && cofogCanonical(r.ref) !== undefined) {
      hint =
        ` ${quoted(r.ref)} looks like a COFOG code itself; "cofog" maps the field that holds the COFOG code of each ` +
        `classification, e.g. ["classification/cofog_code"].`;
    }
    const describe = `mapping ${r.model} ${quoted(r.attribute)} reference ${quoted(r.ref)}`;
    problems.push(problem('mapping-error', `${describe} does not resolve: ${r.error}${bare ? '' : '.'}${hint}`, { pointer: r.pointer }));
  }
}

function checkLocation(d: PackageDescriptor, problems: Problem[]): void {
  const location: unknown = d.location;
  if (location === undefined) {
    problems.push(
      problem(
        'profile-error',
        `the package has no "location"; OSEP-04 says it SHOULD: add the ISO 3166 code(s) of the place the ` +
          `spending is about, e.g. "location": "GB" or ["DE", "FR"].`,
        { pointer: '', severity: 'warning' },
      ),
    );
    return;
  }
  const codes = asKeyList(location);
  for (const { name: code, index } of codes) {
    if (typeof code !== 'string' || isCountryCode(code)) continue;
    // ISO 3166-2 subdivision ("GB-ENG"): the country part must be valid; the subdivision list is not checked.
    const sub = /^([A-Z]{2})-[A-Z0-9]{1,3}$/.exec(code);
    if (sub && isCountryCode(sub[1] as string)) continue;
    const pointer = index === undefined ? pointerOf('location') : pointerOf('location', index);
    const upper = code.trim().toUpperCase();
    const suggestion = COUNTRY_SUGGESTIONS.get(upper) ?? (isCountryCode(upper) ? upper : undefined);
    problems.push(
      problem(
        'profile-error',
        `location ${quoted(code)} is not an ISO 3166-1 alpha-2 or alpha-3 country code` +
          (suggestion ? `; write ${quoted(suggestion)}.` : `; use e.g. "GB" or "GBR".`),
        { pointer, severity: 'warning', cell: code },
      ),
    );
  }
}

function checkOpenSpending(d: PackageDescriptor, problems: Problem[]): void {
  const mapping: unknown = d.mapping;
  if (!isObject(mapping)) {
    problems.push(
      problem(
        'profile-error',
        `the package declares the openspending profile but has no "mapping" object; OSEP-04 requires one with at ` +
          `least "transaction" (value.currency and attributes id, amount, date).`,
        { pointer: mapping === undefined ? '' : pointerOf('mapping') },
      ),
    );
  } else {
    checkModels(mapping, problems);
    checkMappingReferences(d, problems);
  }
  checkLocation(d, problems);
}

/** Any profile: a declared owner must be the repository's (nobody publishes someone else's data). */
function checkOwner(d: PackageDescriptor, ctx: SemanticContext, problems: Problem[]): void {
  const owner: unknown = d.owner;
  if (ctx.repositoryOwner !== undefined && typeof owner === 'string' && owner.toLowerCase() !== ctx.repositoryOwner.toLowerCase()) {
    problems.push(
      problem(
        'owner-mismatch',
        `owner ${quoted(owner)} is not the owner of the repository (${quoted(ctx.repositoryOwner)}); a package can only be ` +
          `published by its owner: set "owner": ${quoted(ctx.repositoryOwner)}, or publish it from the repository of ${quoted(owner)}.`,
        { pointer: pointerOf('owner'), cell: owner },
      ),
    );
  }
}

/**
 * Checks no JSON Schema can express, on a drift-normalized descriptor (canonical form) that passed
 * the JSON Schema check. Defensive: never throws on odd shapes.
 * Every package: resource names slugs and unique; paths safe (and CSV); field names unique;
 * primaryKey and foreignKeys consistent. OpenSpending: mapping references resolve; transaction,
 * taxonomy, entity, project as OSEP-04 says; currency, location; owner. Fiscal: one warning that
 * the OSEP-04 mapping checks don't apply.
 */
export function checkSemantics(descriptor: PackageDescriptor, ctx: SemanticContext): Problem[] {
  const problems: Problem[] = [];
  const d: unknown = descriptor;
  if (!isObject(d)) return problems;
  const pkg = d as PackageDescriptor;
  try {
    const resources: unknown = pkg.resources;
    checkResources(Array.isArray(resources) ? resources : [], ctx.profile, problems);
    if (ctx.profile.kind === 'fiscal') {
      const where = isObject(pkg.model) ? '"model"' : isObject(pkg.mapping) ? '"mapping"' : 'its "profiles"';
      problems.push(
        problem(
          'profile-error',
          `this package is recognised as a Fiscal Data Package (${where} with measures/dimensions, or a declared ` +
            `fiscal profile), the successor of OSEP-04; the OSEP-04 mapping checks do not apply, and only the ` +
            `Tabular Data Package checks were run. To have it checked as an OpenSpending Data Package, rewrite ` +
            `the mapping in OSEP-04 form and declare "profiles": ["openspending", "tabular"].`,
          { pointer: isObject(pkg.model) ? pointerOf('model') : isObject(pkg.mapping) ? pointerOf('mapping') : '', severity: 'warning' },
        ),
      );
    }
    if (ctx.profile.openspending) checkOpenSpending(pkg, problems);
    if (checkStorageNames(pkg, problems)) checkOwner(pkg, ctx, problems);
  } catch (e) {
    problems.push(
      problem('descriptor-error', `the descriptor has a shape the semantic checks could not read (${messageOf(e)}).`, {
        pointer: '',
      }),
    );
  }
  return problems;
}
