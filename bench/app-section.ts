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
 * 3. A burst: an organisation installs the App on BENCH_APP_BURST (default 500) new dataset
 *    repositories (an installation delivery and a push delivery each), then one ordinary push.
 *    Production settings (1 s write spacing, at most 80 content-creating requests a minute, the
 *    publish workflow dispatched for every new dataset), and the fake GitHub enforcing GitHub's
 *    secondary limit (80 content-creating requests a minute, 403 beyond). Figures: time to the
 *    last burst repository listed, time from the one push to its listing (goal <= 10 s, and as a
 *    ratio to the same push on an idle App from 2.), dispatches sent by then and within
 *    BENCH_APP_BURST_WATCH seconds (default 60), the peak of content-creating requests in any
 *    60 s (goal <= 80), and secondary-limit answers (goal 0).
 *
 * Environment (besides run.ts's): BENCH_APP_DELIVERIES (default 500), BENCH_APP_TRIALS (default 5),
 * BENCH_APP_BURST (default 500; 0 skips the burst), BENCH_APP_BURST_WATCH (default 60).
 */

import { startSubscriber, type TestSubscriber } from '../test/support/subscriber.ts';
import type { RecordedRequest } from '../test/support/github-server.ts';
import { installationPayload, pushPayload, startAppWorld, deliver, type AppWorld } from '../test/support/webhook.ts';
import { sign } from '@octokit/webhooks-methods';
import { verdict } from './harness.ts';
import type { Section } from './run.ts';

const GOALS = {
  /** Acknowledgement p99, sequential deliveries, ms. */
  ackP99Ms: 50,
  /** One push after a burst: delivery → listed, seconds. */
  afterBurstSeconds: 10,
  /** Content-creating requests to GitHub in any 60 s (GitHub's secondary limit). */
  writesPerMinute: 80,
  /** Delivery → subscriber notified, median, with production write spacing, seconds. */
  notifiedP50Seconds: 10,
};

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
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
      if (Number.isNaN(commitMs) && (w.fake.readFile(w.registry, 'main', 'data/catalog.csv') ?? '').includes(url))
        commitMs = performance.now() - t0;
      if (!Number.isNaN(commitMs) && sub.accepted().length > notifiedBefore) break;
      if (performance.now() - t0 > 60_000) throw new Error(`${label}-${i} was not listed and notified within 60 s`);
      await sleep(2);
    }
    out.push({ commitMs, notifiedMs: performance.now() - t0 });
  }
  return out;
}

const isWrite = (r: RecordedRequest): boolean =>
  r.method !== 'GET' && r.method !== 'HEAD' && !/^\/app\/installations\/\d+\/access_tokens$/.test(r.path);

