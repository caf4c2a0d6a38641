/**
 * Descriptor metadata judged like frictionless v5: where the official Data Package v1 JSON Schema
 * is stricter than frictionless on metadata that does not change how rows are read, the problem
 * is a `lenient-metadata` warning naming the v1 form (`--strict` makes it an error), not an error.
 *
 * frictionless checks package metadata with its own schema (`package/package.py`
 * `Package.metadata_profile`): no `format`, no `minItems`, every item property just
 * `type: string`, `required: ["resources"]`; then `Package.metadata_validate` checks a license
 * has `name` or `path`, that a non-empty contributor/source `email` is an email, that a truthy
 * `created` is a datetime, and that resource names are unique. So it accepts an empty or relative
 * `homepage`, contributors and sources without `title` (pre-v1 `name`/`web`), a license `name`
 * that is not an identifier, `keywords: []`, `resources: []`, a free-form `role`, an empty email,
 * a naive `created` datetime; it rejects, as we keep rejecting, a license with neither `name` nor
 * `path` (pre-v1 `url` alone), names that break `^([-a-z0-9._/])+$`, nulls where strings belong,
 * non-string keywords, an invalid email, a `created` that is not a datetime, and package-level
 * `fields` / `missingValues` (see `packageLevelSchemaProblems`).
 */

import type { ErrorObject } from 'ajv';
import { pointerOf, problem, type Problem } from '../../package/problem.ts';

/** The Data Package v1 form a lenient error breaks, said in the warning; undefined when the error stays an error. */
export function lenientForm(error: ErrorObject, instance: string): string | undefined {
  const params = error.params as Record<string, unknown>;
  const data: unknown = error.data;
  switch (error.keyword) {
    case 'format':
      if (params.format === 'uri')
        return 'Data Package v1 wants a full URL here (e.g. "https://example.org/budget"), or the property left out';
      if (params.format === 'email' && data === '') return 'Data Package v1 wants an email address here, or the property left out';
      if (params.format === 'date-time' && typeof data === 'string' && NAIVE_DATETIME.test(data)) {
        return 'Data Package v1 wants an RFC 3339 date-time with a time zone, e.g. "2024-01-31T12:00:00Z"';
      }
      return undefined;
    case 'required':
      if (params.missingProperty === 'title' && /(?:^|\/)(?:contributors|sources)\/\d+$/.test(instance)) {
        return 'Data Package v1 names a contributor or source by "title" (pre-v1 "name") and its URL by "path" (pre-v1 "web")';
      }
      return undefined;
    case 'pattern':
      if (/\/licenses\/\d+\/name$/.test(instance)) {
        return 'Data Package v1 wants an Open Definition identifier such as "CC-BY-4.0" in a license "name" (a title goes in "title")';
      }
      if (/(?:^|\/)resources\/\d+\/mediatype$/.test(instance)) return 'Data Package v1 wants a media type such as "text/csv"';
      return undefined;
    case 'minItems':
      if (/^\/(?:keywords|resources|licenses|contributors)$|^\/resources\/\d+\/licenses$/.test(instance)) {
        return 'Data Package v1 wants at least one item, or the property left out';
      }
      return undefined;
    case 'enum':
      if (/^\/contributors\/\d+\/role$/.test(instance))
        return 'Data Package v1 roles are publisher, author, maintainer, wrangler and contributor';
      return undefined;
    default:
      return undefined;
  }
}

/**
 * A datetime frictionless's DatetimeField reads (`s[16] == ':'`, at least 19 characters, then
 * dateutil's isoparse) without the time zone RFC 3339 requires: `2020-01-01T10:00:00`.
 */
const NAIVE_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?$/;

/** The problem a lenient error becomes: a warning under its own code, its message saying it is accepted and what v1 wants. */
export function lenientProblem(p: Problem, form: string): Problem {
  const message = `${p.message.replace(/; [^;]*$/, '')}: accepted, as frictionless v5 accepts it, but ${form} (an error with --strict)`;
  return { ...p, code: 'lenient-metadata', severity: 'warning', message };
}

/**
 * `fields` and `missingValues` at package level: a schema's properties written in the wrong place
 * (frictionless `Package.metadata_validate`: `"fields" should be set as "resource.schema.fields"`).
 */
export function packageLevelSchemaProblems(descriptor: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  for (const key of ['fields', 'missingValues'] as const) {
    if (!(key in descriptor)) continue;
    out.push(
      problem(
        'descriptor-error',
        `${JSON.stringify(key)} is set at package level, where it means nothing: it belongs in each resource's Table Schema, as resources[].schema.${key}; move it there`,
        { pointer: pointerOf(key) },
      ),
    );
  }
  return out;
}
