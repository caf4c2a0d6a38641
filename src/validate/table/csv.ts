/**
 * A streaming CSV parser that reports the physical line each record starts on.
 *
 * Why hand-written: on fiscal CSVs csv-parse ran ~45k rows/s here against ~330k for a simple
 * char-code loop (DESIGN.md, "Facts measured here"), and validation throughput is a goal. The
 * test suite checks this parser against csv-parse on generated and hostile inputs, so the
 * speed does not cost correctness. Text is pushed in chunks of any size (a record, a quoted
 * cell, even a CRLF pair may straddle chunks); the work is linear in the input.
 */

import { UserError } from '../../errors.ts';
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
  /** Chars of the cells of the current record already split off (bounded with `partial` by maxRecordChars). */
  private recordChars = 0;
  /** Whether the current record has any content yet (cells, or chars of the first cell). */
  private recordStarted = false;
  private line = 1;
  private recordLine = 1;
  /** The line the current quoted cell opened on (for the error when it is never closed). */
  private quoteLine = 1;
  private afterCrInCell = false;
  private high = false;

  constructor(
    dialect: CsvDialect,
    private readonly onRecord: RecordHandler,
    /** Records longer than this many chars (once a chunk ends, or at a delimiter) are refused (hostile input); see RecordTooLongError. */
    private readonly maxRecordChars = 64 * 1024 * 1024,
    /** The text is UTF-8 bytes one char per byte (see ChunkDecoder.bytesAsLatin1): decode cells that need it. */
    private readonly bytesAsLatin1 = false,
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

  /**
   * Chars of the current record held by the parser (not yet passed on). Never more than
   * maxRecordChars plus the length of the chunk last pushed: past that, push throws
   * RecordTooLongError instead of growing.
   */
  get bufferedChars(): number {
    return this.partial.length + this.recordChars;
  }

  /** Feed the next chunk of decoded text. */
  push(text: string): void {
    // The hot loop works on locals (V8 keeps them in registers) and writes state back at the end.
    const n = text.length;
    const delim = this.delim;
    const quote = this.quote;
    const escape = this.escape;
    const onRecord = this.onRecord;
    let state = this.state;
    let cells = this.cells;
    let recordChars = this.recordChars; // chars of the cells already in `cells`
    let partial = this.partial;
    let started = this.recordStarted;
    let line = this.line;
    let recordLine = this.recordLine;
    let afterCrInCell = this.afterCrInCell;
    let high = this.high; // the current cell has a char above 0x7f
    const latin1 = this.bytesAsLatin1;
    let start = 0; // start of the current cell's pending slice in `text`
    let i = 0;
    const comment = this.comment;
    const plainStart = !this.skipInitialSpace;
    while (i < n) {
      // Fast path: a whole cell inside this chunk, plain or quoted without doubled quotes. The
      // state machine below handles everything else (chunk edges, escapes, "", comments).
      if (state === State.CellStart && plainStart) {
        let c = text.charCodeAt(i);
        if (!started) {
          recordLine = line;
          if (c === comment && cells.length === 0) {
            state = State.Comment;
            i++;
            continue;
          }
        }
        let j = i;
        let cell: string;
        if (c === quote) {
          j = i + 1;
          let lines = 0;
          let cr = false;
          for (; j < n; j++) {
            c = text.charCodeAt(j);
            if (c === quote || c === escape) break;
            if (c === LF) {
              if (!cr) lines++;
              cr = false;
            } else if (c === CR) {
              lines++;
              cr = true;
            } else {
              cr = false;
              if (c > 0x7f) high = true;
            }
          }
          // Not closed in this chunk, an escape, a doubled quote, or text after the closing
          // quote: let the state machine redo this cell.
          if (j + 1 >= n || c === escape || text.charCodeAt(j + 1) === quote) {
            high = false;
            this.quoteLine = line;
            state = State.Quoted;
            started = true;
            i++;
            start = i;
            continue;
          }
          c = text.charCodeAt(j + 1);
          if (c !== delim && c !== LF && c !== CR) {
            high = false;
            this.quoteLine = line;
            state = State.Quoted;
            started = true;
            i++;
            start = i;
            continue;
          }
          cell = text.slice(i + 1, j);
          line += lines;
          j++;
        } else {
          while (j < n) {
            c = text.charCodeAt(j);
            if (c === delim || c === LF || c === CR || c === escape) break;
            if (c > 0x7f) high = true;
            j++;
          }
          if (j === n || c === escape) {
            // finish in the state machine
            high = false;
            state = State.Unquoted;
            start = i;
            continue;
          }
          cell = text.slice(i, j);
        }
        if (high) {
          if (latin1) cell = utf8Of(cell);
          high = false;
        }
        cells.push(cell);
        recordChars += cell.length;
        i = j + 1;
        if (c === delim) {
          started = true;
          if (cells.length > MAX_CELLS || recordChars > this.maxRecordChars) throw new RecordTooLongError(recordLine, this.maxRecordChars);
          continue;
        }
        const record = cells;
        cells = [];
        recordChars = 0;
        started = false;
        if (c === LF) line++;
        else state = State.AfterCr;
        onRecord(record, recordLine);
        continue;
      }
      switch (state) {
        case State.CellStart: {
          const c = text.charCodeAt(i);
          if (!started) {
            recordLine = line;
            if (c === this.comment && cells.length === 0) {
              state = State.Comment;
              i++;
              continue;
            }
          }
          if (c === quote) {
            started = true;
            this.quoteLine = line;
            state = State.Quoted;
            i++;
            start = i;
            continue;
          }
          if (c === SPACE && this.skipInitialSpace) {
            i++;
            continue;
          }
          start = i;
          state = State.Unquoted;
          continue; // re-read c as part of an unquoted cell
        }
        case State.Unquoted: {
          // Fast scan to the next special char.
          let j = i;
          let d = 0;
          while (j < n) {
            d = text.charCodeAt(j);
            if (d === delim || d === LF || d === CR || d === escape) break;
            if (d > 0x7f) high = true;
            j++;
          }
          if (j > i) started = true;
          if (j === n) {
            partial += text.slice(start, n);
            if (partial.length + recordChars > this.maxRecordChars) throw new RecordTooLongError(recordLine, this.maxRecordChars);
            i = n;
            break;
          }
          if (d === escape) {
            partial += text.slice(start, j);
            state = State.EscapeInUnquoted;
            i = j + 1;
            start = i;
            continue;
          }
          let cell = partial === '' ? text.slice(start, j) : partial + text.slice(start, j);
          partial = '';
          if (high) {
            if (latin1) cell = utf8Of(cell);
            high = false;
          }
          i = j + 1;
          start = i;
          if (d === delim) {
            started = true;
            cells.push(cell);
            recordChars += cell.length;
            if (cells.length > MAX_CELLS || recordChars > this.maxRecordChars)
              throw new RecordTooLongError(recordLine, this.maxRecordChars);
            state = State.CellStart;
            continue;
          }
          // A line break ends the record.
          cells.push(cell);
          const record = cells;
          cells = [];
          recordChars = 0;
          started = false;
          if (d === LF) {
            line++;
            state = State.CellStart;
          } else state = State.AfterCr;
          onRecord(record, recordLine);
          continue;
        }
        case State.Quoted: {
          // Fast scan to the next quote / escape, counting line breaks inside the cell.
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === quote || d === escape) break;
            if (d === LF) {
              if (!afterCrInCell) line++;
              afterCrInCell = false;
            } else if (d === CR) {
              line++;
              afterCrInCell = true;
            } else {
              afterCrInCell = false;
              if (d > 0x7f) high = true;
            }
            j++;
          }
          partial += text.slice(start, j);
          if (partial.length + recordChars > this.maxRecordChars) throw new RecordTooLongError(recordLine, this.maxRecordChars);
          if (j === n) {
            i = n;
            break;
          }
          afterCrInCell = false;
          state = text.charCodeAt(j) === quote && escape !== quote ? State.QuoteInQuoted : State.EscapeInQuoted;
          i = j + 1;
          start = i;
          continue;
        }
        case State.QuoteInQuoted: {
          if (text.charCodeAt(i) === quote && this.doubleQuote) {
            partial += text[i];
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
          const c = text.charCodeAt(i);
          if (c === LF) line++;
          else if (c > 0x7f) high = true;
          partial += text[i];
          // checked here too: a chunk may end right after every escaped char
          if (partial.length + recordChars > this.maxRecordChars) throw new RecordTooLongError(recordLine, this.maxRecordChars);
          state = state === State.EscapeInQuoted ? State.Quoted : State.Unquoted;
          i++;
          start = i;
          continue;
        }
        case State.AfterCr: {
          state = State.CellStart;
          line++;
          if (text.charCodeAt(i) === LF) {
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
          if (text.charCodeAt(j) === LF) line++;
          i = j + 1;
          start = i;
          continue;
        }
      }
    }
    this.state = state;
    this.cells = cells;
    this.recordChars = recordChars;
    this.partial = partial;
    this.recordStarted = started;
    this.line = line;
    this.recordLine = recordLine;
    this.afterCrInCell = afterCrInCell;
    this.high = high;
  }

  /**
   * Flush the last record (a file need not end with a line break). Throws UnclosedQuoteError
   * when the file ends inside a quoted cell: that record is not passed on (Python's csv, hence
   * frictionless, keeps it and swallows the rest of the file into one cell without an error).
   */
  end(): void {
    switch (this.state) {
      case State.Quoted:
      case State.EscapeInQuoted: {
        const line = this.quoteLine;
        this.reset();
        throw new UnclosedQuoteError(line);
      }
      case State.AfterCr:
        this.line++;
        break;
      case State.Comment:
        break;
      case State.CellStart:
        if (this.recordStarted || this.cells.length > 0) this.endRecord('');
        break;
      default:
        // The last cell is unquoted, or its quote was closed (`"a"` or `"a"b` at EOF).
        this.endRecord(this.partial);
    }
    this.reset();
  }

  private reset(): void {
    this.cells = [];
    this.recordChars = 0;
    this.partial = '';
    this.recordStarted = false;
    this.high = false;
    this.state = State.CellStart;
  }

  private endRecord(lastCell: string): void {
    const cells = this.cells;
    cells.push(this.high && this.bytesAsLatin1 ? utf8Of(lastCell) : lastCell);
    this.high = false;
    this.cells = [];
    this.recordChars = 0;
    this.partial = '';
    this.recordStarted = false;
    this.onRecord(cells, this.recordLine);
  }
}