/** The most requests in any 60 s window. */
function peakPerMinute(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= 60_000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

interface BurstResult {
  ok: boolean;
  singleSeconds: number;
}

/** 3.: a burst of new repositories, then one push (see the module comment). */
async function burstThenOnePush(size: number, watchSeconds: number, idleCommitMs: number): Promise<BurstResult> {
  let ok = true;
  const w = await startAppWorld({
    keepOpen: true,
    logLevel: 'info',
    fakeOptions: { writesPerMinute: GOALS.writesPerMinute },
    config: { publishWorkflow: 'publish.yml', followUpRecordIntervalMs: 30_000 },
    // Production: 1 s write spacing, 80 writes a minute, 200 ms batch window.
    app: { writeIntervalMs: undefined, writesPerMinute: undefined, writesPerHour: undefined, queue: { debounceMs: 200 } },
  });
  try {
    const ids = Array.from({ length: size }, (_, i) => w.addDataset('burst-org', `set-${String(i).padStart(4, '0')}`));
    const org = w.fake.addInstallation({ account: 'burst-org' });
    const urls = ids.map((id) => `https://github.com/${w.fake.getRepo(id).fullName},`);
    const listed = (): number => {
      const catalog = w.fake.readFile(w.registry, 'main', 'data/catalog.csv') ?? '';
      return urls.filter((u) => catalog.includes(u)).length;
    };
    const deliveries = [
      () => w.send('installation', installationPayload(w.fake, org, 'created', ids.slice(0, 100))),
      ...ids.map((id) => () => w.push(id, org)),
    ];
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < deliveries.length) {
          const r = await deliveries[next++]!();
          if (r.status !== 202) throw new Error(`a burst delivery was answered ${r.status}: ${JSON.stringify(r.body)}`);
        }
      }),
    );
    const ackedSeconds = (performance.now() - t0) / 1000;
    while (listed() < size) {
      if (performance.now() - t0 > 600_000) throw new Error(`only ${listed()} of ${size} burst repositories listed after 10 minutes`);
      await sleep(20);
    }
    const lastListedSeconds = (performance.now() - t0) / 1000;
    const owedAtLast = w.app.followUp.stats().pending;

    const single = w.addDataset('os-data', 'after-the-burst');
    const t1 = performance.now();
    if ((await w.push(single)).status !== 202) throw new Error('the push after the burst was not accepted');
    while (!(w.fake.readFile(w.registry, 'main', 'data/catalog.csv') ?? '').includes('https://github.com/os-data/after-the-burst,')) {
      if (performance.now() - t1 > 120_000) throw new Error('the push after the burst was not listed within 120 s');
      await sleep(5);
    }
    const singleSeconds = (performance.now() - t1) / 1000;
    const dispatched = (): number => w.fake.dispatches.filter((d) => d.type === 'workflow_dispatch').length;
    const atSingle = dispatched();
    const owedAtSingle = w.app.followUp.stats().pending;
    await sleep(watchSeconds * 1000);
    const watched = dispatched();
    const followUp = w.app.followUp.stats();
    const writes = w.fake.requests.filter(isWrite);
    const peak = peakPerMinute(writes.map((r) => r.at));
    const secondary = w.fake.requests.filter((r) => r.status === 403 && isWrite(r)).length;
    const sentAt = w.fake.requests
      .filter((r) => r.method === 'POST' && /\/actions\/workflows\/[^/]+\/dispatches$/.test(r.path) && r.status === 204)
      .map((r) => r.at);
    const rate = sentAt.length > 1 ? (sentAt.length - 1) / ((Math.max(...sentAt) - Math.min(...sentAt)) / 60_000) : 0;

    console.log(
      `\na burst of ${size} new repositories (1 installation + ${size} push deliveries, 16 at a time), then one push; production spacing, GitHub's secondary limit enforced:`,
    );
    console.log(`  deliveries acknowledged        ${ackedSeconds.toFixed(1)} s after the first`);
    console.log(
      `  last burst repository listed   ${lastListedSeconds.toFixed(1)} s after the first delivery (${w.app.queue.stats().batches} batches; ${owedAtLast} follow-up tasks owed then)`,
    );
    console.log(
      `  the one push listed            ${singleSeconds.toFixed(2)} s after its delivery (idle App: ${(idleCommitMs / 1000).toFixed(2)} s; ratio ${(singleSeconds / (idleCommitMs / 1000)).toFixed(2)}×), ${owedAtSingle} follow-up tasks still owed`,
    );
    console.log(
      `  publish dispatches sent        ${atSingle} when the push was listed; ${watched} of ${size + 1} ${watchSeconds} s later (${rate.toFixed(1)} a minute from the first; all of them in ~${((size + 1) / Math.max(rate, 1)).toFixed(1)} min at that rate, before GitHub's 500 an hour)`,
    );
    console.log(
      `  follow-up                      pending ${followUp.pending}, retrying ${followUp.retrying}, oldest ${followUp.oldestAgeSeconds} s, failed ${followUp.failed}`,
    );
    console.log(
      `  content-creating requests      ${writes.length} in all; peak ${peak} in any 60 s; ${secondary} answered with GitHub's secondary limit (403)`,
    );
    ok = verdict(`every burst repository listed (${listed()} of ${size})`, listed() === size) && ok;
    ok =
      verdict(
        `the push after the burst listed in ${singleSeconds.toFixed(2)} s (goal <= ${GOALS.afterBurstSeconds} s)`,
        singleSeconds <= GOALS.afterBurstSeconds,
      ) && ok;
    ok = verdict(`peak ${peak} content-creating requests a minute (goal <= ${GOALS.writesPerMinute})`, peak <= GOALS.writesPerMinute) && ok;
    ok = verdict(`${secondary} secondary-limit answers (goal 0)`, secondary === 0) && ok;
    ok =
      verdict(
        `the fake GitHub's answers matched GitHub's OpenAPI description (${w.fake.violations.length} violations)`,
        w.fake.violations.length === 0,
      ) && ok;
    ok =
      verdict(
        `no error lines in the App's log (${w.logs.filter((l) => l['level'] === 'error').length})`,
        w.logs.every((l) => l['level'] !== 'error'),
      ) && ok;
    return { ok, singleSeconds };
  } finally {
    await w.close();
    await w.fake.close();
  }
}

