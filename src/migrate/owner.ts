/**
 * Who owns a migrated dataset (OSEP-04 `owner`, the store's `datasets/{owner}/`), and who else
 * worked on it (`contributors`). Pure. The rule, first that applies (MIGRATION.md, OSEP-8 edge
 * cases; README "Owner"):
 *
 * 0. `--create-repos ORG`: ORG, the owner of every repository created (GitHub lists a package
 *    only when its `owner` is the repository's owner); every manager becomes a contributor;
 * 1. `--owner` (one dataset) — the caller decided;
 * 2. the `--owner-map` file's entry for the dataset;
 * 3. the creator of the earliest loaded source, when the dump knows it and they are a manager;
 * 4. the first manager login in sorted order (openspending-migrate's team query had no ORDER BY,
 *    so "first" must be made stable);
 * 5. nobody: the core organization (CORE_ORG, default os-data; the old `namespace()` said "core").
 *
 * Legacy logins go through the map's `accounts` (legacy login → GitHub login); a login that is no
 * GitHub login (e.g. with "_" or ".") is turned into one, with a warning.
 */

import { isObject } from '../package/descriptor.ts';
import { isGitHubLogin } from '../package/names.ts';
import type { Finding } from './legacy.ts';
import { UserError } from '../errors.ts';

export interface OwnerMap {
  /** dataset name → owner (a GitHub login). */
  datasets: Record<string, string>;
  /** legacy openspending.org login → GitHub login. */
  accounts: Record<string, string>;
}

export interface OwnerInput {
  dataset: string;
  managers: string[];
  /** Sources in any order: creator login (null when unknown), whether it was loaded, when made. */
  sources?: Array<{ creator: string | null; loaded: boolean | null; createdAt?: string }>;
  explicit?: string;
  /** `--create-repos ORG`: the organization that will hold the dataset's repository. */
  org?: string;
  map?: OwnerMap;
  coreOrg: string;
}

export interface OwnerChoice {
  owner: string;
  rule: string;
  contributors: string[];
  warnings: Finding[];
}

/** Parse an owner map file's JSON: `{"datasets": {...}, "accounts": {...}}`, or a flat `{dataset: owner}`. */
export function parseOwnerMap(value: unknown, file: string): OwnerMap {
  if (!isObject(value))
    throw new UserError(
      'owner-map',
      `${file}: an owner map is a JSON object: {"datasets": {"<dataset>": "<GitHub login>"}, "accounts": {"<old login>": "<GitHub login>"}}`,
    );
  const flat = !('datasets' in value) && !('accounts' in value);
  const section = (key: string): Record<string, string> => {
    const s = flat ? (key === 'datasets' ? value : {}) : (value[key] ?? {});
    if (!isObject(s)) throw new UserError('owner-map', `${file}: "${key}" must be an object of names to GitHub logins`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(s)) {
      if (typeof v !== 'string' || !isGitHubLogin(v))
        throw new UserError(
          'owner-map',
          `${file}: ${flat ? '' : `${key}.`}${k} is ${JSON.stringify(v)}, not a GitHub login (1 to 39 letters, digits and single hyphens)`,
        );
      out[k] = v;
    }
    return out;
  };
  return { datasets: section('datasets'), accounts: section('accounts') };
}

/** A legacy login as a GitHub login: through the map, else made one ("_" and "." → "-"). */
function githubLogin(login: string, map: OwnerMap | undefined, warnings: Finding[]): string | null {
  const mapped = map?.accounts[login];
  if (mapped) return mapped;
  if (isGitHubLogin(login)) return login;
  const made = login
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 39)
    .replace(/-+$/, '');
  if (!made || !isGitHubLogin(made)) {
    warnings.push({
      code: 'owner-login',
      message: `the legacy login ${JSON.stringify(login)} cannot be made a GitHub login; map it in --owner-map "accounts"`,
    });
    return null;
  }
  warnings.push({
    code: 'owner-login',
    message: `the legacy login ${JSON.stringify(login)} is no GitHub login; "${made}" is used (map it in --owner-map "accounts" to choose)`,
  });
  return made;
}

export function chooseOwner(input: OwnerInput): OwnerChoice {
  const warnings: Finding[] = [];
  const managers = [...new Set(input.managers)].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()) || (a < b ? -1 : 1));
  let owner: string | null = null;
  let rule = '';
  let legacyOwner: string | null = null;
  if (input.org) {
    owner = input.org;
    rule = '--create-repos';
  } else if (input.explicit) {
    owner = input.explicit;
    rule = '--owner';
  } else if (input.map?.datasets[input.dataset]) {
    owner = input.map.datasets[input.dataset]!;
    rule = '--owner-map';
  } else {
    const loaded = (input.sources ?? []).filter((s) => s.loaded === true && s.creator !== null && managers.includes(s.creator));
    loaded.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
    if (loaded.length) {
      legacyOwner = loaded[0]!.creator!;
      rule = 'the creator of the earliest loaded source';
    } else if (managers.length) {
      legacyOwner = managers[0]!;
      rule = managers.length > 1 ? `the first of ${managers.length} managers in sorted order` : 'the only manager';
    }
    if (legacyOwner !== null) owner = githubLogin(legacyOwner, input.map, warnings);
    if (owner === null) {
      owner = input.coreOrg;
      rule = managers.length ? 'no manager login can be a GitHub login: the core organization' : 'no team: the core organization';
    }
  }
  const contributors = managers
    .filter((m) => m !== legacyOwner)
    .map((m) => githubLogin(m, input.map, []) ?? m)
    .filter((m) => m.toLowerCase() !== owner!.toLowerCase());
  return { owner, rule, contributors: [...new Set(contributors)], warnings };
}
