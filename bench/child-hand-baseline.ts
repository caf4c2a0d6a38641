/**
 * Measurement child: the hand-written parse-only floor the issues name
 * (`node ../shared/bench/parse-baseline.mjs FILE hand`: line split + split(','), a quote-aware
 * slow path), run once per CSV in its own process; the seconds are summed, the peak RSS is the
 * highest. Usage: node --import tsx bench/child-hand-baseline.ts FILE...
 *
 * The script lives beside the repository (BENCH_HAND_BASELINE overrides the path); where it is
 * not, the measurement is reported unavailable, not failed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { emit } from './child.ts';
import { ROOT_DIR } from './harness.ts';

const script = resolve(ROOT_DIR, process.env['BENCH_HAND_BASELINE'] ?? '../shared/bench/parse-baseline.mjs');
if (!existsSync(script)) {
  emit({ ok: false, unavailable: true, reason: `${script} not found (set BENCH_HAND_BASELINE)` });
} else {
  let seconds = 0;
  let rows = 0;
  let rss = 0;
  for (const file of process.argv.slice(2)) {
    const out = execFileSync(process.execPath, [script, file, 'hand'], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { seconds: number; rows: number; maxRssMB: number };
    seconds += r.seconds;
    rows += r.rows;
    rss = Math.max(rss, r.maxRssMB * 1024 * 1024);
  }
  emit({ ok: true, seconds, maxRssBytes: rss, rows, bytes: 0 });
}
