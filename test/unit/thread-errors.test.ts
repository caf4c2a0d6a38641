/**
 * An error thrown by a table job on a worker thread reaches the main thread as a message
 * (structured clone: classes do not survive). A user's error must come back as a UserError, so
 * the entries show it as one sentence with its hint and exit 2, not as an internal error.
 */
import { describe, expect, it } from 'vitest';
import { errorFrom } from '../../src/adapters/threads/parallel.ts';
import { isUserError, UserError } from '../../src/errors.ts';

describe('errors from worker threads', () => {
  it('a UserError comes back as a UserError with its code, hint and exit code', () => {
    const original = new UserError('read-damaged', 'data/a.csv changed while it was read.', { hint: 'Run it again.', exitCode: 1 });
    const message = structuredClone({
      type: 'error' as const,
      id: 7,
      message: original.message,
      stack: original.stack,
      user: { code: original.code, hint: original.hint!, exitCode: original.exitCode },
    });
    const error = errorFrom(message);
    expect(isUserError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'read-damaged',
      message: 'data/a.csv changed while it was read.',
      hint: 'Run it again.',
      exitCode: 1,
    });
  });

  it('anything else stays an internal error, with the stack of the worker', () => {
    const error = errorFrom({ type: 'error', id: 7, message: 'boom', stack: 'Error: boom\n    at worker.ts:1:1' });
    expect(isUserError(error)).toBe(false);
    expect(error.message).toBe('boom');
    expect(error.stack).toBe('Error: boom\n    at worker.ts:1:1');
  });
});
