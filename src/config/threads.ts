/**
 * Worker threads for the table pass: OS_DATASTORE_THREADS (the CLI's --threads wins over it),
 * lowered to the cores. The worker-thread runner itself is an adapter (src/pass/parallel.ts).
 */

import { availableParallelism } from 'node:os';
import { configOrThrow, type Parsed } from './problems.ts';
import { SettingsReader, type Env } from './readers.ts';

const THREADS_ENV = 'OS_DATASTORE_THREADS';

/**
 * OS_DATASTORE_THREADS as written: a whole number of 1 or more, or undefined when unset or
 * empty (the runner's default then applies: the cores, up to 4). Not yet lowered to the cores.
 */
export function parseThreads(env: Env): Parsed<number | undefined> {
  const r = new SettingsReader(env);
  const threads = r.integer(THREADS_ENV, { min: 1, max: Number.MAX_SAFE_INTEGER, expected: 'a whole number of 1 or more' });
  return { config: threads, problems: r.problems };
}

/**
 * OS_DATASTORE_THREADS from an environment, lowered to the cores (see capThreads; `lowered` is
 * told the sentence); undefined when unset. Throws ConfigError (a sentence naming the variable).
 */
export function threadsFromEnv(env: Env, lowered?: (message: string) => void): number | undefined {
  const threads = configOrThrow(parseThreads(env));
  return threads === undefined ? undefined : capThreads(threads, `${THREADS_ENV}=`, lowered);
}

/**
 * A requested number of threads, lowered to the cores (os.availableParallelism()): the table
 * pass is CPU-bound, so more workers than cores only add their start-ups and their heaps. When it
 * is lowered, `lowered` is told a sentence naming where the number came from (`from`, e.g.
 * `--threads ` or `OS_DATASTORE_THREADS=`): not an error, the work is the same.
 */
export function capThreads(requested: number, from: string, lowered?: (message: string) => void): number {
  const cores = availableParallelism();
  if (requested <= cores) return requested;
  lowered?.(
    `${from}${requested} is more than the ${cores} core${cores === 1 ? '' : 's'} here: using ${cores} worker thread${cores === 1 ? '' : 's'}`,
  );
  return cores;
}
