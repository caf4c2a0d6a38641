import type { PackageKind } from '../package/descriptor.ts';
import type { Problem } from '../package/problem.ts';

/** Per-resource outcome. `errors` counts every error found, even those not listed. */
export interface ResourceReport {
  name: string;
  path: string | null;
  valid: boolean;
  rows: number;
  bytes: number;
  errors: number;
  warnings: number;
  /** True when some problems of this resource were left out of the lists (`maxErrors`). */
  truncated: boolean;
  /** When truncated: how many problems of each code were left out of the lists. */
  unlisted?: Record<string, number>;
}

/** The validation report: the JSON document `validate --json` prints. */
export interface Report {
  valid: boolean;
  /** What the descriptor declares itself to be. */
  kind: PackageKind | null;
  /** The package directory as the user named it; problem paths are relative to it. */
  root: string;
  /** The descriptor file, relative to `root`. */
  descriptor: string;
  errors: Problem[];
  warnings: Problem[];
  stats: {
    resources: number;
    rows: number;
    bytes: number;
    errors: number;
    warnings: number;
    seconds: number;
    /** How many problems of each code were left out of the lists (`maxErrors`), all resources and the descriptor together; {} when none. */
    unlisted?: Record<string, number>;
  };
  resources: ResourceReport[];
}

/** A ProblemSink's content as plain data. */
export interface SinkSnapshot {
  errors: Problem[];
  warnings: Problem[];
  counts: Array<[string, SinkCounts]>;
}

/** One resource's (or the descriptor's) counts in a sink. */
export interface SinkCounts {
  errors: number;
  warnings: number;
  truncated: boolean;
  /** Problems left out of the lists, by code. */
  unlisted: Record<string, number>;
}

/**
 * Codes listed whatever the cap: resource-level and end-of-stream problems, the ones that matter
 * most and come last (a wrong `bytes` after 10,000 bad rows). Each happens at most a few times per
 * file (encoding errors: 20 per file, table.ts), so the lists stay bounded.
 */
const ALWAYS_LISTED: ReadonlySet<string> = new Set([
  'byte-count',
  'hash-count',
  'source-error',
  'encoding-error',
  'scheme-error',
  'lfs-error',
]);

/**
 * Collects problems, capping the listed ones per resource (and for the descriptor) while
 * counting them all.
 */
export class ProblemSink {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  private readonly listed = new Map<string, number>();
  private readonly counted = new Map<string, SinkCounts>();

  constructor(
    private readonly maxPerResource: number,
    private readonly strict = false,
  ) {}

  /** Record a problem; in strict mode warnings become errors. */
  add(p: Problem): void {
    if (this.strict && p.severity === 'warning') p = { ...p, severity: 'error' };
    const key = p.resource ?? '';
    const count = this.countsOf(key);
    if (p.severity === 'error') count.errors++;
    else count.warnings++;
    const listed = this.listed.get(key) ?? 0;
    if (listed >= this.maxPerResource && !ALWAYS_LISTED.has(p.code)) {
      count.truncated = true;
      count.unlisted[p.code] = (count.unlisted[p.code] ?? 0) + 1;
      return;
    }
    this.listed.set(key, listed + 1);
    (p.severity === 'error' ? this.errors : this.warnings).push(p);
  }

  addAll(ps: Iterable<Problem>): void {
    for (const p of ps) this.add(p);
  }

  /** Counts for one resource ('' for the descriptor). */
  countsOf(resource: string): SinkCounts {
    let c = this.counted.get(resource);
    if (!c) {
      c = { errors: 0, warnings: 0, truncated: false, unlisted: {} };
      this.counted.set(resource, c);
    }
    return c;
  }

  /** What this sink holds, as plain data (to hand to another thread's sink with absorb). */
  snapshot(): SinkSnapshot {
    return {
      errors: [...this.errors],
      warnings: [...this.warnings],
      counts: [...this.counted].map(([key, c]) => [key, { ...c, unlisted: { ...c.unlisted } }]),
    };
  }

  /**
   * Take in another sink's problems (its snapshot) as if they had been added here: the listed
   * ones are listed (up to this sink's cap), the rest counted.
   */
  absorb(other: SinkSnapshot): void {
    const listed = new Map<string, { errors: number; warnings: number }>();
    for (const p of [...other.errors, ...other.warnings]) {
      const key = p.resource ?? '';
      const l = listed.get(key) ?? { errors: 0, warnings: 0 };
      if (p.severity === 'error' || this.strict) l.errors++;
      else l.warnings++;
      listed.set(key, l);
      this.add(p);
    }
    for (const [key, c] of other.counts) {
      const mine = this.countsOf(key);
      const l = listed.get(key) ?? { errors: 0, warnings: 0 };
      mine.errors += c.errors - l.errors;
      mine.warnings += c.warnings - l.warnings;
      if (c.truncated) mine.truncated = true;
      for (const [code, n] of Object.entries(c.unlisted)) mine.unlisted[code] = (mine.unlisted[code] ?? 0) + n;
    }
  }

  /** Problems left out of the lists, by code, over every resource and the descriptor. */
  get unlisted(): Record<string, number> {
    const all: Record<string, number> = {};
    for (const c of this.counted.values()) for (const [code, n] of Object.entries(c.unlisted)) all[code] = (all[code] ?? 0) + n;
    return all;
  }

  get errorCount(): number {
    let n = 0;
    for (const c of this.counted.values()) n += c.errors;
    return n;
  }

  get warningCount(): number {
    let n = 0;
    for (const c of this.counted.values()) n += c.warnings;
    return n;
  }
}
