/**
 * Encoding names as publishers write them, and the encoding of a file that declares none.
 *
 * Names: the WHATWG labels TextDecoder knows (`utf-8`, `windows-1252`, `iso-8859-15`, `latin1`,
 * ...), plus Python's spellings, which publishers' tools (pandas, frictionless, csvkit) emit:
 * `utf-8-sig` (UTF-8 with a BOM), `utf_8`, `UTF8`, `latin-1`, `cp1252`, `iso8859_15`, `u8`,
 * `mac_roman`, ... frictionless resolves a declared name with Python's `codecs.lookup`
 * (`detector/detector.py:Detector.detect_encoding`), which ignores case and treats `_`, `-` and
 * spaces alike; so does this. Only a name no decoder knows is an unknown encoding.
 *
 * Detection: frictionless feeds the first bytes of a file with no declared encoding to chardet
 * (`Detector.detect_encoding`, buffer `settings.DEFAULT_BUFFER_SIZE`); when they are not UTF-8,
 * the detected encoding is used. This does the same with jschardet (a port of Python's
 * chardet), but only for a sample that is not valid UTF-8: a UTF-8 file is read as UTF-8, as
 * frictionless ends up doing for it too.
 */

import { isUtf8 } from 'node:buffer';

/** Bytes of a file looked at to detect its encoding (frictionless 5.19: DEFAULT_BUFFER_SIZE). */
export const ENCODING_SAMPLE_BYTES = 100_000;

/** Python codec names (normalised: lower case, `-` for `_` and spaces) → WHATWG labels. */
const PYTHON_NAMES: Record<string, string> = {
  'utf-8-sig': 'utf-8',
  u8: 'utf-8',
  utf: 'utf-8',
  'utf8-sig': 'utf-8',
  cp65001: 'utf-8',
  'latin-1': 'iso-8859-1',
  iso8859: 'iso-8859-1',
  l1: 'iso-8859-1',
  'latin-9': 'iso-8859-15',
  latin9: 'iso-8859-15',
  l9: 'iso-8859-15',
  latin7: 'iso-8859-13',
  'latin-7': 'iso-8859-13',
  latin8: 'iso-8859-14',
  'latin-8': 'iso-8859-14',
  latin10: 'iso-8859-16',
  'latin-10': 'iso-8859-16',
  'mac-roman': 'macintosh',
  macroman: 'macintosh',
  'mac-cyrillic': 'x-mac-cyrillic',
  'utf-16-le': 'utf-16le',
  'utf-16-be': 'utf-16be',
  u16: 'utf-16',
  cp936: 'gbk',
  ms936: 'gbk',
  cp932: 'shift_jis',
  ms932: 'shift_jis',
  sjis: 'shift_jis',
  'shift-jis': 'shift_jis',
  'euc-jp': 'euc-jp',
  cp949: 'euc-kr',
  cp950: 'big5',
  cp866: 'ibm866',
};

/** The name lower-cased with `_` and spaces as `-` (Python's codecs normalisation, roughly). */
function normalise(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, '-');
}

/** Candidate WHATWG labels for a name, most likely first. */
function candidates(name: string): string[] {
  const n = normalise(name);
  const out = [n];
  const mapped = PYTHON_NAMES[n];
  if (mapped) out.unshift(mapped);
  let m: RegExpExecArray | null;
  if ((m = /^iso-?8859-?(\d+)$/.exec(n))) out.push(`iso-8859-${m[1]}`);
  if ((m = /^(?:cp|windows-?|win-?)(125\d)$/.exec(n))) out.push(`windows-${m[1]}`);
  if ((m = /^latin-?(\d)$/.exec(n))) out.push(`latin${m[1]}`);
  if ((m = /^utf-?(8|16|16le|16be)$/.exec(n))) out.push(`utf-${m[1]}`);
  if ((m = /^(?:cp|ibm)-?(\d+)$/.exec(n))) out.push(`ibm${m[1]}`);
  return out;
}

/**
 * The WHATWG encoding (TextDecoder's `encoding`, e.g. "utf-8", "windows-1252") a declared name
 * means, or null when no decoder here knows it.
 */
export function resolveEncoding(name: string): string | null {
  for (const label of candidates(name)) {
    try {
      return new TextDecoder(label).encoding;
    } catch {
      // not a label: try the next spelling
    }
  }
  return null;
}

/** Whether a declared encoding (undefined: none) is read as UTF-8. */
export function isUtf8Encoding(name: string | undefined): boolean {
  return name === undefined || resolveEncoding(name) === 'utf-8';
}

/**
 * The encoding of a sample from a file that declares none, when it is not UTF-8: the WHATWG
 * name jschardet's detection resolves to, or null when the sample is UTF-8 (ASCII included), or
 * when nothing decodable was detected (the file is then read as UTF-8 and its bad bytes reported).
 * `complete` says whether the sample is the whole file (else a sequence cut at its end is fine).
 */
export async function detectEncoding(sample: Uint8Array, complete: boolean): Promise<string | null> {
  if (isUtf8(sample)) return null;
  if (!complete && isUtf8(sample.subarray(0, utf8Prefix(sample)))) return null;
  // The encodings of today's files (UTF-8/16, Windows-125x, ISO-8859-x, ...): with every era,
  // DOS and Mac code pages win on short Western samples (cp862 for a Windows-1252 budget).
  // Loaded only for a file that needs it: most files are UTF-8, and the detector's models are large.
  const { chardet } = await import('jschardet');
  const found = chardet.detect(sample, { encodingEra: chardet.EncodingEra.MODERN_WEB });
  if (!found.encoding) return null;
  const resolved = resolveEncoding(found.encoding);
  if (resolved === null || resolved === 'utf-8') return null;
  return resolved;
}

/** Length of `sample` without a trailing, possibly cut, multi-byte UTF-8 sequence. */
function utf8Prefix(sample: Uint8Array): number {
  const n = sample.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = sample[n - k]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? n - k : n;
  }
  return n;
}
