// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import directions (README, "Architecture rules"). Each rule is a regular expression on the
 * import specifier, so it holds for relative paths from any depth ("../adapters/…",
 * "../../src/adapters/…").
 */
const forbid = {
  entries: [
    { regex: '(^|/)(cli|action)/', message: 'Entries (src/cli, src/action) are imported by nothing but bin/ and each other.' },
    { regex: '^(\\.\\./)+app/', message: 'The App (app/) is an entry: nothing in src/ imports it but the CLI.' },
  ],
  pipeline: [{ regex: '(^|/)pipeline/', message: 'The use-case layer (src/pipeline) calls the core, not the other way round.' }],
  config: [{ regex: '(^|/)config/', message: 'Configuration (src/config) is parsed by the entries and passed in as values.' }],
  adapters: [
    {
      regex: '(^|/)adapters/',
      message:
        'The core reaches I/O only through its ports (PackageSource, ObjectStore, DatasetSnapshot, GitHubPort, StoreReader); adapters implement them.',
    },
  ],
  vendors: [
    { regex: '^@aws-sdk/', message: 'The S3 SDK stays in src/adapters/s3 (the core uses the ObjectStore port).' },
    { regex: '^@octokit/', message: 'Octokit stays in src/adapters/github and the entries (the core uses the GitHubPort).' },
    { regex: '^@actions/', message: 'The Actions toolkit stays in src/action.' },
    { regex: '^simple-git$', message: 'git stays in src/adapters/git.' },
    { regex: '^(node:)?worker_threads$', message: 'Threads are runtime I/O: they live with the adapters and are built by the entries.' },
  ],
  validate: [{ regex: '(^|/)validate/', message: 'src/package is below src/validate: it imports nothing from it.' }],
};
const restrict = (...groups) => ({ 'no-restricted-imports': ['error', { patterns: groups.flat() }] });

/** The pure core (README, "Project layout"). */
const CORE = [
  'src/validate/**',
  'src/aggregate/**',
  'src/cache/key.ts',
  'src/cache/entry.ts',
  'src/mirror/plan.ts',
  'src/mirror/layout.ts',
  'src/mirror/object-store.ts',
  'src/mirror/snapshot.ts',
  'src/registry/model.ts',
  'src/registry/edit.ts',
  'src/registry/csv.ts',
  'src/registry/clean.ts',
  'src/registry/github-port.ts',
  'src/read/**',
  'src/site/**',
  'src/migrate/convert.ts',
  'src/errors.ts',
  'src/log.ts',
  'src/escape.ts',
  'src/concurrency.ts',
];
/** Documented exceptions (README, "Architecture rules"). */
const CORE_EXCEPTIONS = [
  // The read side's public facade for programs: it hands out the two StoreReader adapters with the library.
  'src/read/index.ts',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.os-datastore/**', 'coverage/**', 'bench/.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-control-regex': 'off',
    },
  },
  // Later blocks replace the rule for the files they match, so each one repeats what it keeps.
  { files: ['src/**/*.ts'], ignores: ['src/cli/**', 'src/action/**'], rules: restrict(forbid.entries) },
  // Adapters may name a configuration's type (the entries parse it and pass the values in).
  { files: ['src/adapters/**/*.ts'], rules: restrict(forbid.entries, forbid.pipeline) },
  // The worker-thread runner implements the pipeline's JobRunner port (src/pipeline/table-job.ts) and runs its table jobs.
  { files: ['src/adapters/threads/**/*.ts'], rules: restrict(forbid.entries) },
  // The registry, notifications and the mirror talk to GitHub and the store through ports only.
  {
    files: ['src/registry/**/*.ts', 'src/notify/**/*.ts', 'src/mirror/**/*.ts'],
    rules: restrict(forbid.entries, forbid.pipeline, forbid.config, forbid.adapters, forbid.vendors),
  },
  {
    files: CORE,
    ignores: CORE_EXCEPTIONS,
    rules: restrict(forbid.entries, forbid.pipeline, forbid.config, forbid.adapters, forbid.vendors),
  },
  {
    files: ['src/package/**/*.ts'],
    rules: restrict(forbid.entries, forbid.pipeline, forbid.config, forbid.adapters, forbid.vendors, forbid.validate),
  },
  { files: CORE_EXCEPTIONS, rules: restrict(forbid.entries, forbid.pipeline, forbid.config, forbid.vendors) },
);
