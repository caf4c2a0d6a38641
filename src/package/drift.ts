/**
 * Spec drift: the OSEP-04 examples are not valid JSON and differ from the spec's own text.
 * We accept their forms, rewrite them into the canonical ones and say so with a 'spec-drift'
 * warning that names the canonical form. We never guess silently.
 */

import { isObject } from './descriptor.ts';
import { pointerOf, problem, quoted, quotedList, shown } from './problem.ts';
import type { Problem } from './problem.ts';

type Obj = Record<string, unknown>;

/** A part of the descriptor that the normalization moved: `to` (canonical) was at `from` (original). */
export interface PointerMove {
  from: string;
  to: string;
}

export interface DriftResult {
  descriptor: unknown;
  problems: Problem[];
  /**
   * Where moved parts were in the original descriptor. Problems found later on the normalized
   * descriptor point at canonical locations; `originalPointer` turns those back into pointers
   * that exist in the file (for line:column).
   */
  moves: PointerMove[];
}

function isRefList(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}

/** A descriptor value in a message, as JSON, cut (see `quoted`). */
const json = (value: unknown): string => {
  try {
    return quoted(value);
  } catch {
    return String(value);
  }
};

function drift(message: string, pointer: string, extra: { resource?: string } = {}): Problem {
  return problem('spec-drift', message, { severity: 'warning', pointer, ...extra });
}

/** Map a pointer into the normalized descriptor back to where that part was in the original. */
export function originalPointer(pointer: string, moves: readonly PointerMove[]): string {
  let best: PointerMove | undefined;
  for (const m of moves) {
    if ((pointer === m.to || pointer.startsWith(`${m.to}/`)) && (!best || m.to.length > best.to.length)) best = m;
  }
  return best ? best.from + pointer.slice(best.to.length) : pointer;
}

function normalizeProfiles(d: Obj, problems: Problem[], moves: PointerMove[]): void {
  const profiles = d.profiles;
  if (isObject(profiles)) {
    const names = Object.keys(profiles);
    d.profiles = names;
    names.forEach((n, i) => moves.push({ from: pointerOf('profiles', n), to: pointerOf('profiles', i) }));
    problems.push(
      drift(
        `"profiles" is an object (${json(profiles)}), as in the OSEP-04 examples; the canonical form is an array ` +
          `of profile names: ${json(names)}. Read as that array; write "profiles": ${json(names)}.`,
        pointerOf('profiles'),
      ),
    );
  } else if (typeof profiles === 'string') {
    d.profiles = [profiles];
    moves.push({ from: pointerOf('profiles'), to: pointerOf('profiles', 0) });
    problems.push(
      drift(
        `"profiles" is a single string (${json(profiles)}); the canonical form is an array of profile names: ` +
          `${json([profiles])}. Read as that array; write "profiles": ${json([profiles])}.`,
        pointerOf('profiles'),
      ),
    );
  }
}

interface TrackedKey {
  fk: unknown;
  /** Where this foreign key was in the original descriptor. */
  from: string;
}

function normalizeForeignKeys(d: Obj, problems: Problem[], moves: PointerMove[]): void {
  const resources = d.resources;
  if (!Array.isArray(resources)) return;
  const ownName = typeof d.name === 'string' ? d.name : undefined;
  resources.forEach((res: unknown, i: number) => {
    if (!isObject(res)) return;
    const name = typeof res.name === 'string' ? res.name : `#${i}`;
    const schema = res.schema;
    const tracked: TrackedKey[] = [];
    if (isObject(schema) && Array.isArray(schema.foreignKeys)) {
      schema.foreignKeys.forEach((fk: unknown, k: number) =>
        tracked.push({ fk, from: pointerOf('resources', i, 'schema', 'foreignKeys', k) }),
      );
    }
    if ('foreignKeys' in res) {
      const onResource = res.foreignKeys;
      const where = pointerOf('resources', i, 'foreignKeys');
      if (isObject(schema) && (schema.foreignKeys === undefined || Array.isArray(schema.foreignKeys))) {
        const list = Array.isArray(onResource) ? onResource : [onResource];
        list.forEach((fk: unknown, k: number) => tracked.push({ fk, from: Array.isArray(onResource) ? `${where}/${k}` : where }));
        delete res.foreignKeys;
        problems.push(
          drift(
            `resource ${quoted(name)} has "foreignKeys" on the resource, as in the OSEP-04 examples; Table Schema puts ` +
              `them in the schema: move them to resources[${i}].schema.foreignKeys. Read as if they were there.`,
            where,
            { resource: name },
          ),
        );
      } else {
        problems.push(
          drift(
            `resource ${quoted(name)} has "foreignKeys" on the resource, but Table Schema puts them in ` +
              `resources[${i}].schema.foreignKeys and this resource has no inline schema (object) with a ` +
              `foreignKeys array to move them into: they are ignored. Move them into the schema.`,
            where,
            { resource: name },
          ),
        );
      }
    }
    if (!isObject(schema) || tracked.length === 0) return;
    const kept: TrackedKey[] = [];
    for (const t of tracked) {
      if (checkPackageReference(t, name, ownName, problems)) kept.push(t);
    }
    // Every key dropped: no empty list left behind (Table Schema wants at least one key).
    if (kept.length === 0) delete schema.foreignKeys;
    else schema.foreignKeys = kept.map((t) => t.fk);
    kept.forEach((t, n) => {
      const to = pointerOf('resources', i, 'schema', 'foreignKeys', n);
      if (t.from !== to) moves.push({ from: t.from, to });
    });
  });
}

