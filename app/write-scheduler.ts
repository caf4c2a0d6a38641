/**
 * GitHub's limits on content-creating requests (POST, PATCH, PUT, DELETE), shared between the
 * registry's commits and the follow-up work (notifications, dispatches), registry commits first:
 *
 * - per lane (one installation, or the App itself): one request starts every `intervalMs`
 *   (default 1000 ms: GitHub's guidance against secondary rate limits, "wait at least one second
 *   between each request");
 * - for the whole process: at most `perMinute` starts in any 60 s and `perHour` in any hour
 *   (default 80 and 500: GitHub's secondary limits on content-creating requests), of which
 *   follow-up work may take at most `followUpShare` (default 0.8), so registry commits always
 *   find room;
 * - within a lane, registry work goes before follow-up work; a follow-up request that has waited
 *   `maxLowWaitMs` (default 30 s) goes next all the same, so follow-up is slowed by a stream of
 *   registry commits, never starved by it.
 *
 * It has the shape @octokit/plugin-throttling uses for its `write` limiter
 * (`group.key(id).schedule(options, fn, ...args)`), and the plugin keys it by the client's
 * `throttle.id`: `installation-N` and `app-N` are registry work; `follow-up:installation-N` is
 * follow-up work in the lane of installation N.
 */

export const FOLLOW_UP_LANE_PREFIX = 'follow-up:';

export interface WriteSchedulerOptions {
  /** Spacing of starts per lane (default 1000 ms; 0: none). */
  intervalMs?: number;
  /** Starts in any 60 s, all lanes together (default 80; Infinity: no cap). */
  perMinute?: number;
  /** Starts in any hour, all lanes together (default 500; Infinity: no cap). */
  perHour?: number;
  /** The part of perMinute and perHour follow-up work may take (default 0.8). */
  followUpShare?: number;
  /** A follow-up request waiting this long goes before registry work (default 30 000 ms). */
  maxLowWaitMs?: number;
  now?: () => number;
}

export interface WriteSchedulerStats {
  /** Requests waiting for their turn: registry work, follow-up work. */
  waiting: { registry: number; followUp: number };
  /** Requests started so far. */
  started: { registry: number; followUp: number };
  /** The most starts seen in one 60 s window. */
  peakPerMinute: number;
}

export interface WriteScheduler {
  key(id: string): { schedule<T>(options: object, fn: (...args: never[]) => Promise<T>, ...args: unknown[]): Promise<T> };
  stats(): WriteSchedulerStats;
}

interface Job {
  low: boolean;
  at: number;
  go: () => void;
}

interface Lane {
  high: Job[];
  low: Job[];
  /** Not before this time (spacing). */
  nextAt: number;
  timer: NodeJS.Timeout | null;
}

export function createWriteScheduler(options: WriteSchedulerOptions = {}): WriteScheduler {
  const intervalMs = Math.max(0, options.intervalMs ?? 1000);
  const perMinute = options.perMinute ?? 80;
  const perHour = options.perHour ?? 500;
  const share = Math.min(1, Math.max(0, options.followUpShare ?? 0.8));
  const maxLowWaitMs = options.maxLowWaitMs ?? 30_000;
  const now = options.now ?? Date.now;
  const lanes = new Map<string, Lane>();
  /** Start times within the last hour (for the process-wide caps and the peak). */
  const starts: number[] = [];
  const started = { registry: 0, followUp: 0 };
  let peakPerMinute = 0;

  const prune = (t: number): void => {
    while (starts.length > 0 && starts[0]! <= t - 3_600_000) starts.shift();
  };
  /** Starts in the last `windowMs`. */
  const within = (t: number, windowMs: number): number => {
    let n = 0;
    for (let i = starts.length - 1; i >= 0 && starts[i]! > t - windowMs; i--) n++;
    return n;
  };
  /** When a start of this priority fits both caps (t: now). */
  function roomAt(t: number, low: boolean): number {
    let at = t;
    for (const [cap, windowMs] of [
      [perMinute, 60_000],
      [perHour, 3_600_000],
    ] as const) {
      if (!Number.isFinite(cap)) continue;
      const limit = Math.max(1, Math.floor(low ? cap * share : cap));
      const recent = starts.filter((x) => x > t - windowMs);
      if (recent.length >= limit) at = Math.max(at, recent[recent.length - limit]! + windowMs);
    }
    return at;
  }

  function pick(lane: Lane, t: number): Job | undefined {
    const oldLow = lane.low[0];
    const lowFits = oldLow !== undefined && roomAt(t, true) <= t;
    if (oldLow && lowFits && t - oldLow.at >= maxLowWaitMs) return lane.low.shift();
    if (lane.high.length > 0) return lane.high.shift();
    return lowFits ? lane.low.shift() : undefined;
  }

  function pump(name: string, lane: Lane): void {
    lane.timer = null;
    for (;;) {
      const t = now();
      if (lane.high.length + lane.low.length === 0) {
        // Kept while its spacing runs: the next request must still wait its turn.
        if (lane.nextAt <= t) lanes.delete(name);
        else lane.timer = setTimeout(() => pump(name, lane), lane.nextAt - t);
        return;
      }
      prune(t);
      // The earliest any waiting job of this lane may start: spacing, then the caps.
      const at = Math.max(lane.nextAt, lane.high.length > 0 ? roomAt(t, false) : roomAt(t, true));
      const job = at <= t ? pick(lane, t) : undefined;
      if (!job) {
        lane.timer = setTimeout(() => pump(name, lane), Math.max(1, at - t));
        return;
      }
      starts.push(t);
      peakPerMinute = Math.max(peakPerMinute, within(t, 60_000));
      if (job.low) started.followUp++;
      else started.registry++;
      lane.nextAt = t + intervalMs;
      job.go();
      // Next: another one at once (no spacing), or a timer for the next turn.
    }
  }

  return {
    key(id) {
      const low = id.startsWith(FOLLOW_UP_LANE_PREFIX);
      const name = low ? id.slice(FOLLOW_UP_LANE_PREFIX.length) : id;
      return {
        schedule(_options, fn, ...args) {
          return new Promise<void>((resolve) => {
            let lane = lanes.get(name);
            if (!lane) lanes.set(name, (lane = { high: [], low: [], nextAt: 0, timer: null }));
            (low ? lane.low : lane.high).push({ low, at: now(), go: resolve });
            if (!lane.timer) {
              const l = lane;
              // Let requests made in the same tick queue up first, so priorities apply to them.
              l.timer = setTimeout(() => pump(name, l), 0);
            }
          }).then(() => (fn as (...a: unknown[]) => Promise<never>)(...args));
        },
      };
    },
    stats() {
      let registry = 0;
      let followUp = 0;
      for (const l of lanes.values()) {
        registry += l.high.length;
        followUp += l.low.length;
      }
      return { waiting: { registry, followUp }, started: { ...started }, peakPerMinute };
    },
  };
}
