/**
 * The one logger shape (src/log.ts) and its two implementations: JSON lines for the App
 * (app/log.ts) and plain lines for a terminal (src/cli/log.ts). Both take the same calls.
 */

import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../app/log.ts';
import { createTerminalLogger } from '../../src/cli/log.ts';
import type { Logger } from '../../src/log.ts';

/** The same calls on any Logger: a child with fields, each level, a field left undefined, an Error. */
function exercise(log: Logger): void {
  const part = log.child({ component: 'registry' });
  part.debug('hidden below info');
  part.info('reconcile run', { observed: 4, commit: null });
  part.warn('the registry branch moved under the write: re-reading', { attempt: 2, skipped: undefined });
  log.error('subscriber not notified', { error: new Error('503 Service Unavailable') });
}

describe('createTerminalLogger', () => {
  it('writes one plain line a message, level-labelled, fields in parentheses, below the level dropped', () => {
    const lines: string[] = [];
    exercise(createTerminalLogger({ write: (s) => lines.push(s) }));
    expect(lines).toEqual([
      'os-datastore: reconcile run (component=registry, observed=4, commit=null)\n',
      'os-datastore: warning: the registry branch moved under the write: re-reading (component=registry, attempt=2)\n',
      'os-datastore: error: subscriber not notified (error=503 Service Unavailable)\n',
    ]);
  });

  it('keeps only warnings and errors at level warn, and shows debug at level debug', () => {
    const warn: string[] = [];
    exercise(createTerminalLogger({ write: (s) => warn.push(s), level: 'warn' }));
    expect(warn.map((l) => l.split(':')[1])).toEqual([' warning', ' error']);
    const debug: string[] = [];
    exercise(createTerminalLogger({ write: (s) => debug.push(s), level: 'debug' }));
    expect(debug[0]).toBe('os-datastore: debug: hidden below info (component=registry)\n');
  });

  it('escapes control and bidi characters a repository may have put in a message or a field', () => {
    const lines: string[] = [];
    createTerminalLogger({ write: (s) => lines.push(s) }).warn('dataset \u202Eevil', { title: 'a\nb\x1b[31m' });
    expect(lines).toEqual(['os-datastore: warning: dataset U+202Eevil (title=a\\nb\\x1b[31m)\n']);
  });
});

describe('createJsonLogger', () => {
  it('takes the same calls and writes one JSON object a line with the child fields', () => {
    const lines: string[] = [];
    exercise(createJsonLogger({ stream: { write: (s: string) => (lines.push(s), true) }, now: () => new Date(0) }));
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'reconcile run', component: 'registry', observed: 4, commit: null },
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'warn',
        msg: 'the registry branch moved under the write: re-reading',
        component: 'registry',
        attempt: 2,
      },
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'error',
        msg: 'subscriber not notified',
        error: expect.objectContaining({ name: 'Error', message: '503 Service Unavailable' }),
      },
    ]);
  });
});