/**
 * A reference to a package: `datapackage` (OSEP-04 examples) or `package` (frictionless).
 * Own package: the key is removed (warning). Another package: `datapackage` is an error,
 * `package` (frictionless's remote-package form, valid for frictionless) a warning; either way
 * the key is dropped so the later checks don't report a missing resource. Returns whether to keep.
 */
function checkPackageReference(t: TrackedKey, resource: string, ownName: string | undefined, problems: Problem[]): boolean {
  if (!isObject(t.fk) || !isObject(t.fk.reference)) return true;
  const ref = t.fk.reference;
  const target = typeof ref.resource === 'string' ? `resource ${quoted(ref.resource)}` : 'a resource';
  for (const key of ['datapackage', 'package'] as const) {
    if (!(key in ref)) continue;
    const value = ref[key];
    const pointer = `${t.from}/reference/${key}`;
    if (value === null || value === '' || (typeof value === 'string' && value === ownName)) {
      delete ref[key];
      problems.push(
        drift(
          `foreign key of resource ${quoted(resource)} names this package itself in reference.${key} (${json(value)}); ` +
            `a reference inside the package needs no ${quoted(key)}: remove it. Read as a reference to ${target} of ` +
            `this package.`,
          pointer,
          { resource },
        ),
      );
      continue;
    }
    const why =
      ownName === undefined
        ? ` (this package has no "name", so it cannot be a reference to itself; if it is, add "name": ${json(value)})`
        : ` (this package is ${quoted(ownName)})`;
    if (key === 'datapackage') {
      problems.push(
        problem(
          'descriptor-error',
          `foreign key of resource ${quoted(resource)} references ${target} of another package ${json(value)} ` +
            `(reference.datapackage)${why}; cross-package foreign keys are not supported. Copy the referenced ` +
            `resource into this package and remove "datapackage", or remove the foreign key. It is not checked.`,
          { pointer, resource },
        ),
      );
    } else {
      problems.push(
        problem(
          'descriptor-error',
          `foreign key of resource ${quoted(resource)} references ${target} of another package ${json(value)} ` +
            `(reference.package)${why}; os-datastore does not fetch other packages, so this foreign key is not ` +
            `checked. To have it checked, copy the referenced resource into this package and remove "package".`,
          { pointer, resource, severity: 'warning' },
        ),
      );
    }
    return false;
  }
  return true;
}

function normalizeAttributeValue(value: unknown, pointer: string, problems: Problem[]): unknown {
  if (typeof value !== 'string') return value;
  problems.push(
    drift(
      `mapping attribute is a single string ${json(value)}; the canonical form is an array of references: ` +
        `${json([value])}. Read as that array; write ${json([value])}.`,
      pointer,
    ),
  );
  return [value];
}

/** transaction / project: `attributes` maps attribute → references. */
function normalizeFlatModel(mapping: Obj, model: 'transaction' | 'project', problems: Problem[], moves: PointerMove[]): void {
  const m = mapping[model];
  if (!isObject(m) || (m.attributes !== undefined && !isObject(m.attributes))) return;
  const attrs: Obj = {};
  if (isObject(m.attributes)) {
    for (const [k, v] of Object.entries(m.attributes)) {
      attrs[k] = normalizeAttributeValue(v, pointerOf('mapping', model, 'attributes', k), problems);
    }
  }
  const reserved = model === 'transaction' ? ['attributes', 'value'] : ['attributes'];
  const moved: string[] = [];
  for (const [k, v] of Object.entries(m)) {
    if (reserved.includes(k) || !isRefList(v)) continue;
    delete m[k];
    const from = pointerOf('mapping', model, k);
    if (k in attrs) {
      problems.push(
        problem(
          'mapping-error',
          `mapping.${model} gives ${quoted(k)} both inside "attributes" and outside it; the canonical place is ` +
            `mapping.${model}.attributes.${shown(k)}: remove the one outside. The one outside is ignored.`,
          { pointer: from },
        ),
      );
      continue;
    }
    attrs[k] = normalizeAttributeValue(v, from, problems);
    moves.push({ from, to: pointerOf('mapping', model, 'attributes', k) });
    moved.push(k);
  }
  if (moved.length > 0) {
    problems.push(
      drift(
        `mapping.${model} has ${quotedList(moved)} without the "attributes" wrapper; the ` +
          `canonical form is mapping.${model}.attributes = { ${moved.map((k) => `${quoted(k)}: [...]`).join(', ')} }. ` +
          `Read as that; wrap them in "attributes".`,
        pointerOf('mapping', model),
      ),
    );
  }
  if (isObject(m.attributes) || moved.length > 0) m.attributes = attrs;
}

