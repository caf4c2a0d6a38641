/** The Markdown job summary: verdict, counts by code, per-resource table, first problems. */

import type { Report } from '../report.ts';
import { countByCode, KIND_TITLES, problemLocation } from './location.ts';

const cellText = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export interface SummaryOptions {
  /** Problems shown in the table. */
  maxProblems?: number;
  /** Link to the stored full report, when published. */
  reportUrl?: string;
}

export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const max = options.maxProblems ?? 50;
  const s = report.stats;
  const kind = report.kind ? KIND_TITLES[report.kind] : 'package';
  const out: string[] = [];
  out.push(`## ${report.valid ? '✅' : '❌'} ${report.root === '.' ? report.descriptor : `${report.root}/${report.descriptor}`} — ${kind} ${report.valid ? 'valid' : 'invalid'}`);
  out.push('', `${s.resources} resources · ${s.rows} rows · ${s.errors} errors · ${s.warnings} warnings · ${s.seconds.toFixed(2)} s`);
  if (options.reportUrl) out.push('', `Full report: ${options.reportUrl}`);
  const listed = [...report.errors, ...report.warnings];
  if (listed.length) {
    out.push('', '| code | count |', '| --- | ---: |');
    for (const [code, n] of countByCode(listed)) out.push(`| \`${code}\` | ${n} |`);
  }
  if (report.resources.length) {
    out.push('', '| resource | path | rows | errors | warnings |', '| --- | --- | ---: | ---: | ---: |');
    for (const r of report.resources) out.push(`| ${cellText(r.name)} | ${cellText(r.path ?? '')} | ${r.rows} | ${r.errors} | ${r.warnings} |`);
  }
  if (listed.length) {
    out.push('', '| | location | code | message |', '| --- | --- | --- | --- |');
    for (const p of listed.slice(0, max)) {
      out.push(`| ${p.severity === 'error' ? '❌' : '⚠️'} | \`${cellText(problemLocation(report, p))}\` | \`${p.code}\` | ${cellText(p.message)} |`);
    }
    const more = s.errors + s.warnings - Math.min(max, listed.length);
    if (more > 0) out.push('', `… and ${more} more (see the JSON report).`);
  }
  return out.join('\n') + '\n';
}
