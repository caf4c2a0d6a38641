/**
 * Messages between the package validation (main thread) and a table worker. The main thread
 * keeps the package source: it reads each file and sends the bytes; the worker asks for a file
 * when the table pass starts reading it, returns one credit per chunk it has taken (so at most
 * WINDOW chunks wait in its queue), and says `stop` when it reads no further.
 */

import type { SourceErrorCode } from '../../package/source.ts';
import type { JobResult, JobSpec, TableRecipe } from '../../pipeline/table-job.ts';

/** Chunks in flight to a worker per file. */
export const WINDOW = 8;

export interface WorkerInit {
  context: TableRecipe;
}

export type ToWorker =
  | { type: 'job'; id: number; job: JobSpec; parts: Array<{ path: string; size: number | null }> }
  | { type: 'data'; id: number; part: number; chunk: Uint8Array }
  | { type: 'end'; id: number; part: number }
  | { type: 'fail'; id: number; part: number; error: { source: SourceErrorCode | null; message: string } };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'read'; id: number; part: number }
  | { type: 'more'; id: number; part: number }
  | { type: 'stop'; id: number; part: number }
  | { type: 'done'; id: number; result: JobResult }
  | {
      type: 'error';
      id: number;
      message: string;
      stack?: string;
      /** A UserError's code, hint and exit code: the main thread throws it again as one (src/errors.ts). */
      user?: { code: string; hint?: string; exitCode: 1 | 2 };
    };
