import { shorten } from '../escape.ts';

/**
 * Problems: the one shape every check reports. Codes follow frictionless-py's names where
 * frictionless has one (so its users recognise them) and add ours for the rest.
 */

export type Severity = 'error' | 'warning';

/** Problem codes and what each means. The catalogue is the single list of codes. */
export const PROBLEM_CATALOGUE = {
  // descriptor level (ours)
  'descriptor-error': 'The descriptor is not valid JSON, or breaks the Data Package / Table Schema rules.',
  'profile-error': 'The descriptor breaks a rule of a profile it declares (e.g. OpenSpending, OSEP-04).',
  'mapping-error': 'A mapping reference does not resolve to a resource field, or a required mapping attribute is missing.',
  'path-error': 'A resource path is absolute, leaves the dataset, goes through a symlink out of it, or is not a CSV.',
  'lfs-error': 'A file is a git-LFS pointer, not its content; or its LFS content does not match the pointer.',
  'spec-drift': 'A form from the OSEP-04 examples that differs from the canonical one; accepted, with the canonical form named.',
  'source-error': 'A data file could not be read (missing, not a file, remote and not allowed).',
  'scheme-error': 'A resource points at a remote URL and remote fetching is not allowed.',
  'owner-mismatch': 'The descriptor owner is not the repository owner.',
  'lenient-metadata':
    'Package metadata that Data Package v1 forbids but frictionless v5 accepts (it does not change how rows are read); accepted with a warning naming the v1 form (an error with --strict).',
  'dialect-sniffed':
    'A resource declares no delimiter and its file is not comma-separated: read with the delimiter sniffed from its first lines; the warning gives the "dialect" to add.',
  'encoding-detected':
    'A resource declares no encoding and its file is not UTF-8: read with the encoding detected from its first bytes; the warning gives the "encoding" to add.',
  // table level (frictionless names)
  'encoding-error': 'The file is not valid in its declared encoding (UTF-8 by default), or contains a NUL byte.',
  'blank-label': 'A header label is empty.',
  'duplicate-label': 'A header label repeats an earlier one.',
  'incorrect-label': 'A header label differs from the schema field name at its position.',
  'missing-label': 'The header has fewer labels than the schema has fields.',
  'extra-label': 'The header has more labels than the schema has fields.',
  'unmatched-header': 'No header label matches a schema field (schema fieldsMatch "partial").',
  'blank-row': 'A row has no values at all.',
  'missing-cell': 'A row has fewer cells than the header.',
  'extra-cell': 'A row has more cells than the header.',
  'type-error': 'A cell cannot be read as its field type and format.',
  'constraint-error': 'A cell breaks a field constraint (required, enum, minimum, pattern, ...).',
  'unique-error': 'A cell repeats a value in a field that must be unique.',
  'primary-key': 'A row repeats the primary key of an earlier row, or has a null in it.',
  'foreign-key': 'A row references a key that does not exist in the referenced resource.',
  'byte-count': 'The file size differs from the declared `bytes`.',
  'hash-count': 'The file hash differs from the declared `hash`.',
  'error-limit': 'More problems were found than reported; the counts are complete.',
} as const;

export type ProblemCode = keyof typeof PROBLEM_CATALOGUE;

/**
 * One problem, flat. Field names follow frictionless's report (`rowNumber`, `fieldName`, ...),
 * plus `lineNumber`: the physical line in the file where the record starts (it differs from the
 * row when quoted cells span lines).
 */
export interface Problem {
  code: ProblemCode;
  severity: Severity;
  /** What is wrong, where, and what to do about it. */
  message: string;
  /** Resource name, when the problem belongs to a resource. */
  resource?: string;
  /** File the problem is in, relative to the package root (POSIX separators). */
  path?: string;
  /** frictionless's row count: the header is row 1. */
  rowNumber?: number;
  /** Physical line (1-based) in `path`. */
  lineNumber?: number;
  /** Column (1-based) in the line, for descriptor problems. */
  columnNumber?: number;
  fieldName?: string;
  /** 1-based position of the field / cell. */
  fieldNumber?: number;
  /** JSON pointer into the descriptor (RFC 6901). */
  pointer?: string;
  /** The offending value, truncated. */
  cell?: string;
}

