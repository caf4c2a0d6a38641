/**
 * Build a folder somewhere temporary and move it into place at the end: a failed or interrupted
 * build leaves nothing at the destination. The temporary folder is a hidden sibling of the
 * destination (same filesystem, so the final rename is atomic); it is removed on failure and on
 * SIGINT/SIGTERM.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../../errors.ts';

/** The destination cannot be used (not empty, not a folder): bad usage. */
export class DestinationError extends UserError {
  constructor(message: string) {
    super('destination-not-fresh', message);
  }
}

/** Fail unless `dir` is absent or an empty folder. */
export async function checkFreshDestination(dir: string, flag: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) throw new DestinationError(`${flag} ${dir} exists and is not a folder: give a new folder`);
  if ((await readdir(dir)).length > 0)
    throw new DestinationError(`${flag} ${dir} is not empty: give a new or empty folder (nothing is ever written over)`);
}

export async function intoFreshFolder<T>(destination: string, flag: string, build: (dir: string) => Promise<T>): Promise<T> {
  const target = resolve(destination);
  await checkFreshDestination(target, flag);
  await mkdir(dirname(target), { recursive: true });
  // The temporary folder's name is known, and the signal handlers set, before it is created: an
  // interrupt that lands while it is being made still removes it.
  const temp = join(dirname(target), `.${basename(target)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(temp, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await mkdir(temp);
    const result = await build(temp);
    await checkFreshDestination(target, flag); // nothing appeared there meanwhile
    await rmdir(target).catch(() => undefined); // an empty folder the user made
    await rename(temp, target);
    return result;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
