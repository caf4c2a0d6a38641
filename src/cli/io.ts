/**
 * What every command writes to and reads from: the standard streams and the environment, given by
 * the entry (tests pass their own), and the one error class for a mistake in how a command was called.
 */

import { UserError, type UserErrorOptions } from '../errors.ts';

/** A mistake in how the command was called (a flag, an argument, a path given): message and hint, exit 2. */
export class UsageError extends UserError {
  constructor(message: string, options: UserErrorOptions = {}) {
    super('usage', message, options);
  }
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * A writer to a standard stream that outlives its reader: when the reader goes away (EPIPE, as in
 * `validate . | head -c 1`) or the stream fails otherwise, the rest of the output is dropped
 * quietly and the command carries on to its end and its own exit code (an unhandled stream error
 * would end the process with a stack instead). Unix tools die of SIGPIPE there; Node ignores
 * SIGPIPE, and a publish cut short between writes is not what `| head` asked for.
 */
function outliveReader(stream: NodeJS.WritableStream): (s: string) => void {
  let gone = false;
  stream.on('error', () => {
    gone = true;
  });
  return (s) => {
    if (!gone) stream.write(s);
  };
}

export const defaultIo = (): Io => ({
  stdout: outliveReader(process.stdout),
  stderr: outliveReader(process.stderr),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
});
