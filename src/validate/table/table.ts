/**
 * One streaming pass over one tabular resource: labels, cells, types, constraints, unique and
 * primary keys, foreign keys, declared bytes and hash. Memory stays constant apart from the key
 * sets that uniqueness and foreign keys need.
 */

import { createHash, type Hash } from 'node:crypto';
import type { FieldDescriptor, ResourceDescriptor } from '../../package/descriptor.ts';
import { SourceError, type FileHandle } from '../../package/source.ts';
import { pointerOf, problem, quoted, quotedList, shown, type Problem, type ProblemCode } from '../../package/problem.ts';
import type { ProblemSink } from '../report.ts';
import { compileField, INVALID, SchemaCompileError, type CompiledField } from './cast.ts';
import { CsvParser, CsvSyntaxError, dialectOf, type CsvDialect } from './csv.ts';
import { createDecoder, type ChunkDecoder } from './decode.ts';
import { HeaderJoiner, layoutOf, MAX_HEADER_CHARS, type TableLayout } from './dialect.ts';
import { ENCODING_SAMPLE_BYTES } from './encodings.ts';
import { compileTableField, fieldMissingValues, missingValueStrings } from './field.ts';
import { fieldsMatchOf, matchHeader, type HeaderMatch } from './header.ts';
import { sniffSample } from './sniff.ts';
import { KeySet } from './key-set.ts';
import { fallbackField } from './lenient-field.ts';

/** A foreign key as the table pass sees it. */
export interface ForeignKeyCheck {
  fields: string[];
  reference: { resource: string; fields: string[] };
  /** The referenced keys, when the referenced resource was read first; else checked later. */
  keys: Set<string> | null;
}

/** Something that wants every data row (aggregates hook in here, in the same pass). */
export interface RowObserver {
  /** Called with the compiled fields before the first row (again, in column order, when the header matches them by name: fieldsMatch). */
  start?(fields: readonly CompiledField[]): void;
  /** Typed values by field position (null for missing; rows with type errors are passed too, with INVALID values). */
  row(values: readonly unknown[], cells: readonly string[], rowNumber: number, lineNumber: number): void;
}

export interface TableTask {
  resource: ResourceDescriptor;
  /** Position in `resources` (for JSON pointers). */
  index: number;
  sink: ProblemSink;
  /** Field-name lists whose composite keys other resources reference: collect them. */
  collect: string[][];
  foreignKeys: ForeignKeyCheck[];
  observers?: RowObserver[];
}

/** A foreign-key value that could not be checked during the pass (its target was not read yet). */
export interface DeferredKey {
  fk: number;
  key: string;
  path: string;
  fieldNumber?: number;
  rowNumber: number;
  lineNumber: number;
  cell: string;
}

export interface TableOutcome {
  rows: number;
  bytes: number;
  /** Collected key sets, by field names joined with ','. */
  keys: Map<string, Set<string>>;
  deferred: DeferredKey[];
  /** Compiled fields (empty when the schema could not be compiled). */
  fields: CompiledField[];
}

/**
 * Key of a value in a set of one field's values (unique, single-field primary key): the value
 * itself when it is a primitive (one field's values all have one type, so no cross-type
 * collisions; cheaper to hash than a built key string), else the field's canonical key.
 */
function setKey(f: CompiledField, v: unknown): unknown {
  return typeof v === 'object' ? f.key(v) : v;
}

/** Separator of composite key parts: a control char that no canonical key contains. */
const KEY_SEP = '\u001f';

const LFS_SIGNATURE = 'version https://git-lfs.github.com/spec/v1';

/** A part of a resource's data: one file (multipart resources have several). */
export interface TablePart {
  path: string;
  file: FileHandle;
}

/**
 * Validate one resource's rows: its files' (`parts`), or its inline `data` when it has no parts.
 * Problems go to `task.sink`; returns counts and collected keys.
 */
export async function validateTable(parts: TablePart[], task: TableTask): Promise<TableOutcome> {
  if (parts.length === 0 && task.resource.data !== undefined) return validateInlineTable(task);
  const run = new TableRun(task);
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    const more = await run.readPart(part, k === 0);
    if (!more) break;
  }
  run.finish();
  return run.outcome();
}

