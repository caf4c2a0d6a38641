/**
 * A streaming CSV parser that reports the physical line each record starts on.
 *
 * Why hand-written: on fiscal CSVs csv-parse ran ~45k rows/s here against ~330k for a simple
 * char-code loop (DESIGN.md, "Facts measured here"), and validation throughput is a goal. The
 * test suite checks this parser against csv-parse on generated and hostile inputs, so the
 * speed does not cost correctness. Text is pushed in chunks of any size (a record, a quoted
 * cell, even a CRLF pair may straddle chunks); the work is linear in the input.
 */

import type { DialectDescriptor } from '../../package/descriptor.ts';

export interface CsvDialect {
  delimiter: string;
  /** null: quoting disabled. */
  quoteChar: string | null;
  doubleQuote: boolean;
  escapeChar: string | null;
  skipInitialSpace: boolean;
  header: boolean;
  commentChar: string | null;
}

/** The CSV dialect a resource declares, with frictionless's defaults. */
export function dialectOf(d: DialectDescriptor | undefined): CsvDialect {
  return {
    delimiter: d?.delimiter ?? ',',
    quoteChar: d?.quoteChar === undefined ? '"' : d.quoteChar === '' ? null : d.quoteChar,
    doubleQuote: d?.doubleQuote ?? true,
    escapeChar: d?.escapeChar ? d.escapeChar : null,
    skipInitialSpace: d?.skipInitialSpace ?? false,
    header: d?.header ?? true,
    commentChar: d?.commentChar ? d.commentChar : null,
  };
}

/** Receives each record: its cells and the 1-based physical line where it starts. */
export type RecordHandler = (cells: string[], line: number) => void;

/** Cells per record before the record counts as hostile (frictionless has no such limit; a real table never gets near it). */
const MAX_CELLS = 100_000;
const LF = 10;
const CR = 13;
const SPACE = 32;

const enum State {
  /** At the start of a cell (after a delimiter or at record start). */
  CellStart,
  /** Inside an unquoted cell. */
  Unquoted,
  /** Inside a quoted cell. */
  Quoted,
  /** Just read a quote inside a quoted cell: end of quote or first half of a doubled quote. */
  QuoteInQuoted,
  /** Just read the escape char inside a quoted cell. */
  EscapeInQuoted,
  /** Just read the escape char inside an unquoted cell. */
  EscapeInUnquoted,
  /** Just read CR: a following LF belongs to the same line break. */
  AfterCr,
  /** Inside a comment line. */
  Comment,
}

export class CsvParser {
  private readonly delim: number;
  private readonly quote: number;
  private readonly escape: number;
  private readonly comment: number;
  private readonly doubleQuote: boolean;
  private readonly skipInitialSpace: boolean;

  private state = State.CellStart;
  private cells: string[] = [];
  /** The current cell's text accumulated from previous chunks. */
  private partial = '';
  /** Whether the current record has any content yet (cells, or chars of the first cell). */
  private recordStarted = false;
  private line = 1;
  private recordLine = 1;
  private afterCrInCell = false;

  constructor(
    dialect: CsvDialect,
    private readonly onRecord: RecordHandler,
    /** Records longer than this many chars are refused (hostile input); see RecordTooLongError. */
    private readonly maxRecordChars = 64 * 1024 * 1024,
  ) {
    this.delim = dialect.delimiter.charCodeAt(0);
    this.quote = dialect.quoteChar === null ? -1 : dialect.quoteChar.charCodeAt(0);
    this.escape = dialect.escapeChar === null ? -1 : dialect.escapeChar.charCodeAt(0);
    this.comment = dialect.commentChar === null ? -1 : dialect.commentChar.charCodeAt(0);
    this.doubleQuote = dialect.doubleQuote;
    this.skipInitialSpace = dialect.skipInitialSpace;
  }

  /** The physical line the parser is on (1-based). */
  get currentLine(): number {
    return this.line;
  }

