/**
 * Hostile text through the CLI as users run it (a child process, NO_COLOR set): markup and control
 * bytes from cells, labels, resource names and file paths never reach the terminal raw, and
 * messages stay bounded however large the values they quote.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { testdir } from '../support/tmp.ts';

const XSS = '<img src=x onerror=alert(1)>';
/** ESC (a colour, a screen clear), BEL, an RTL override and an isolate. */
const CONTROLS = '\u001b[31m\u001b[2J\u0007\u202Eevil\u2066';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('control characters and markup from the data', () => {
  it('validate shows ESC, BEL, NUL and bidi controls from cells, labels, names and paths escaped', async () => {
    const schema = {
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'note', type: 'string' },
        { name: 'amount', type: 'number' },
      ],
    };
    const root = `ds${CONTROLS}`; // the dataset's folder: in every location shown
    const dir = await testdir({
      [`${root}/datapackage.json`]: {
        name: 'hostile',
        resources: [
          { name: `spending${CONTROLS}\u0000`, path: 'data/s.csv', schema },
          { name: 'other', path: `data/sp${CONTROLS}.csv`, schema },
        ],
      },
      [`${root}/data/s.csv`]: `id,note${CONTROLS},amount\n1,${XSS},${XSS}\n2,x,1${CONTROLS}\n`,
    });
    const run = await runCli(['validate', join(dir, root)]);
    expect(run.code).toBe(1);
    const out = run.stdout + run.stderr;
    expect(out).not.toMatch(RAW);
    expect(out).not.toContain('\u0000');
    const shown = '\\x1b[31m\\x1b[2J\\x07U+202EevilU+2066';
    expect(out).toContain(`resource name "spending${shown}\\x00" is not a slug`); // a resource name
    expect(out).toContain(`is labelled "note${shown}"`); // a label
    expect(out).toContain(`"1${shown}" is not a number`); // a cell
    expect(out).toContain(`path "data/sp${shown}.csv" of resource "other"`); // a resource path
    expect(out).toContain(`ds${shown}/data/s.csv:3 row 3`); // a file path in a location
    expect(out).toContain(`"${XSS}" is not a number`); // a terminal shows markup as the text it is
  });

  it('the JSON report keeps the exact values', async () => {
    const dir = await testdir({
      'datapackage.json': {
        name: 'hostile',
        resources: [{ name: 'spending', path: 'data/s.csv', schema: { fields: [{ name: 'amount', type: 'number' }] } }],
      },
      'data/s.csv': `amount\n1${CONTROLS}\n`,
    });
    const run = await runCli(['validate', '--json', dir]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.errors[0]).toMatchObject({ code: 'type-error', cell: `1${CONTROLS}` });
  });
});

/** Bytes printed for a 64 MB one-line CSV: its one huge label is quoted once, cut. */
const ONE_LINE_OUTPUT_BOUND = 16 * 1024;

describe('output stays bounded', () => {
  it('a 64 MB one-line CSV gives a few KiB of output, not the line', async () => {
    const dir = await testdir({
      'datapackage.json': {
        name: 'big',
        resources: [
          {
            name: 'big',
            path: 'big.csv',
            schema: {
              fields: [
                { name: 'id', type: 'string' },
                { name: 'note', type: 'string' },
              ],
            },
          },
        ],
      },
    });
    const file = await open(join(dir, 'big.csv'), 'w');
    try {
      await file.write('id,');
      // 64 MB (just under the parser's 64 MiB record bound, past which the record is a source-error)
      const chunk = Buffer.alloc(4_000_000, 'x');
      for (let i = 0; i < 16; i++) await file.write(chunk); // no line break
    } finally {
      await file.close();
    }
    const text = await runCli(['validate', dir]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/incorrect-label .*is labelled "x{120}…"/);
    expect(Buffer.byteLength(text.stdout + text.stderr)).toBeLessThan(ONE_LINE_OUTPUT_BOUND);
    const json = await runCli(['validate', '--json', dir]);
    expect(Buffer.byteLength(json.stdout + json.stderr)).toBeLessThan(ONE_LINE_OUTPUT_BOUND);
  });

  it('names of any length (a 200,000-character resource name and field name) give a JSON report of bounded size, problems still under their resource', async () => {
    const name = `r${'n'.repeat(200_000)}`;
    const field = `f${'x'.repeat(200_000)}`;
    const rows = Array.from({ length: 3000 }, (_, i) => `bad${i}`).join('\n');
    const dir = await testdir({
      'datapackage.json': {
        name: 'names',
        resources: [{ name, path: 'data.csv', schema: { fields: [{ name: field, type: 'integer' }] } }],
      },
      'data.csv': `${field}\n${rows}\n`,
    });
    const json = await runCli(['validate', '--json', dir]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      stats: { errors: number };
      errors: Array<{ resource: string; fieldName: string }>;
      resources: Array<{ name: string; errors: number }>;
    };
    expect(report.stats.errors).toBe(3000);
    // listed: --max-errors (1000) problems, each naming its resource and field cut at 1,024 characters
    expect(report.errors).toHaveLength(1000);
    expect(new Set(report.errors.map((e) => e.resource))).toEqual(new Set([`${name.slice(0, 1024)}…`]));
    expect(new Set(report.errors.map((e) => e.fieldName))).toEqual(new Set([`${field.slice(0, 1024)}…`]));
    expect(report.resources).toMatchObject([{ name: `${name.slice(0, 1024)}…`, errors: 3000 }]);
    // uncut, the names alone would be 1000 × 400,000 characters
    expect(Buffer.byteLength(json.stdout)).toBeLessThan(4 * 1024 * 1024);
    const text = await runCli(['validate', dir]);
    expect(text.stdout).toMatch(/3000 errors/);
    expect(text.stdout.split('\n').filter((l) => /type-error/.test(l) && !/more not listed/.test(l))).toHaveLength(1000);
    expect(text.stdout).toContain('… 2000 more not listed: 2,000 type-error (raise --max-errors to see them)');
  });
});
