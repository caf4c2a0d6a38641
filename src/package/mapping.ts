/**
 * OSEP-04 mapping references: "{resource-glob}/{field}" or a bare "field" that is reached
 * through a foreign key (the spec's "dereferenced" examples).
 */

import picomatch from 'picomatch';
import { pointerOf, quoted, quotedList } from './problem.ts';
import { isObject, type MappingDescriptor, type PackageDescriptor, type ResourceDescriptor } from './descriptor.ts';
import { messageOf } from '../errors.ts';

export interface ResolvedRef {
  resource: string;
  field: string;
  /** The foreign key a bare reference went through: the mapped resource and its key fields. */
  via?: { resource: string; fields: string[] };
}

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function resourcesOf(pkg: PackageDescriptor): Array<{ name: string; res: ResourceDescriptor }> {
  const out: Array<{ name: string; res: ResourceDescriptor }> = [];
  const list: unknown = isObject(pkg) ? pkg.resources : undefined;
  if (!Array.isArray(list)) return out;
  for (const r of list) {
    if (isObject(r) && typeof r.name === 'string') out.push({ name: r.name, res: r as ResourceDescriptor });
  }
  return out;
}

/** Field names (each once) of a resource's inline schema (empty when it has none). */
export function fieldNamesOf(res: ResourceDescriptor | undefined): string[] {
  const schema: unknown = res?.schema;
  if (!isObject(schema) || !Array.isArray(schema.fields)) return [];
  const names: string[] = [];
  for (const f of schema.fields) if (isObject(f) && typeof f.name === 'string' && !names.includes(f.name)) names.push(f.name);
  return names;
}

/** Foreign keys of a resource's inline schema, as lists (empty when it has none). */
export function foreignKeysOf(res: ResourceDescriptor | undefined): Array<{ fields: string[]; resource: string; refFields: string[] }> {
  const schema: unknown = res?.schema;
  if (!isObject(schema) || !Array.isArray(schema.foreignKeys)) return [];
  const out: Array<{ fields: string[]; resource: string; refFields: string[] }> = [];
  for (const fk of schema.foreignKeys) {
    if (!isObject(fk) || !isObject(fk.reference) || typeof fk.reference.resource !== 'string') continue;
    out.push({ fields: asList(fk.fields), resource: fk.reference.resource, refFields: asList(fk.reference.fields) });
  }
  return out;
}

const quoteList = (names: string[]): string => quotedList(names);

/** Split "{resource-glob}/{field}" at the first '/': resource names are slugs, field names may contain '/'. */
export function splitReference(ref: string): { glob?: string; field: string } {
  const slash = ref.indexOf('/');
  return slash < 0 ? { field: ref } : { glob: ref.slice(0, slash), field: ref.slice(slash + 1) };
}

function globMatcher(glob: string): ((name: string) => boolean) | string {
  if (glob.includes('..')) {
    return `the resource part ${quoted(glob)} contains ".."; it is matched against resource names, not paths: use a name or a glob such as "budget-*"`;
  }
  if (/^[a-zA-Z]:/.test(glob) || glob.startsWith('\\')) {
    return `the resource part ${quoted(glob)} looks like an absolute path; it is matched against resource names: use a name or a glob such as "budget-*"`;
  }
  if (glob.length > 256) return `the resource part is ${glob.length} characters long; resource names and globs are at most 256`;
  try {
    // Names are flat strings (slugs): no path semantics, no negation, dots match like any character;
    // no extglobs (nothing a resource name needs, and the only patterns that can backtrack badly).
    const isMatch = picomatch(glob, { dot: true, nonegate: true, noextglob: true });
    return (name: string) => isMatch(name);
  } catch (e) {
    return `the resource part ${quoted(glob)} is not a valid glob (${messageOf(e)})`;
  }
}

/**
 * "{resource-glob}/{field}" → every resource whose name matches the glob (picomatch over the
 * names as flat strings; patterns with '..' or absolute ones are rejected) and that has that field.
 * A bare "field" resolves through a foreign key of one of `mappedResources`: the field must exist
 * in a resource that such a key references. Returns the references and, when none resolve, an
 * error that says precisely what failed and what is available.
 */
