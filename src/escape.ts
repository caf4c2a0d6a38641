/**
 * Untrusted text made safe for where it is shown: a terminal, Markdown (job summary, check run),
 * HTML. Dataset repositories are written by anyone, so every cell, label, name, path and message
 * that came from one passes through here before it reaches a reader. One module for every output
 * (the CLI, the Action, and the read side's pages), so the rules are written once.
 */

/** Control and direction characters a reader must see, not obey. */
// C0 controls and DEL, C1 controls, Arabic letter mark, LRM/RLM, line/paragraph separators,
// bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
/** C0 controls, DEL and C1 controls, as the inside of a regular-expression character class. */
export const CONTROL_CHARS = '\\u0000-\\u001f\\u007f-\\u009f';
/** Bidirectional controls (ALM, LRM/RLM, embeddings and overrides, isolates), as the inside of a character class. */
export const BIDI_CHARS = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const HIDDEN = new RegExp(`[${CONTROL_CHARS}${BIDI_CHARS}\\u2028\\u2029]`);
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'g');

const SHORT: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** How one hidden character is shown: `\n`, `\x1b`, `U+202E`. */
function shownChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (SHORT[ch]) return SHORT[ch]!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Control characters (C0, DEL, C1) as `\x1b`-style escapes (`\t`, `\n`, `\r` short), and the
 * characters that reorder or break displayed text (bidi overrides and isolates, LRM/RLM, ALM,
 * U+2028/U+2029) as `U+202E`. Everything else is kept.
 */
export function visible(s: string): string {
  return HIDDEN.test(s) ? s.replace(HIDDEN_ALL, shownChar) : s;
}

/** `visible` on each line of a text we wrote, keeping its line breaks. */
export function visibleLines(s: string): string {
  return s.split('\n').map(visible).join('\n');
}

/** Whether a string holds a character `visible` would escape. */
const hasHidden = (s: string): boolean => HIDDEN.test(s);

/**
 * `s` made visible (see `visible`) and cut to at most `limit` characters plus "…"; with
 * `quoting`, also `\` and `"` escaped, as inside a JSON string. Cut on whole characters and whole
 * escapes. Reads at most `limit + 1` characters of `s`, so a huge value costs no more than a
 * short one.
 */
export function shorten(s: string, limit: number, quoting = false): string {
  const head = s.length > limit + 1 ? s.slice(0, limit + 1) : s;
  if (head.length <= limit && !HIDDEN.test(head) && !(quoting && /["\\]/.test(head))) return head;
  let out = '';
  for (const ch of head) {
    const piece = HIDDEN.test(ch) ? shownChar(ch) : quoting && (ch === '"' || ch === '\\') ? `\\${ch}` : ch;
    if (out.length + piece.length > limit) return `${out}…`;
    out += piece;
  }
  return s.length > head.length ? `${out}…` : out;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML text or attribute value: `& < > " '` as entities. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * Text for GitHub-flavoured Markdown, inline (a table cell, a heading, a paragraph): shown
 * literally, building no HTML, link, image, emphasis, code, math or table cell. `& < > " '` become
 * entities (so no tag or entity from the data is read as one); the characters inline Markdown acts
 * on (`` \ ` * _ [ ] ( ) ! | ~ $ ``) are backslash-escaped (a `|` so escaped stays inside its
 * table cell), and so are `:`, `@` and the dot of `www.`, which GitHub would otherwise autolink
 * (`https://…`, `a@b.test`, `www.…`); line breaks become spaces and other hidden characters are
 * shown (see `visible`).
 */
export function markdownText(s: string): string {
  return visible(s.replace(/\r\n?|\n/g, ' '))
    .replace(/[&<>"'\\`*_[\]()!|~$:@]/g, (c) => HTML[c] ?? `\\${c}`)
    .replace(/(www)\./gi, '$1\\.');
}

/** Untrusted text in code style, inline: `<code>` around `markdownText` (a code span cannot escape `|` safely). */
export function markdownCode(s: string): string {
  return `<code>${markdownText(s)}</code>`;
}

/**
 * A URL for Markdown: an http(s) URL without spaces, quotes, angle brackets or backticks as an
 * autolink (`<https://…>`, read literally, no escapes inside); anything else as `markdownText`.
 */
export function markdownUrl(url: string): string {
  return /^https?:\/\/[^\s<>"'`\\\u0000-\u001f\u007f-\u009f]+$/.test(url) && !hasHidden(url) ? `<${url}>` : markdownText(url);
}

/** UTF-8 size of a string. */
export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * `s` cut to at most `maxBytes` bytes of UTF-8 (whole characters), ending in `marker` when cut
 * (the marker counts). For limits counted in bytes, which also bound UTF-16 lengths.
 */
export function cutBytes(s: string, maxBytes: number, marker = '…'): string {
  if (s.length <= maxBytes / 3 || byteLength(s) <= maxBytes) return s;
  const room = maxBytes - byteLength(marker);
  const buf = Buffer.from(s.slice(0, Math.max(0, room)), 'utf8');
  let end = Math.max(0, Math.min(room, buf.length));
  // back off to the start of a character (continuation bytes are 10xxxxxx)
  while (end > 0 && end < buf.length && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8') + marker;
}
