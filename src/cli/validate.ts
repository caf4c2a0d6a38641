import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createFsSource } from '../adapters/fs/source.ts';
import { aggregateFiles } from '../aggregate/index.ts';
import type { PackageSource } from '../package/source.ts';
import { createParallelRunner } from '../adapters/threads/parallel.ts';
import { checkPackage, type CheckResult } from '../pipeline/check.ts';
import type { Report } from '../validate/report.ts';
import { visible } from '../escape.ts';
import { renderText } from '../validate/render/text.ts';
import { UsageError, type Io } from './io.ts';
import { threadsOf } from './options.ts';
import { localResultCache } from '../cache/local.ts';
import { useColor } from '../config/terminal.ts';
import { messageOf } from '../errors.ts';

export interface ValidateFlags {
  json?: boolean;
  strict?: boolean;
  maxErrors: number;
  owner?: string;
  allowRemote?: boolean;
  /** Remote resources may be on loopback, private and link-local addresses too. */
  allowPrivateRemote?: boolean;
  /** Write the aggregates of each OpenSpending package under this directory. */
  aggregates?: string;
  /** Worker threads for the table pass (default: the cores, up to 4). */
  threads?: number;
  /** false (--no-cache): no results kept under .os-datastore/cache. */
  cache?: boolean;
  /** Read a published dataset's validation results from this public bucket URL (prefix included). */
  cacheFrom?: string;
}

/** `os-datastore validate`: 0 all valid, 1 some invalid. */
export async function runValidate(targets: string[], flags: ValidateFlags, io: Io): Promise<number> {
  const packages: string[] = [];
  for (const t of targets) packages.push(...(await findPackages(t)));
  const reports: Report[] = [];
  const outDirs = new Set<string>();
  if (flags.aggregates !== undefined) await makeDir(flags.aggregates);
  const threads = threadsOf(flags.threads, io);
  if (flags.cacheFrom !== undefined && !/^https?:\/\/[^/?#]+[^?#]*$/i.test(flags.cacheFrom)) {
    throw new UsageError(
      `--cache-from must be the public http(s) URL of a bucket, prefix included, like "https://bucket.s3.amazonaws.com/prefix" (got ${JSON.stringify(flags.cacheFrom)})`,
    );
  }
  const onWarning = (message: string): void => io.stderr(`warning: ${visible(message)}\n`);
  for (const p of packages) {
    const source = await createFsSource(p, { remote: { allowPrivate: Boolean(flags.allowPrivateRemote) } });
    const options = { strict: flags.strict, maxErrors: flags.maxErrors, repositoryOwner: flags.owner, allowRemote: flags.allowRemote };
    const cache = await localResultCache(source, {
      local: flags.cache !== false,
      from: flags.cacheFrom,
      owner: flags.owner,
      warn: onWarning,
    });
    // One runner per package: its workers start with the package's recipe.
    const runner = createParallelRunner({ threads, warn: onWarning });
    let result: CheckResult;
    try {
      result = await checkPackage(source, { ...options, runner, aggregate: flags.aggregates !== undefined, ...(cache && { cache }) });
    } finally {
      await runner.close();
    }
    await result.cache?.flush();
    const report = result.validation.report;
    if (flags.aggregates !== undefined) await writeAggregates(source, result, flags.aggregates, packages.length > 1 ? outDirs : null, io);
    reports.push(report);
    if (!flags.json) io.stdout(renderText(report, { color: useColor(io.env, io.isTTY) }) + (packages.length > 1 ? '\n' : ''));
  }
  const valid = reports.every((r) => r.valid);
  if (flags.json) {
    const doc = reports.length === 1 ? reports[0] : { valid, reports };
    io.stdout(JSON.stringify(doc, null, 2) + '\n');
  } else if (reports.length > 1) {
    io.stdout(`${reports.filter((r) => r.valid).length} of ${reports.length} packages valid\n`);
  }
  return valid ? 0 : 1;
}

async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`--aggregates ${dir}: cannot create the directory (${messageOf(e)})`);
  }
}

/**
 * Write one package's aggregates: into `outDir` itself (one package), or into
 * `outDir/<package name>` when the command validates several (`taken` holds the names used).
 * Files of the same names are replaced; other files there are left alone. Nothing is written
 * for a package without a transaction mapping, or an invalid one: a note on stderr says so.
 */
async function writeAggregates(
  source: PackageSource,
  result: CheckResult,
  outDir: string,
  taken: Set<string> | null,
  io: Io,
): Promise<void> {
  const where = join(source.root, source.descriptorPath);
  if (!result.aggregates) {
    io.stderr(`os-datastore: ${visible(`${where}: no aggregates: ${result.reason ?? 'there is no transaction mapping'}`)}\n`);
    return;
  }
  if (!result.validation.report.valid) {
    io.stderr(`os-datastore: ${visible(where)}: aggregates not written: the package is invalid; fix it and validate again\n`);
    return;
  }
  let dir = outDir;
  if (taken) {
    const base = dirName(result.aggregates.package || basename(resolve(source.root)));
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    dir = join(outDir, name);
  }
  const files = aggregateFiles(result.aggregates);
  for (const f of files) {
    const path = join(dir, f.path.replace(/^aggregates\//, ''));
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content);
    } catch (e) {
      throw new UsageError(`--aggregates: cannot write ${path} (${messageOf(e)})`);
    }
  }
  const { skipped } = result.aggregates;
  const note = skipped ? `; ${skipped} row${skipped === 1 ? '' : 's'} without a readable amount not summed` : '';
  io.stderr(`os-datastore: ${visible(`${where}: aggregates written to ${dir} (${files.length} files)${note}`)}\n`);
}

/** A package name as one safe directory name. */
function dirName(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^[-.]+/, '');
  return safe || 'package';
}

/**
 * A target is a descriptor file, a dataset directory, or a directory of datasets (searched up to
 * three levels down, skipping hidden folders and node_modules).
 */
export async function findPackages(target: string): Promise<string[]> {
  let st;
  try {
    st = await stat(target);
  } catch {
    throw new UsageError(`${target}: no such file or directory; give a dataset directory or its datapackage.json`);
  }
  if (!st.isDirectory()) return [target];
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    // A linked descriptor counts as found, so that the source refuses it by name.
    if (entries.some((e) => (e.isFile() || e.isSymbolicLink()) && e.name === 'datapackage.json')) {
      found.push(dir);
      return;
    }
    if (depth === 0) return;
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') await walk(join(dir, e.name), depth - 1);
    }
  };
  await walk(target, 3);
  if (found.length === 0) throw new UsageError(`${target}: no datapackage.json here or in its subfolders; give a dataset directory`);
  return found;
}
