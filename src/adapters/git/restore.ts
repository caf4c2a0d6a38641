/**
 * Recreate a git repository from a published version alone: its files committed on `main`, the
 * files that were in git-LFS tracked by LFS again (each by its literal name), the original commit
 * id in the message. Built in a temporary folder renamed into place at the end.
 */

import { spawnSync } from 'node:child_process';
import { intoFreshFolder } from '../fs/fresh-folder.ts';
import { downloadVersion, type DownloadResult } from '../../read/download.ts';
import { ReadError } from '../../read/reader.ts';
import type { PublishedVersion } from '../../read/dataset.ts';
import { gitText, runGit } from './exec.ts';

export interface RestoreResult extends DownloadResult {
  /** The new repository's commit. */
  commit: string;
  /** Files tracked by LFS again. */
  lfs: number;
}

const IDENTITY = ['-c', 'user.name=os-datastore restore', '-c', 'user.email=os-datastore-restore@localhost'];

export async function restoreRepository(version: PublishedVersion, into: string): Promise<RestoreResult> {
  const lfsPaths = version.files.filter((f) => f.lfs).map((f) => f.path);
  if (lfsPaths.length && spawnSync('git', ['lfs', 'version'], { stdio: 'ignore' }).status !== 0) {
    throw new ReadError(
      `${lfsPaths.length} files of ${version.owner}/${version.name} were in git-LFS, and git-lfs is not installed: install it (https://git-lfs.com, or apt-get install git-lfs) and run restore again`,
      'not-found',
    );
  }
  return intoFreshFolder(into, '--into', async (dir) => {
    await runGit(dir, ['init', '-q', '-b', 'main']);
    if (lfsPaths.length) await runGit(dir, ['lfs', 'install', '--local']);
    const downloaded = await downloadVersion(version, dir);
    for (let i = 0; i < lfsPaths.length; i += 100) await runGit(dir, ['lfs', 'track', '--filename', '--', ...lfsPaths.slice(i, i + 100)]);
    await runGit(dir, ['add', '-A']);
    // The user's identity when git has one, else a recognisable stand-in.
    const hasIdentity =
      (await runGit(dir, ['config', 'user.email'], { allow: [1] })).exitCode === 0 &&
      (await runGit(dir, ['config', 'user.name'], { allow: [1] })).exitCode === 0;
    const message =
      `Restore ${version.owner}/${version.name} at ${version.commit.slice(0, 12)} from the datastore\n\n` +
      `Restored by os-datastore from ${version.reader.description}, the version published at ${version.publishedAt}.\n` +
      `Original commit: ${version.commit}\n`;
    await runGit(dir, [...(hasIdentity ? [] : IDENTITY), 'commit', '-q', '--no-verify', '-m', message]);
    return { ...downloaded, commit: await gitText(dir, ['rev-parse', 'HEAD']), lfs: lfsPaths.length };
  });
}
