/**
 * Blob contents served by one long-lived `git cat-file --batch` process, so that reading a file
 * costs a line written to a pipe rather than a process spawned.
 *
 * The batch protocol answers each `<oid>\n` with `<oid> <type> <size>\n<content>\n` (or
 * `<oid> missing\n`). Requests are served one at a time, in order: a read takes the process when
 * its stream is first pulled (a stream opened and never read holds nothing), streams the object's
 * content out of the pipe as the consumer pulls it (never more than the pipe's buffer ahead:
 * backpressure reaches git), and gives the process back when the content has been read to its
 * end. A consumer that stops early (return(), a thrown error) has the rest of the object drained
 * before the next request is served, or, when much is left, the process is replaced instead.
 *
 * The process never keeps Node alive by itself: it and its pipes are unref'd, and the pipe is
 * ref'd only while a read awaits git's output. A read that waits behind a holder that has stopped
 * pulling for a long time (a consumer that abandoned its stream without return()) is served by a
 * one-off `git cat-file blob` rather than waiting forever.
 */

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { InternalError } from '../../errors.ts';
import { GitCommandError, gitEnv, streamBlob } from './exec.ts';

/**
 * The batch process failed to give an object (missing, not a blob, the process gone or closed).
 * Internal: a read of a dataset's file turns it into a SourceError naming the file (dataset.ts);
 * what is left (a closed reader, git saying something unexpected) is a bug.
 */
export class BlobReadError extends InternalError {
  constructor(message: string) {
    super('blob-read', message);
  }
}

export interface BlobReader {
  /** The content of the blob `oid`, streamed. Nothing is asked of git until the first chunk is pulled. */
  read(oid: string): AsyncGenerator<Uint8Array>;
  /** End the git process: reads in progress fail, later reads throw. Resolves when git has exited. */
  close(): Promise<void>;
}

export interface BlobReaderOptions {
  /** A consumer stopping early with more than this many bytes of the object unread gets git restarted rather than drained (default 1 MiB). */
  drainLimit?: number;
  /** A read waiting behind a consumer that has not pulled for this long is served by its own process (default 2 s). */
  stallMs?: number;
}

const ARGS = ['cat-file', '--batch'] as const;
const STDERR_KEEP = 4096;

/** One `git cat-file --batch` and the unread part of its output. */
class BatchProcess {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly out: Readable;
  private leftover: Buffer | null = null;
  private ended = false;
  private wake: (() => void) | null = null;
  private stderr = '';
  private failure: Error | null = null;
  /** Killed, closed or failed: never used again. */
  dead = false;
  readonly exited: Promise<number>;

