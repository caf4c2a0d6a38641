/**
 * What a descriptor says (or shows) it is: plain Data Package, Tabular Data Package,
 * OpenSpending Data Package (OSEP-04) or the successor Fiscal Data Package.
 */

import type { PackageKind } from './descriptor.ts';
import { isObject } from './descriptor.ts';

export interface ProfileInfo {
  kind: PackageKind;
  openspending: boolean;
  tabular: boolean;
  fiscal: boolean;
}

/**
 * Reduce one declared profile name to a short name: 'tabular-data-package',
 * 'https://specs.frictionlessdata.io/schemas/tabular-data-package.json', 'Tabular' → 'tabular'.
 * Unknown names come back lower-cased, without URL, `.json` or `-data-package`.
 */
function profileShortName(name: string): string {
  let n = name.trim().toLowerCase();
  n = n.replace(/[?#].*$/, '');
  const slash = n.lastIndexOf('/');
  if (slash >= 0) n = n.slice(slash + 1);
  n = n.replace(/\.json$/, '').replace(/[-_]data[-_]package$/, '');
  return n;
}

/** The profile names a descriptor declares, in short form (see profileShortName). */
function declaredProfiles(raw: unknown): string[] {
  if (!isObject(raw)) return [];
  const names: string[] = [];
  if (typeof raw.profile === 'string') names.push(raw.profile);
  const profiles = raw.profiles;
  if (typeof profiles === 'string') names.push(profiles);
  else if (Array.isArray(profiles)) {
    for (const p of profiles) if (typeof p === 'string') names.push(p);
  } else if (isObject(profiles)) names.push(...Object.keys(profiles));
  return names.map(profileShortName);
}

function hasMeasuresOrDimensions(value: unknown): boolean {
  return isObject(value) && ('measures' in value || 'dimensions' in value);
}

/**
 * From `profile` (a name or URL) or `profiles` (an array of names, or the OSEP-04 examples'
 * object form `{"openspending": "*", "tabular": "*"}`):
 * - openspending when declared ('openspending', 'openspending-data-package', or a URL ending so);
 * - tabular when declared, or openspending (OSEP-04 extends Tabular), or when there is at least
 *   one resource and every resource has a schema;
 * - fiscal when the descriptor has a `model` with measures/dimensions (FDP 0.3+), or a top-level
 *   `mapping` with measures/dimensions (FDP before 0.3), or declares 'fiscal'.
 * kind precedence: openspending > fiscal > tabular > data-package. Never throws.
 */
export function detectProfile(raw: unknown): ProfileInfo {
  const declared = new Set(declaredProfiles(raw));
  const openspending = declared.has('openspending');
  let everyResourceHasSchema = false;
  let fiscalShape = false;
  if (isObject(raw)) {
    const resources = raw.resources;
    everyResourceHasSchema =
      Array.isArray(resources) &&
      resources.length > 0 &&
      resources.every((r) => isObject(r) && (isObject(r.schema) || typeof r.schema === 'string'));
    fiscalShape = hasMeasuresOrDimensions(raw.model) || hasMeasuresOrDimensions(raw.mapping);
  }
  const tabular = declared.has('tabular') || openspending || everyResourceHasSchema;
  const fiscal = declared.has('fiscal') || fiscalShape;
  const kind: PackageKind = openspending ? 'openspending' : fiscal ? 'fiscal' : tabular ? 'tabular' : 'data-package';
  return { kind, openspending, tabular, fiscal };
}
