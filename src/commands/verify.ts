/** `electrum-verify verify <target>`: runs the checklist and reports it (human on a terminal, or --json). */
import type { Style } from '../report.js';
import { renderHuman, toJson } from '../report.js';
import { verify, type VerifyOptions } from '../verify.js';

export interface VerifyCommandOptions extends Omit<VerifyOptions, 'onProgress' | 'onWarning'> {
  json?: boolean;
  quiet?: boolean;
}

export interface VerifyIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  style: Style;
  errStyle: Style;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export async function verifyCommand(target: string, opts: VerifyCommandOptions, io: VerifyIO): Promise<number> {
  const { json, quiet, ...options } = opts;
  // A terminal that reports no width (some CI pseudo-terminals) would make the spinner redraw badly: skip it.
  const showProgress = !json && !quiet && io.stderr.isTTY === true && ((io.stderr as { columns?: number }).columns ?? 0) > 0;
  let spinner: { text: string; stop(): void } | null = null;
  let lastDraw = 0;
  const onProgress = async (received: number, total: number | null): Promise<void> => {
    const now = Date.now();
    if (now - lastDraw < 100 && received !== total) return;
    lastDraw = now;
    const text = total ? `Downloading ${formatBytes(received)} of ${formatBytes(total)} (${Math.floor((received / total) * 100)}%)` : `Downloading ${formatBytes(received)}`;
    if (spinner === null) {
      const { default: ora } = await import('ora');
      spinner = ora({ text, stream: io.stderr }).start();
    } else {
      spinner.text = text;
    }
  };
  const report = await verify(target, {
    ...options,
    ...(showProgress ? { onProgress: (r: number, t: number | null) => void onProgress(r, t) } : {}),
    // Warnings always go to stderr (also under --json, where stdout holds only the report).
    onWarning: (message) => io.stderr.write(io.errStyle.warn(`warning: ${message}\n`)),
  }).finally(() => (spinner as { stop(): void } | null)?.stop());
  if (json) {
    io.stdout.write(toJson(report));
  } else {
    // A verdict (verified / rejected) is the command's output; an error (usage, I/O, network) is not.
    const out = report.verdict === 'error' ? io.stderr : io.stdout;
    const text = renderHuman(report, report.verdict === 'error' ? io.errStyle : io.style);
    out.write(quiet ? text.split('\n')[0] + '\n' : text);
  }
  return report.exitCode;
}
