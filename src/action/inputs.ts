/**
 * The Action's inputs, read once from the runner's `INPUT_*` variables into a typed object.
 * Unknown values fail loudly (a typo in a boolean is an error, not `false`).
 */

import { UserError } from '../errors.ts';
import type { StorageOverrides } from '../adapters/s3/config.ts';

export type Mode = 'auto' | 'validate' | 'publish';

export interface ActionInputs {
  /** The dataset directory, relative to the workspace. */
  path: string;
  mode: Mode;
  strict: boolean;
  maxAnnotations: number;
  failOn: 'error' | 'warning';
  aggregates: boolean;
  storage: StorageOverrides;
  /** Token for check runs and the LFS API (default: the workflow's token passed in `token`). */
  token: string;
  /** Allow an .lfsconfig endpoint on a private address (self-hosted setups). */
  allowPrivateLfs: boolean;
  /** The dataset's repository, when not the workflow's (owner/name); '' otherwise. */
  repository: string;
}

/** A mistake in the workflow file: the message names the input and the allowed values. */
export class InputError extends UserError {
  constructor(message: string) {
    super('action-input', message);
  }
}

/** An input as the runner passes it: `INPUT_<NAME>` with spaces as underscores, upper-cased. */
export function inputOf(env: Record<string, string | undefined>, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function booleanInput(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const v = inputOf(env, name);
  if (v === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new InputError(`input "${name}" must be true or false (found "${v}")`);
}

function choiceInput<T extends string>(env: Record<string, string | undefined>, name: string, allowed: readonly T[], fallback: T): T {
  const v = inputOf(env, name);
  if (v === '') return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(`input "${name}" must be one of ${allowed.join(', ')} (found "${v}")`);
}

function countInput(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const v = inputOf(env, name);
  if (v === '') return fallback;
  if (!/^\d+$/.test(v)) throw new InputError(`input "${name}" must be a whole number (found "${v}")`);
  return Number(v);
}

function repositoryInput(env: Record<string, string | undefined>): string {
  const v = inputOf(env, 'repository');
  if (v !== '' && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(v)) throw new InputError(`input "repository" must be owner/name (found "${v}")`);
  return v;
}

export function readInputs(env: Record<string, string | undefined>): ActionInputs {
  const path = inputOf(env, 'path') || '.';
  if (path.startsWith('/') || path.split('/').includes('..'))
    throw new InputError(`input "path" must be a folder inside the repository (found "${path}")`);
  const storage: StorageOverrides = {};
  const bucket = inputOf(env, 'bucket');
  if (bucket) storage.bucket = bucket;
  const endpoint = inputOf(env, 'endpoint');
  if (endpoint) storage.endpoint = endpoint;
  const region = inputOf(env, 'region');
  if (region) storage.region = region;
  const prefix = inputOf(env, 'prefix');
  if (prefix) storage.prefix = prefix;
  if (inputOf(env, 'path-style') !== '') storage.forcePathStyle = booleanInput(env, 'path-style', false);
  const keyId = inputOf(env, 'access-key-id');
  const secret = inputOf(env, 'secret-access-key');
  if (keyId || secret) {
    if (!keyId || !secret)
      throw new InputError(
        'inputs "access-key-id" and "secret-access-key" go together: give both, or neither (then OS_ACCESS_KEY_ID / OS_SECRET_ACCESS_KEY or the AWS chain apply)',
      );
    storage.credentials = { accessKeyId: keyId, secretAccessKey: secret };
  }
  return {
    path,
    mode: choiceInput(env, 'mode', ['auto', 'validate', 'publish'] as const, 'auto'),
    strict: booleanInput(env, 'strict', false),
    maxAnnotations: countInput(env, 'max-annotations', 50),
    failOn: choiceInput(env, 'fail-on', ['error', 'warning'] as const, 'error'),
    aggregates: booleanInput(env, 'aggregates', true),
    storage,
    token: inputOf(env, 'token'),
    allowPrivateLfs: booleanInput(env, 'allow-private-lfs', false),
    repository: repositoryInput(env),
  };
}
