/**
 * JSON Schema checks of a descriptor (ajv): Data Package v1, plus Table Schema v1 and CSV
 * Dialect for each resource when the package is tabular, plus the OSEP-04 profile when it is an
 * OpenSpending package. Problems carry a JSON pointer; the caller adds line and column (from
 * `JsonDocument.locate`) and the file path.
 */

import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { linearRegExp, patternProblem } from '../pattern.ts';
import { lenientForm, lenientProblem, packageLevelSchemaProblems } from './lenient.ts';
import { pointerOf, problem, quoted, shown } from '../../package/problem.ts';
import type { Problem, ProblemCode } from '../../package/problem.ts';
import { csvDialectSchema } from './schemas/csv-dialect.ts';
import { dataPackageSchema } from './schemas/data-package.ts';
import { openSpendingSchema } from './schemas/openspending.ts';
import { tableSchemaSchema } from './schemas/table-schema.ts';
import { isObject } from '../../package/descriptor.ts';

export interface SchemaProfiles {
  tabular: boolean;
  openspending: boolean;
}

/** Problems (pointer set, no line yet) of a descriptor against Data Package v1 (+ Tabular Data Package + Table Schema v1 + CSV Dialect when tabular, + the OSEP-04 profile when openspending). */
export function checkDescriptorSchema(descriptor: unknown, profiles: SchemaProfiles): Problem[] {
  const v = validators();
  const problems: Problem[] = [];
  const context = { descriptor, problems };

  run(v.dataPackage, descriptor, '', 'descriptor-error', context, true);
  // Nothing more can be said about a descriptor that is not even an object.
  if (!isObject(descriptor)) return problems;
  problems.push(...packageLevelSchemaProblems(descriptor));

  if (profiles.tabular && Array.isArray(descriptor.resources)) {
    descriptor.resources.forEach((resource: unknown, i) => {
      if (!isObject(resource)) return;
      checkPart(resource, 'schema', i, v.tableSchema, context);
      checkPart(resource, 'dialect', i, v.csvDialect, context);
    });
  }

  if (profiles.openspending) run(v.openSpending, descriptor, '', 'profile-error', context);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// ajv, compiled once

interface Validators {
  dataPackage: ValidateFunction;
  tableSchema: ValidateFunction;
  csvDialect: ValidateFunction;
  openSpending: ValidateFunction;
}

let cached: Validators | undefined;

function validators(): Validators {
  if (cached) return cached;
  // The schemas' `pattern` keywords run on dataset strings: match them in linear time too.
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, allowUnionTypes: true, code: { regExp: linearRegExp } });
  // ajv-formats is CommonJS: depending on the loader its default import is the plugin or the module.
  const addFormats = ((addFormatsImport as unknown as { default?: FormatsPlugin }).default ?? addFormatsImport) as FormatsPlugin;
  addFormats(ajv, ['uri', 'date-time', 'email']);
  // Table Schema patterns are matched by the same engine as the cells are (../pattern.ts).
  ajv.addFormat('regex', (s: string) => patternProblem(s) === undefined);
  cached = {
    dataPackage: ajv.compile(dataPackageSchema),
    tableSchema: ajv.compile(tableSchemaSchema),
    csvDialect: ajv.compile(csvDialectSchema),
    openSpending: ajv.compile(openSpendingSchema),
  };
  return cached;
}

interface Context {
  descriptor: unknown;
  problems: Problem[];
}

/** Validate `resources/i/<key>` (a Table Schema or a CSV Dialect), once it is inline. */
function checkPart(
  resource: Record<string, unknown>,
  key: 'schema' | 'dialect',
  index: number,
  validate: ValidateFunction,
  context: Context,
): void {
  const value = resource[key];
  const base = pointerOf('resources', index, key);
  // A string is a path to a JSON file: read (or refused) before this check, see external.ts.
  if (typeof value === 'string') return;
  if (isObject(value)) {
    run(validate, value, base, 'descriptor-error', context);
  }
  // Any other type was already reported by the Data Package schema.
}