/** Validate inline `data` (an array of arrays with a header row, or an array of objects). */
function validateInlineTable(task: TableTask): TableOutcome {
  const run = new TableRun(task);
  const data = task.resource.data;
  const ptr = pointerOf('resources', task.index, 'data');
  if (!Array.isArray(data)) {
    run.report('source-error', `inline data must be an array of rows; fix ${ptr}`, { pointer: ptr });
  } else {
    const labels =
      data.length > 0 && !Array.isArray(data[0]) && typeof data[0] === 'object' && data[0] !== null ? Object.keys(data[0]) : null;
    const rows: unknown[][] = labels
      ? [labels, ...data.map((r) => labels.map((l) => (r && typeof r === 'object' && !Array.isArray(r) ? r[l] : undefined)))]
      : data.map((r) => (Array.isArray(r) ? r : [r]));
    run.path = '';
    rows.forEach((r, i) => run.record(r.map(inlineCell), i + 1));
  }
  run.finish();
  return run.outcome();
}

function inlineCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

class TableRun {
  path = '';
  private readonly name: string;
  private readonly fieldDescriptors: FieldDescriptor[] | null;
  private fields: CompiledField[] = [];
  private readonly missing: Set<string>;
  private readonly dialect: CsvDialect;
  private layout: TableLayout;
  /** The header's labels, joined as its records come (several with `headerRows`). */
  private header: HeaderJoiner | null = null;
  /** Per field: its missing values (blank-row test). */
  private fieldMissing: Array<ReadonlySet<string>> = [];
  /** Per uniqueKeys entry (v2): field positions and the keys seen. */
  private readonly uniqueKeys: Array<{ idx: number[]; names: string[]; keys: KeySet }> = [];
  private rowNumber = 0;
  private rows = 0;
  private bytes = 0;
  private headerSeen = false;
  private stopped = false;
  private readonly uniques: Array<KeySet | null> = [];
  private pk: number[] = [];
  private readonly pkKeys = new KeySet();
  private readonly collectIdx: number[][] = [];
  private readonly collected: Array<Set<string>> = [];
  private readonly fkIdx: number[][] = [];
  private readonly deferred: DeferredKey[] = [];
  private hash: Hash | null = null;
  private hashAlgo = '';
  private hashExpected = '';
  private values: unknown[] = [];

  constructor(private readonly task: TableTask) {
    const r = task.resource;
    this.name = r.name;
    // Comments are told by the first parsed cell, as frictionless does (dialect.ts), not by the parser.
    this.dialect = { ...dialectOf(r.dialect), commentChar: null };
    this.layout = layoutOf(r.dialect);
    this.fieldDescriptors = r.schema?.fields ?? null;
    this.missing = new Set(missingValueStrings(r.schema?.missingValues) ?? ['']);
    if (this.fieldDescriptors) this.compileFields(this.fieldDescriptors);
    if (typeof r.hash === 'string' && r.hash !== '') {
      const m = /^(?:(md5|sha1|sha256|sha512):)?([0-9a-fA-F]+)$/.exec(r.hash);
      if (m) {
        this.hashAlgo = m[1] ?? 'md5';
        this.hashExpected = m[2]!.toLowerCase();
        this.hash = createHash(this.hashAlgo);
      } else {
        this.report(
          'hash-count',
          `declared hash ${quoted(r.hash)} is not "<algorithm>:<hex>" (md5, sha1, sha256 or sha512); fix resources/${task.index}/hash`,
          {
            pointer: pointerOf('resources', task.index, 'hash'),
          },
        );
      }
    }
  }

  private compileFields(descs: FieldDescriptor[]): void {
    const schemaMissing = this.task.resource.schema?.missingValues;
    this.fields = descs.map((f, i) => {
      try {
        return compileTableField(f, schemaMissing);
      } catch (e) {
        if (!(e instanceof SchemaCompileError)) throw e;
        // A field-level problem never stops the rows from being read (lenient-field.ts).
        const { field, how } = fallbackField(f, e, schemaMissing);
        this.report('descriptor-error', `field ${quoted(f.name)}: ${e.message}; ${how}`, {
          pointer: pointerOf('resources', this.task.index, 'schema', 'fields', i, ...e.property.split('/')),
          fieldName: f.name,
          fieldNumber: i + 1,
        });
        return field;
      }
    });
    this.fieldMissing = descs.map((f) => (f.missingValues === undefined ? this.missing : new Set(fieldMissingValues(f, schemaMissing))));
    this.values = new Array<unknown>(this.fields.length).fill(null);
    this.setupKeys();
  }

