/**
 * The OpenSpending Data Package profile (OSEP-04) as a JSON Schema (draft-07), for the canonical
 * form, i.e. after the spec-drift normalization (profiles, payor, attribute wrappers, ...).
 *
 * It only adds what OSEP-04 requires on top of Data Package / Tabular Data Package: those rules
 * (name pattern, title type, ...) are checked, and reported, by the base schemas. What no schema
 * can express (references resolve, currency is ISO 4217, taxonomy has one of functional /
 * economic / administrative, ...) is checked by the mapping checks. `hint` is an annotation for
 * our messages (see data-package.ts).
 */

import type { SchemaObject } from 'ajv';

const references = {
  type: 'array',
  minItems: 1,
  items: { type: 'string' },
  description: 'an array of "resource/field" references',
  hint: 'list the source columns as "resource/field" strings, e.g. ["budget/amount"]',
};

const attributeMap = {
  type: 'object',
  additionalProperties: references,
  hint: 'give a map from attribute names to arrays of "resource/field" references',
};

const nestedAttributeMap = {
  type: 'object',
  additionalProperties: attributeMap,
  hint: 'give a map from names to attribute maps, e.g. {"payee": {"id": ["budget/payee_id"]}}',
};

export const openSpendingSchema: SchemaObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://os-datastore.invalid/schemas/openspending.json',
  title: 'OpenSpending Data Package (OSEP-04)',
  type: 'object',
  required: ['name', 'title', 'owner', 'resources', 'mapping'],
  properties: {
    name: { description: 'a url-compatible short name for the package' },
    title: { description: 'a human-readable title' },
    owner: {
      type: 'string',
      minLength: 1,
      description: 'the account that owns the package',
      hint: 'give the owner account name as a string',
    },
    location: {
      type: ['string', 'array'],
      minItems: 1,
      items: { type: 'string' },
      hint: 'give an ISO 3166 country code, or an array of them, e.g. "BR" or ["BR", "PT"]',
    },
    granularity: {
      enum: ['aggregated', 'transactional'],
      hint: 'use one of these values (the default is "aggregated")',
    },
    direction: {
      enum: ['expenditure', 'revenue'],
      hint: 'use one of these values (the default is "expenditure")',
    },
    status: {
      enum: ['proposed', 'approved', 'adjusted', 'executed'],
      hint: 'use one of these values (the default is "approved")',
    },
    resources: {
      description: 'an array of data resources',
      items: {
        required: ['schema'],
        properties: {
          schema: { description: 'a Table Schema that describes the CSV columns' },
        },
      },
    },
    mapping: {
      type: 'object',
      required: ['transaction'],
      description: 'how the resources map to the OpenSpending model',
      hint: 'give the mapping as an object with "transaction" (and optionally "taxonomy", "entity", "project")',
      properties: {
        transaction: {
          type: 'object',
          required: ['value', 'attributes'],
          description: 'the key measures and attributes of the spending',
          properties: {
            value: {
              type: 'object',
              required: ['currency'],
              description: 'the currency and factor of the amounts',
              properties: {
                currency: {
                  type: 'string',
                  description: 'an ISO 4217 currency code such as "EUR"',
                  hint: 'give an ISO 4217 currency code such as "EUR"',
                },
                factor: {
                  type: 'number',
                  exclusiveMinimum: 0,
                  hint: 'give a positive number to multiply the amounts by (default 1)',
                },
              },
            },
            attributes: {
              ...attributeMap,
              required: ['id', 'amount', 'date'],
              description: 'the transaction attributes: id, amount, date (and title, description)',
            },
          },
        },
        taxonomy: {
          type: 'object',
          required: ['attributes'],
          properties: { attributes: nestedAttributeMap },
        },
        entity: {
          type: 'object',
          required: ['attributes'],
          properties: { attributes: nestedAttributeMap },
        },
        project: {
          type: 'object',
          required: ['attributes'],
          properties: { attributes: attributeMap },
        },
      },
    },
  },
};
