/**
 * Untrusted text made fit for the registry, its feed and notifications. A dataset repository
 * writes its descriptor's `name`, `title` and `owner` (and so the validation messages that quote
 * them) and its default branch's name; they end up in data/datasets.csv, data/changelog.csv,
 * the feed and every subscriber's payload. So each such string passes through `cleanText` once,
 * where it enters (observe.ts for what is read from a repository, edit.ts for the changelog notes
 * built from it, the notifier for what it sends):
 *
 * - one line: CR, LF, tabs and the other line and paragraph separators become spaces, runs of
 *   white space one space, no leading or trailing space;
 * - no control characters (C0, DEL, C1) and no bidirectional controls (embeddings, overrides,
 *   isolates, LRM/RLM/ALM): removed, so a title cannot reorder the text around it;
 * - no lone UTF-16 surrogates (they are not UTF-8): replaced by U+FFFD;
 * - spreadsheet-safe: a value starting with `=`, `+`, `-` or `@` (a formula in a spreadsheet
 *   that opens the CSV) gets a leading `'`, as OWASP advises for CSV files;
 * - at most a field's limit of UTF-16 code units (FIELD_LIMITS), a surrogate pair never split,
 *   ending in `…` when cut (the `…` counts).
 *
 * Cleaning is idempotent (a clean value is its own cleaning), so rows read back from the registry
 * compare equal to what a new observation gives, and nothing changes twice.
 */

import { BIDI_CHARS, CONTROL_CHARS } from '../escape.ts';
import type { ChangelogEntry } from './model.ts';

/** The most each registry field keeps, in UTF-16 code units. */
export const FIELD_LIMITS = {
  /** The descriptor's `title` (datasets.csv `title`). */
  title: 200,
  /** The descriptor's `name` (a valid one has at most 100: src/package/names.ts). */
  name: 100,
  /** The descriptor's `owner` (a GitHub login has at most 39). */
  owner: 39,
  /** The default branch's name (GitHub allows 255 bytes). */
  branch: 255,
  /** One validation problem kept with an observation. */
  problem: 300,
  /** A changelog note. */
  note: 1000,
  /** A changelog `dataset` (`owner/name`). */
  dataset: 150,
  /** A delivery id (GitHub's are UUIDs; the header is not covered by the signature). */
  delivery: 100,
} as const;

const LINE_BREAKS = /\r\n|[\t\n\v\f\r\u0085\u2028\u2029]/g;
const CONTROLS = new RegExp(`[${CONTROL_CHARS}]`, 'g');
const BIDI = new RegExp(`[${BIDI_CHARS}]`, 'g');
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const FORMULA = /^[=+\-@]/;

/** `value` cleaned as the module comment says, and cut to `max` code units. */
export function cleanText(value: string, max: number): string {
  let s = value
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(LINE_BREAKS, ' ')
    .replace(CONTROLS, '')
    .replace(BIDI, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (FORMULA.test(s)) s = `'${s}`;
  if (s.length <= max) return s;
  let end = Math.max(0, max - 1);
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // do not split a surrogate pair
  return `${s.slice(0, end).trimEnd()}…`;
}

/** A changelog row with its text fields cleaned (for what leaves in notifications and the feed). */
export function cleanChange(c: ChangelogEntry): ChangelogEntry {
  return {
    ...c,
    dataset: cleanText(c.dataset, FIELD_LIMITS.dataset),
    delivery: cleanText(c.delivery, FIELD_LIMITS.delivery),
    note: cleanText(c.note, FIELD_LIMITS.note),
  };
}

/** cleanText for a value that may be absent. */
export const cleanOptional = (value: string | null, max: number): string | null => (value === null ? null : cleanText(value, max));
