/**
 * Bar charts as inline SVG (no script): one `rect.bar` per value, labelled, with a text
 * alternative (`role="img"`, title and description) and a `<title>` per bar giving the exact
 * value; negative values are drawn leftwards from zero in another colour and marked "−" in the
 * label, so colour is never the only signal. Bar lengths use floats (display only): the exact
 * decimal totals are in the table beside each chart.
 */

import { attr, text } from './html.ts';

export interface Bar {
  label: string;
  /** An exact decimal string. */
  value: string;
}

const WIDTH = 640;
const ROW = 26;
const LABEL = 190;
const PAD = 8;

function short(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function barChart(id: string, title: string, description: string, bars: Bar[]): string {
  const values = bars.map((b) => Number(b.value));
  const hasNegative = values.some((v) => v < 0);
  const max = Math.max(...values.map((v) => Math.abs(v)), 0) || 1;
  const area = WIDTH - LABEL - PAD * 2;
  // With negatives, zero sits in the middle of the bar area.
  const zero = LABEL + PAD + (hasNegative ? area / 2 : 0);
  const scale = (hasNegative ? area / 2 : area) / max;
  const height = bars.length * ROW + PAD * 2;
  const rows = bars
    .map((b, i) => {
      const v = values[i]!;
      const w = Math.max(Number.isFinite(v) ? Math.abs(v) * scale : 0, v === 0 ? 0 : 1);
      const x = v < 0 ? zero - w : zero;
      const y = PAD + i * ROW;
      const sign = v < 0 ? '− ' : '';
      return (
        `<g><text x="${LABEL - 4}" y="${y + ROW / 2 + 4}" text-anchor="end">${text(sign + short(b.label, 28))}</text>` +
        `<rect class="bar${v < 0 ? ' negative' : ''}" x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW - 8}"><title>${text(`${b.label}: ${b.value}`)}</title></rect></g>`
      );
    })
    .join('');
  const axis = `<line x1="${zero}" y1="${PAD}" x2="${zero}" y2="${height - PAD}" stroke="currentColor" stroke-width="1"/>`;
  return (
    `<figure><svg class="chart" id="${attr(id)}" role="img" aria-labelledby="${attr(id)}-t ${attr(id)}-d" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${attr(id)}-t">${text(title)}</title><desc id="${attr(id)}-d">${text(description)}</desc>${rows}${axis}</svg></figure>`
  );
}
