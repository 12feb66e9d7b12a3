/**
 * Timeouts for one transfer, enforced by us (independently of undici's own timers):
 * - waiting for a response (connect, proxy tunnel, TLS, headers): at most `timeoutMs` per request;
 * - the body: over every window of `timeoutMs`, at least 1 KiB/s on average must arrive (so an idle body
 *   fails after `timeoutMs`, and so does one that trickles).
 * When a limit is hit, `onExpire` is called once with the error to abort with.
 */
import { performance } from 'node:perf_hooks';

export const MIN_BYTES_PER_SECOND = 1024;

interface Sample {
  t: number;
  bytes: number;
}

export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private samples: Sample[] = [];
  private received = 0;
  private done = false;
  private readonly tickMs: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpire: (kind: 'response' | 'slow') => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tickMs = Math.min(1000, Math.max(10, Math.floor(timeoutMs / 10)));
  }

  /** A request is being sent: a response must arrive within timeoutMs. */
  awaitResponse(): void {
    this.clear();
    this.timer = setTimeout(() => this.expire('response'), this.timeoutMs);
  }

  /** Headers arrived; watch the body's progress from now on. */
  bodyStarted(): void {
    this.clear();
    this.received = 0;
    this.samples = [{ t: this.now(), bytes: 0 }];
    this.timer = setInterval(() => this.check(), this.tickMs);
  }

  progress(bytes: number): void {
    this.received += bytes;
  }

  stop(): void {
    this.done = true;
    this.clear();
  }

  /** Exposed for tests: one evaluation of the rate rule at the current time. */
  check(): void {
    if (this.done) return;
    const t = this.now();
    this.samples.push({ t, bytes: this.received });
    // The latest sample at least one window old opens the window under test.
    let start = -1;
    for (let i = this.samples.length - 1; i >= 0; i--) {
      if (t - (this.samples[i] as Sample).t >= this.timeoutMs) {
        start = i;
        break;
      }
    }
    if (start < 0) return;
    const from = this.samples[start] as Sample;
    this.samples = this.samples.slice(start); // bounded: about timeoutMs / tickMs samples
    const needed = (MIN_BYTES_PER_SECOND * (t - from.t)) / 1000;
    if (this.received - from.bytes < needed) this.expire('slow');
  }

  private expire(kind: 'response' | 'slow'): void {
    if (this.done) return;
    this.stop();
    this.onExpire(kind);
  }

  private clear(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
