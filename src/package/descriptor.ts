/**
 * Types of the descriptor parts the validator reads. The descriptor itself is untrusted JSON:
 * these types describe it *after* the JSON Schema check, which is why every part is optional
 * where the specs allow it.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON object (not null, not an array): what a parsed descriptor's parts are checked with. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field types of Table Schema v1, and v2's `list`. */
export const FIELD_TYPES: readonly string[] = [
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
  'date',
  'time',
  'datetime',
  'year',
  'yearmonth',
  'duration',
  'geopoint',
  'geojson',
  'any',
  // Table Schema v2
  'list',
];

export interface Constraints {
  required?: boolean;
  unique?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: string | number;
  maximum?: string | number;
  pattern?: string;
  enum?: JsonValue[];
  // Table Schema v2
  exclusiveMinimum?: string | number;
  exclusiveMaximum?: string | number;
  jsonSchema?: JsonValue;
}

export interface FieldDescriptor {
  name: string;
  type?: string;
  format?: string;
  title?: string;
  description?: string;
  constraints?: Constraints;
  missingValues?: MissingValue[];
  // number / integer
  decimalChar?: string;
  groupChar?: string;
  bareNumber?: boolean;
  // boolean
  trueValues?: string[];
  falseValues?: string[];
  [key: string]: unknown;
}

export interface ForeignKeyDescriptor {
  fields: string | string[];
  reference: { resource: string; fields: string | string[]; datapackage?: string };
}

/** A missing value: a string, or (Table Schema v2) an object naming it. */
export type MissingValue = string | { value: string; label?: string };

export interface TableSchemaDescriptor {
  fields: FieldDescriptor[];
  primaryKey?: string | string[];
  foreignKeys?: ForeignKeyDescriptor[];
  missingValues?: MissingValue[];
  /** v2: how labels match fields (exact, equal, subset, superset, partial). */
  fieldsMatch?: string;
  /** v2: field lists whose values must be unique together. */
  uniqueKeys?: string[][];
  [key: string]: unknown;
}

/** CSV Dialect (frictionless csvddf 1.2). */
export interface DialectDescriptor {
  delimiter?: string;
  lineTerminator?: string;
  quoteChar?: string;
  doubleQuote?: boolean;
  escapeChar?: string;
  nullSequence?: string;
  skipInitialSpace?: boolean;
  header?: boolean;
  commentChar?: string;
  caseSensitiveHeader?: boolean;
  // Table Dialect v2
  headerRows?: number[];
  headerJoin?: string;
  headerCase?: boolean;
  commentRows?: number[];
  [key: string]: unknown;
}

export interface ResourceDescriptor {
  name: string;
  path?: string | string[];
  url?: string;
  data?: JsonValue;
  title?: string;
  description?: string;
  format?: string;
  mediatype?: string;
  encoding?: string;
  bytes?: number;
  hash?: string;
  schema?: TableSchemaDescriptor;
  dialect?: DialectDescriptor;
  [key: string]: unknown;
}

/** A mapping attribute: an array of references "resource-glob/field" or bare "field". */
export type MappingAttribute = string[];
export type AttributeMap = Record<string, MappingAttribute>;

export interface MappingDescriptor {
  transaction?: { value?: { currency?: string; factor?: number }; attributes?: AttributeMap };
  taxonomy?: { attributes?: Record<string, AttributeMap> };
  entity?: { attributes?: Record<string, AttributeMap> };
  project?: { attributes?: AttributeMap };
  [key: string]: unknown;
}

export interface PackageDescriptor {
  name?: string;
  title?: string;
  profile?: string;
  profiles?: string[];
  owner?: string;
  location?: string | string[];
  granularity?: string;
  direction?: string;
  status?: string;
  mapping?: MappingDescriptor;
  model?: JsonObject;
  resources: ResourceDescriptor[];
  [key: string]: unknown;
}

/** What a descriptor says it is. */
export type PackageKind = 'openspending' | 'tabular' | 'data-package' | 'fiscal';
