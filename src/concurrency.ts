/**
 * Bounded concurrency for the work the program fans out: uploads and copies, deletes, GitHub
 * reads, table passes.
 */

/**
 * `fn` over `items` with at most `limit` calls in flight; the results in input order. The first
 * failure stops new calls and is thrown once the calls in flight have ended, so none is left
 * running behind the caller. `fn` gets each item's index (also the order the calls start in).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = null as { error: unknown } | null; // set by the workers (TypeScript cannot see that)
  const worker = async (): Promise<void> => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== null) throw failed.error;
  return out;
}

/** A gate for calls that arrive over time: at most `n` run at once, the others wait their turn in arrival order. */
export function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((go) => waiting.push(go));
    else active++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
