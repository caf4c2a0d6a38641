/**
 * What a resource that declares no dialect (or no encoding) is read with, found from a sample of
 * its first bytes, as frictionless does:
 *
 * - the delimiter: `formats/csv/parser.py:CsvParser.read_cell_stream_create` runs Python's
 *   `csv.Sniffer().sniff` on the first 100 lines (`SAMPLE_SIZE`), candidates `,` `\t` `;` `|`;
 *   a declared delimiter wins (it restricts the sniff to itself), `.tsv` presets `\t`, and when
 *   the sniffer finds nothing the delimiter is `,` (`csv.excel`). Its quote character is always
 *   `"` in practice (a sniffed `'` is forced back to `"`), so only the delimiter is sniffed here.
 * - the encoding: see encodings.ts (`detectEncoding`).
 *
 * Unlike frictionless, which reads silently, what was found is said once per resource, as a
 * warning that gives the line to add to the descriptor (`--strict` makes it an error).
 */

import type { ResourceDescriptor } from '../../package/descriptor.ts';
import { detectEncoding, resolveEncoding } from './encodings.ts';

/** Lines of the sample the delimiter is sniffed from (frictionless: SAMPLE_SIZE = 100). */
const SNIFF_LINES = 100;

/** Delimiters the sniff considers, in order of preference on a tie (Python's Sniffer.preferred, restricted to frictionless's candidates). */
const SNIFF_DELIMITERS = [',', '\t', ';', '|'] as const;

/** Lowest share of sample lines that must hold a delimiter the same number of times (Python's Sniffer: 0.9). */
const CONSISTENCY = 0.9;

/** The delimiter a resource declares: its dialect's, else `\t` for a `.tsv` file or format "tsv"; undefined when none. */
function declaredDelimiter(resource: ResourceDescriptor, path: string): string | undefined {
  const d = resource.dialect;
  if (d && typeof d === 'object' && typeof d.delimiter === 'string') return d.delimiter;
  const format = typeof resource.format === 'string' ? resource.format.toLowerCase() : '';
  if (format === 'tsv' || /\.tsv$/i.test(path)) return '\t';
  return undefined;
}

/**
 * The delimiter of CSV text: among the candidates, those found the same number of times (at
 * least once) on at least 90 % of the sample's lines, the first in preference order; `,` when
 * none is. Quoted text is skipped (a `;` inside `"a;b"` is not a delimiter). `complete` says the
 * text is the whole file; otherwise its last, possibly cut, line is left out.
 */
function sniffDelimiter(text: string, complete: boolean): string {
  const lines = sampleLines(text, complete);
  if (lines.length === 0) return ',';
  for (const d of SNIFF_DELIMITERS) {
    const counts = new Map<number, number>();
    for (const line of lines) {
      const n = countOutsideQuotes(line, d);
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    let mode = 0;
    let modeLines = 0;
    for (const [n, k] of counts) {
      if (k > modeLines || (k === modeLines && n > mode)) {
        mode = n;
        modeLines = k;
      }
    }
    if (mode > 0 && modeLines / lines.length >= CONSISTENCY) return d;
  }
  return ',';
}

/** The first SNIFF_LINES records' worth of lines (a quoted line break joins lines), empty lines left out. */
function sampleLines(text: string, complete: boolean): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length && out.length < SNIFF_LINES; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if ((c === 10 || c === 13) && !quoted) {
      if (i > start) out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (complete && out.length < SNIFF_LINES && start < text.length && !quoted) out.push(text.slice(start));
  return out;
}

function countOutsideQuotes(line: string, d: string): number {
  const dc = d.charCodeAt(0);
  let n = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === dc && !quoted) n++;
  }
  return n;
}

/** What the sample of a resource's first file says about how to read it. */
export interface Sniffed {
  /** The encoding detected for a file that declares none and is not UTF-8 (a WHATWG name); undefined when none was needed. */
  encoding?: string;
  /** The delimiter found for a file whose dialect declares none, when it is not `,`. */
  delimiter?: string;
  /**
   * True when the dialect does not declare skipInitialSpace and every delimiter on line 1 is
   * followed by a space (Python's Sniffer `_guess_delimiter`, which frictionless applies when
   * not declared): `a, b` then reads as `a` and `b`.
   */
  skipInitialSpace?: true;
}

/**
 * Sniff a resource's first file from its first bytes (`sample`; `complete` when that is the
 * whole file): the encoding when none is declared, the delimiter when none is declared.
 */
export async function sniffSample(sample: Uint8Array, complete: boolean, resource: ResourceDescriptor, path: string): Promise<Sniffed> {
  const out: Sniffed = {};
  const declaredEncoding = typeof resource.encoding === 'string' ? resource.encoding : undefined;
  if (declaredEncoding === undefined) {
    const detected = await detectEncoding(sample, complete);
    if (detected !== null) out.encoding = detected;
  }
  const declaredDelim = declaredDelimiter(resource, path);
  const d = resource.dialect;
  const declaredSkip = Boolean(d && typeof d === 'object' && d.skipInitialSpace !== undefined);
  if (declaredDelim === undefined || !declaredSkip) {
    const declared = declaredEncoding === undefined ? null : resolveEncoding(declaredEncoding);
    const encoding = out.encoding ?? (declared !== null && declared !== 'utf-8' ? declared : null);
    // UTF-8 is looked at byte by byte: a delimiter is ASCII, and no byte of a multi-byte sequence is.
    const text = encoding
      ? new TextDecoder(encoding).decode(sample)
      : Buffer.from(sample.buffer, sample.byteOffset, sample.length).toString('latin1');
    // A declared delimiter restricts the sniff to itself (frictionless), which still sets skipInitialSpace.
    const delimiter = declaredDelim ?? sniffDelimiter(text, complete);
    if (declaredDelim === undefined && delimiter !== ',') out.delimiter = delimiter;
    if (!declaredSkip && spaceAfterEachDelimiter(text, delimiter)) out.skipInitialSpace = true;
  }
  return out;
}

/** Line 1 holds the delimiter, each time followed by a space. */
function spaceAfterEachDelimiter(text: string, d: string): boolean {
  const lines = sampleLines(text, true);
  const first = lines[0] ?? '';
  const all = countOutsideQuotes(first, d);
  return all > 0 && all === first.split(`${d} `).length - 1;
}
