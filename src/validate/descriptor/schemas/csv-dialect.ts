/**
 * CSV Dialect (frictionless v1 / CSVDDF 1.2, https://specs.frictionlessdata.io/csv-dialect/) as a
 * JSON Schema (draft-07). `hint` is an annotation for our messages (see data-package.ts).
 */

import type { SchemaObject } from 'ajv';

const oneChar = (what: string) => ({
  type: 'string',
  minLength: 1,
  maxLength: 1,
  hint: `give the ${what} as a single character`,
});

const flag = { type: 'boolean', hint: 'use true or false (not a string)' };

export const csvDialectSchema: SchemaObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://os-datastore.invalid/schemas/csv-dialect.json',
  title: 'CSV Dialect (v1) / Table Dialect (v2)',
  type: 'object',
  properties: {
    csvddfVersion: { type: ['number', 'string'] },
    delimiter: oneChar('delimiter'),
    doubleQuote: flag,
    lineTerminator: { type: 'string', hint: 'give the line terminator as a string, e.g. "\\r\\n"' },
    nullSequence: { type: 'string' },
    quoteChar: oneChar('quote character'),
    escapeChar: oneChar('escape character'),
    skipInitialSpace: flag,
    header: flag,
    // v2 allows a comment prefix of several characters
    commentChar: { type: 'string', minLength: 1, hint: 'give the comment prefix as a string, e.g. "#"' },
    caseSensitiveHeader: flag,
    // Table Dialect v2
    // (a header of more than 100 rows is not a table's: the bound keeps the joined labels small)
    headerRows: {
      type: 'array',
      maxItems: 100,
      items: { type: 'integer', minimum: 1 },
      hint: 'give the header row numbers, e.g. [1] or [2, 3] (at most 100)',
    },
    headerJoin: { type: 'string', maxLength: 100, hint: 'give the string that joins the header rows, e.g. " " (at most 100 characters)' },
    headerCase: flag,
    commentRows: { type: 'array', items: { type: 'integer', minimum: 1 }, hint: 'give the comment row numbers, e.g. [2]' },
  },
};
