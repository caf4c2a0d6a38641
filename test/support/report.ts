import { createFsSource, type FsSourceOptions } from '../../src/adapters/fs/source.ts';
import { validatePackage, type ValidateOptions } from '../../src/validate/package.ts';
import type { Problem } from '../../src/package/problem.ts';
import type { Report } from '../../src/validate/report.ts';

/** Validate a package directory (or descriptor) on disk. */
export async function validateDir(target: string, options: ValidateOptions = {}, source: FsSourceOptions = {}): Promise<Report> {
  return validatePackage(await createFsSource(target, source), options);
}

/** Problems as tuples of the named properties (frictionless's `report.flatten`), null where absent. */
export function flatten(problems: Problem[], keys: Array<keyof Problem>): unknown[][] {
  return problems.map((p) => keys.map((k) => p[k] ?? null));
}

/** Errors of a report as [rowNumber, fieldNumber, code]. */
export const rowFieldCode = (r: Report): unknown[][] => flatten(r.errors, ['rowNumber', 'fieldNumber', 'code']);