/** `lenient`: metadata errors frictionless v5 does not make are warnings (lenient.ts). */
function run(validate: ValidateFunction, data: unknown, base: string, code: ProblemCode, context: Context, lenient = false): void {
  if (validate(data)) return;
  for (const error of collapse(validate.errors ?? [])) {
    let p = toProblem(error, base, code);
    if (p === undefined) continue;
    const form = lenient ? lenientForm(error, base + error.instancePath) : undefined;
    if (form !== undefined) p = lenientProblem(p, form);
    context.problems.push(withPlace(p, context.descriptor));
  }
}

// ---------------------------------------------------------------------------------------------
// Errors → problems

/** Drop the sub-errors of each oneOf / anyOf: the oneOf / anyOf error alone says it all. */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const branches = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  if (branches.length === 0) return errors;
  return errors.filter((e) => !branches.some((prefix) => e.schemaPath.startsWith(prefix)));
}

interface Annotated {
  hint?: string;
  description?: string;
  alternatives?: Record<string, string>;
  properties?: Record<string, Annotated>;
  additionalProperties?: Annotated;
  minLength?: number;
  maxLength?: number;
  oneOf?: Array<{ required?: string[] }>;
  anyOf?: Array<{ required?: string[] }>;
}

function toProblem(error: ErrorObject, base: string, code: ProblemCode): Problem | undefined {
  const parent = (error.parentSchema ?? {}) as Annotated;
  const hint = parent.hint;
  const data: unknown = error.data;
  const instance = base + error.instancePath;
  const where = shown(describePointer(instance));
  const params = error.params as Record<string, unknown>;
  const cell = isScalar(data) ? String(data) : undefined;
  const profileNote = code === 'profile-error' ? ' (OpenSpending profile, OSEP-04)' : '';
  const make = (message: string, pointer = instance, withCell = true) =>
    problem(code, `${message}${profileNote}`, {
      pointer,
      ...(withCell && cell !== undefined ? { cell } : {}),
    });
  const fix = (fallback: string) => hint ?? fallback;

  switch (error.keyword) {
    case 'required': {
      const property = String(params.missingProperty);
      const about = parent.properties?.[property]?.description ?? parent.additionalProperties?.description;
      return make(
        `${where} must have ${quoted(property)}${about ? ` (${about})` : ''}; add it`,
        `${instance}/${escapeToken(property)}`,
        false,
      );
    }
    case 'type': {
      const expected = String(params.type).split(',').map(article).join(' or ');
      return make(`${where} must be ${expected} (found ${found(data)}); ${fix(`change it to ${expected}`)}`);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const suggestion = closest(data, allowed);
      const list = allowed.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ');
      const mean = suggestion !== undefined ? `; did you mean ${quoted(suggestion)}?` : '';
      return make(`${where} must be one of ${list} (found ${found(data)}${mean}); ${fix('use one of these values')}`);
    }
    case 'pattern':
      return make(`${where} must match ${String(params.pattern)} (found ${found(data)}); ${fix('change it to match')}`);
    case 'format':
      return make(`${where} must be ${formatName(String(params.format))} (found ${found(data)}); ${fix('fix the value')}`);
    case 'minItems': {
      const n = Number(params.limit);
      return make(`${where} must have at least ${n} item${n === 1 ? '' : 's'} (found ${found(data)}); ${fix('add the missing items')}`);
    }
    case 'minLength':
    case 'maxLength': {
      if (parent.minLength === 1 && parent.maxLength === 1) {
        return make(`${where} must be exactly one character (found ${found(data)}); ${fix('use a single character')}`);
      }
      const n = Number(params.limit);
      const bound = error.keyword === 'minLength' ? 'at least' : 'at most';
      return make(`${where} must be ${bound} ${n} character${n === 1 ? '' : 's'} long (found ${found(data)}); ${fix('fix the value')}`);
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const relation = {
        minimum: 'at least',
        exclusiveMinimum: 'greater than',
        maximum: 'at most',
        exclusiveMaximum: 'less than',
      }[error.keyword];
      return make(`${where} must be ${relation} ${String(params.limit)} (found ${found(data)}); ${fix('fix the value')}`);
    }
    case 'uniqueItems': {
      const [a, b] = [Number(params.i), Number(params.j)].sort((x, y) => x - y);
      return make(`${where} must not repeat items (items ${a} and ${b} are the same); remove the duplicate`);
    }
    case 'oneOf':
    case 'anyOf':
      return alternativesProblem(error, parent, where, make);
    default:
      return make(`${where} ${error.message ?? 'is invalid'}; ${fix('fix the value')}`);
  }
}

