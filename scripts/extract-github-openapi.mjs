#!/usr/bin/env node
// Extracts, from GitHub's official OpenAPI description (the npm package @octokit/openapi), the
// response schemas of the REST operations that the fake GitHub server in
// test/support/github-server.ts answers, with the components/schemas they reference
// (transitively), and writes them to test/fixtures/github-openapi.json.
//
// @octokit/openapi is ~385 MB installed, so it is never a dependency. To refresh the fixture:
//
//   mkdir /tmp/oa && cd /tmp/oa && npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
//   node scripts/extract-github-openapi.mjs /tmp/oa/package
//
// The argument is the unpacked package directory, the directory it was unpacked into, or the path
// of api.github.com.json itself. An optional second argument names the output file.
//
// The output is plain JSON Schema (draft-07 as ajv reads it), not OpenAPI 3.0: `nullable: true` is
// rewritten into a `null` type, and documentation (description, example, title…) is dropped to keep
// the fixture small. Operations are keyed "METHOD /path/template", responses by status code; a
// `null` schema means the response has no body.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The operations the fake serves, as they appear in the description. */
const OPERATIONS = [
  'GET /repos/{owner}/{repo}',
  'GET /repos/{owner}/{repo}/contents/{path}',
  'GET /repos/{owner}/{repo}/git/ref/{ref}',
  'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
  'POST /repos/{owner}/{repo}/git/refs',
  'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
  'DELETE /repos/{owner}/{repo}/git/refs/{ref}',
  'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
  'POST /repos/{owner}/{repo}/git/commits',
  'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
  'POST /repos/{owner}/{repo}/git/trees',
  'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
  'POST /repos/{owner}/{repo}/git/blobs',
  'GET /repos/{owner}/{repo}/pulls',
  'POST /repos/{owner}/{repo}/pulls',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}',
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
  'POST /repos/{owner}/{repo}/check-runs',
  'GET /repos/{owner}/{repo}/check-runs/{check_run_id}',
  'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
  'POST /repos/{owner}/{repo}/dispatches',
  'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
  'GET /app',
  'GET /app/installations',
  'GET /app/installations/{installation_id}',
  'POST /app/installations/{installation_id}/access_tokens',
  'GET /repos/{owner}/{repo}/installation',
  'GET /installation/repositories',
  'POST /orgs/{org}/repos',
];

/**
 * Errors in the description itself, corrected here so that GitHub's own answers pass. Each names
 * the operation, the status, why, and the schema used instead; they are listed in the fixture.
 */
const ERRATA = [
  {
    operation: 'GET /app/installations',
    status: '200',
    reason:
      'items.account is declared as allOf [simple-user, enterprise], which no account satisfies (a user has no slug, an enterprise no login); GET /app/installations/{installation_id} declares the same object as components/schemas/installation, whose account is anyOf',
    schema: { type: 'array', items: { $ref: '#/components/schemas/installation' } },
  },
  {
    operation: 'POST /repos/{owner}/{repo}/git/blobs',
    status: '422',
    reason:
      'oneOf [validation-error, repository-rule-violation-error] fails for every validation error, since the latter requires nothing and matches too: anyOf',
    schema: {
      anyOf: [{ $ref: '#/components/schemas/validation-error' }, { $ref: '#/components/schemas/repository-rule-violation-error' }],
    },
  },
  {
    operation: 'DELETE /repos/{owner}/{repo}/git/refs/{ref}',
    status: '422',
    reason: 'documented without a body, but GitHub answers a missing ref with {"message": "Reference does not exist", ...}',
    schema: { $ref: '#/components/schemas/basic-error' },
  },
];

/** Schemas every error answer is checked against (GitHub's error bodies share them). */
const ALWAYS = ['basic-error', 'validation-error', 'validation-error-simple'];

/** Keywords that document rather than constrain, or that ajv would trip on. */
const DROP = new Set([
  'description',
  'summary',
  'title',
  'example',
  'examples',
  'externalDocs',
  'deprecated',
  'readOnly',
  'writeOnly',
  'xml',
  'discriminator',
  'default',
]);
/** Keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'];
/** Keywords whose value is a schema. */
const SCHEMA_ONE = ['items', 'additionalProperties', 'not', 'propertyNames', 'contains', 'if', 'then', 'else'];
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];

function locate(arg) {
  const path = resolve(arg);
  if (!existsSync(path)) throw new Error(`${path} does not exist: give the unpacked @octokit/openapi package directory`);
  if (statSync(path).isFile()) return path;
  for (const candidate of ['generated/api.github.com.json', 'package/generated/api.github.com.json']) {
    if (existsSync(join(path, candidate))) return join(path, candidate);
  }
  throw new Error(`no generated/api.github.com.json under ${path}: give the unpacked @octokit/openapi package directory`);
}

