/**
 * The `app` section of `npm run bench`: the GitHub App (app/index.ts, as `serve` builds it)
 * against the fake GitHub (test/support/github-server.ts) on loopback, real signed deliveries.
 *
 * 1. Acknowledgement latency of push deliveries (HTTP round trip, signature made beforehand):
 *    sequential, and 16 at a time, while the queue works in the background. Goal: p99 <= 50 ms.
 * 2. Time from a delivery to the registry commit listing the dataset, and to the signed
 *    notification reaching a subscriber: with GitHub's write spacing (1 s between
 *    content-creating requests per installation, what production does) and without it (the
 *    App's own overhead: batch window + reads + one commit).
 *
 * Environment (besides run.ts's): BENCH_APP_DELIVERIES (default 500), BENCH_APP_TRIALS (default 5).
 */

import { startSubscriber, type TestSubscriber } from '../test/support/subscriber.ts';
import { pushPayload, startAppWorld, deliver, type AppWorld } from '../test/support/webhook.ts';
import { sign } from '@octokit/webhooks-methods';
import { verdict } from './harness.ts';
import type { Section } from './run.ts';

const GOALS = {
  /** Acknowledgement p99, sequential deliveries, ms. */
  ackP99Ms: 50,
  /** Delivery → subscriber notified, median, with production write spacing, seconds. */
  notifiedP50Seconds: 10,
};

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const ms = (x: number): string => x.toFixed(1);
const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));

/** Round trips of `n` push deliveries, `concurrency` at a time, spread over `ids`. */
async function acknowledgements(w: AppWorld, ids: number[], n: number, concurrency: number): Promise<number[]> {
  // Payloads and signatures are made first: only the HTTP round trip is timed.
  const prepared = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const body = JSON.stringify(pushPayload(w.fake, ids[i % ids.length]!, w.coreInstallation));
      return { body, signature: await sign(w.secret, body) };
    }),
  );
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < prepared.length) {
        const { body, signature } = prepared[next++]!;
        const r = await deliver(w.hook, w.secret, 'push', null, { rawBody: body, signature });
        if (r.status !== 202) throw new Error(`a delivery was answered ${r.status}: ${JSON.stringify(r.body)}`);
        times.push(r.ms);
      }
    }),
  );
  return times;
}

interface Trial {
  commitMs: number;
  notifiedMs: number;
}

/** One dataset pushed at a time: delivery → registry commit listing it → subscriber notified. */
async function trials(w: AppWorld, sub: TestSubscriber, count: number, label: string): Promise<Trial[]> {
  const out: Trial[] = [];
  for (let i = 0; i < count; i++) {
    await w.settle();
    const id = w.addDataset('os-data', `${label}-${i}`);
    const url = `https://github.com/os-data/${label}-${i}`;
    const notifiedBefore = sub.accepted().length;
    const t0 = performance.now();
    const r = await w.push(id);
    if (r.status !== 202) throw new Error(`a delivery was answered ${r.status}`);
    let commitMs = NaN;
    for (;;) {
      if (Number.isNaN(commitMs) && (w.fake.readFile(w.registry, 'main', 'data/catalog.csv') ?? '').includes(url)) commitMs = performance.now() - t0;
      if (!Number.isNaN(commitMs) && sub.accepted().length > notifiedBefore) break;
      if (performance.now() - t0 > 60_000) throw new Error(`${label}-${i} was not listed and notified within 60 s`);
      await sleep(2);
    }
    out.push({ commitMs, notifiedMs: performance.now() - t0 });
  }
  return out;
}