  constructor(cwd: string) {
    const child = spawn('git', ARGS, { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.out = child.stdout;
    this.exited = new Promise((resolve) => {
      child.once('close', (code) => resolve(code ?? -1));
      child.once('error', (e) => {
        this.failure ??= e;
        this.ended = true;
        this.dead = true;
        this.wake?.();
        resolve(-1);
      });
    });
    const wake = (): void => this.wake?.();
    this.out.on('readable', wake);
    this.out.once('end', () => {
      this.ended = true;
      wake();
    });
    this.out.once('error', (e) => {
      this.failure ??= e;
      this.ended = true;
      wake();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-STDERR_KEEP);
    });
    child.stdin.on('error', () => {}); // git gone: the output's end reports it
    child.unref();
    for (const pipe of [child.stdin, child.stdout, child.stderr]) (pipe as unknown as Socket).unref?.();
  }

  request(oid: string): void {
    this.child.stdin.write(`${oid}\n`);
  }

  /** The next piece of output. */
  private async chunk(): Promise<Buffer> {
    const left = this.leftover;
    if (left) {
      this.leftover = null;
      return left;
    }
    for (;;) {
      const c = this.out.read() as Buffer | null;
      if (c !== null) return c;
      if (this.ended || this.dead) throw await this.failed();
      // Someone awaits git's output: keep Node alive until it comes.
      const pipe = this.out as unknown as Socket;
      pipe.ref?.();
      try {
        await new Promise<void>((resolve) => (this.wake = resolve));
      } finally {
        this.wake = null;
        pipe.unref?.();
      }
    }
  }

  /** Up to `max` (> 0) bytes of output. */
  async take(max: number): Promise<Buffer> {
    const c = await this.chunk();
    if (c.length <= max) return c;
    this.leftover = c.subarray(max);
    return c.subarray(0, max);
  }

  /** The next line of output, without its LF. */
  async line(): Promise<string> {
    let acc: Buffer | null = null;
    for (;;) {
      const c = await this.chunk();
      const nl = c.indexOf(0x0a);
      if (nl >= 0) {
        if (nl + 1 < c.length) this.leftover = c.subarray(nl + 1);
        const head = c.subarray(0, nl);
        return (acc ? Buffer.concat([acc, head]) : head).toString('utf8');
      }
      acc = acc ? Buffer.concat([acc, c]) : c;
      if (acc.length > 1024) throw this.broken(`an unexpected answer "${acc.subarray(0, 80).toString('utf8')}…"`);
    }
  }

  /** Skip `n` bytes of output. */
  async skip(n: number): Promise<void> {
    while (n > 0) n -= (await this.take(n)).length;
  }

  /** The LF that ends an object's content. */
  async trailer(): Promise<void> {
    const c = await this.take(1);
    if (c[0] !== 0x0a) throw this.broken('no line feed after an object');
  }

  /** A protocol violation: the process cannot be trusted any more. */
  broken(what: string): BlobReadError {
    this.kill();
    return new BlobReadError(`git ${ARGS.join(' ')} sent ${what}`);
  }

  kill(reason?: Error): void {
    if (reason) this.failure ??= reason;
    this.dead = true;
    this.leftover = null;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    this.child.stdin.destroy();
    this.out.destroy();
    this.wake?.();
  }

  /** Let git finish on its own (end of input). */
  end(): void {
    this.dead = true;
    this.child.stdin.end();
    this.out.removeAllListeners('readable');
    this.out.resume(); // to the end of the output, so that the pipe closes
  }

  private async failed(): Promise<Error> {
    this.dead = true;
    if (this.failure) return this.failure;
    const code = await this.exited;
    if (this.failure) return this.failure;
    if (code !== 0) return new GitCommandError(ARGS, code, this.stderr);
    return new BlobReadError(
      `git ${ARGS.join(' ')} ended unexpectedly${this.stderr.trim() ? ` (${this.stderr.trim().split('\n').pop()})` : ''}`,
    );
  }
}

/** Blob reads for the repository at `cwd`, through one `git cat-file --batch` started on first use. */
export function createBlobReader(cwd: string, options: BlobReaderOptions = {}): BlobReader {
  const drainLimit = options.drainLimit ?? 1024 * 1024;
  const stallMs = options.stallMs ?? 2000;
  let proc: BatchProcess | null = null;
  let closed = false;
  let busy = false;
  /** When the holder of the process last handed a chunk out and has not asked for the next one since; null while it pulls. */
  let idleSince: number | null = null;
  const waiters: Array<() => void> = [];

  const closedError = (): BlobReadError => new BlobReadError('the git dataset was closed; open it again to read it');

  const release = (): void => {
    idleSince = null;
    const next = waiters.shift();
    if (next) next();
    else busy = false;
  };

  /** Wait for the process: true when it is ours, false when its holder has stalled (serve the read otherwise). */
  const acquire = (): Promise<boolean> => {
    if (!busy) {
      busy = true;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = (): void => {
        clearInterval(timer);
        resolve(true);
      };
      waiters.push(grant);
      const timer = setInterval(
        () => {
          if (idleSince === null || performance.now() - idleSince < stallMs) return;
          const at = waiters.indexOf(grant);
          if (at < 0) return;
          waiters.splice(at, 1);
          clearInterval(timer);
          resolve(false);
        },
        Math.max(10, Math.min(stallMs / 2, 1000)),
      );
    });
  };

  /** After a consumer stopped early: the rest of the object drained (`remaining` content bytes, then the LF), or the process replaced. */
  const settle = async (p: BatchProcess, remaining: number): Promise<void> => {
    if (p.dead) return;
    if (remaining < 0 || remaining > drainLimit) {
      p.kill();
      return;
    }
    try {
      await p.skip(remaining);
      await p.trailer();
    } catch {
      p.kill();
    }
  };

  async function* read(oid: string): AsyncGenerator<Uint8Array> {
    if (closed) throw closedError();
    if (!(await acquire())) {
      yield* streamBlob(cwd, oid);
      return;
    }
    let p: BatchProcess | null = null;
    /** Content bytes of the object still to come out of the pipe; -1 before the header. */
    let remaining = -1;
    let clean = false;
    try {
      if (closed) throw closedError();
      const reused = proc !== null && !proc.dead;
      if (!reused) proc = new BatchProcess(cwd);
      p = proc!;
      p.request(oid);
      let header: string;
      try {
        header = await p.line();
      } catch (e) {
        // A process that ended while idle (killed from outside): once more with a new one.
        if (!reused || closed) throw e;
        p.kill();
        p = proc = new BatchProcess(cwd);
        p.request(oid);
        header = await p.line();
      }
      if (header === `${oid} missing` || header === `${oid} ambiguous`) {
        clean = true;
        throw new BlobReadError(`object ${oid} is ${header.slice(oid.length + 1)}`);
      }
      const [answered, type, sizeText] = header.split(' ');
      const size = Number(sizeText);
      if (answered !== oid || !Number.isSafeInteger(size) || size < 0) throw p.broken(`the header "${header.slice(0, 120)}" for ${oid}`);
      remaining = size;
      if (type !== 'blob') throw new BlobReadError(`object ${oid} is a ${type}, not a blob`);
      while (remaining > 0) {
        const chunk = await p.take(remaining);
        remaining -= chunk.length;
        idleSince = performance.now();
        yield chunk;
        idleSince = null;
      }
      await p.trailer();
      clean = true;
    } finally {
      idleSince = null;
      if (p && !clean) await settle(p, remaining);
      release();
    }
  }

  return {
    read,
    async close() {
      closed = true;
      while (waiters.length) waiters.shift()!();
      const p = proc;
      proc = null;
      if (!p) return;
      if (busy) p.kill(closedError());
      else p.end();
      await p.exited;
    },
  };
}
