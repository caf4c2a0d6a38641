/** A small status badge (flat, shields.io-like) for a dataset's README. */

import type { Report } from '../validate/report.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Verdana 11px averages ~6.5px a char; good enough for a badge. */
const width = (s: string): number => Math.round(s.length * 6.5) + 12;

export function badgeSvg(report: Report): string {
  const label = 'datastore';
  const warnings = report.stats.warnings;
  const value = report.valid
    ? warnings
      ? `valid, ${warnings} warning${warnings === 1 ? '' : 's'}`
      : 'valid'
    : `${report.stats.errors} errors`;
  const color = !report.valid ? '#e05d44' : warnings ? '#a4a61d' : '#4c1';
  const lw = width(label);
  const vw = width(value);
  const w = lw + vw;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${esc(label)}: ${esc(value)}">` +
    `<title>${esc(label)}: ${esc(value)}</title>` +
    `<rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${color}"/>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">` +
    `<text x="${lw / 2}" y="14">${esc(label)}</text><text x="${lw + vw / 2}" y="14">${esc(value)}</text></g></svg>\n`
  );
}
