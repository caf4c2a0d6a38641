/**
 * Data Package v2 tables (issue 16): each package under test/fixtures/v2 reproduces a
 * frictionless-py test case (its data and options written as a Data Package) or, for the v2
 * properties frictionless 5.19 does not implement, a case of the v2 specification. Its
 * expected.json holds the [rowNumber, fieldNumber, code] list: frictionless's (confirmed by
 * running it: scripts/confirm-v2-fixtures.sh) or the v2 text's ("source": "v2-spec").
 * "ERROR" means frictionless refuses to read the table at all (one error, no rows): here one
 * descriptor-error and no row problems.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rowFieldCode, validateDir } from '../support/report.ts';

const ROOT = fileURLToPath(new URL('../fixtures/v2/', import.meta.url));

interface Expected {
  reference: string;
  source: 'frictionless' | 'v2-spec';
  errors: Array<[number | null, number | null, string]> | 'ERROR';
}

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ name: d.name, expected: JSON.parse(readFileSync(join(ROOT, d.name, 'expected.json'), 'utf8')) as Expected }));

describe('v2 fixtures get the errors frictionless (or the v2 text) gives them', () => {
  it('has the fixtures', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases)('$name', async ({ name, expected }) => {
    const report = await validateDir(join(ROOT, name));
    if (expected.errors === 'ERROR') {
      expect(report.errors.map((e) => e.code)).toEqual(['descriptor-error']);
      expect(report.valid).toBe(false);
      return;
    }
    expect(rowFieldCode(report)).toEqual(expected.errors);
    expect(report.valid).toBe(expected.errors.length === 0);
    // Every v2 property these fixtures use is implemented: nothing is reported as ignored. (What the
    // sniffer found where the descriptor is silent, e.g. the space after each "," of
    // label-spaces-stripped's header, is said as dialect-sniffed: a reading, not an ignored property.)
    expect(report.warnings.filter((w) => w.code !== 'dialect-sniffed').map((w) => w.message)).toEqual([]);
  });
});
