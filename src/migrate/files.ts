/**
 * The filesystem edge of a conversion: legacy model files read with locations, sources sniffed
 * for their encoding, copied in as UTF-8 while their rows are profiled, originals kept under
 * `archive/`, and packages that appear whole or not at all (built in a temporary folder beside
 * the output, validated, then renamed into place).
 */

import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, lstat, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { TextDecoder } from 'node:util';
import { parseJsonDocument } from '../package/json-document.ts';
import { CsvParser, CsvSyntaxError, dialectOf } from '../validate/table/csv.ts';
import { UserError, type UserErrorOptions } from '../errors.ts';
import { MigrationError } from './legacy.ts';

/**
 * A user mistake in the files given (named, located): exit 2 for the one-dataset command, "failed"
 * in a batch. Codes: `input-error` (a file that cannot be used as given), `not-csv` and `no-data`
 * (a source that holds no table: the dataset cannot be converted, exit 1).
 */
export class InputError extends UserError {
  constructor(message: string, code: 'input-error' | 'not-csv' | 'no-data' = 'input-error', options: UserErrorOptions = {}) {
    super(code, message, { exitCode: code === 'input-error' ? 2 : 1, ...options });
  }
}

/** Read a JSON file; a syntax error names the file, line and column. */
export async function readJsonFile(file: string): Promise<{ value: unknown; locate(pointer: string): string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new InputError(
      `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give the path of the legacy model.json`,
    );
  }
  const doc = parseJsonDocument(bytes, { path: basename(file), maxBytes: 64 * 1024 * 1024, maxDepth: 256 });
  const bad = doc.problems[0];
  if (doc.value === undefined || bad) {
    const where = bad?.lineNumber ? `:${bad.lineNumber}:${bad.columnNumber ?? 1}` : '';
    throw new InputError(`${file}${where}: ${bad?.message ?? 'not valid JSON'}`);
  }
  return {
    value: doc.value,
    locate(pointer: string) {
      const at = doc.locate(pointer);
      return `${file}:${at.line}:${at.column}`;
    },
  };
}

/** Rethrow a MigrationError with the model file and the line of its pointer. */
export function locateError(e: unknown, file: string, locate: (p: string) => string): never {
  if (e instanceof MigrationError) {
    const where = e.pointer !== undefined ? locate(e.pointer === '/' ? '' : e.pointer) : file;
    throw new MigrationError(e.rule, `${where}: ${e.message}`, e.pointer, true);
  }
  throw e;
}

export interface SourceInfo {
  file: string;
  encoding: 'utf-8' | 'utf-8-bom' | 'windows-1252';
  headers: string[];
  bytes: number;
}

/** The encoding of a file: UTF-8 (with or without a BOM) when every byte sequence is UTF-8, else Windows-1252 (Latin-1). */
async function sniffEncoding(file: string): Promise<{ encoding: SourceInfo['encoding']; bytes: number }> {
  const td = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let bytes = 0;
  let first: Buffer | null = null;
  let ok = true;
  for await (const chunk of createReadStream(file)) {
    const b = chunk as Buffer;
    if (!first) first = b;
    bytes += b.length;
    if (!ok) continue;
    try {
      td.decode(b, { stream: true });
    } catch {
      ok = false;
    }
  }
  if (ok) {
    try {
      td.decode();
    } catch {
      ok = false;
    }
  }
  if (!ok) return { encoding: 'windows-1252', bytes };
  const bom = first !== null && first.length >= 3 && first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf;
  return { encoding: bom ? 'utf-8-bom' : 'utf-8', bytes };
}

/** The first KB of a file looks like HTML (a dead source that served a page). */
async function looksLikeHtml(file: string): Promise<boolean> {
  const fh = await import('node:fs/promises').then((m) => m.open(file, 'r'));
  try {
    const buf = Buffer.alloc(1024);
    const { bytesRead } = await fh.read(buf, 0, 1024, 0);
    const head = buf
      .subarray(0, bytesRead)
      .toString('latin1')
      .replace(/^\uFEFF|^\u00ef\u00bb\u00bf/, '')
      .trimStart()
      .toLowerCase();
    return head.startsWith('<');
  } finally {
    await fh.close();
  }
}

/** Stream a source's decoded text. */
async function* decodedText(file: string, encoding: SourceInfo['encoding']): AsyncGenerator<string> {
  const td = new TextDecoder(encoding === 'windows-1252' ? 'windows-1252' : 'utf-8');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const t = td.decode(chunk as Buffer, { stream: true });
    if (t) yield t;
  }
  const rest = td.decode();
  if (rest) yield rest;
}

/** Sniff a source and read its header row. */
export async function inspectSource(file: string): Promise<SourceInfo> {
  let st;
  try {
    st = await lstat(file);
  } catch {
    throw new InputError(`${file}: no such file; give the CSV the model was made for`);
  }
  if (st.isSymbolicLink()) throw new InputError(`${file}: is a symbolic link; give the file itself`);
  if (!st.isFile()) throw new InputError(`${file}: not a regular file; give a CSV file`);
  if (await looksLikeHtml(file)) throw new InputError(`${file}: is an HTML page, not CSV (a dead source URL often serves one)`, 'not-csv');
  const { encoding, bytes } = await sniffEncoding(file);
  let headers: string[] | null = null;
  const parser = new CsvParser(dialectOf(undefined), (cells) => {
    if (headers === null) headers = cells;
  });
  try {
    for await (const text of decodedText(file, encoding)) {
      parser.push(text);
      if (headers !== null) break;
    }
    if (headers === null) parser.end();
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
  }
  if (headers === null) throw new InputError(`${file}: is empty (no header row); give a CSV with a header`, 'no-data');
  return { file, encoding, headers, bytes };
}

