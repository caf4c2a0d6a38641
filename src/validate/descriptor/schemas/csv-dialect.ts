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
  title: 'CSV Dialect (v1)',
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
    commentChar: oneChar('comment character'),
    caseSensitiveHeader: flag,
  },
};