/** Decode a cell held as UTF-8 bytes in a latin1 string. */
function utf8Of(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function nextLineBreak(text: string, from: number): number {
  const n = text.length;
  for (let j = from; j < n; j++) {
    const d = text.charCodeAt(j);
    if (d === LF || d === CR) return j;
  }
  return n;
}

/** What to do about a quote that is never closed (one wording for both errors below). */
const CLOSE_QUOTE = 'close it or escape quotes by doubling them';

/** The text is not CSV the parser can go on reading: the table stops at `line`. */
export class CsvSyntaxError extends UserError {
  constructor(
    readonly line: number,
    message: string,
    code = 'csv-syntax',
  ) {
    super(code, message);
  }
}

/** A record over the parser's size or cell-count limit (hostile input, or a runaway unclosed quote). */
export class RecordTooLongError extends CsvSyntaxError {
  constructor(
    line: number,
    readonly limit: number,
  ) {
    super(
      line,
      `the record starting on line ${line} is longer than ${Math.round(limit / (1024 * 1024))} MiB ` +
        `or has more than ${MAX_CELLS} cells; if a quote opened there is never closed, ${CLOSE_QUOTE}`,
      'record-too-long',
    );
  }
}

/** The file ends inside a quoted cell. */
export class UnclosedQuoteError extends CsvSyntaxError {
  constructor(line: number) {
    super(line, `the quote opened on line ${line} is never closed; ${CLOSE_QUOTE}`, 'unclosed-quote');
  }
}