export function resolveMappingReference(
  ref: string,
  pkg: PackageDescriptor,
  mappedResources: string[],
): { refs: ResolvedRef[]; error?: string } {
  if (typeof ref !== 'string' || ref.trim() === '') {
    return { refs: [], error: 'the reference is empty; write "{resource}/{field}"' };
  }
  const resources = resourcesOf(pkg);
  const byName = new Map(resources.map((r) => [r.name, r.res]));
  const { glob, field } = splitReference(ref);

  if (glob !== undefined) {
    if (glob === '') {
      return { refs: [], error: `${quoted(ref)} starts with "/"; write "{resource}/{field}" with a resource name (or glob) first` };
    }
    if (field === '') return { refs: [], error: `${quoted(ref)} has no field after "/"; write "{resource}/{field}"` };
    const matcher = globMatcher(glob);
    if (typeof matcher === 'string') return { refs: [], error: matcher };
    const matched = resources.filter((r) => matcher(r.name));
    if (matched.length === 0) {
      return {
        refs: [],
        error: `no resource matches ${quoted(glob)}; the resources are ${quoteList(resources.map((r) => r.name))}`,
      };
    }
    const refs = matched.filter((r) => fieldNamesOf(r.res).includes(field)).map((r) => ({ resource: r.name, field }));
    if (refs.length === 0) {
      if (matched.length === 1) {
        const only = matched[0] as { name: string; res: ResourceDescriptor };
        return {
          refs: [],
          error: `resource ${quoted(only.name)} has no field ${quoted(field)}; its fields are ${quoteList(fieldNamesOf(only.res))}`,
        };
      }
      const listing = matched.map((r) => `${quoted(r.name)} has ${quoteList(fieldNamesOf(r.res))}`).join('; ');
      return { refs: [], error: `none of the resources matching ${quoted(glob)} has a field ${quoted(field)}: ${listing}` };
    }
    return { refs };
  }

  // Bare field: through a foreign key of a mapped resource.
  const refs: ResolvedRef[] = [];
  const targets = new Map<string, { via: string[]; fields: string[] | undefined }>();
  const seen = new Set<string>();
  for (const mapped of mappedResources) {
    const res = byName.get(mapped);
    for (const fk of foreignKeysOf(res)) {
      const target = fk.resource === '' ? mapped : fk.resource;
      const key = `${mapped}[${fk.fields.join(',')}]->${target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const targetRes = byName.get(target);
      const fields = targetRes ? fieldNamesOf(targetRes) : undefined;
      const entry = targets.get(target) ?? { via: [], fields };
      entry.via.push(`${quoted(mapped)}.${fk.fields.length === 1 ? fk.fields[0] : `(${fk.fields.join(', ')})`}`);
      targets.set(target, entry);
      if (fields?.includes(field)) refs.push({ resource: target, field, via: { resource: mapped, fields: fk.fields } });
    }
  }
  if (refs.length > 0) return { refs };
  const reachable = [...targets].map(([target, { via, fields }]) =>
    fields === undefined
      ? `${quoted(target)} (from ${via.join(', ')}) is not in this package`
      : `${quoted(target)} (from ${via.join(', ')}) has ${quoteList(fields)}`,
  );

  const holders = resources.filter((r) => fieldNamesOf(r.res).includes(field)).map((r) => r.name);
  const hint = holders.length
    ? ` ${holders.map((h) => quoted(`${h}/${field}`)).join(' or ')} would name it directly${
        holders.some((h) => !mappedResources.includes(h)) ? ' (or add a foreign key to that resource)' : ''
      }.`
    : '';
  if (mappedResources.length === 0) {
    return {
      refs: [],
      error: `the bare field ${quoted(field)} can only be reached through a foreign key of a resource the mapping names as "{resource}/{field}", and the mapping names none; write "{resource}/${field}".${hint}`,
    };
  }
  if (targets.size === 0) {
    return {
      refs: [],
      error: `the bare field ${quoted(field)} must be reached through a foreign key, but the mapped resources (${quoteList(mappedResources)}) have no foreign key to a resource of this package; write "{resource}/${field}".${hint}`,
    };
  }
  return {
    refs: [],
    error: `the bare field ${quoted(field)} is not in any resource reached through a foreign key of the mapped resources: ${reachable.join('; ')}.${hint}`,
  };
}

/** Every (pointer, model, attribute, ref) of the mapping's attribute references, canonical form. */
export function mappingReferences(mapping: MappingDescriptor): Array<{ pointer: string; model: string; attribute: string; ref: string }> {
  const out: Array<{ pointer: string; model: string; attribute: string; ref: string }> = [];
  if (!isObject(mapping)) return out;
  const addAttrs = (attrs: unknown, model: string, prefix: Array<string>, namePrefix: string): void => {
    if (!isObject(attrs)) return;
    for (const [attribute, refs] of Object.entries(attrs)) {
      if (!Array.isArray(refs)) continue;
      refs.forEach((ref: unknown, i: number) => {
        if (typeof ref === 'string') {
          out.push({ pointer: pointerOf('mapping', model, ...prefix, attribute, i), model, attribute: `${namePrefix}${attribute}`, ref });
        }
      });
    }
  };
  for (const model of ['transaction', 'project']) {
    const m = mapping[model];
    if (isObject(m)) addAttrs(m.attributes, model, ['attributes'], '');
  }
  for (const model of ['entity', 'taxonomy']) {
    const m = mapping[model];
    if (!isObject(m) || !isObject(m.attributes)) continue;
    for (const [kind, attrs] of Object.entries(m.attributes)) addAttrs(attrs, model, ['attributes', kind], `${kind}.`);
  }
  return out;
}

/** A mapping attribute reference with what it resolved to (or why it did not). */
export interface MappingResolution {
  pointer: string;
  model: string;
  attribute: string;
  ref: string;
  refs: ResolvedRef[];
  error?: string;
}

/**
 * Resolve every mapping reference of a package: "{resource}/{field}" ones first, which make up
 * the mapped resources, then bare fields through the foreign keys of those resources.
 */
export function resolveMapping(pkg: PackageDescriptor): MappingResolution[] {
  if (!isObject(pkg.mapping)) return [];
  const all = mappingReferences(pkg.mapping);
  const out = new Map<(typeof all)[number], MappingResolution>();
  const mapped = new Set<string>();
  for (const r of all) {
    if (splitReference(r.ref).glob === undefined) continue;
    const result = resolveMappingReference(r.ref, pkg, []);
    for (const x of result.refs) mapped.add(x.resource);
    out.set(r, { ...r, ...result });
  }
  const mappedList = [...mapped];
  for (const r of all) if (!out.has(r)) out.set(r, { ...r, ...resolveMappingReference(r.ref, pkg, mappedList) });
  return all.map((r) => out.get(r)!);
}
