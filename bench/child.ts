/**
 * What a measurement child process reports: one JSON line on stdout, the last one it prints.
 * Each measurement runs in its own process so that `maxRSS` is the peak of that measurement.
 */

export interface ChildMeasurement {
  ok: true;
  /** Wall-clock seconds of the measured work (module loading excluded). */
  seconds: number;
  /** Peak resident set size of the child process, in bytes. */
  maxRssBytes: number;
  /** Data rows seen (headers excluded). */
  rows: number;
  /** Bytes of data read. */
  bytes: number;
  /** Anything else the measurement wants to report (checked by its section). */
  details?: Record<string, unknown>;
}

export interface ChildUnavailable {
  ok: false;
  /** The code under test cannot be loaded (not written yet, or broken): not a benchmark failure. */
  unavailable: boolean;
  reason: string;
}

export type ChildResult = ChildMeasurement | ChildUnavailable;

export function peakRssBytes(): number {
  // resourceUsage().maxRSS is in kilobytes (KiB).
  return process.resourceUsage().maxRSS * 1024;
}

export function emit(result: ChildResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function reasonOf(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.split('\n')[0] ?? err.name;
  return String(err);
}
