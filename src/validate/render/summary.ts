/**
 * The Markdown job summary (and check-run summary): verdict, counts by code, per-resource table,
 * first problems. Every piece of text from the dataset (messages, locations, names, paths) is
 * escaped for Markdown (`markdownText`), so no cell builds HTML, a link or an image there; and the
 * whole document stays within a byte budget, listing problems until the next would not fit.
 */

import { byteLength, markdownCode, markdownText, markdownUrl, shorten } from '../../escape.ts';
import type { Report } from '../report.ts';
import { countByCode, KIND_TITLES, problemLocation } from './location.ts';

/**
 * Bytes of a job summary. GitHub refuses a step summary over 1 MiB ("supports content up to a
 * size of 1024k") and shows nothing of it then; this leaves room for the lines around ours.
 */
export const SUMMARY_MAX_BYTES = 1_000_000;
/**
 * Bytes of a check run's `output.summary`: GitHub takes at most 65535 characters; counting
 * bytes (at least as many as characters) keeps any text under it.
 */
export const CHECK_SUMMARY_MAX_BYTES = 65_535;
/** Characters of a name, path or location shown in a table cell, before "…". */
const SUMMARY_NAME_LIMIT = 256;
/** Bytes kept free for the closing lines ("… and N more", the published line). */
const TAIL_BYTES = 8192;

export interface SummaryOptions {
  /** Problems listed at most (the byte budget may list fewer). */
  maxProblems?: number;
  /** The document's size limit in UTF-8 bytes (SUMMARY_MAX_BYTES by default). */
  maxBytes?: number;
  /** Link to the stored full report, when published. */
  reportUrl?: string;
  /** The line saying where the package was published, when it was. */
  published?: { prefix: string; url: string };
}

/** Untrusted text for a table cell: escaped and cut. */
const cell = (s: string): string => markdownText(shorten(s, SUMMARY_NAME_LIMIT));
/** A link, clickable unless too long to be a real one. */
const link = (url: string): string => (url.length <= 2048 ? markdownUrl(url) : cell(url));

export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const maxProblems = options.maxProblems ?? 1000;
  const budget = Math.max(0, (options.maxBytes ?? SUMMARY_MAX_BYTES) - TAIL_BYTES);
  const s = report.stats;
  const kind = report.kind ? KIND_TITLES[report.kind] : 'package';
  const out: string[] = [];
  let used = 0;
  /** Add lines if they fit in the budget; false when they do not. */
  const add = (...lines: string[]): boolean => {
    const size = lines.reduce((n, l) => n + byteLength(l) + 1, 0);
    if (used + size > budget) return false;
    out.push(...lines);
    used += size;
    return true;
  };
  const descriptor = report.root === '.' ? report.descriptor : `${report.root}/${report.descriptor}`;
  add(`## ${report.valid ? '✅' : '❌'} ${cell(descriptor)} — ${kind} ${report.valid ? 'valid' : 'invalid'}`);
  add('', `${s.resources} resources · ${s.rows} rows · ${s.errors} errors · ${s.warnings} warnings · ${s.seconds.toFixed(2)} s`);
  if (options.reportUrl) add('', `Full report: ${link(options.reportUrl)}`);
  const listed = [...report.errors, ...report.warnings];
  // Every problem counted by code: the listed ones, and those --max-errors left out of the lists.
  const unlisted = s.unlisted ?? {};
  const counted = new Map(countByCode(listed));
  for (const [code, n] of Object.entries(unlisted)) counted.set(code, (counted.get(code) ?? 0) + n);
  const codes = [...counted].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const anyUnlisted = Object.keys(unlisted).length > 0;
  if (
    codes.length &&
    add('', anyUnlisted ? '| code | count | not listed |' : '| code | count |', anyUnlisted ? '| --- | ---: | ---: |' : '| --- | ---: |')
  ) {
    for (const [code, n] of codes)
      if (!add(anyUnlisted ? `| \`${code}\` | ${n} | ${unlisted[code] ?? 0} |` : `| \`${code}\` | ${n} |`)) break;
  }
  const tail: string[] = [];
  if (report.resources.length && add('', '| resource | path | rows | errors | warnings |', '| --- | --- | ---: | ---: | ---: |')) {
    let shown = 0;
    for (const r of report.resources) {
      if (!add(`| ${cell(r.name)} | ${cell(r.path ?? '')} | ${r.rows} | ${r.errors} | ${r.warnings} |`)) break;
      shown++;
    }
    const left = report.resources.length - shown;
    if (left > 0) add('', `… and ${left} more resources (see the JSON report)`);
  }
  let shownProblems = 0;
  if (listed.length && add('', '| | location | code | message |', '| --- | --- | --- | --- |')) {
    for (const p of listed.slice(0, maxProblems)) {
      const row = `| ${p.severity === 'error' ? '❌' : '⚠️'} | ${markdownCode(shorten(problemLocation(report, p), SUMMARY_NAME_LIMIT))} | \`${p.code}\` | ${markdownText(p.message)} |`;
      if (!add(row)) break;
      shownProblems++;
    }
  }
  const more = s.errors + s.warnings - shownProblems;
  if (more > 0) tail.push('', `… and ${more} more problem${more === 1 ? '' : 's'} (see the JSON report)`);
  if (options.published) tail.push('', `Published ${cell(options.published.prefix)} → ${link(options.published.url)}`);
  return [...out, ...tail].join('\n') + '\n';
}
