/**
 * The layering, read from the code: the core folders and the use-case layer (src/pipeline) never
 * load `worker_threads` (threads are runtime I/O: src/adapters/threads, built by the entries),
 * and the core folders do not import src/pipeline (the use-case layer sits above them).
 *
 * A static walk of the import graph with the TypeScript parser, not a child process: the test
 * runner's TypeScript loader (tsx) loads `worker_threads` itself, so a process that imported the
 * core through it could not tell who did.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';

const SRC = join(ROOT, 'src');

/** Every .ts file under a folder of src/. */
function filesUnder(folder: string): string[] {
  const dir = join(SRC, folder);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(relative(SRC, path));
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The modules a file loads when it runs: imports and re-exports that are not type-only, and import() of a literal. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Every module `roots` load, transitively: local files (absolute paths) and packages or built-ins (as written). */
function loadedBy(roots: string[]): { files: Set<string>; external: Map<string, string> } {
  const files = new Set<string>();
  const external = new Map<string, string>(); // specifier → the first file importing it
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else if (!external.has(spec)) external.set(spec, relative(ROOT, file));
    }
  }
  return { files, external };
}

const CORE = ['package', 'validate', 'aggregate', 'registry', 'site'];
const CORE_FILES = [
  ...CORE.flatMap(filesUnder),
  join(SRC, 'mirror/plan.ts'),
  join(SRC, 'mirror/layout.ts'),
  join(SRC, 'cache/key.ts'),
  join(SRC, 'cache/entry.ts'),
];

describe('the layering of src/', () => {
  it('importing the core or the pipeline never loads worker_threads nor the threads adapter', () => {
    const roots = [...CORE_FILES, ...filesUnder('pipeline')];
    expect(roots).toContain(join(SRC, 'pipeline/check.ts'));
    const { files, external } = loadedBy(roots);
    // The walk does reach the pass itself: the table validator and the job that runs it.
    expect(files).toContain(join(SRC, 'validate/table/table.ts'));
    expect(files).toContain(join(SRC, 'pipeline/table-job.ts'));
    expect([...external.keys()].filter((s) => /worker_threads$/.test(s))).toEqual([]);
    expect([...files].map((f) => relative(SRC, f)).filter((f) => f.startsWith('adapters/threads/'))).toEqual([]);
  }, 60_000); // parsing some hundred files on a loaded machine

  it('the threads adapter is where worker_threads is loaded (the walk sees it there)', () => {
    const { external } = loadedBy([join(SRC, 'adapters/threads/parallel.ts')]);
    expect(external.get('node:worker_threads')).toBe('src/adapters/threads/parallel.ts');
  });

  it('the core folders import neither src/pipeline nor the threads adapter, not even for types', () => {
    const offending: string[] = [];
    for (const file of CORE_FILES) {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/^(?:import|export)[^;]*?from\s+'([^']+)'/gms)) {
        const target = relative(SRC, resolve(dirname(file), m[1]!));
        if (m[1]!.startsWith('.') && (target.startsWith('pipeline/') || target.startsWith('adapters/threads/')))
          offending.push(`${relative(ROOT, file)} → ${m[1]}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
