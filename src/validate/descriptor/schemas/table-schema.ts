/**
 * Table Schema v1 (frictionless, https://specs.frictionlessdata.io/table-schema/) as a JSON
 * Schema (draft-07), modelled on the frictionless v1 profile `table-schema.json`.
 *
 * Simplified on purpose: the v1 profile is an `anyOf` of one branch per field type, which makes
 * a single wrong property produce a dozen errors. Here a field is one object: `type` is an enum,
 * and the type-specific properties are typed once. The `format` is any string: which formats a
 * type accepts (including the OSEP-04 examples' `"format": "currency"` on numbers) is the table
 * checker's business. `hint` and `alternatives` are annotations for our messages (see
 * data-package.ts).
 */

import type { SchemaObject } from 'ajv';
import { FIELD_TYPES } from '../../../package/descriptor.ts';

/** One field name, or a list of them (primaryKey, foreignKeys). */
const fieldNames = {
  type: ['string', 'array'],
  minItems: 1,
  uniqueItems: true,
  items: { type: 'string' },
  hint: 'give a field name, or an array of field names',
};

const stringList = {
  type: 'array',
  items: { type: 'string' },
  hint: 'give an array of strings',
};

/** v1: strings; v2 also `{"value": ..., "label": ...}` objects. */
const missingValues = {
  type: 'array',
  // (`required` and `properties` apply to objects only: a string item passes them)
  items: { type: ['string', 'object'], required: ['value'], properties: { value: { type: 'string' }, label: { type: 'string' } } },
  hint: 'give an array of strings, or (Table Schema v2) of {"value": ..., "label": ...} objects',
};

const constraints = {
  type: 'object',
  properties: {
    required: { type: 'boolean', hint: 'use true or false (not a string)' },
    unique: { type: 'boolean', hint: 'use true or false (not a string)' },
    minLength: { type: 'integer', minimum: 0, hint: 'give a whole number' },
    maxLength: { type: 'integer', minimum: 0, hint: 'give a whole number' },
    minimum: { type: ['string', 'number'], hint: 'give a number, or a string in the field type' },
    maximum: { type: ['string', 'number'], hint: 'give a number, or a string in the field type' },
    pattern: { type: 'string', format: 'regex', hint: 'give a valid regular expression' },
    enum: { type: 'array', minItems: 1, hint: 'list the allowed values' },
    // Table Schema v2
    exclusiveMinimum: { type: ['string', 'number'], hint: 'give a number, or a string in the field type' },
    exclusiveMaximum: { type: ['string', 'number'], hint: 'give a number, or a string in the field type' },
    jsonSchema: { type: ['object', 'boolean'], hint: 'give a JSON Schema object' },
  },
};

const field = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'the column name, as in the CSV header' },
    title: { type: 'string' },
    description: { type: 'string' },
    type: { enum: FIELD_TYPES, hint: 'fix the field type' },
    format: { type: 'string', hint: 'give the format as a string, e.g. "default" or "%d/%m/%Y"' },
    rdfType: { type: 'string' },
    constraints,
    missingValues,
    decimalChar: { type: 'string', minLength: 1, hint: 'give the decimal separator, e.g. ","' },
    groupChar: { type: 'string', hint: 'give the thousands separator, e.g. " "' },
    bareNumber: { type: 'boolean', hint: 'use true or false (not a string)' },
    trueValues: { ...stringList, minItems: 1 },
    falseValues: { ...stringList, minItems: 1 },
    // Table Schema v2
    categories: {
      type: 'array',
      minItems: 1,
      items: {
        type: ['string', 'number', 'object'],
        required: ['value'],
        properties: { value: { type: ['string', 'number'] }, label: { type: 'string' } },
      },
      hint: 'list the categories: values, or {"value": ..., "label": ...} objects',
    },
    categoriesOrdered: { type: 'boolean', hint: 'use true or false (not a string)' },
    delimiter: { type: 'string', minLength: 1, hint: 'give the list delimiter, e.g. ","' },
    itemType: { enum: ['string', 'integer', 'number', 'boolean', 'date', 'time', 'datetime'], hint: 'fix the list item type' },
  },
};

const foreignKey = {
  type: 'object',
  required: ['fields', 'reference'],
  properties: {
    fields: fieldNames,
    reference: {
      type: 'object',
      // v2: `resource` may be left out (the same resource), as frictionless reads it
      required: ['fields'],
      properties: {
        resource: {
          type: 'string',
          description: 'the name of the referenced resource ("" or left out for the same resource)',
        },
        fields: fieldNames,
      },
    },
  },
};

export const tableSchemaSchema: SchemaObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://os-datastore.invalid/schemas/table-schema.json',
  title: 'Table Schema (v1, with the v2 additions)',
  type: 'object',
  required: ['fields'],
  properties: {
    fields: {
      type: 'array',
      minItems: 1,
      items: field,
      description: 'an array of fields, one per CSV column',
      hint: 'describe each CSV column as a field: {"name": ..., "type": ...}',
    },
    primaryKey: fieldNames,
    foreignKeys: {
      type: 'array',
      minItems: 1,
      items: foreignKey,
      hint: 'list foreign keys as {"fields": ..., "reference": {"resource": ..., "fields": ...}}',
    },
    missingValues,
    // Table Schema v2
    fieldsMatch: {
      enum: ['exact', 'equal', 'subset', 'superset', 'partial'],
      hint: 'use one of "exact", "equal", "subset", "superset", "partial"',
    },
    uniqueKeys: {
      type: 'array',
      minItems: 1,
      items: { type: 'array', minItems: 1, items: { type: 'string' } },
      hint: 'list unique keys as arrays of field names, e.g. [["a", "b"]]',
    },
  },
};
