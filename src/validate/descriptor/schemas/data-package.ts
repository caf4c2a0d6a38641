/**
 * Data Package v1 (frictionless, https://specs.frictionlessdata.io/data-package/) as a JSON
 * Schema (draft-07), modelled on the frictionless v1 profile `data-package.json`.
 *
 * Unknown properties are allowed everywhere, as the spec allows them. Beside the standard
 * keywords, schemas carry two annotations that ajv ignores and our error messages read:
 * `hint` (what to do when the value is wrong) and `alternatives` (for a oneOf / anyOf of
 * `required` branches: what each alternative means).
 *
 * Differences from the v1 profile, on purpose:
 * - a resource `path` is any non-empty string: its safety (relative, no `..`, inside the
 *   dataset) is the `path-error` check's job, with a better message than a regex can give;
 * - `schema` and `dialect` are only typed here (object, or a string reference); the Table
 *   Schema and CSV Dialect rules are applied to them when the package is tabular.
 */

import type { SchemaObject } from 'ajv';

const NAME_PATTERN = '^([-a-z0-9._/])+$';

const nameHint = 'use only lower-case letters, digits and "-", "_", ".", "/" (for example "my-budget-2024")';

const title = { type: 'string', description: 'a human-readable title' };
const description = { type: 'string', description: 'a text description; Markdown is encouraged' };
const urlOrPath = { type: 'string', description: 'a URL or a path' };

const license = {
  type: 'object',
  description: 'a license',
  properties: {
    name: {
      type: 'string',
      pattern: '^([-a-zA-Z0-9._])+$',
      description: 'an Open Definition license identifier',
      hint: 'use a license identifier such as "CC-BY-4.0" or "ODC-PDDL-1.0" (letters, digits, "-", "_", ".")',
    },
    path: urlOrPath,
    title,
  },
  anyOf: [{ required: ['name'] }, { required: ['path'] }],
  alternatives: {
    name: 'an identifier such as "CC-BY-4.0"',
    path: 'a URL of the license text',
  },
};

const licenses = {
  type: 'array',
  minItems: 1,
  items: license,
  hint: 'list at least one license, or leave the property out',
};

const source = {
  type: 'object',
  required: ['title'],
  properties: {
    title,
    path: urlOrPath,
    email: { type: 'string', format: 'email', description: 'an email address' },
  },
};

const sources = {
  type: 'array',
  items: source,
};

const contributor = {
  type: 'object',
  required: ['title'],
  properties: {
    title: { type: 'string', description: 'the name of the contributor' },
    path: urlOrPath,
    email: { type: 'string', format: 'email', description: 'an email address' },
    organization: { type: 'string' },
    role: {
      type: 'string',
      enum: ['publisher', 'author', 'maintainer', 'wrangler', 'contributor'],
      hint: 'use one of these roles (the default is "contributor")',
    },
  },
};

const resourceSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      pattern: NAME_PATTERN,
      description: 'a url-compatible short name, unique in the package',
      hint: nameHint,
    },
    profile: { type: 'string' },
    path: {
      type: ['string', 'array'],
      minLength: 1,
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description: 'the data file (a path relative to datapackage.json), or a list of files',
      hint: 'give the file path relative to datapackage.json, e.g. "data/budget.csv"',
    },
    data: { description: 'inline data' },
    schema: {
      type: ['string', 'object'],
      description: 'a Table Schema',
      hint: 'give the Table Schema as an object with "fields"',
    },
    dialect: {
      type: ['string', 'object'],
      description: 'a CSV Dialect',
      hint: 'give the CSV Dialect as an object such as {"delimiter": ";"}',
    },
    title,
    description,
    homepage: { type: 'string', format: 'uri' },
    sources,
    licenses,
    format: { type: 'string', hint: 'give the file extension without the dot, e.g. "csv"' },
    mediatype: {
      type: 'string',
      pattern: '^(.+)/(.+)$',
      hint: 'give a media type such as "text/csv"',
    },
    encoding: { type: 'string', hint: 'give a character encoding name such as "utf-8"' },
    bytes: { type: 'integer', minimum: 0, hint: 'give the file size in bytes as a whole number' },
    hash: {
      type: 'string',
      pattern: '^([^:]+:[a-fA-F0-9]+|[a-fA-F0-9]{32}|)$',
      hint: 'give a hex digest, as "sha256:<hex>" or a bare 32-digit MD5',
    },
  },
  oneOf: [{ required: ['path'] }, { required: ['data'] }],
  alternatives: {
    path: 'the CSV file, relative to datapackage.json',
    data: 'inline rows',
  },
};

export const dataPackageSchema: SchemaObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://os-datastore.invalid/schemas/data-package.json',
  title: 'Data Package (v1)',
  type: 'object',
  required: ['resources'],
  properties: {
    profile: { type: 'string' },
    name: {
      type: 'string',
      pattern: NAME_PATTERN,
      description: 'a url-compatible short name for the package',
      hint: nameHint,
    },
    id: { type: 'string' },
    title,
    description,
    homepage: {
      type: 'string',
      format: 'uri',
      hint: 'give a full URL such as "https://example.org/budget"',
    },
    version: { type: 'string', hint: 'give the version as a string, e.g. "1.0.0"' },
    created: {
      type: 'string',
      format: 'date-time',
      hint: 'give an RFC 3339 date-time such as "2024-01-31T12:00:00Z"',
    },
    contributors: {
      type: 'array',
      minItems: 1,
      items: contributor,
      hint: 'list at least one contributor, or leave the property out',
    },
    keywords: {
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
      hint: 'list at least one keyword, or leave the property out',
    },
    image: { type: 'string' },
    licenses,
    sources,
    resources: {
      type: 'array',
      minItems: 1,
      items: resourceSchema,
      description: 'an array of data resources',
      hint: 'describe at least one data file in "resources"',
    },
  },
};
