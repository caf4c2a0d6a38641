import { readFileSync } from 'node:fs';

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

/** CPU seconds (user + system) this process has used so far, all its threads included. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * CPU seconds (user + system) another process has used so far, from /proc (Linux); null where
 * there is no /proc or the process is gone.
 */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Linux's USER_HZ (sysconf(_SC_CLK_TCK)): 100 on every mainstream build. */
const CLOCK_TICKS = 100;

export function emit(result: ChildResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function reasonOf(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.split('\n')[0] ?? err.name;
  return String(err);
}
