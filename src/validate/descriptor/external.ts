/**
 * A resource `schema` or `dialect` given as a path (a JSON file in the dataset, e.g.
 * `"schema": "schema.json"`), as the Data Package specs allow and frictionless-py reads. The
 * file is read through the same PackageSource as the data, so the same rules hold: a
 * package-relative path that stays inside the dataset, never through a symlink, and at most the
 * descriptor's size limit. Its content then stands in for the path, and everything after
 * (descriptor checks, rows) sees an inline schema. A remote (http) schema is not fetched.
 */

import type { PackageDescriptor } from '../../package/descriptor.ts';
import { parseJsonDocument } from '../../package/json-document.ts';
import {
  DESCRIPTOR_MAX_BYTES,
  DescriptorTooLargeError,
  isRemote,
  readAtMost,
  SourceError,
  unsafePathReason,
  type PackageSource,
} from '../../package/source.ts';
import { pointerOf, problem, quoted, shown, type Problem } from '../../package/problem.ts';

const PARTS = ['schema', 'dialect'] as const;

/**
 * Replace string schemas and dialects by the content of the files they name; problems say what
 * could not be read. With `read: false` (a descriptor-only check, which opens no file) each one
 * is left as it is, with a warning that it was not checked.
 */
export async function resolveExternalParts(
  descriptor: PackageDescriptor,
  source: PackageSource,
  options: { read?: boolean } = {},
): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (!Array.isArray(descriptor.resources)) return problems;
  for (const [index, resource] of descriptor.resources.entries()) {
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) continue;
    for (const part of PARTS) {
      const ref: unknown = resource[part];
      if (typeof ref !== 'string') continue;
      const pointer = pointerOf('resources', index, part);
      const name = typeof resource.name === 'string' ? resource.name : undefined;
      const fail = (code: Problem['code'], message: string): void => {
        problems.push(
          problem(code, `resource ${quoted(name ?? index)}: the ${part} ${shown(ref)} ${message}; its rows were not checked`, {
            pointer,
            ...(name !== undefined ? { resource: name } : {}),
          }),
        );
      };
      if (isRemote(ref)) {
        fail(
          'descriptor-error',
          `is remote and is not fetched; put the ${part} file in the dataset, or write it inline in datapackage.json`,
        );
        continue;
      }
      if (options.read === false) {
        problems.push(
          problem(
            'descriptor-error',
            `resource ${quoted(name ?? index)}: the ${part} is the file ${shown(ref)}, which a check of the descriptor alone does not read; it is checked with the rows (validate, the Action)`,
            {
              severity: 'warning',
              pointer,
              ...(name !== undefined ? { resource: name } : {}),
            },
          ),
        );
        continue;
      }
      const unsafe = unsafePathReason(ref);
      if (unsafe !== undefined) {
        fail('path-error', `${unsafe}; give a path relative to datapackage.json inside the dataset`);
        continue;
      }
      let bytes: Uint8Array;
      try {
        const file = await source.open(ref);
        bytes = await readAtMost(file.size, () => file.stream(), DESCRIPTOR_MAX_BYTES);
      } catch (e) {
        if (e instanceof DescriptorTooLargeError)
          fail('descriptor-error', `is larger than the ${DESCRIPTOR_MAX_BYTES}-byte limit of a descriptor file; make it smaller`);
        else if (e instanceof SourceError) fail(e.code, `could not be read: ${e.message}`);
        else throw e;
        continue;
      }
      const doc = parseJsonDocument(bytes, { path: ref });
      if (doc.problems.length > 0 || doc.value === undefined) {
        for (const p of doc.problems) problems.push({ ...p, resource: name });
        if (doc.problems.length === 0) fail('descriptor-error', 'is not valid JSON');
        continue;
      }
      if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
        fail('descriptor-error', `must hold a JSON object (a Table ${part === 'schema' ? 'Schema' : 'Dialect'})`);
        continue;
      }
      (resource as Record<string, unknown>)[part] = doc.value;
    }
  }
  return problems;
}