/** One problem for a oneOf / anyOf: "must have path or data (found neither)". */
function alternativesProblem(
  error: ErrorObject,
  parent: Annotated,
  where: string,
  make: (message: string, pointer?: string, withCell?: boolean) => Problem,
): Problem | undefined {
  // `required` holds vacuously for a non-object, so a oneOf of them "matches several": the
  // type error on the same value already says what is wrong.
  if (!isObject(error.data)) return undefined;
  const branches = (error.keyword === 'oneOf' ? parent.oneOf : parent.anyOf) ?? [];
  const names = branches.map((b) => b.required?.[0]).filter((n): n is string => n !== undefined);
  if (names.length !== branches.length || names.length === 0) {
    return make(`${where} does not match any of the allowed forms; fix its structure`, undefined, false);
  }
  const shownNames = names.map(quoted);
  const list = `${shownNames.slice(0, -1).join(', ')} or ${shownNames[shownNames.length - 1] ?? ''}`;
  const explain = parent.alternatives ? ` (${names.map((n) => `${quoted(n)}: ${parent.alternatives?.[n] ?? n}`).join('; ')})` : '';
  const passing = (error.params as { passingSchemas?: unknown }).passingSchemas;
  if (Array.isArray(passing) && passing.length > 1) {
    return make(`${where} must have only one of ${list}, not several${explain}; keep one`, undefined, false);
  }
  const legacyUrl = names.includes('path') && 'url' in error.data;
  const urlNote = legacyUrl ? '; "url" is the pre-v1 name of "path", rename it' : '; add one';
  return make(`${where} must have ${list} (found neither)${explain}${urlNote}`, undefined, false);
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Attach the resource name and the field name / position when the pointer is inside one. */
function withPlace(p: Problem, descriptor: unknown): Problem {
  const match = /^\/resources\/(\d+)(?:\/schema\/fields\/(\d+))?/.exec(p.pointer ?? '');
  if (!match || !isObject(descriptor) || !Array.isArray(descriptor.resources)) return p;
  const resource: unknown = descriptor.resources[Number(match[1])];
  if (!isObject(resource)) return p;
  if (typeof resource.name === 'string') p.resource = resource.name;
  if (match[2] !== undefined) {
    const index = Number(match[2]);
    p.fieldNumber = index + 1;
    const fields = isObject(resource.schema) ? resource.schema.fields : undefined;
    const field: unknown = Array.isArray(fields) ? fields[index] : undefined;
    if (isObject(field) && typeof field.name === 'string') p.fieldName = field.name;
  }
  return p;
}

/** `/resources/0/schema` → `resources/0/schema`; '' → `the descriptor`. Tokens unescaped. */
function describePointer(pointer: string): string {
  if (pointer === '') return 'the descriptor';
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('/');
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function article(type: string): string {
  switch (type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'integer':
      return 'an integer';
    case 'null':
      return 'null';
    default:
      return `a ${type}`;
  }
}

/** What was found, for a message: a quoted truncated string, a literal, or the kind of container. */
function found(data: unknown): string {
  if (typeof data === 'string') return quoted(data);
  if (Array.isArray(data)) return data.length === 0 ? 'an empty array' : `an array of ${data.length} item${data.length === 1 ? '' : 's'}`;
  if (data === null) return 'null';
  if (typeof data === 'object') return 'an object';
  return String(data);
}

function formatName(format: string): string {
  switch (format) {
    case 'uri':
      return 'a full URL';
    case 'date-time':
      return 'an RFC 3339 date-time';
    case 'email':
      return 'an email address';
    case 'regex':
      return 'a valid regular expression';
    default:
      return `a valid ${format}`;
  }
}

/** The allowed value a misspelt string most likely meant (case-insensitive or ≤ 2 edits). */
function closest(data: unknown, allowed: unknown[]): string | undefined {
  if (typeof data !== 'string' || data.length > 40) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const a of allowed) {
    if (typeof a !== 'string') continue;
    const d = a.toLowerCase() === data.toLowerCase() ? 0 : editDistance(a, data);
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.min(2, Math.floor((best?.length ?? 0) / 2)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
