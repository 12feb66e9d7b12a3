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
import type { ManyProgress } from '../run/present.js';

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

/**
 * The same display for a run over several files (verify <target…>, verify-release): one line,
 * `Verifying 3 of 10 · Electrum-4.5.8.tar.gz · Downloading 45.2 MiB of 76.0 MiB (59%) · 5.1 MiB/s · 2 done`, about
 * the target that reported last (several run at once). Same rules as createProgress: one ora spinner, stdin left
 * alone, created before the work starts, nothing off a terminal; ora clears and redraws it around other writes to
 * stderr/stdout (warnings), and stop() clears it before the verdicts are printed.
 */
export async function createManyProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  enabled: boolean,
  count: number,
): Promise<ManyProgress> {
  if (!enabled || count < 1 || stream.isTTY !== true || !(stream.columns && stream.columns > 0)) return NO_MANY;
  const { default: ora } = await import('ora');
  return new ManyLine(ora({ stream, discardStdin: false, hideCursor: true }), count);
}

const NO_MANY: ManyProgress = {
  stage: () => undefined,
  bytes: () => undefined,
  done: () => undefined,
  stop: () => undefined,
};

interface TargetState {
  name: string;
  stage: VerifyStage;
  received: number;
  total: number | null;
  samples: Array<{ t: number; n: number }>;
}

class ManyLine implements ManyProgress {
  private readonly targets = new Map<number, TargetState>();
  private focus = -1;
  private finished = 0;
  private lastDraw = 0;
  private stopped = false;

  constructor(
    private readonly spinner: Ora,
    private readonly count: number,
  ) {}

  stage(index: number, name: string, stage: VerifyStage): void {
    if (this.stopped) return;
    const t = this.targets.get(index);
    if (t) Object.assign(t, { stage, samples: [] });
    else this.targets.set(index, { name, stage, received: 0, total: null, samples: [] });
    this.focus = index;
    this.draw(true);
  }

  bytes(index: number, received: number, total: number | null): void {
    const t = this.targets.get(index);
    if (this.stopped || !t) return;
    const now = Date.now();
    t.received = received;
    t.total = total;
    t.samples.push({ t: now, n: received });
    while (t.samples.length > 2 && now - t.samples[0]!.t > RATE_WINDOW_MS) t.samples.shift();
    this.focus = index;
    this.draw(received === total);
  }

  done(index: number): void {
    if (this.stopped) return;
    this.targets.delete(index);
    this.finished++;
    if (this.focus === index) this.focus = this.targets.size > 0 ? [...this.targets.keys()].pop()! : -1;
    this.draw(true);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.spinner.stop();
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const t = this.targets.get(this.focus);
    const parts: string[] = [];
    if (t === undefined) parts.push(`Verifying ${this.count} file(s)`);
    else {
      parts.push(
        this.count > 1 ? `Verifying ${this.focus + 1} of ${this.count}` : 'Verifying',
        t.name.length > 48 ? `${t.name.slice(0, 47)}…` : t.name,
      );
      if ((t.stage === 'download' || t.stage === 'read') && t.received > 0) {
        const verb = t.stage === 'read' ? 'Reading' : 'Downloading';
        parts.push(
          t.total
            ? `${verb} ${formatBytes(t.received)} of ${formatBytes(t.total)} (${Math.floor((t.received / t.total) * 100)}%)`
            : `${verb} ${formatBytes(t.received)}`,
        );
        const first = t.samples[0];
        const elapsed = first ? (now - first.t) / 1000 : 0;
        if (first && elapsed >= 0.5) parts.push(`${formatBytes((t.received - first.n) / elapsed)}/s`);
      } else parts.push(MANY_STAGE_TEXT[t.stage]);
    }
    if (this.count > 1 && this.finished > 0) parts.push(`${this.finished} done`);
    this.spinner.text = parts.join(' · ');
    if (!this.spinner.isSpinning) this.spinner.start();
  }
}

const MANY_STAGE_TEXT: Record<VerifyStage, string> = {
  signature: 'getting the signatures…',
  download: 'connecting…',
  read: 'reading…',
  check: 'checking the signatures…',
};