/** Characters of an offending value kept in `cell`. */
const CELL_LIMIT = 120;
/** Characters of a value quoted in a message (after escaping), before it is cut with "…". */
export const QUOTE_LIMIT = 120;
/** Values listed by `quotedList` before "… (N values)". */
const LIST_LIMIT = 10;
/**
 * Characters of a message. Messages quote values through `quoted`, so they stay well under it;
 * `problem()` cuts any longer one, whatever it interpolated.
 */
export const MESSAGE_LIMIT = 2000;

/**
 * Characters of a name or location a problem carries (`resource`, `fieldName`, `path`,
 * `pointer`) and a resource report's `name` and `path`: kept exact up to here, then cut with "…",
 * so that a report lists at most --max-errors problems of bounded size whatever the descriptor
 * names. Real names are far shorter (a storable resource path has at most 512 bytes).
 */
const NAME_LIMIT = 1024;

/** A name or location as a report carries it: exact, or cut to NAME_LIMIT characters with "…" (the same cut everywhere, so problems still match their resource). */
export function reportedName(value: string): string {
  if (value.length <= NAME_LIMIT) return value;
  let end = NAME_LIMIT;
  const c = value.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // do not split a surrogate pair
  return `${value.slice(0, end)}…`;
}

/** Truncate an offending value for display in a report. */
function truncateCell(value: string): string {
  return value.length > CELL_LIMIT ? `${value.slice(0, CELL_LIMIT)}…` : value;
}

/**
 * An untrusted value as a message shows it: a string JSON-style in double quotes (`\` and `"`
 * escaped, control and bidi characters shown as `\x1b`, `\n`, `U+202E`), cut to QUOTE_LIMIT
 * characters with "…"; any other value as its JSON, cut alike. Every value from a dataset (cell,
 * label, name, path, pattern, ...) goes into a message through this (or `shown`, `quotedList`).
 */
export function quoted(value: unknown): string {
  if (typeof value === 'string') return `"${shorten(value, QUOTE_LIMIT, true)}"`;
  return shorten(JSON.stringify(value) ?? String(value), QUOTE_LIMIT);
}

/** An untrusted value shown bare in a message (a path, a pointer): as `quoted` without the quotes. */
export function shown(value: string): string {
  return shorten(value, QUOTE_LIMIT);
}

/** Values quoted and joined with ", ": the first LIST_LIMIT, then "… (N values)"; "(none)" when empty. */
export function quotedList(values: readonly unknown[], empty = '(none)'): string {
  if (values.length === 0) return empty;
  const listed = values.slice(0, LIST_LIMIT).map(quoted).join(', ');
  return values.length > LIST_LIMIT ? `${listed}, … (${values.length} values)` : listed;
}

/** Build a problem; `cell` is truncated, and the message cut to MESSAGE_LIMIT. */
export function problem(
  code: ProblemCode,
  message: string,
  extra: Omit<Problem, 'code' | 'message' | 'severity'> & { severity?: Severity } = {},
): Problem {
  const p: Problem = { code, severity: extra.severity ?? 'error', message: capMessage(message), ...extra };
  p.severity = extra.severity ?? 'error';
  if (p.cell !== undefined) p.cell = truncateCell(p.cell);
  if (p.resource !== undefined) p.resource = reportedName(p.resource);
  if (p.fieldName !== undefined) p.fieldName = reportedName(p.fieldName);
  if (p.path !== undefined) p.path = reportedName(p.path);
  if (p.pointer !== undefined) p.pointer = reportedName(p.pointer);
  return p;
}

/** A message cut to MESSAGE_LIMIT characters (on a whole character) with "…". */
export function capMessage(message: string): string {
  if (message.length <= MESSAGE_LIMIT) return message;
  let end = MESSAGE_LIMIT - 1;
  const c = message.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // do not split a surrogate pair
  return `${message.slice(0, end)}…`;
}

/** Escape one JSON pointer token (RFC 6901). */
function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Join tokens into a JSON pointer. */
export function pointerOf(...tokens: Array<string | number>): string {
  return tokens.map((t) => `/${pointerToken(t)}`).join('');
}
