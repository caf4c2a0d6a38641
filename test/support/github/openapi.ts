/**
 * Checks response bodies against GitHub's official OpenAPI description, as extracted into
 * test/fixtures/github-openapi.json by scripts/extract-github-openapi.mjs.
 */

import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';

const FIXTURE = new URL('../../fixtures/github-openapi.json', import.meta.url);
/** The `$id` the components are registered under; `#/components/` refs are rewritten to it. */
const COMPONENTS = 'https://api.github.com/openapi/components.json';

interface Fixture {
  source: Record<string, unknown>;
  operations: Record<string, { operationId: string; aliasOf?: string; responses: Record<string, object | null> }>;
  components: { schemas: Record<string, object> };
}

export interface ResponseProblem {
  /** What the body was checked against, e.g. `GET /repos/{owner}/{repo} 200`. */
  against: string;
  errors: string[];
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/components/') ? `${COMPONENTS}${v}` : rewriteRefs(v),
    ]),
  );
}

class ResponseSchemas {
  readonly fixture: Fixture;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
    this.ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
    // ajv-formats is CommonJS: depending on the loader its default import is the plugin or the module.
    const addFormats = ((addFormatsImport as unknown as { default?: FormatsPlugin }).default ?? addFormatsImport) as FormatsPlugin;
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: COMPONENTS, components: this.fixture.components });
  }

  private validator(key: string, schema: object): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) this.compiled.set(key, (v = this.ajv.compile(rewriteRefs(schema) as object)));
    return v;
  }

  has(operation: string): boolean {
    return operation in this.fixture.operations;
  }

  /**
   * Problems with a response (none: an empty list). `body` is undefined for an empty body.
   * A documented status is checked against its schema. An undocumented error or redirect is
   * checked against GitHub's common error bodies (GitHub answers 401, 429, 5xx… on every
   * route without documenting them); an undocumented success is a problem in itself.
   */
  check(operation: string | undefined, status: number, body: unknown): ResponseProblem[] {
    const responses = operation ? this.fixture.operations[operation]?.responses : undefined;
    if (operation && !responses)
      return [{ against: operation, errors: [`${operation} is not in the OpenAPI fixture; add it to scripts/extract-github-openapi.mjs`] }];
    const documented = responses?.[String(status)];
    if (responses && documented !== undefined) {
      const against = `${operation} ${status}`;
      if (documented === null)
        return body === undefined ? [] : [{ against, errors: ['the description has no body for this status, but one was sent'] }];
      if (body === undefined) return [{ against, errors: ['the description has a body for this status, but none was sent'] }];
      return this.run(against, documented, body);
    }
    if (status < 300)
      return [
        {
          against: `${operation ?? '(no route)'} ${status}`,
          errors: [`status ${status} is not documented for ${operation ?? 'this path'}`],
        },
      ];
    if (body === undefined) return [];
    const name = status === 422 ? 'validation-error' : 'basic-error';
    return this.run(`components/schemas/${name} (undocumented ${status})`, { $ref: `#/components/schemas/${name}` }, body);
  }

  private run(against: string, schema: object, body: unknown): ResponseProblem[] {
    const validate = this.validator(against, schema);
    if (validate(body)) return [];
    return [
      {
        against,
        errors: (validate.errors ?? []).map(
          (e) =>
            `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`,
        ),
      },
    ];
  }
}

let shared: ResponseSchemas | undefined;

/** The response schemas, loaded and compiled once per process. */
export function responseSchemas(): ResponseSchemas {
  return (shared ??= new ResponseSchemas());
}