  /** Feed the next chunk of decoded text. */
  push(text: string): void {
    const n = text.length;
    const delim = this.delim;
    const quote = this.quote;
    const escape = this.escape;
    let state = this.state;
    let start = 0; // start of the current cell's pending slice in `text`
    let i = 0;
    // A cell in progress from the previous chunk resumes at 0.
    while (i < n) {
      const c = text.charCodeAt(i);
      switch (state) {
        case State.CellStart: {
          if (!this.recordStarted) {
            this.recordLine = this.line;
            if (c === this.comment && this.cells.length === 0) {
              state = State.Comment;
              i++;
              continue;
            }
          }
          if (c === quote) {
            this.recordStarted = true;
            state = State.Quoted;
            start = i + 1;
            i++;
            continue;
          }
          if (c === SPACE && this.skipInitialSpace) {
            i++;
            start = i;
            continue;
          }
          start = i;
          state = State.Unquoted;
          continue; // re-read c as part of an unquoted cell
        }
        case State.Unquoted: {
          // Fast scan to the next special char.
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === delim || d === LF || d === CR || d === escape) break;
            j++;
          }
          if (j > i) this.recordStarted = true;
          if (j === n) {
            this.partial += text.slice(start, n);
            this.checkLength(this.partial.length);
            i = n;
            start = n;
            break;
          }
          const d = text.charCodeAt(j);
          if (d === escape) {
            this.partial += text.slice(start, j);
            state = State.EscapeInUnquoted;
            i = j + 1;
            start = i;
            continue;
          }
          const cell = this.partial === '' ? text.slice(start, j) : this.partial + text.slice(start, j);
          this.partial = '';
          if (d === delim) {
            this.recordStarted = true;
            this.cells.push(cell);
            if (this.cells.length > MAX_CELLS) throw new RecordTooLongError(this.recordLine, this.maxRecordChars);
            state = State.CellStart;
            i = j + 1;
            start = i;
            continue;
          }
          // line break ends the record
          this.endRecord(cell);
          state = d === CR ? State.AfterCr : State.CellStart;
          if (d === LF) this.line++;
          i = j + 1;
          start = i;
          continue;
        }
        case State.Quoted: {
          // Fast scan to the next quote / escape, counting line breaks inside the cell.
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === quote || d === escape) break;
            if (d === LF) {
              if (!this.afterCrInCell) this.line++;
              this.afterCrInCell = false;
            } else if (d === CR) {
              this.line++;
              this.afterCrInCell = true;
            } else this.afterCrInCell = false;
            j++;
          }
          if (j === n) {
            this.partial += text.slice(start, n);
            this.checkLength(this.partial.length);
            i = n;
            start = n;
            break;
          }
          this.afterCrInCell = false;
          this.partial += text.slice(start, j);
          this.checkLength(this.partial.length);
          state = text.charCodeAt(j) === quote && escape !== quote ? State.QuoteInQuoted : State.EscapeInQuoted;
          i = j + 1;
          start = i;
          continue;
        }
        case State.QuoteInQuoted: {
          if (c === quote && this.doubleQuote) {
            this.partial += text[i];
            state = State.Quoted;
            i++;
            start = i;
            continue;
          }
          // The quoted part ended. Anything up to the delimiter is kept as-is (Python's csv
          // does the same with `a"b"c` style input), so no data is dropped silently.
          state = State.Unquoted;
          start = i;
          continue;
        }
        case State.EscapeInQuoted:
        case State.EscapeInUnquoted: {
          if (c === LF) this.line++;
          this.partial += text[i];
          state = state === State.EscapeInQuoted ? State.Quoted : State.Unquoted;
          i++;
          start = i;
          continue;
        }
        case State.AfterCr: {
          state = State.CellStart;
          this.line++;
          if (c === LF) {
            i++;
            start = i;
          }
          continue;
        }
        case State.Comment: {
          const j = nextLineBreak(text, i);
          if (j === n) {
            i = n;
            break;
          }
          state = text.charCodeAt(j) === CR ? State.AfterCr : State.CellStart;
          if (text.charCodeAt(j) === LF) this.line++;
          i = j + 1;
          start = i;
          continue;
        }
      }
    }
    this.state = state;
  }

  /** Flush the last record (a file need not end with a line break). */
  end(): void {
    switch (this.state) {
      case State.AfterCr:
        this.line++;
        break;
      case State.Comment:
        break;
      case State.CellStart:
        if (this.recordStarted || this.cells.length > 0) this.endRecord('');
        break;
      default:
        // An unterminated quoted cell keeps what was read, as Python's csv does at EOF.
        this.endRecord(this.partial);
    }
    this.partial = '';
    this.state = State.CellStart;
  }

  private endRecord(lastCell: string): void {
    const cells = this.cells;
    cells.push(lastCell);
    this.cells = [];
    this.partial = '';
    this.recordStarted = false;
    this.onRecord(cells, this.recordLine);
  }

  private checkLength(chars: number): void {
    if (chars > this.maxRecordChars) {
      throw new RecordTooLongError(this.recordLine, this.maxRecordChars);
    }
  }
}

function nextLineBreak(text: string, from: number): number {
  const n = text.length;
  for (let j = from; j < n; j++) {
    const d = text.charCodeAt(j);
    if (d === LF || d === CR) return j;
  }
  return n;
}

/** A record over the parser's size or cell-count limit (hostile input, or a runaway unclosed quote). */
export class RecordTooLongError extends Error {
  constructor(
    readonly line: number,
    readonly limit: number,
  ) {
    super(
      `the record starting on line ${line} is longer than ${Math.round(limit / (1024 * 1024))} MiB ` +
        `or has more than ${MAX_CELLS} cells; look for a quote that is never closed`,
    );
  }
}
