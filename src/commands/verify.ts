/** `electrum-verify verify <target>`: runs the checklist and reports it (human on a terminal, or --json). */
import { EXIT } from '../errors.js';
import { formatBytes } from '../format.js';
import type { Style } from '../report/verify-report.js';
import { renderHuman, toJson } from '../report/verify-report.js';
import { DEFAULT_MAX_SIZE, verify, type VerifyOptions, type VerifyStage } from '../verify.js';
import { createProgress } from './progress.js';

export interface VerifyCommandOptions extends Omit<VerifyOptions, 'onProgress' | 'onWarning' | 'onStage' | 'signal'> {
  json?: boolean;
  quiet?: boolean;
}

export interface VerifyIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  style: Style;
  errStyle: Style;
  /** Aborted by the CLI on SIGINT/SIGTERM/SIGHUP; `interruptedBy` then names the signal. */
  signal?: AbortSignal;
  interruptedBy?: () => NodeJS.Signals | null;
}

/** The command line's hint for a reason the library left without one: which of its options helps, with its value. */
function flagHint(code: string, options: { maxSize?: number | undefined }): string | undefined {
  if (code === 'TIMEOUT') return 'Try again, or allow more time with --timeout SECONDS (default 30).';
  if (code !== 'TOO_LARGE') return undefined;
  const limit = options.maxSize ?? DEFAULT_MAX_SIZE;
  return limit === DEFAULT_MAX_SIZE
    ? 'A real Electrum file is well under 512 MiB; if this one is genuinely larger, raise --max-size.'
    : `The limit was ${formatBytes(limit)} (--max-size); Electrum's own files are tens of MiB, so if this one should fit, raise --max-size (default 512M).`;
}

export async function verifyCommand(target: string, opts: VerifyCommandOptions, io: VerifyIO): Promise<number> {
  const { json, quiet, ...options } = opts;
  const progress = await createProgress(io.stderr, !json && !quiet);
  const stageDetail = (stage: VerifyStage): string | undefined => {
    if (stage !== 'signature') return undefined;
    if (options.signature === undefined) return 'from download.electrum.org';
    return `from ${typeof options.signature === 'string' ? options.signature : options.signature.join(' + ')}`;
  };
  let report;
  try {
    report = await verify(target, {
      ...options,
      ...(io.signal ? { signal: io.signal } : {}),
      onStage: (stage) => progress.stage(stage, stageDetail(stage)),
      onProgress: (received, total) => progress.bytes(received, total),
      // Warnings always go to stderr (also under --json, where stdout holds only the report).
      onWarning: (message) => io.stderr.write(io.errStyle.warn(`warning: ${message}\n`)),
    });
  } finally {
    progress.stop();
  }
  if (report.reason?.code === 'INTERRUPTED' && io.interruptedBy?.() === 'SIGTERM') report.exitCode = EXIT.TERMINATED;
  // The library's messages name no flags; the command line adds which of its options helps.
  const hint = report.reason && !report.reason.hint ? flagHint(report.reason.code, options) : undefined;
  if (report.reason && hint) report.reason.hint = hint;
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
