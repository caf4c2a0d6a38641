/**
 * Byte chunks → text, strictly: invalid UTF-8 (or a NUL) is reported with its byte offset so the
 * table validator can say which line it is on. Sequences split across chunks are carried over.
 */

import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { isUtf8Encoding, resolveEncoding } from './encodings.ts';

export interface DecodedChunk {
  text: string;
  /** Offsets (into this chunk's text) of invalid bytes and NULs. */
  bad: Array<{ index: number; byte: number; nul: boolean }>;
}

/** Whether a declared encoding (undefined: none) is UTF-8, under any of its names (encodings.ts). */
function isUtf8Label(encoding: string | undefined): boolean {
  return isUtf8Encoding(encoding);
}

/** A streaming decoder for one file. */
export interface ChunkDecoder {
  /**
   * True when the text holds the file's UTF-8 bytes one char per byte (latin1) rather than
   * decoded characters: the CSV structure is all ASCII, so it parses the same, and only cells
   * with a char above 0x7f need decoding (CsvParser does that). V8 keeps such text in one-byte
   * strings, which are ~3x faster to make and faster to slice, hash and compare than the
   * two-byte strings UTF-8 decoding gives as soon as a chunk holds one non-ASCII character.
   */
  readonly bytesAsLatin1: boolean;
  decode(chunk: Uint8Array): DecodedChunk;
  /** Bytes left over at the end (a truncated sequence) are invalid. */
  end(): DecodedChunk;
}

/**
 * Create a decoder for `encoding` (UTF-8 by default; a leading BOM is dropped), under any name
 * encodings.ts resolves (`utf-8-sig`, `latin-1`, `cp1252`, ...). Returns null for an encoding
 * this runtime does not know.
 */
export function createDecoder(encoding: string | undefined): ChunkDecoder | null {
  if (isUtf8Label(encoding)) return new StrictUtf8Decoder();
  const resolved = encoding === undefined ? null : resolveEncoding(encoding);
  if (resolved === null) return null;
  const td = new TextDecoder(resolved);
  return {
    bytesAsLatin1: false,
    decode: (chunk) => withNuls(td.decode(chunk, { stream: true })),
    end: () => withNuls(td.decode()),
  };
}

function withNuls(text: string): DecodedChunk {
  const bad: DecodedChunk['bad'] = [];
  let k = text.indexOf('\0');
  while (k !== -1) {
    bad.push({ index: k, byte: 0, nul: true });
    k = text.indexOf('\0', k + 1);
  }
  return { text, bad };
}

class StrictUtf8Decoder implements ChunkDecoder {
  readonly bytesAsLatin1 = true;
  private carry: Buffer = Buffer.alloc(0);
  private first = true;

  decode(chunk: Uint8Array): DecodedChunk {
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.first && buf.length >= 3) {
      this.first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    } else if (this.first) {
      // Too short to tell whether a BOM starts the file: wait for more bytes.
      this.carry = Buffer.from(buf);
      return { text: '', bad: [] };
    }
    const cut = completeLength(buf);
    this.carry = Buffer.from(buf.subarray(cut));
    return decodeComplete(buf.subarray(0, cut));
  }

  end(): DecodedChunk {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    if (this.first) {
      this.first = false;
      if (rest.length === 3 && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) return { text: '', bad: [] };
    }
    return decodeComplete(rest);
  }
}

/** Length of `buf` without a trailing, possibly incomplete, multi-byte sequence. */
function completeLength(buf: Buffer): number {
  const n = buf.length;
  // Look back at most 3 bytes for the lead byte of the last sequence.
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? n - k : n;
  }
  return n;
}

/** Validate complete UTF-8 and return its bytes as latin1 text, with invalid bytes and NULs located. */
function decodeComplete(buf: Buffer): DecodedChunk {
  const text = buf.toString('latin1');
  const valid = isUtf8(buf);
  // NULs are looked for in the bytes (memchr-fast); offsets in the text are byte offsets.
  if (valid && buf.indexOf(0) === -1) return { text, bad: [] };
  const bad: DecodedChunk['bad'] = [];
  for (let k = buf.indexOf(0); k !== -1; k = buf.indexOf(0, k + 1)) bad.push({ index: k, byte: 0, nul: true });
  if (!valid) {
    for (let i = 0; i < buf.length;) {
      const len = validSequenceLength(buf, i);
      if (len > 0) i += len;
      else {
        bad.push({ index: i, byte: buf[i]!, nul: false });
        i++;
      }
    }
    bad.sort((a, b) => a.index - b.index);
  }
  return { text, bad };
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function validSequenceLength(buf: Buffer, i: number): number {
  const b0 = buf[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = buf[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
