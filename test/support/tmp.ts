import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

/** The real fixtures shipped beside the project (../shared/fixtures/real). */
export const REAL = fileURLToPath(new URL('../../../shared/fixtures/real/', import.meta.url));

/** A temporary directory holding `files` (path → content), removed when the test finishes. */
export async function testdir(files: Record<string, string | Uint8Array | object> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'osds-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    const data = typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content, null, 2);
    await writeFile(full, data);
  }
  return dir;
}
