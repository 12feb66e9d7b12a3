/**
 * One transfer's control state: the AbortController shared by every hop, the watchdog, the caller's signal,
 * and the first reason we aborted for (so an abort surfaces as TIMEOUT / INTERRUPTED, not as a socket error).
 */
import type { VerifyError } from '../errors.js';
import { interruptedError, timeoutError, toNetworkError } from './errors.js';
import type { FetchOptions } from './types.js';
import { Watchdog } from './watchdog.js';

export class TransferControl {
  readonly controller = new AbortController();
  readonly watchdog: Watchdog;
  /** The URL currently being fetched (for messages). */
  currentUrl: string;
  private failure: VerifyError | undefined;
  private readonly detach: () => void;

  constructor(url: string, opts: FetchOptions) {
    this.currentUrl = url;
    this.watchdog = new Watchdog(opts.timeoutMs, (kind) =>
      this.fail(timeoutError(this.currentUrl, opts.timeoutMs, kind)),
    );
    const signal = opts.signal;
    if (signal === undefined) {
      this.detach = () => undefined;
    } else {
      const onAbort = (): void => this.fail(interruptedError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      this.detach = () => signal.removeEventListener('abort', onAbort);
      if (signal.aborted) onAbort();
    }
  }

  /** Abort everything in flight with `err` (first reason wins). */
  fail(err: VerifyError): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    this.watchdog.stop();
    this.controller.abort(err);
  }

  /** Throw the abort reason if we aborted (call between awaits). */
  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** The error to report for `e`: our own abort reason first, else `e` classified. */
  explain(e: unknown): VerifyError {
    return this.failure ?? toNetworkError(e, this.currentUrl);
  }

  end(): void {
    this.watchdog.stop();
    this.detach();
  }
}
