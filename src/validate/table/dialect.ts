/**
 * Table Dialect v2 (https://datapackage.org/standard/table-dialect/): which records of a file
 * are its header and which are comments, read as frictionless-py 5 reads them
 * (`dialect/dialect.py`: `read_labels`, `create_comment_filter`, `create_first_content_row`).
 *
 * Rows are counted in file records from 1, comment rows included (frictionless's row numbers).
 * `header: false` (or `headerRows: []`) means no header; otherwise the header is made of the
 * records in `headerRows` (default [1]), joined cell by cell with `headerJoin` (default " "),
 * and content starts after the last of them. A record is a comment when its number is in
 * `commentRows`, or when its first cell starts with `commentChar` (any length, as frictionless:
 * the test is on the parsed first cell, not on the raw line).
 */

import type { DialectDescriptor } from '../../package/descriptor.ts';

export interface TableLayout {
  /** Records (1-based) making up the header, ascending; empty: no header. */
  readonly headerRows: readonly number[];
  readonly headerJoin: string;
  /** First record of content: after the last header row (1 when there is no header). */
  readonly firstContentRow: number;
  /** Labels are compared with field names case-sensitively (v2 `headerCase`, v1 `caseSensitiveHeader`). */
  readonly headerCase: boolean;
  /** Whether any record can be a comment (so the per-record test can be skipped). */
  readonly comments: boolean;
  /** Whether record `row` (1-based) with these cells is a comment. */
  isComment(row: number, cells: readonly string[]): boolean;
  /**
   * With no headerRows declared, the header is the first record that is not a comment (frictionless
   * finds it by detection, which skips leading comment rows): the layout for a header one record
   * further down, or null when the header rows were declared.
   */
  headerAfter(row: number): TableLayout | null;
}

/** At most this many header rows are read (the descriptor check refuses more). */
const MAX_HEADER_ROWS = 100;

const positiveIntegers = (v: unknown): number[] | null =>
  Array.isArray(v) && v.every((n) => Number.isInteger(n) && (n as number) >= 1) ? (v as number[]) : null;

/** The layout a resource's dialect declares (values the descriptor check refuses fall back to defaults). */
export function layoutOf(d: DialectDescriptor | undefined, floating?: number): TableLayout {
  const declaredRows = positiveIntegers(d?.headerRows);
  const header = d?.header !== false;
  const headerRows = header ? [...new Set(declaredRows ?? [floating ?? 1])].sort((a, b) => a - b).slice(0, MAX_HEADER_ROWS) : [];
  const headerJoin = typeof d?.headerJoin === 'string' ? d.headerJoin : ' ';
  // v2 `headerCase` wins; else v1 `caseSensitiveHeader` (kept for v1 packages); default true.
  const headerCase =
    typeof d?.headerCase === 'boolean' ? d.headerCase : typeof d?.caseSensitiveHeader === 'boolean' ? d.caseSensitiveHeader : true;
  const commentChar = typeof d?.commentChar === 'string' && d.commentChar !== '' ? d.commentChar : null;
  const commentRows = new Set(positiveIntegers(d?.commentRows) ?? []);
  const comments = commentChar !== null || commentRows.size > 0;
  return {
    headerRows,
    headerJoin,
    firstContentRow: headerRows.length ? headerRows[headerRows.length - 1]! + 1 : 1,
    headerCase,
    comments,
    headerAfter(row) {
      return declaredRows === null && header ? layoutOf(d, row + 1) : null;
    },
    isComment(row, cells) {
      if (commentChar !== null && cells.length > 0 && cells[0]!.startsWith(commentChar)) return true;
      return commentRows.has(row);
    },
  };
}

/** Characters the joined labels may hold together: as much as one CSV record (csv.ts's maxRecordChars). */
export const MAX_HEADER_CHARS = 64 * 1024 * 1024;

/**
 * The labels of a header spread over several records, as frictionless joins them
 * (`Dialect.read_labels`): each record's cells are stripped; a cell equal to the one above it (a
 * merged heading repeated) is not joined again; a record longer than the ones above adds labels.
 * Joined as the records come, so only the labels are held.
 */
export class HeaderJoiner {
  readonly labels: string[] = [];
  private readonly previous = new Map<number, string>();
  private chars = 0;

  constructor(private readonly join: string) {}

  /** Add a header record; false when the labels would grow past MAX_HEADER_CHARS (nothing added then). */
  add(row: readonly string[]): boolean {
    // An empty line is one empty cell here and no cell in Python's csv: no labels, as there.
    const cells = row.length === 1 && row[0] === '' ? [] : row.map((c) => c.trim());
    let grow = 0;
    cells.forEach((cell, i) => {
      if (this.previous.get(i) !== cell) grow += cell.length + (i < this.labels.length ? this.join.length : 0);
    });
    if (this.chars + grow > MAX_HEADER_CHARS) return false;
    this.chars += grow;
    cells.forEach((cell, i) => {
      if (this.previous.get(i) === cell) return;
      this.previous.set(i, cell);
      // frictionless appends, so a record longer than the ones above fills the next positions
      if (this.labels.length <= i) this.labels.push(cell);
      else this.labels[i] = this.labels[i] + this.join + cell;
    });
    return true;
  }
}

/** The labels of these header records joined (see HeaderJoiner). */
export function joinHeaderRows(rows: readonly (readonly string[])[], join: string): string[] {
  const joiner = new HeaderJoiner(join);
  for (const row of rows) joiner.add(row);
  return joiner.labels;
}