  private setupKeys(): void {
    const names = this.fields.map((f) => f.name);
    const idx = (list: string[]): number[] => list.map((n) => names.indexOf(n));
    this.uniques.length = 0;
    for (const f of this.fields) this.uniques.push(f.unique ? new KeySet() : null);
    const pk = this.task.resource.schema?.primaryKey;
    this.pk = pk === undefined ? [] : idx(typeof pk === 'string' ? [pk] : pk).filter((i) => i >= 0);
    this.collectIdx.length = 0;
    this.collected.length = 0;
    for (const c of this.task.collect) {
      this.collectIdx.push(idx(c));
      this.collected.push(new Set());
    }
    this.fkIdx.length = 0;
    for (const fk of this.task.foreignKeys) this.fkIdx.push(idx(fk.fields));
    this.uniqueKeys.length = 0;
    const uk: unknown = this.task.resource.schema?.uniqueKeys;
    if (Array.isArray(uk)) {
      for (const k of uk) {
        const names = typeof k === 'string' ? [k] : Array.isArray(k) ? k.filter((n): n is string => typeof n === 'string') : [];
        const at = idx(names);
        // A key with a field the header lacks (name matching) cannot be checked: the header says so.
        if (names.length && at.every((i) => i >= 0)) this.uniqueKeys.push({ idx: at, names, keys: new KeySet() });
      }
    }
    for (const o of this.task.observers ?? []) o.start?.(this.fields);
  }

  report(code: ProblemCode, message: string, extra: Omit<Problem, 'code' | 'message' | 'severity' | 'resource'> = {}): void {
    this.task.sink.add(problem(code, message, { resource: this.name, path: this.path || undefined, ...extra }));
  }

  /** Read one file of the resource. Returns false when reading must stop (fatal problem). */
  async readPart(part: TablePart, first: boolean): Promise<boolean> {
    this.path = part.path;
    if (!createDecoder(this.task.resource.encoding)) {
      this.report(
        'encoding-error',
        `unknown encoding ${quoted(this.task.resource.encoding)}; use "utf-8" (or another encoding name such as "latin-1", "cp1252", "utf-8-sig") in resources/${this.task.index}/encoding`,
        {
          pointer: pointerOf('resources', this.task.index, 'encoding'),
        },
      );
      return false;
    }
    if (!first) this.headerSeen = true;
    let decoder: ChunkDecoder | null = null;
    let parser: CsvParser | null = null;
    // The first bytes are held back until there are enough to sniff the encoding and the
    // delimiter the descriptor does not declare (sniff.ts), then read like the rest.
    const held: Uint8Array[] = [];
    let heldBytes = 0;
    let sniffed = false;
    let encodingErrors = 0;
    const feed = (chunk: Uint8Array): void => {
      const { text, bad } = decoder!.decode(chunk);
      if (bad.length) encodingErrors += this.reportBad(text, bad, parser!.currentLine, encodingErrors);
      parser!.push(text);
    };
    const begin = async (complete: boolean): Promise<void> => {
      if (first) await this.sniff(held, complete, part.path);
      decoder = createDecoder(this.readEncoding ?? this.task.resource.encoding)!;
      const dialect = first ? this.readDialect() : { ...this.readDialect(), header: false };
      parser = new CsvParser(dialect, (cells, line) => this.record(cells, line), undefined, decoder.bytesAsLatin1);
      for (const chunk of held.splice(0)) if (!this.stopped) feed(chunk);
    };
    try {
      for await (const chunk of part.file.stream()) {
        this.bytes += chunk.length;
        this.hash?.update(chunk);
        if (!sniffed) {
          sniffed = true;
          if (chunk.length < 1024 && Buffer.from(chunk.subarray(0, LFS_SIGNATURE.length)).toString('latin1') === LFS_SIGNATURE) {
            this.report(
              'lfs-error',
              `${shown(part.path)} is a git-LFS pointer, not the data: fetch the object (git lfs pull, or lfs: true on actions/checkout) and validate again`,
              { lineNumber: 1 },
            );
            return false;
          }
        }
        if (this.stopped) continue; // keep counting bytes and hashing
        if (parser === null) {
          held.push(chunk);
          heldBytes += chunk.length;
          if (heldBytes < ENCODING_SAMPLE_BYTES) continue;
          await begin(false);
          continue;
        }
        feed(chunk);
      }
      if (parser === null && !this.stopped) await begin(true);
      if (decoder === null || parser === null) return !this.stopped;
      const { text, bad } = (decoder as ChunkDecoder).end();
      if (bad.length) encodingErrors += this.reportBad(text, bad, (parser as CsvParser).currentLine, encodingErrors);
      if (!this.stopped) {
        (parser as CsvParser).push(text);
        (parser as CsvParser).end();
        if (first && this.layout.headerRows.length > 0 && !this.headerSeen) {
          // As frictionless: no header where one is expected (0 bytes, a BOM alone, comments only).
          const rows = this.layout.headerRows;
          const where =
            rows.length === 1 && rows[0] === 1 ? 'row (the column labels) on line 1' : `rows (dialect headerRows ${rows.join(', ')})`;
          this.report('source-error', `${part.path}: the source is empty; a table needs at least its header ${where}`, { lineNumber: 1 });
          return false;
        }
      }
    } catch (e) {
      if (e instanceof CsvSyntaxError) {
        this.report('source-error', `${shown(part.path)}: ${e.message}`, { lineNumber: e.line });
        return false;
      }
      // A source may fail while streaming (LFS content that does not match its pointer, a
      // dropped connection): a problem of this resource, not a crash.
      if (e instanceof SourceError) {
        this.report(e.code, `${shown(part.path)}: ${e.message}`);
        this.stopped = true;
        return false;
      }
      throw e;
    }
    return !this.stopped;
  }

