import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createFsSource } from '../adapters/fs/source.ts';
import { validatePackage } from '../validate/package.ts';
import type { Report } from '../validate/report.ts';
import { renderText } from '../validate/render/text.ts';
import { UsageError, type Io } from './main.ts';

export interface ValidateFlags {
  json?: boolean;
  strict?: boolean;
  maxErrors: number;
  owner?: string;
  allowRemote?: boolean;
}

/** `os-datastore validate`: 0 all valid, 1 some invalid. */
export async function runValidate(targets: string[], flags: ValidateFlags, io: Io): Promise<number> {
  const packages: string[] = [];
  for (const t of targets) packages.push(...(await findPackages(t)));
  const reports: Report[] = [];
  for (const p of packages) {
    const source = await createFsSource(p);
    const report = await validatePackage(source, { strict: flags.strict, maxErrors: flags.maxErrors, repositoryOwner: flags.owner, allowRemote: flags.allowRemote });
    reports.push(report);
    if (!flags.json) io.stdout(renderText(report, { color: io.isTTY && !io.env.NO_COLOR }) + (packages.length > 1 ? '\n' : ''));
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

/**
 * A target is a descriptor file, a dataset directory, or a directory of datasets (searched up to
 * three levels down, skipping hidden folders and node_modules).
 */
async function findPackages(target: string): Promise<string[]> {
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
    if (entries.some((e) => e.isFile() && e.name === 'datapackage.json')) {
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