export const appSection: Section = {
  name: 'app',
  title: 'The App: webhook acknowledgement latency; delivery → registry commit → subscriber, against the fake GitHub on loopback',
  sharedDataset: false,
  async run() {
    const deliveries = intEnv('BENCH_APP_DELIVERIES', 500);
    const trialCount = intEnv('BENCH_APP_TRIALS', 5);
    let ok = true;
    const sub = await startSubscriber({ keepOpen: true });
    const subscribers = [{ url: sub.url, secret: sub.secret }];
    // Production settings: 200 ms batch window, GitHub's 1 s write spacing.
    const prod = await startAppWorld({ keepOpen: true, logLevel: 'info', config: { subscribers }, app: { writeIntervalMs: undefined, queue: { debounceMs: 200 } } });
    const fast = await startAppWorld({ keepOpen: true, logLevel: 'info', config: { subscribers }, app: { writeIntervalMs: 0, queue: { debounceMs: 200 } } });
    try {
      const ids = Array.from({ length: 50 }, (_, i) => prod.addDataset('os-data', `ack-${i}`));
      await acknowledgements(prod, ids, 50, 4); // warm-up
      await prod.settle();
      const handled = (): number[] => prod.logs.filter((l) => l['msg'] === 'delivery queued' || l['msg'] === 'delivery already queued').map((l) => Number(l['ms']));
      const before = handled().length;
      const sequential = await acknowledgements(prod, ids, deliveries, 1);
      const parallel = await acknowledgements(prod, ids, deliveries, 16);
      const inServer = handled().slice(before);
      const t0 = performance.now();
      await prod.settle();
      const settleSeconds = (performance.now() - t0) / 1000;
      console.log(`acknowledgement of ${deliveries} push deliveries (ms, HTTP round trip on loopback; the queue works meanwhile):`);
      console.log(`  sequential     p50 ${ms(percentile(sequential, 50))}  p99 ${ms(percentile(sequential, 99))}  max ${ms(Math.max(...sequential))}`);
      console.log(`  16 at a time   p50 ${ms(percentile(parallel, 50))}  p99 ${ms(percentile(parallel, 99))}  max ${ms(Math.max(...parallel))}`);
      console.log(`  in the server  p50 ${ms(percentile(inServer, 50))}  p99 ${ms(percentile(inServer, 99))}  max ${ms(Math.max(...inServer))}   (request received → answer written, all ${inServer.length})`);
      console.log(`  (the fake GitHub, the App's batches and the client share one process and event loop)`);
      console.log(`  the ${deliveries * 2} deliveries for 50 datasets became ${prod.app.queue.stats().batches} batches; queue empty ${settleSeconds.toFixed(2)} s after the last answer`);
      ok = verdict(`acknowledgement p99 ${ms(percentile(sequential, 99))} ms (goal <= ${GOALS.ackP99Ms} ms)`, percentile(sequential, 99) <= GOALS.ackP99Ms) && ok;
      ok = verdict(`every dataset listed (${prod.catalog().length} of 50)`, prod.catalog().length === 50) && ok;

      const withSpacing = await trials(prod, sub, trialCount, 'prod');
      const without = await trials(fast, sub, trialCount, 'fast');
      console.log(`\ndelivery → registry commit listing the dataset → subscriber notified (ms; ${trialCount} trials, one dataset at a time):`);
      for (const [label, t] of [
        ['GitHub write spacing 1 s (production)', withSpacing],
        ['no write spacing (App overhead)', without],
      ] as const) {
        const c = t.map((x) => x.commitMs);
        const n = t.map((x) => x.notifiedMs);
        console.log(`  ${label.padEnd(38)} commit p50 ${ms(percentile(c, 50))} max ${ms(Math.max(...c))};  notified p50 ${ms(percentile(n, 50))} max ${ms(Math.max(...n))}`);
      }
      const p50 = percentile(withSpacing.map((x) => x.notifiedMs), 50) / 1000;
      ok = verdict(`notified ${p50.toFixed(2)} s after the delivery, median, production settings (goal <= ${GOALS.notifiedP50Seconds} s)`, p50 <= GOALS.notifiedP50Seconds) && ok;
      const violations = prod.fake.violations.length + fast.fake.violations.length;
      ok = verdict(`the fake GitHub's answers matched GitHub's OpenAPI description (${violations} violations)`, violations === 0) && ok;
    } finally {
      await prod.close();
      await fast.close();
      await prod.fake.close();
      await fast.fake.close();
      await sub.close();
    }
    return ok;
  },
};
