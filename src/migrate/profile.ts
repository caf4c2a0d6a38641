/**
 * What the data says about a conversion plan: for each checked column, the first candidate type
 * that reads every non-empty cell (with the validator's own casting, so what is chosen here
 * validates there); empty cells; values that are no COFOG code; whether the row id repeats.
 * Fed one row at a time, in constant memory apart from the key set (16-byte digests). Pure.
 */

import { createHash } from 'node:crypto';
import { cofogCanonical } from '../package/codes/cofog.ts';
import { compileField, INVALID, type CompiledField } from '../validate/table/cast.ts';
import type { ConversionPlan } from './convert.ts';

export interface ProfileResult {
  rows: number;
  /** column → index of the first candidate that held on every row. */
  chosen: Map<string, number>;
  empty: Map<string, number>;
  notCofog: Map<string, number>;
  notCofogExample: Map<string, string>;
  duplicateKeys: number;
  emptyKeys: number;
  /** Key digests kept; past KEY_LIMIT rows the uniqueness check stops (said in the report). */
  keysChecked: number;
}

/** Row ids kept for the uniqueness check (16-byte digests: 10M ids ≈ 600 MB with V8's string and Set overhead). */
const KEY_LIMIT = 10_000_000;

interface ColumnState {
  column: string;
  compiled: Array<CompiledField | null>;
  /** Index of the first candidate still viable. */
  at: number;
}

export class TableProfiler {
  private readonly columns: ColumnState[];
  private readonly cofogColumns: Set<string>;
  private readonly keys = new Set<string>();
  private rows = 0;
  private duplicateKeys = 0;
  private emptyKeys = 0;
  private keysChecked = 0;
  private readonly empty = new Map<string, number>();
  private readonly notCofog = new Map<string, number>();
  private readonly notCofogExample = new Map<string, string>();
  private index: Map<string, number> = new Map();

  constructor(private readonly plan: ConversionPlan) {
    this.columns = plan.checks.map((c) => ({
      column: c.column,
      compiled: c.candidates.map((cand) =>
        cand.type === 'string'
          ? null
          : compileField({
              name: c.column,
              type: cand.type,
              ...(cand.format ? { format: cand.format } : {}),
              ...(cand.groupChar ? { groupChar: cand.groupChar } : {}),
            }),
      ),
      at: 0,
    }));
    this.cofogColumns = new Set(plan.cofog.map((c) => c.column));
  }

  /** A new table starts: its header row. */
  header(headers: string[]): void {
    this.index = new Map(headers.map((h, i) => [h, i] as [string, number]).reverse());
  }

  row(cells: string[]): void {
    this.rows++;
    for (const c of this.columns) {
      const i = this.index.get(c.column);
      if (i === undefined) continue;
      const cell = cells[i] ?? '';
      if (cell === '') {
        this.empty.set(c.column, (this.empty.get(c.column) ?? 0) + 1);
        continue;
      }
      while (c.at < c.compiled.length) {
        const f = c.compiled[c.at];
        if (f === null || f === undefined || f.cast(cell) !== INVALID) break;
        c.at++;
      }
    }
    for (const col of this.cofogColumns) {
      const i = this.index.get(col);
      const cell = i === undefined ? '' : (cells[i] ?? '');
      if (cell.trim() === '') continue;
      if (cofogCanonical(cell) === undefined) {
        this.notCofog.set(col, (this.notCofog.get(col) ?? 0) + 1);
        if (!this.notCofogExample.has(col)) this.notCofogExample.set(col, cell.slice(0, 60));
      }
    }
    const parts = this.plan.keyColumns.map((k) => {
      const i = this.index.get(k);
      return i === undefined ? '' : (cells[i] ?? '');
    });
    if (parts.every((p) => p === '')) {
      this.emptyKeys++;
      return;
    }
    if (this.keysChecked >= KEY_LIMIT) return;
    this.keysChecked++;
    const digest = createHash('sha1').update(JSON.stringify(parts)).digest().toString('latin1', 0, 16);
    if (this.keys.has(digest)) this.duplicateKeys++;
    else this.keys.add(digest);
  }

  result(): ProfileResult {
    return {
      rows: this.rows,
      chosen: new Map(this.columns.map((c) => [c.column, c.at])),
      empty: this.empty,
      notCofog: this.notCofog,
      notCofogExample: this.notCofogExample,
      duplicateKeys: this.duplicateKeys,
      emptyKeys: this.emptyKeys,
      keysChecked: this.keysChecked,
    };
  }
}