/** A schema cleaned of documentation, with OpenAPI's `nullable` turned into JSON Schema. */
function clean(schema) {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROP.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    if (SCHEMA_MAPS.includes(key)) out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, clean(s)]));
    else if (SCHEMA_ONE.includes(key)) out[key] = typeof value === 'object' ? clean(value) : value;
    else if (SCHEMA_LISTS.includes(key)) out[key] = value.map(clean);
    else out[key] = value;
  }
  if (schema.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  if (Object.keys(out).length === 0) return {};
  return { anyOf: [{ type: 'null' }, out] };
}

/** Every `#/components/schemas/<name>` referenced inside `value`. */
function refsOf(value, found = new Set()) {
  if (Array.isArray(value)) for (const v of value) refsOf(v, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') {
        const match = /^#\/components\/schemas\/(.+)$/.exec(v);
        if (!match) throw new Error(`unexpected $ref ${v}`);
        found.add(match[1]);
      } else refsOf(v, found);
    }
  }
  return found;
}

function main() {
  const [arg, outArg] = process.argv.slice(2);
  if (!arg) {
    console.error('usage: node scripts/extract-github-openapi.mjs <unpacked @octokit/openapi directory> [output.json]');
    process.exit(2);
  }
  const file = locate(arg);
  const spec = JSON.parse(readFileSync(file, 'utf8'));
  const here = dirname(fileURLToPath(import.meta.url));
  const out = outArg ? resolve(outArg) : join(here, '..', 'test', 'fixtures', 'github-openapi.json');
  const packageJson = join(dirname(file), '..', 'package.json');
  const version = existsSync(packageJson) ? JSON.parse(readFileSync(packageJson, 'utf8')).version : null;

  const resolveResponse = (response) => {
    let r = response;
    while (r.$ref) {
      const match = /^#\/components\/responses\/(.+)$/.exec(r.$ref);
      if (!match || !spec.components.responses[match[1]]) throw new Error(`unexpected response $ref ${r.$ref}`);
      r = spec.components.responses[match[1]];
    }
    return r;
  };

  const operations = {};
  for (const key of OPERATIONS) {
    const [method, path] = key.split(' ');
    const op = spec.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${key} is not in ${file}`);
    const responses = {};
    for (const [status, response] of Object.entries(op.responses)) {
      const content = resolveResponse(response).content;
      const schema = content?.['application/json']?.schema ?? null;
      responses[status] = schema === null ? null : clean(schema);
    }
    operations[key] = { operationId: op.operationId, responses };
  }

  for (const e of ERRATA) {
    const responses = operations[e.operation]?.responses;
    if (!responses || !(e.status in responses)) throw new Error(`erratum for ${e.operation} ${e.status}: no such response`);
    responses[e.status] = e.schema;
  }

  // Served by GitHub but absent from the description: answered with the schemas of their twins.
  const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
  const aliases = {
    'GET /repositories/{repository_id}': { ...operations['GET /repos/{owner}/{repo}'], aliasOf: 'GET /repos/{owner}/{repo}' },
    // The legacy form of get-ref: one ref for an exact name, else the refs it prefixes.
    'GET /repos/{owner}/{repo}/git/refs/{ref}': {
      operationId: 'git/get-ref (legacy /git/refs/{ref})',
      aliasOf: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
      responses: {
        200: { oneOf: [ref('git-ref'), { type: 'array', items: ref('git-ref') }] },
        404: ref('basic-error'),
        409: ref('basic-error'),
      },
    },
  };
  Object.assign(operations, aliases);

  const schemas = {};
  const pending = [...refsOf(operations), ...ALWAYS];
  while (pending.length > 0) {
    const name = pending.pop();
    if (name in schemas) continue;
    const schema = spec.components.schemas[name];
    if (!schema) throw new Error(`components/schemas/${name} is missing`);
    schemas[name] = clean(schema);
    pending.push(...refsOf(schemas[name]));
  }
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, schemas[name]]),
  );

  const fixture = {
    source: { package: '@octokit/openapi', version, file: 'generated/api.github.com.json', openapi: spec.openapi, api: spec.info.version },
    generatedBy: 'scripts/extract-github-openapi.mjs',
    errata: ERRATA.map(({ operation, status, reason }) => ({ operation, status, reason })),
    operations,
    components: { schemas: sorted },
  };
  writeFileSync(out, `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`${out}: ${Object.keys(operations).length} operations, ${Object.keys(sorted).length} schemas`);
}

main();
