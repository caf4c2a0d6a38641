/**
 * The pages' frame: one self-contained HTML document (no CDN, no external font, script or style),
 * its inline style and script allowed by hash in a strict Content-Security-Policy it carries
 * itself, so it works from any bucket, offline, and nothing injected could run. Every value from
 * a dataset goes through `text()` / `attr()`.
 */

import { createHash } from 'node:crypto';
import { escapeHtml } from '../escape.ts';

/** Text content, escaped (`& < > " '`). */
export const text = (value: unknown): string => escapeHtml(value === null || value === undefined ? '' : String(value));
/** A quoted attribute's value: the same escaping (quotes included), named for where it goes. */
export const attr = (value: unknown): string => text(value);

/** A relative link to a path of the store (`data/a b.csv` → `data/a%20b.csv`); never a scheme. */
export function href(path: string): string {
  return path
    .split('/')
    .map((s) => (s === '..' || s === '.' ? s : encodeURIComponent(s)))
    .join('/');
}

/** An http(s) URL given by a dataset, or null (a `javascript:` or other scheme is never linked). */
export function safeUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; --bar: #2f6fb3; --neg: #b35c00; --ok: #1a7f37; --bad: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d; --accent: #58a6ff; --bar: #4d8fd6; --neg: #e3a04f; --ok: #3fb950; --bad: #f85149; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; }
footer { color: var(--muted); font-size: .875rem; padding-bottom: 2rem; }
a { color: var(--accent); }
h1 { font-size: 1.75rem; margin: .5rem 0; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; }
.muted { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9375rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { font-weight: 600; }
.status.ok::before { content: "✔ "; color: var(--ok); }
.status.bad::before { content: "✘ "; color: var(--bad); }
.chart-pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; align-items: start; }
@media (max-width: 48rem) { .chart-pair { grid-template-columns: 1fr; } dl.facts { grid-template-columns: 1fr; } }
figure { margin: 0; overflow-x: auto; }
svg.chart { width: 100%; min-width: 30rem; height: auto; }
svg.chart .bar { fill: var(--bar); }
svg.chart .bar.negative { fill: var(--neg); }
svg.chart text { fill: var(--fg); font-size: 12px; }
ul.problems { padding-left: 1.2rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .875em; overflow-wrap: anywhere; }
.search { margin: 1rem 0; }
.search input { font: inherit; padding: .4rem .6rem; width: min(100%, 28rem); }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; text-decoration: underline; }
.core { font-weight: 600; }
`;

export interface DocumentInput {
  title: string;
  /** The page's content (already escaped HTML). */
  body: string;
  /** Inline script (allowed by its hash); none for pages that need none. */
  script?: string;
  /** Relative link to the catalog, shown in the header. */
  home?: string;
}

export function htmlDocument(input: DocumentInput): string {
  const scripts = input.script ? `script-src ${hash(input.script)}` : "script-src 'none'";
  const csp = `default-src 'none'; img-src 'self' data:; style-src ${hash(STYLE)}; ${scripts}; connect-src 'self'; base-uri 'none'; form-action 'none'`;
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    '<meta name="referrer" content="no-referrer">\n' +
    // No favicon request (browsers ask the origin's root for one, which a bucket does not have).
    '<link rel="icon" href="data:,">\n' +
    `<title>${text(input.title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n` +
    (input.home
      ? `<header><nav aria-label="Site"><a href="${attr(input.home)}">OpenSpending datastore: all datasets</a></nav></header>\n`
      : '') +
    `<main>\n${input.body}\n</main>\n` +
    "<footer><p>Published by os-datastore. Every file is also available as content-addressed, verifiable copies (see each version's manifest).</p></footer>\n" +
    (input.script ? `<script>${input.script}</script>\n` : '') +
    '</body>\n</html>\n'
  );
}

/** A table: header cells (class `num` for numbers) and rows of already-escaped cells. */
export function table(caption: string, head: Array<{ label: string; num?: boolean }>, rows: string[][], attrs = ''): string {
  const th = head.map((h) => `<th scope="col"${h.num ? ' class="num"' : ''}>${text(h.label)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${head[i]?.num ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table${attrs}><caption class="muted">${text(caption)}</caption><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}
