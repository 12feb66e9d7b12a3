/**
 * The one progress display of a run: a single spinner line on stderr, only on a terminal.
 *
 * Rules: created synchronously (ora is loaded before the work starts, so no two spinners can ever race);
 * stdin is left alone (ora's default "discard stdin" puts the terminal in raw mode, where Ctrl-C is a byte and
 * not a signal); the line is cleared, and the cursor shown again, before anything else is printed at the end.
 */
import type { Ora } from 'ora';
import { formatBytes, formatDuration } from '../format.js';
import type { VerifyStage } from '../verify.js';

const REDRAW_MS = 100;
/** Rate over the last few seconds, not since the start (a download that stalls must show it). */
const RATE_WINDOW_MS = 3000;

export interface ProgressDisplay {
  stage(stage: VerifyStage, detail?: string): void;
  bytes(received: number, total: number | null): void;
  /** Clear the line and show the cursor. Idempotent. */
  stop(): void;
}

const NONE: ProgressDisplay = { stage: () => undefined, bytes: () => undefined, stop: () => undefined };

/** A display on `stream` if it is a terminal with a width, else one that does nothing. */
export async function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  enabled: boolean,
): Promise<ProgressDisplay> {
  // A terminal that reports no width (some CI pseudo-terminals) would make the spinner redraw badly: skip it.
  if (!enabled || stream.isTTY !== true || !(stream.columns && stream.columns > 0)) return NONE;
  const { default: ora } = await import('ora');
  return new SpinnerProgress(ora({ stream, discardStdin: false, hideCursor: true }));
}

class SpinnerProgress implements ProgressDisplay {
  private current: VerifyStage | null = null;
  private lastDraw = 0;
  private samples: Array<{ t: number; n: number }> = [];
  private stopped = false;

  constructor(private readonly spinner: Ora) {}

  stage(stage: VerifyStage, detail?: string): void {
    if (this.stopped) return;
    this.current = stage;
    this.samples = [];
    this.show(STAGE_TEXT[stage] + (detail ? ` ${detail}` : ''));
  }

  bytes(received: number, total: number | null): void {
    if (this.stopped) return;
    const now = Date.now();
    this.samples.push({ t: now, n: received });
    while (this.samples.length > 2 && now - this.samples[0]!.t > RATE_WINDOW_MS) this.samples.shift();
    if (now - this.lastDraw < REDRAW_MS && received !== total) return;
    this.lastDraw = now;
    const verb = this.current === 'read' ? 'Reading' : 'Downloading';
    const parts = [
      total
        ? `${verb} ${formatBytes(received)} of ${formatBytes(total)} (${Math.floor((received / total) * 100)}%)`
        : `${verb} ${formatBytes(received)}`,
    ];
    const first = this.samples[0]!;
    const elapsed = (now - first.t) / 1000;
    if (elapsed >= 0.5) {
      const rate = (received - first.n) / elapsed;
      parts.push(`${formatBytes(rate)}/s`);
      if (total && rate > 0 && received < total) parts.push(`${formatDuration((total - received) / rate)} left`);
    }
    this.show(parts.join(' · '));
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.spinner.stop();
  }

  private show(text: string): void {
    this.spinner.text = text;
    if (!this.spinner.isSpinning) this.spinner.start();
  }
}

const STAGE_TEXT: Record<VerifyStage, string> = {
  signature: 'Getting the signatures…',
  download: 'Connecting…',
  read: 'Reading the file…',
  check: 'Checking the signatures…',
};
