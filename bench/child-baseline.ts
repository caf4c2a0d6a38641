/**
 * Measurement child: the parse-only baseline over the given CSV files, one after the other.
 * Usage: node --import tsx bench/child-baseline.ts FILE...
 */
import { parseOnly } from './baseline.ts';
import { emit, peakRssBytes } from './child.ts';

const files = process.argv.slice(2);
const t0 = performance.now();
let rows = 0;
let cells = 0;
let bytes = 0;
for (const file of files) {
  const r = await parseOnly(file);
  rows += Math.max(0, r.rows - 1); // the header is not a data row
  cells += r.cells;
  bytes += r.bytes;
}
const seconds = (performance.now() - t0) / 1000;
emit({ ok: true, seconds, maxRssBytes: peakRssBytes(), rows, bytes, details: { cells, files: files.length } });