/**
 * Copy a source into the package as UTF-8 (no BOM), handing every data row to `onRow`, and keep
 * its original bytes under `archive/`. Returns the rows read.
 */
export async function copySource(
  info: SourceInfo,
  target: string,
  archiveTarget: string | null,
  onHeader: (h: string[]) => void,
  onRow: (cells: string[]) => void,
  dropHeader = false,
): Promise<{ rows: number; blankLines: number }> {
  const blanks = blankLineFilter();
  await mkdir(dirname(target), { recursive: true });
  const out = createWriteStream(target, { flags: 'wx' });
  let rows = -1;
  const parser = new CsvParser(dialectOf(undefined), (cells) => {
    if (rows++ === -1) onHeader(cells);
    else if (!(cells.length === 1 && cells[0] === '')) onRow(cells);
  });
  let first = true;
  let syntax: string | null = null;
  // A later part of a multi-file resource has no header (Data Package: the parts are concatenated).
  let headerState: { inQuote: boolean; cr: boolean } | null = dropHeader ? { inQuote: false, cr: false } : null;
  try {
    for await (let text of decodedText(info.file, info.encoding)) {
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      let written = text;
      if (headerState) {
        let k = 0;
        for (; k < text.length; k++) {
          const ch = text[k];
          if (headerState.cr) {
            if (ch === '\n') k++;
            break;
          }
          if (ch === '"') headerState.inQuote = !headerState.inQuote;
          else if (!headerState.inQuote && ch === '\n') {
            k++;
            break;
          } else if (!headerState.inQuote && ch === '\r') headerState.cr = true;
        }
        const done = k < text.length || (k === text.length && text.endsWith('\n') && !headerState.inQuote);
        written = text.slice(Math.min(k, text.length));
        if (done || k < text.length) headerState = null;
      }
      written = blanks.push(written);
      if (written && !out.write(written)) await once(out, 'drain');
      if (syntax === null) {
        try {
          parser.push(text);
        } catch (e) {
          if (!(e instanceof CsvSyntaxError)) throw e;
          syntax = e.message;
        }
      }
    }
    if (syntax === null) {
      try {
        parser.end();
      } catch (e) {
        if (!(e instanceof CsvSyntaxError)) throw e;
        syntax = e.message;
      }
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  if (archiveTarget) {
    await mkdir(dirname(archiveTarget), { recursive: true });
    await copyFile(info.file, archiveTarget);
  }
  return { rows: Math.max(rows, 0), blankLines: blanks.dropped };
}

/**
 * A streaming filter that drops empty lines outside quoted cells (the old loader's csv reader
 * skipped them; a Table Schema validator calls them blank rows). CRLF, LF and CR line breaks;
 * `dropped` counts the lines removed.
 */
export function blankLineFilter(): { push(text: string): string; readonly dropped: number } {
  let inQuote = false;
  let lineStart = true;
  let afterCr = false;
  let crDropped = false;
  let dropped = 0;
  return {
    get dropped() {
      return dropped;
    },
    push(text: string): string {
      let out = '';
      let from = 0;
      const drop = (i: number): void => {
        out += text.slice(from, i);
        from = i + 1;
      };
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inQuote) {
          if (c === 34) inQuote = false;
          afterCr = false;
          continue;
        }
        if (c === 10) {
          if (afterCr) {
            afterCr = false;
            if (crDropped) drop(i);
            continue;
          }
          if (lineStart) {
            drop(i);
            dropped++;
          } else lineStart = true;
          continue;
        }
        if (c === 13) {
          afterCr = true;
          if (lineStart) {
            drop(i);
            dropped++;
            crDropped = true;
          } else {
            lineStart = true;
            crDropped = false;
          }
          continue;
        }
        afterCr = false;
        lineStart = false;
        if (c === 34) inQuote = true;
      }
      return out + text.slice(from);
    },
  };
}

/** A temporary folder beside `out` (same filesystem, so the final rename is atomic). */
export function partialDir(out: string): string {
  return `${out}.partial-${process.pid}`;
}

/** Remove partial folders a killed run left beside `out`. */
export async function clearPartials(out: string): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  const parent = dirname(out);
  const base = basename(out);
  let entries: string[] = [];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  for (const e of entries)
    if (e.startsWith(`${base}.partial-`) || e.startsWith(`${base}.old-`)) await rm(join(parent, e), { recursive: true, force: true });
}

/** Move a finished temporary folder to `out`, replacing what was there (the old one moved aside first). */
export async function commitDir(tmp: string, out: string, replace: boolean): Promise<void> {
  let exists = false;
  try {
    await lstat(out);
    exists = true;
  } catch {
    /* absent */
  }
  if (exists && !replace) throw new InputError(`${out}: already exists; remove it or give --force to replace it`);
  if (!exists) {
    await rename(tmp, out);
    return;
  }
  const old = `${out}.old-${process.pid}`;
  await rename(out, old);
  await rename(tmp, out);
  await rm(old, { recursive: true, force: true });
}