export const appSection: Section = {
  name: 'app',
  title: 'The App: webhook acknowledgement latency; delivery → registry commit → subscriber, against the fake GitHub on loopback',
  sharedDataset: false,
  async run() {
    const deliveries = intEnv('BENCH_APP_DELIVERIES', 500);
    const trialCount = intEnv('BENCH_APP_TRIALS', 5);
    const burstSize = intEnv('BENCH_APP_BURST', 500, 0);
    const burstWatch = intEnv('BENCH_APP_BURST_WATCH', 60, 0);
    let ok = true;
    const sub = await startSubscriber({ keepOpen: true });
    const subscribers = [{ url: sub.url, secret: sub.secret }];
    // Production settings: 200 ms batch window, GitHub's 1 s write spacing.
    const prod = await startAppWorld({
      keepOpen: true,
      logLevel: 'info',
      config: { subscribers, followUpRecordIntervalMs: 30_000 },
      app: { writeIntervalMs: undefined, writesPerMinute: undefined, writesPerHour: undefined, queue: { debounceMs: 200 } },
    });
    const fast = await startAppWorld({
      keepOpen: true,
      logLevel: 'info',
      config: { subscribers, followUpRecordIntervalMs: 30_000 },
      app: { writeIntervalMs: 0, queue: { debounceMs: 200 } },
    });
    try {
      const ids = Array.from({ length: 50 }, (_, i) => prod.addDataset('os-data', `ack-${i}`));
      await acknowledgements(prod, ids, 50, 4); // warm-up
      await prod.settle();
      const handled = (): number[] =>
        prod.logs.filter((l) => l['msg'] === 'delivery queued' || l['msg'] === 'delivery already queued').map((l) => Number(l['ms']));
      const before = handled().length;
      const sequential = await acknowledgements(prod, ids, deliveries, 1);
      const parallel = await acknowledgements(prod, ids, deliveries, 16);
      const inServer = handled().slice(before);
      const t0 = performance.now();
      await prod.settle();
      const settleSeconds = (performance.now() - t0) / 1000;
      console.log(`acknowledgement of ${deliveries} push deliveries (ms, HTTP round trip on loopback; the queue works meanwhile):`);
      console.log(
        `  sequential     p50 ${ms(percentile(sequential, 50))}  p99 ${ms(percentile(sequential, 99))}  max ${ms(Math.max(...sequential))}`,
      );
      console.log(
        `  16 at a time   p50 ${ms(percentile(parallel, 50))}  p99 ${ms(percentile(parallel, 99))}  max ${ms(Math.max(...parallel))}`,
      );
      console.log(
        `  in the server  p50 ${ms(percentile(inServer, 50))}  p99 ${ms(percentile(inServer, 99))}  max ${ms(Math.max(...inServer))}   (request received → answer written, all ${inServer.length})`,
      );
      console.log(`  (the fake GitHub, the App's batches and the client share one process and event loop)`);
      console.log(
        `  the ${deliveries * 2} deliveries for 50 datasets became ${prod.app.queue.stats().batches} batches; queue empty ${settleSeconds.toFixed(2)} s after the last answer`,
      );
      ok =
        verdict(
          `acknowledgement p99 ${ms(percentile(sequential, 99))} ms (goal <= ${GOALS.ackP99Ms} ms)`,
          percentile(sequential, 99) <= GOALS.ackP99Ms,
        ) && ok;
      ok = verdict(`every dataset listed (${prod.catalog().length} of 50)`, prod.catalog().length === 50) && ok;

      const withSpacing = await trials(prod, sub, trialCount, 'prod');
      const without = await trials(fast, sub, trialCount, 'fast');
      console.log(
        `\ndelivery → registry commit listing the dataset → subscriber notified (ms; ${trialCount} trials, one dataset at a time):`,
      );
      for (const [label, t] of [
        ['GitHub write spacing 1 s (production)', withSpacing],
        ['no write spacing (App overhead)', without],
      ] as const) {
        const c = t.map((x) => x.commitMs);
        const n = t.map((x) => x.notifiedMs);
        console.log(
          `  ${label.padEnd(38)} commit p50 ${ms(percentile(c, 50))} max ${ms(Math.max(...c))};  notified p50 ${ms(percentile(n, 50))} max ${ms(Math.max(...n))}`,
        );
      }
      const p50 =
        percentile(
          withSpacing.map((x) => x.notifiedMs),
          50,
        ) / 1000;
      ok =
        verdict(
          `notified ${p50.toFixed(2)} s after the delivery, median, production settings (goal <= ${GOALS.notifiedP50Seconds} s)`,
          p50 <= GOALS.notifiedP50Seconds,
        ) && ok;
      if (burstSize > 0)
        ok =
          (
            await burstThenOnePush(
              burstSize,
              burstWatch,
              percentile(
                withSpacing.map((x) => x.commitMs),
                50,
              ),
            )
          ).ok && ok;
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
