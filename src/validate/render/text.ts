/** The human report: problems grouped per resource, with file:line locations. */

import { shorten, visible } from '../../escape.ts';
import { quoted, type Problem } from '../../package/problem.ts';
import type { Report } from '../report.ts';
import { KIND_TITLES, problemLocation } from './location.ts';

export interface TextOptions {
  color: boolean;
}

const paint = (on: boolean, code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** Characters of a name, path, location or pointer shown, before "…". */
const TEXT_NAME_LIMIT = 256;
/**
 * Untrusted text for the terminal: control and bidi characters shown escaped (`\x1b`, `U+202E`),
 * never sent raw, and names cut. Only the colours painted here are escape sequences.
 */
const safe = (s: string): string => shorten(s, TEXT_NAME_LIMIT);

export function renderText(report: Report, options: TextOptions): string {
  const red = paint(options.color, 31);
  const yellow = paint(options.color, 33);
  const green = paint(options.color, 32);
  const dim = paint(options.color, 2);
  const bold = paint(options.color, 1);
  const out: string[] = [];
  const kind = report.kind ? KIND_TITLES[report.kind] : 'package';
  const descriptorFile = report.root === '.' ? report.descriptor : `${report.root}/${report.descriptor}`;
  const verdict = report.valid ? green('valid') : red('INVALID');
  out.push(`${bold(safe(descriptorFile))} (${kind}): ${verdict}`);

  const line = (p: Problem): string => {
    const sev = p.severity === 'error' ? red('error  ') : yellow('warning');
    const where = p.rowNumber !== undefined ? ` row ${p.rowNumber}` : p.pointer ? ` ${safe(p.pointer)}` : '';
    return `  ${dim(safe(problemLocation(report, p)))}${dim(where)}  ${sev} ${bold(p.code)}  ${visible(p.message)}`;
  };
  const all = [...report.errors, ...report.warnings];
  const descriptorProblems = all.filter((p) => p.resource === undefined);
  if (descriptorProblems.length) {
    out.push('', bold('descriptor'));
    for (const p of descriptorProblems) out.push(line(p));
    const unlistedHere = descriptorUnlisted(report);
    if (unlistedHere) out.push(`  ${dim(`… more not listed${byCode(unlistedHere)} (raise --max-errors to see them)`)}`);
  }
  for (const r of report.resources) {
    const ps = all.filter((p) => p.resource === r.name);
    const counts = [
      plural(r.rows, 'row'),
      r.errors ? red(plural(r.errors, 'error')) : '',
      r.warnings ? yellow(plural(r.warnings, 'warning')) : '',
    ]
      .filter(Boolean)
      .join(', ');
    if (ps.length) out.push('');
    out.push(`${bold(`resource ${quoted(r.name)}`)}${r.path ? ` ${dim(safe(r.path))}` : ''}: ${counts}`);
    for (const p of ps) out.push(line(p));
    if (r.truncated)
      out.push(`  ${dim(`… ${r.errors + r.warnings - ps.length} more not listed${byCode(r.unlisted)} (raise --max-errors to see them)`)}`);
  }
  const s = report.stats;
  if (all.length) out.push('');
  out.push(
    `${plural(s.resources, 'resource')}, ${plural(s.rows, 'row')}, ${formatBytes(s.bytes)} in ${s.seconds.toFixed(2)} s: ` +
      `${s.errors ? red(plural(s.errors, 'error')) : green('0 errors')}, ${s.warnings ? yellow(plural(s.warnings, 'warning')) : '0 warnings'}`,
  );
  return out.join('\n') + '\n';
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** ": 9,995 type-error, 3 missing-cell" — the problems not listed, by code, most first ('' when unknown). */
function byCode(unlisted: Record<string, number> | undefined): string {
  const entries = Object.entries(unlisted ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length ? `: ${entries.map(([code, n]) => `${n.toLocaleString('en-US')} ${code}`).join(', ')}` : '';
}

/** The descriptor's unlisted problems: the report's total less its resources' (undefined when none). */
function descriptorUnlisted(report: Report): Record<string, number> | undefined {
  const left: Record<string, number> = { ...(report.stats.unlisted ?? {}) };
  for (const r of report.resources) for (const [code, n] of Object.entries(r.unlisted ?? {})) left[code] = (left[code] ?? 0) - n;
  const out = Object.fromEntries(Object.entries(left).filter(([, n]) => n > 0));
  return Object.keys(out).length ? out : undefined;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
