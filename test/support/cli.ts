/** The CLI as users run it: `node bin/os-datastore.js ...` in a child process. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/os-datastore.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI (NO_COLOR set) from `cwd` (default: the project root) with `base` (default: this process's environment) plus `env`. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; base?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  const env = { ...(options.base ?? process.env), NO_COLOR: '1', ...options.env };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
