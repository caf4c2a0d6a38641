// Bundles the Action into dist/index.js (one ESM file, no node_modules needed on the runner).
// Deterministic: same sources and lockfile, same bytes. `node scripts/build.mjs OUT_DIR` builds
// elsewhere (the dist check compares that with the committed dist/).
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * The sub-actions (actions/validate, actions/publish) are action.yml with another default mode,
 * name and description, running the same bundle: generated here so they cannot drift.
 */
async function subActions(root) {
  const top = await readFile('action.yml', 'utf8');
  const subs = {
    validate:
      'Validate an OpenSpending Data Package (descriptor and every row) with line-precise annotations, a job summary and a check run.',
    publish: 'Validate an OpenSpending Data Package and publish it to S3 (never for pull requests from forks).',
  };
  for (const [mode, description] of Object.entries(subs)) {
    const text =
      '# Generated from ../../action.yml by scripts/build.mjs: edit that file, then npm run build.\n' +
      top
        .replace(/^name: os-datastore$/m, `name: os-datastore ${mode}`)
        .replace(/^description: .*$/m, `description: ${description}`)
        .replace(/(\n {2}mode:\n {4}description: [^\n]*\n {4}default: )auto/, `$1${mode}`)
        .replace(/^ {2}main: dist\/index\.js$/m, '  main: ../../dist/index.js');
    await mkdir(join(root, 'actions', mode), { recursive: true });
    await writeFile(join(root, 'actions', mode, 'action.yml'), text);
  }
}

const out = resolve(process.argv[2] ?? 'dist');
// Where the generated sub-actions go: the project, or beside OUT_DIR for a check build.
const actionsRoot = process.argv[2] ? resolve(out, '..') : '.';
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  // The table workers (src/adapters/threads/parallel.ts starts dist/pass-worker.js beside dist/index.js).
  entryPoints: { index: 'src/action/index.ts', 'pass-worker': 'src/adapters/threads/worker.ts' },
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // jsonc-parser's `main` is a UMD build with dynamic requires; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __osdsCreateRequire } from 'node:module'; const require = __osdsCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
});
await subActions(actionsRoot);
console.log(`built ${out}/index.js, ${out}/pass-worker.js and ${join(actionsRoot, 'actions')}/{validate,publish}/action.yml`);
