/**
 * The header against the schema: which labels are wrong, and which field each column holds.
 * Done once per table (not per row), as frictionless-py 5 does in `table/header.py` and
 * `table/label_matching.py`.
 *
 * `schema.fieldsMatch` (Table Schema v2):
 * - `exact` (default): labels and fields pair up by position; extra labels, missing labels,
 *   blank, duplicate and incorrect labels are reported.
 * - `equal`, `subset`, `superset`, `partial`: labels and fields pair up by name, so columns may
 *   come in any order. A label that matches no field is an `extra-label` under `equal` and
 *   `superset` (tolerated by `subset` and `partial`); a field no label matches is a
 *   `missing-label` under `equal` and `subset` (tolerated by `superset` and `partial` unless the
 *   field is required or in the primary key). `partial` also wants at least one label to match
 *   a field (`unmatched-header`). Columns with no field are read as `any`, fields with no column
 *   are not read at all, so neither gives an error per row.
 */

const FIELDS_MATCH = ['exact', 'equal', 'subset', 'superset', 'partial'] as const;
export type FieldsMatch = (typeof FIELDS_MATCH)[number];

const TOLERATES_EXTRA_LABELS: readonly FieldsMatch[] = ['subset', 'partial'];
const TOLERATES_MISSING_FIELDS: readonly FieldsMatch[] = ['superset', 'partial'];

export interface HeaderField {
  name: string;
  /** `constraints.required`, or in the primary key. */
  required: boolean;
}

export type HeaderProblemCode =
  'extra-label' | 'missing-label' | 'blank-label' | 'duplicate-label' | 'incorrect-label' | 'unmatched-header';

export interface HeaderProblem {
  code: HeaderProblemCode;
  /** 1-based column (or, for a missing field under name matching, its position after the labels, as frictionless numbers it). */
  fieldNumber?: number;
  fieldName?: string;
  label?: string;
  /** For duplicate-label: the earlier columns with the same label. */
  earlier?: number[];
}

export interface HeaderMatch {
  problems: HeaderProblem[];
  /**
   * Under name matching: for each column, the index of the schema field it holds, or -1 (no
   * field: read as `any`). null under `exact` (column i holds field i).
   */
  columns: number[] | null;
  /** Why the columns cannot be matched by name (the table is not read); undefined when they can. */
  refused?: { reason: 'ambiguous-fields'; fields: string[] } | { reason: 'duplicate-labels'; labels: string[] };
}

export function fieldsMatchOf(value: unknown): FieldsMatch {
  return (FIELDS_MATCH as readonly unknown[]).includes(value) ? (value as FieldsMatch) : 'exact';
}

/** A label as frictionless compares it with a field name: newlines as spaces, trimmed. */
function normalized(label: string): string {
  return label.replace(/\n/g, ' ').trim();
}

/**
 * Match labels (already stripped, see joinHeaderRows) with fields. `declared` is false for an
 * inferred schema (its names come from the labels, so they are not compared).
 */
export function matchHeader(
  labels: readonly string[],
  fields: readonly HeaderField[],
  mode: FieldsMatch,
  headerCase: boolean,
  declared = true,
): HeaderMatch {
  const problems: HeaderProblem[] = [];
  if (labels.length === 0) return { problems, columns: null }; // no header: nothing to compare (frictionless: header.missing)
  const key = headerCase ? (s: string): string => s : (s: string): string => s.toLowerCase();

  if (mode === 'exact' || !declared) {
    for (let i = fields.length; i < labels.length; i++) problems.push({ code: 'extra-label', fieldNumber: i + 1, label: labels[i] });
    for (let i = labels.length; i < fields.length; i++)
      problems.push({ code: 'missing-label', fieldNumber: i + 1, fieldName: fields[i]!.name });
    const n = Math.min(labels.length, fields.length);
    const seen = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const label = labels[i]!;
      const field = fields[i]!;
      if (label === '') {
        problems.push({ code: 'blank-label', fieldNumber: i + 1, fieldName: field.name, label });
        continue;
      }
      const earlier = seen.get(label);
      if (earlier) {
        problems.push({ code: 'duplicate-label', fieldNumber: i + 1, fieldName: field.name, label, earlier: [...earlier] });
        earlier.push(i + 1);
        continue;
      }
      seen.set(label, [i + 1]);
      if (declared && key(normalized(label)) !== key(field.name))
        problems.push({ code: 'incorrect-label', fieldNumber: i + 1, fieldName: field.name, label });
    }
    return { problems, columns: null };
  }

  // By name.
  const byKey = new Map<string, number>();
  const groups = new Map<string, string[]>();
  fields.forEach((f, i) => {
    const k = key(f.name);
    if (!byKey.has(k)) byKey.set(k, i);
    const g = groups.get(k);
    if (g) g.push(f.name);
    else groups.set(k, [f.name]);
  });
  for (const g of groups.values()) {
    if (new Set(g).size > 1) return { problems, columns: null, refused: { reason: 'ambiguous-fields', fields: g } };
  }
  const labelKeys = labels.map(key);
  const counts = new Map<string, number>();
  for (const k of labelKeys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const repeated = labels.filter((_, i) => counts.get(labelKeys[i]!)! > 1);
  if (repeated.length) return { problems, columns: null, refused: { reason: 'duplicate-labels', labels: [...new Set(repeated)] } };

  const columns = labelKeys.map((k) => byKey.get(k) ?? -1);
  if (!TOLERATES_EXTRA_LABELS.includes(mode)) {
    columns.forEach((c, i) => {
      if (c < 0) problems.push({ code: 'extra-label', fieldNumber: i + 1, label: labels[i] });
    });
  }
  if (mode === 'partial' && fields.length > 0 && columns.every((c) => c < 0)) problems.push({ code: 'unmatched-header' });
  const matched = new Set(labelKeys);
  let position = labels.length;
  for (const f of fields) {
    if (matched.has(key(f.name))) continue;
    if (TOLERATES_MISSING_FIELDS.includes(mode) && !f.required) continue;
    problems.push({ code: 'missing-label', fieldNumber: ++position, fieldName: f.name });
  }
  return { problems, columns };
}