/** entity / taxonomy: `attributes` maps kind (payer, functional, ...) → attribute → references. */
function normalizeGroupedModel(mapping: Obj, model: 'entity' | 'taxonomy', problems: Problem[], moves: PointerMove[]): void {
  const m = mapping[model];
  if (!isObject(m) || (m.attributes !== undefined && !isObject(m.attributes))) return;
  const groups: Array<{ kind: string; value: unknown; from: string }> = [];
  if (isObject(m.attributes)) {
    for (const [k, v] of Object.entries(m.attributes))
      groups.push({ kind: k, value: v, from: pointerOf('mapping', model, 'attributes', k) });
  }
  const moved: string[] = [];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'attributes' || !isObject(v)) continue;
    delete m[k];
    groups.push({ kind: k, value: v, from: pointerOf('mapping', model, k) });
    moved.push(k);
  }
  if (moved.length > 0) {
    problems.push(
      drift(
        `mapping.${model} has ${quotedList(moved)} without the "attributes" wrapper, as in ` +
          `the OSEP-04 examples; the canonical form is mapping.${model}.attributes = { ` +
          `${moved.map((k) => `${quoted(k)}: {...}`).join(', ')} }. Read as that; wrap them in "attributes".`,
        pointerOf('mapping', model),
      ),
    );
  }
  const attrs: Obj = {};
  const firstAt = new Map<string, string>();
  for (const g of groups) {
    let kind = g.kind;
    if (model === 'entity' && kind === 'payor') {
      kind = 'payer';
      problems.push(
        drift(
          `entity "payor" (the OSEP-04 examples' spelling) is "payer" in the spec's text; the canonical form is ` +
            `mapping.entity.attributes.payer. Read as "payer"; rename it.`,
          g.from,
        ),
      );
    }
    const first = firstAt.get(kind);
    if (first !== undefined) {
      problems.push(
        problem(
          'mapping-error',
          `mapping.${model} gives ${quoted(kind)} more than once (first at ${shown(first)}, again here${g.kind !== kind ? ` as ${quoted(g.kind)}` : ''}); ` +
            `keep one mapping.${model}.attributes.${shown(kind)}. This one is ignored.`,
          { pointer: g.from },
        ),
      );
      continue;
    }
    firstAt.set(kind, g.from);
    if (isObject(g.value)) {
      for (const [a, v] of Object.entries(g.value)) g.value[a] = normalizeAttributeValue(v, `${g.from}/${a}`, problems);
    }
    attrs[kind] = g.value;
    const to = pointerOf('mapping', model, 'attributes', kind);
    if (g.from !== to) moves.push({ from: g.from, to });
  }
  m.attributes = attrs;
}

/**
 * Deep-copies the descriptor and rewrites the OSEP-04 example forms into canonical ones, each
 * with a 'spec-drift' warning naming the canonical form and pointing at the original location:
 * - `profiles` as an object {"openspending":"*","tabular":"*"} (or a single string) → array of names;
 * - mapping.entity(.attributes).payor → payer;
 * - entity/taxonomy kinds without the `attributes` wrapper → wrapped; transaction/project
 *   attributes (keys whose value is a reference or list of references) without it → wrapped;
 * - `foreignKeys` on the resource → moved into schema.foreignKeys (appended after existing ones);
 * - reference.datapackage (or frictionless's reference.package) naming this package → removed;
 *   naming another package → 'descriptor-error' for `datapackage` (a warning for `package`), and
 *   the foreign key is dropped from the normalized descriptor;
 * - a mapping attribute given as a single string → wrapped in an array.
 * Conflicts that cannot be merged without guessing (payer and payor both, an attribute inside and
 * outside `attributes`) are 'mapping-error's; the canonical one is kept.
 * Never mutates its input, never throws; non-objects pass through unchanged.
 */
export function normalizeDrift(raw: unknown): DriftResult {
  if (!isObject(raw)) return { descriptor: raw, problems: [], moves: [] };
  let d: Obj;
  try {
    d = structuredClone(raw);
  } catch {
    return { descriptor: raw, problems: [], moves: [] };
  }
  const problems: Problem[] = [];
  const moves: PointerMove[] = [];
  try {
    normalizeProfiles(d, problems, moves);
    normalizeForeignKeys(d, problems, moves);
    const mapping = d.mapping;
    if (isObject(mapping)) {
      normalizeFlatModel(mapping, 'transaction', problems, moves);
      normalizeFlatModel(mapping, 'project', problems, moves);
      normalizeGroupedModel(mapping, 'entity', problems, moves);
      normalizeGroupedModel(mapping, 'taxonomy', problems, moves);
    }
  } catch {
    // Defensive: an odd shape we did not foresee; the copy is still safe to validate.
  }
  return { descriptor: d, problems, moves };
}
