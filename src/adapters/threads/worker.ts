/**
 * A table worker: runs jobs (src/pipeline/table-job.ts) one at a time, reading the bytes of each
 * file from the main thread (protocol.ts). Started by parallel.ts.
 */

import { parentPort, workerData } from 'node:worker_threads';
import type { AggregatePlan } from '../../aggregate/plan.ts';
import { isUserError, messageOf } from '../../errors.ts';
import { SourceError } from '../../package/source.ts';
import { planOf, runJob } from '../../pipeline/table-job.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';

const port = parentPort;
if (port === null) throw new Error('src/adapters/threads/worker.ts runs as a worker thread (see parallel.ts)');
const { context } = workerData as WorkerInit;
const cache: { plan?: AggregatePlan | null } = {};
const send = (message: FromWorker): void => port.postMessage(message);

/** The chunks of the file being read, as they arrive. */
interface Inbox {
  id: number;
  part: number;
  queue: Array<Extract<ToWorker, { type: 'data' | 'end' | 'fail' }>>;
  wake: (() => void) | null;
}
let inbox: Inbox | null = null;

async function* receive(id: number, part: number): AsyncGenerator<Uint8Array> {
  const box: Inbox = { id, part, queue: [], wake: null };
  inbox = box;
  send({ type: 'read', id, part });
  let ended = false;
  try {
    for (;;) {
      const message = box.queue.shift();
      if (message === undefined) {
        await new Promise<void>((wake) => (box.wake = wake));
        continue;
      }
      if (message.type === 'end') {
        ended = true;
        return;
      }
      if (message.type === 'fail') {
        ended = true;
        throw message.error.source === null
          ? new Error(message.error.message)
          : new SourceError(message.error.source, message.error.message);
      }
      send({ type: 'more', id, part });
      yield message.chunk;
    }
  } finally {
    if (inbox === box) inbox = null;
    if (!ended) send({ type: 'stop', id, part });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type !== 'job') {
    const box = inbox;
    if (box === null || box.id !== message.id || box.part !== message.part) return; // a file it stopped reading
    box.queue.push(message);
    const wake = box.wake;
    box.wake = null;
    wake?.();
    return;
  }
  const { id, job, parts } = message;
  const files = parts.map((p, k) => ({ path: p.path, file: { size: p.size, stream: () => receive(id, k) } }));
  runJob(context, planOf(context, cache), job, files).then(
    (result) => send({ type: 'done', id, result }),
    (error: unknown) =>
      send({
        type: 'error',
        id,
        message: messageOf(error),
        stack: error instanceof Error ? error.stack : undefined,
        ...(isUserError(error) && {
          user: { code: error.code, ...(error.hint !== undefined && { hint: error.hint }), exitCode: error.exitCode },
        }),
      }),
  );
});
send({ type: 'ready' });