  /** The encoding detected for the resource (sniff), when it declares none and is not UTF-8. */
  private readEncoding: string | undefined;
  /** What was sniffed of the dialect the resource does not declare (its delimiter when not ",", skipInitialSpace). */
  private readSniffed: Partial<CsvDialect> = {};

  private readDialect(): CsvDialect {
    return { ...this.dialect, ...this.readSniffed };
  }

  /** Sniff the first file's encoding and delimiter where the descriptor is silent, and say what was found (sniff.ts). */
  private async sniff(held: Uint8Array[], complete: boolean, path: string): Promise<void> {
    const found = await sniffSample(Buffer.concat(held), complete, this.task.resource, path);
    const i = this.task.index;
    const warn = (code: ProblemCode, message: string, extra: Omit<Problem, 'code' | 'message' | 'severity' | 'resource'>): void =>
      this.task.sink.add(problem(code, message, { resource: this.name, path: this.path || undefined, ...extra, severity: 'warning' }));
    if (found.encoding !== undefined) {
      this.readEncoding = found.encoding;
      warn(
        'encoding-detected',
        `${shown(path)} is not UTF-8 and resources/${i} declares no encoding: read as ${quoted(found.encoding)} (detected from its first bytes, as frictionless does); ` +
          `add "encoding": ${JSON.stringify(found.encoding)} to resources/${i}, or save the file as UTF-8`,
        { pointer: pointerOf('resources', i) },
      );
    }
    const sniffed: Partial<CsvDialect> = {};
    if (found.delimiter !== undefined) sniffed.delimiter = found.delimiter;
    if (found.skipInitialSpace) sniffed.skipInitialSpace = true;
    if (Object.keys(sniffed).length > 0) {
      this.readSniffed = sniffed;
      const what = [
        found.delimiter !== undefined ? `is delimited by ${quoted(found.delimiter)}, not ","` : '',
        found.skipInitialSpace ? 'has a space after each delimiter on line 1' : '',
      ]
        .filter(Boolean)
        .join(' and ');
      const json = JSON.stringify(sniffed).replace(/,"/g, ', "').replace(/":/g, '": ');
      const declared = typeof this.task.resource.dialect === 'object' && this.task.resource.dialect !== null;
      const add = declared ? `add ${json.slice(1, -1)} to resources/${i}/dialect` : `add "dialect": ${json} to resources/${i}`;
      warn(
        'dialect-sniffed',
        `${shown(path)} ${what}, and resources/${i} does not declare it: read with ${json} (sniffed from its first lines, as frictionless does); ${add}`,
        { pointer: pointerOf('resources', i) },
      );
    }
  }

  private reportBad(text: string, bad: Array<{ index: number; byte: number; nul: boolean }>, line: number, before: number): number {
    let at = 0;
    let n = 0;
    for (const b of bad) {
      // count line breaks between the last position and this one
      for (let k = text.indexOf('\n', at); k !== -1 && k < b.index; k = text.indexOf('\n', k + 1)) {
        line++;
        at = k + 1;
      }
      if (before + n >= 20) return n; // one file's worth of encoding errors is enough to act on
      n++;
      const what = b.nul ? 'a NUL byte' : `the byte 0x${b.byte.toString(16).padStart(2, '0')}, which is not valid UTF-8`;
      const fix = b.nul ? 'remove it' : `save the file as UTF-8 or declare its encoding (resources/${this.task.index}/encoding)`;
      this.report('encoding-error', `${shown(this.path)} line ${line} contains ${what}; ${fix}`, { lineNumber: line });
    }
    return n;
  }

  /** One parsed record (the header included). */
  record(cells: string[], line: number): void {
    const rowNumber = ++this.rowNumber;
    if (this.stopped) return;
    let layout = this.layout;
    if (rowNumber < layout.firstContentRow && !this.headerSeen) {
      // The header (dialect.ts): its rows are collected, the rows before and between skipped.
      const comment = layout.comments && layout.isComment(rowNumber, cells);
      if (comment && layout.headerRows[0] === rowNumber) {
        const below = layout.headerAfter(rowNumber);
        if (below) {
          this.layout = layout = below;
          return;
        }
      }
      if (layout.headerRows.includes(rowNumber) && !comment) {
        this.header ??= new HeaderJoiner(layout.headerJoin);
        if (!this.header.add(cells)) {
          this.headerSeen = true;
          this.stopped = true;
          this.report(
            'source-error',
            `the header rows (dialect headerRows) hold more than ${MAX_HEADER_CHARS} characters of labels by row ${rowNumber}; check headerRows and headerJoin`,
            { lineNumber: line, rowNumber },
          );
          return;
        }
      }
      if (rowNumber === layout.firstContentRow - 1) {
        this.headerSeen = true;
        this.labels(this.header?.labels ?? [], line);
      }
      return;
    }
    if (layout.comments && layout.isComment(rowNumber, cells)) return;
    if (!this.headerSeen) {
      this.headerSeen = true;
      if (!this.fieldDescriptors) this.compileFields(cells.map((_, i) => ({ name: `field${i + 1}`, type: 'any' })));
    }
    this.rows++;
    this.row(cells, line);
  }

  private labels(labels: string[], line: number): void {
    if (!this.fieldDescriptors) {
      this.compileFields(labels.map((l, i) => ({ name: l === '' ? `field${i + 1}` : l, type: 'any' })));
    }
    const schema = this.task.resource.schema;
    const mode = fieldsMatchOf(schema?.fieldsMatch);
    const pk = schema?.primaryKey;
    const pkNames = typeof pk === 'string' ? [pk] : Array.isArray(pk) ? pk : [];
    const fields = this.fields;
    const match = matchHeader(
      labels,
      fields.map((f) => ({ name: f.name, required: f.required || pkNames.includes(f.name) })),
      this.fieldDescriptors ? mode : 'exact',
      this.layout.headerCase,
      this.fieldDescriptors !== null,
    );
    if (match.refused) {
      this.refuseHeader(match, mode, line);
      return;
    }
    for (const p of match.problems) this.headerProblem(p, labels, line, mode);
    if (match.columns) this.byName(match.columns, labels);
  }

  /** Name matching: the fields in column order, an `any` field for a column the schema lacks. */
  private byName(columns: number[], labels: string[]): void {
    const schemaFields = this.fields;
    const missing = this.fieldMissing;
    this.fields = columns.map((c, i) => (c >= 0 ? schemaFields[c]! : compileField({ name: labels[i]!, type: 'any' })));
    this.fieldMissing = columns.map((c) => (c >= 0 ? missing[c]! : this.missing));
    this.values = new Array<unknown>(this.fields.length).fill(null);
    this.setupKeys();
    const names = new Set(this.fields.map((f) => f.name));
    const pk = this.task.resource.schema?.primaryKey;
    const pkNames = typeof pk === 'string' ? [pk] : Array.isArray(pk) ? pk : [];
    // frictionless skips the primary key of a table whose header lacks one of its fields (the header reports it).
    if (pkNames.some((n) => !names.has(n))) this.pk = [];
  }

  private refuseHeader(match: HeaderMatch, mode: string, line: number): void {
    const r = match.refused!;
    const why =
      r.reason === 'ambiguous-fields'
        ? `fields ${quotedList(r.fields)} differ only by case, which the dialect's headerCase: false ignores; rename one of them, or set headerCase to true`
        : `the header repeats ${quotedList(r.labels)}${this.layout.headerCase ? '' : ' (compared ignoring case)'}; give each column its own name`;
    this.report(
      'descriptor-error',
      `columns cannot be matched to fields by name (fieldsMatch ${quoted(mode)}): ${why}; the rows were not checked`,
      {
        pointer: pointerOf('resources', this.task.index, 'schema', r.reason === 'ambiguous-fields' ? 'fields' : 'fieldsMatch'),
        lineNumber: r.reason === 'duplicate-labels' ? line : undefined,
      },
    );
    this.stopped = true;
  }

  private headerProblem(p: HeaderMatch['problems'][number], labels: string[], line: number, mode: string): void {
    const at = {
      lineNumber: line,
      fieldNumber: p.fieldNumber,
      fieldName: p.fieldName ?? p.label,
      ...(p.label !== undefined ? { cell: p.label } : {}),
    };
    const i = p.fieldNumber ?? 0;
    const byName = mode !== 'exact' && this.fieldDescriptors !== null;
    switch (p.code) {
      case 'missing-label':
        this.report(
          'missing-label',
          byName
            ? `the header has no column ${quoted(p.fieldName)} (fieldsMatch ${quoted(mode)}); add the column, or remove the field from the schema`
            : `the header has no label for field ${i} ${quoted(p.fieldName)}; add the column or remove the field from the schema`,
          at,
        );
        return;
      case 'extra-label':
        this.report(
          'extra-label',
          byName
            ? `column ${i} ${quoted(p.label)} matches no field of the schema (fieldsMatch ${quoted(mode)}); add a field for it, remove the column, or use fieldsMatch "subset"`
            : `column ${i} ${quoted(p.label)} has no field in the schema; add a field for it or remove the column`,
          at,
        );
        return;
      case 'blank-label':
        this.report(
          'blank-label',
          `the label of column ${i} is blank; name the column${p.fieldName !== undefined && this.fieldDescriptors ? ` ${quoted(p.fieldName)} as in the schema` : ''}`,
          at,
        );
        return;
      case 'duplicate-label':
        this.report(
          'duplicate-label',
          `label ${quoted(p.label)} of column ${i} repeats column ${p.earlier!.join(', ')}; give each column its own name`,
          at,
        );
        return;
      case 'incorrect-label':
        this.report(
          'incorrect-label',
          `column ${i} is labelled ${quoted(p.label)} but the schema's field ${i} is ${quoted(p.fieldName)}; rename one so they match (fields are matched by position${this.layout.headerCase ? '' : ', ignoring case'})`,
          at,
        );
        return;
      case 'unmatched-header':
        this.report(
          'unmatched-header',
          `no column of the header (${quotedList(labels)}) matches a field of the schema (fieldsMatch "partial" needs at least one); check the header row (dialect headerRows) or the field names`,
          { lineNumber: line },
        );
        return;
    }
  }

  private row(cells: string[], line: number): void {
    const fields = this.fields;
    const nf = fields.length;
    const nc = cells.length;
    const rowNumber = this.rowNumber;
    const values = this.values;

    // Blank row: every cell missing. Only that is reported for the row (as frictionless does),
    // and the primary key below.
    let blank = true;
    const fieldMissing = this.fieldMissing;
    for (let i = 0; i < nc; i++) {
      if (!(i < nf ? fieldMissing[i]! : this.missing).has(cells[i]!)) {
        blank = false;
        break;
      }
    }
    if (blank) {
      this.report('blank-row', `row ${rowNumber} (line ${line}) is blank; remove it`, { rowNumber, lineNumber: line });
      for (let i = 0; i < nf; i++) values[i] = null;
    } else {
      for (let i = 0; i < nf; i++) {
        const f = fields[i]!;
        if (i >= nc) {
          values[i] = null;
          // As frictionless: an absent cell is null, so a required field says so too.
          if (f.required)
            this.cellProblem(
              'constraint-error',
              `row ${rowNumber} (line ${line}), field ${quoted(f.name)} is required but the row has no cell for it; fill it in`,
              rowNumber,
              line,
              i,
              '',
            );
          this.cellProblem(
            'missing-cell',
            `row ${rowNumber} (line ${line}) has no cell for field ${quoted(f.name)} (column ${i + 1}); add the missing value, even if empty`,
            rowNumber,
            line,
            i,
            '',
          );
          continue;
        }
        const cell = cells[i]!;
        const v = f.cast(cell);
        values[i] = v;
        if (v === INVALID) {
          this.cellProblem(
            'type-error',
            `row ${rowNumber} (line ${line}), field ${quoted(f.name)}: ${quoted(cell)} is not ${f.expected}; fix the value, or the field's type/format`,
            rowNumber,
            line,
            i,
            cell,
          );
          continue;
        }
        if (v === null) {
          if (f.required)
            this.cellProblem(
              'constraint-error',
              `row ${rowNumber} (line ${line}), field ${quoted(f.name)} is required but empty; fill it in`,
              rowNumber,
              line,
              i,
              cell,
            );
          continue;
        }
        if (f.constrained) {
          const broken = f.check(v, cell);
          if (broken !== undefined)
            this.cellProblem(
              'constraint-error',
              `row ${rowNumber} (line ${line}), field ${quoted(f.name)}: ${quoted(cell)} ${broken}`,
              rowNumber,
              line,
              i,
              cell,
            );
        }
        const u = this.uniques[i];
        if (u) {
          if (!u.add(setKey(f, v)))
            this.cellProblem(
              'unique-error',
              `row ${rowNumber} (line ${line}), field ${quoted(f.name)}: ${quoted(cell)} repeats an earlier row; values of this field must be unique`,
              rowNumber,
              line,
              i,
              cell,
            );
        }
      }
      for (let i = nf; i < nc; i++) {
        this.cellProblem(
          'extra-cell',
          `row ${rowNumber} (line ${line}) has an extra cell ${i + 1} (${quoted(cells[i])}) beyond the ${nf} fields; remove it or add a field`,
          rowNumber,
          line,
          i,
          cells[i]!,
        );
      }
    }

    if (this.uniqueKeys.length) this.uniqueKeyCheck(values, cells, rowNumber, line);
    if (this.pk.length) this.primaryKey(values, rowNumber, line);
    for (let c = 0; c < this.collectIdx.length; c++) {
      const k = this.compositeKey(this.collectIdx[c]!, values);
      if (k !== null) this.collected[c]!.add(k);
    }
    for (let c = 0; c < this.fkIdx.length; c++) this.foreignKey(c, values, cells, rowNumber, line);
    const observers = this.task.observers;
    if (observers) for (const o of observers) o.row(values, cells, rowNumber, line);
  }

  private cellProblem(code: ProblemCode, message: string, rowNumber: number, lineNumber: number, i: number, cell: string): void {
    this.report(code, message, { rowNumber, lineNumber, fieldNumber: i + 1, fieldName: this.fields[i]?.name, cell });
  }

  /** Composite key of typed values, or null when every part is null (or any is unreadable). */
  private compositeKey(idx: number[], values: readonly unknown[]): string | null {
    if (idx.length === 1) {
      const i = idx[0]!;
      const v = values[i];
      return v === null || v === undefined || v === INVALID || i < 0 ? null : this.fields[i]!.key(v);
    }
    let allNull = true;
    const parts: string[] = [];
    for (const i of idx) {
      const v = i < 0 ? null : values[i];
      if (v === INVALID) return null;
      if (v === null || v === undefined) parts.push('');
      else {
        allNull = false;
        parts.push(this.fields[i]!.key(v));
      }
    }
    return allNull ? null : parts.join(KEY_SEP);
  }

  private primaryKey(values: readonly unknown[], rowNumber: number, lineNumber: number): void {
    const pk = this.pk;
    let k: unknown;
    if (pk.length === 1) {
      const v = values[pk[0]!];
      if (v === INVALID) return; // the type error says it already
      k = v === null || v === undefined ? null : setKey(this.fields[pk[0]!]!, v);
    } else {
      for (const i of pk) if (values[i] === INVALID) return;
      k = this.compositeKey(pk, values);
    }
    if (k === null) {
      this.report('primary-key', `row ${rowNumber} (line ${lineNumber}) has no value for the primary key (${this.pkNames()}); fill it in`, {
        rowNumber,
        lineNumber,
      });
      return;
    }
    if (!this.pkKeys.add(k)) {
      const key = pk.map((i) => String(values[i])).join(', ');
      this.report(
        'primary-key',
        `row ${rowNumber} (line ${lineNumber}) repeats the primary key (${this.pkNames()}) = (${shown(key)}) of an earlier row; keys must be unique`,
        {
          rowNumber,
          lineNumber,
          cell: key,
        },
      );
    }
  }

  /** v2 uniqueKeys: a row whose key has a null (or unreadable) part is not checked, as in SQL. */
  private uniqueKeyCheck(values: readonly unknown[], cells: readonly string[], rowNumber: number, lineNumber: number): void {
    for (const u of this.uniqueKeys) {
      let k: unknown;
      if (u.idx.length === 1) {
        const v = values[u.idx[0]!];
        if (v === null || v === undefined || v === INVALID) continue;
        k = setKey(this.fields[u.idx[0]!]!, v);
      } else {
        if (u.idx.some((i) => values[i] === null || values[i] === undefined || values[i] === INVALID)) continue;
        k = this.compositeKey(u.idx, values);
      }
      if (u.keys.add(k)) continue;
      const cell = u.idx.map((i) => cells[i] ?? '').join(', ');
      this.cellProblem(
        'unique-error',
        `row ${rowNumber} (line ${lineNumber}) repeats the unique key (${quotedList(u.names)}) = (${shown(cell)}) of an earlier row; values of uniqueKeys must be unique together`,
        rowNumber,
        lineNumber,
        u.idx[0]!,
        cell,
      );
    }
  }

  private pkNames(): string {
    return quotedList(this.pk.map((i) => this.fields[i]!.name));
  }

  private foreignKey(c: number, values: readonly unknown[], cells: readonly string[], rowNumber: number, lineNumber: number): void {
    const idx = this.fkIdx[c]!;
    const k = this.compositeKey(idx, values);
    if (k === null) return;
    const fk = this.task.foreignKeys[c]!;
    if (fk.keys !== null && fk.keys.has(k)) return;
    const cell = idx.map((i) => cells[i] ?? '').join(', ');
    if (fk.keys === null) this.deferred.push({ fk: c, key: k, path: this.path, fieldNumber: idx[0]! + 1, rowNumber, lineNumber, cell });
    else this.foreignKeyProblem(fk, rowNumber, lineNumber, cell);
  }

  private foreignKeyProblem(fk: ForeignKeyCheck, rowNumber: number, lineNumber: number, cell: string): void {
    const fieldNumber = this.fields.findIndex((f) => f.name === fk.fields[0]) + 1 || undefined;
    this.task.sink.add(foreignKeyProblem(this.name, this.path, fk, { rowNumber, lineNumber, cell, fieldNumber }));
  }

  finish(): void {
    const r = this.task.resource;
    const at = (prop: string): string => pointerOf('resources', this.task.index, prop);
    if (typeof r.bytes === 'number' && this.bytes !== r.bytes && !this.stopped) {
      this.report(
        'byte-count',
        `the file has ${this.bytes} bytes but the descriptor declares ${r.bytes}; update "bytes" in datapackage.json`,
        { pointer: at('bytes') },
      );
    }
    if (this.hash && !this.stopped) {
      const actual = this.hash.digest('hex');
      if (actual !== this.hashExpected) {
        this.report(
          'hash-count',
          `the file's ${this.hashAlgo} is ${actual} but the descriptor declares ${this.hashExpected}; update "hash" in datapackage.json`,
          { pointer: at('hash') },
        );
      }
    }
    // Self-references can be checked now that the whole table was read.
    const own = new Map<string, Set<string>>();
    this.collectIdx.forEach((_, c) => own.set(this.task.collect[c]!.join(','), this.collected[c]!));
    const rest: DeferredKey[] = [];
    for (const d of this.deferred) {
      const fk = this.task.foreignKeys[d.fk]!;
      const keys = fk.reference.resource === '' || fk.reference.resource === this.name ? own.get(fk.reference.fields.join(',')) : undefined;
      if (!keys) rest.push(d);
      else if (!keys.has(d.key)) this.foreignKeyProblem(fk, d.rowNumber, d.lineNumber, d.cell);
    }
    this.deferred.length = 0;
    this.deferred.push(...rest);
  }

  outcome(): TableOutcome {
    const keys = new Map<string, Set<string>>();
    this.task.collect.forEach((c, i) => keys.set(c.join(','), this.collected[i] ?? new Set()));
    return { rows: this.rows, bytes: this.bytes, keys, deferred: this.deferred, fields: this.fields };
  }
}

/** The problem for a foreign-key value missing from the referenced resource. */
export function foreignKeyProblem(
  resource: string,
  path: string,
  fk: ForeignKeyCheck,
  at: { rowNumber: number; lineNumber: number; cell: string; fieldNumber?: number },
): Problem {
  const target = shown(`${fk.reference.resource || resource}.${fk.reference.fields.join('+')}`);
  return problem(
    'foreign-key',
    `row ${at.rowNumber} (line ${at.lineNumber}): ${shown(fk.fields.join(', '))} = ${quoted(at.cell)} is not in ${target}; add it there or fix the reference`,
    { resource, path: path || undefined, fieldName: fk.fields[0], ...at },
  );
}
