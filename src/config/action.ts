/**
 * The Action's inputs and outputs: their names (action.yml declares exactly these; its test
 * compares), the inputs' defaults (action.yml's `default:` must match them), and the inputs read
 * from the runner's `INPUT_*` variables into a typed object. Unknown values fail loudly (a typo
 * in a boolean is an error, not `false`).
 */

import { configOrThrow, ConfigError, type ConfigProblem, type Parsed } from './problems.ts';
import { SettingsReader, type Env, type Naming } from './readers.ts';
import type { StorageLabels, StorageOverrides } from './storage.ts';

const MODES = ['auto', 'validate', 'publish'] as const;
export type Mode = (typeof MODES)[number];
const FAIL_ON = ['error', 'warning'] as const;

/**
 * Every input, with its default as action.yml declares it (the runner passes it when the
 * workflow does not set the input; the code applies the same default when it is empty).
 * `token` defaults to `${{ github.token }}`, which only the runner can fill in.
 */
export const ACTION_INPUTS = {
  path: { default: '.' },
  mode: { default: 'auto' },
  strict: { default: 'false' },
  'max-annotations': { default: '50' },
  'fail-on': { default: 'error' },
  aggregates: { default: 'true' },
  repository: { default: '' },
  token: { default: '${{ github.token }}' },
  bucket: { default: '' },
  endpoint: { default: '' },
  region: { default: '' },
  prefix: { default: '' },
  'path-style': { default: '' },
  'access-key-id': { default: '' },
  'secret-access-key': { default: '' },
  'allow-private-lfs': { default: 'false' },
} as const satisfies Record<string, { default: string }>;

export type ActionInputName = keyof typeof ACTION_INPUTS;

/** Every output, as action.yml declares them; ActionOutputs makes the code set each one. */
export const ACTION_OUTPUTS = ['valid', 'error-count', 'warning-count', 'report', 'published-version', 'url'] as const;

export type ActionOutputs = Record<(typeof ACTION_OUTPUTS)[number], string>;

export interface ActionInputs {
  /** The dataset directory, relative to the workspace. */
  path: string;
  mode: Mode;
  strict: boolean;
  maxAnnotations: number;
  failOn: (typeof FAIL_ON)[number];
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
export class InputError extends ConfigError {
  constructor(problems: readonly ConfigProblem[] | string) {
    super(typeof problems === 'string' ? [{ setting: '', message: problems }] : problems, { code: 'action-input' });
  }
}

/** An input as the runner passes it: `INPUT_<NAME>` with spaces as underscores, upper-cased; named `input "name"` in messages. */
const INPUT_NAMING: Naming = {
  key: (name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
  label: (name) => `input "${name}"`,
};

/** How storage messages name the inputs that override the OS_STORAGE_* variables. */
export const ACTION_STORAGE_LABELS: StorageLabels = {
  bucket: 'input "bucket"',
  endpoint: 'input "endpoint"',
  region: 'input "region"',
  prefix: 'input "prefix"',
  forcePathStyle: 'input "path-style"',
};

/** The default of a boolean or number input, as the code applies it. */
const defaultOf = (name: ActionInputName): string => ACTION_INPUTS[name].default;

/** The inputs from the runner's environment, and every problem; pure. */
export function parseActionInputs(env: Env): Parsed<ActionInputs> {
  const r = new SettingsReader<ActionInputName>(env, INPUT_NAMING);
  const input = (name: ActionInputName): string | undefined => r.raw(name);
  const bool = (name: ActionInputName): boolean => r.boolean(name, 'yaml') ?? defaultOf(name) === 'true';

  const pathSetting = r.setting('path');
  let path = pathSetting.raw ?? defaultOf('path');
  if (path.startsWith('/') || path.split('/').includes('..')) {
    r.invalid(pathSetting, 'a folder inside the repository');
    path = defaultOf('path');
  }

  // In action.yml's order, so that the problems are too.
  const scalars = {
    path,
    mode: r.choice('mode', MODES) ?? (defaultOf('mode') as Mode),
    strict: bool('strict'),
    maxAnnotations:
      r.integer('max-annotations', { min: 0, max: Number.MAX_SAFE_INTEGER, expected: 'a whole number' }) ??
      Number(defaultOf('max-annotations')),
    failOn: r.choice('fail-on', FAIL_ON) ?? (defaultOf('fail-on') as ActionInputs['failOn']),
    aggregates: bool('aggregates'),
    repository: r.string('repository', { pattern: /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, expected: 'owner/name' }) ?? '',
    token: input('token') ?? '',
  };

  const storage: StorageOverrides = {};
  const bucket = input('bucket');
  if (bucket) storage.bucket = bucket;
  const endpoint = input('endpoint');
  if (endpoint) storage.endpoint = endpoint;
  const region = input('region');
  if (region) storage.region = region;
  const prefix = input('prefix');
  if (prefix) storage.prefix = prefix;
  const pathStyle = r.boolean('path-style', 'yaml');
  if (pathStyle !== undefined) storage.forcePathStyle = pathStyle;
  const keyId = input('access-key-id');
  const secret = input('secret-access-key');
  if (keyId || secret) {
    if (!keyId || !secret)
      r.problem(
        keyId ? 'secret-access-key' : 'access-key-id',
        'inputs "access-key-id" and "secret-access-key" go together: give both, or neither (then OS_ACCESS_KEY_ID / OS_SECRET_ACCESS_KEY or the AWS chain apply).',
      );
    else storage.credentials = { accessKeyId: keyId, secretAccessKey: secret };
  }

  const config: ActionInputs = { ...scalars, storage, allowPrivateLfs: bool('allow-private-lfs') };
  return { config, problems: r.problems };
}

/** parseActionInputs, throwing one InputError for its problems. */
export function readInputs(env: Env): ActionInputs {
  return configOrThrow(parseActionInputs(env), InputError);
}
