/** `electrum-verify verify <target>`: runs the checklist and reports it (human on a terminal, or --json). */
import { EXIT } from '../errors.js';
import type { Style } from '../report/verify-report.js';
import { renderHuman, toJson } from '../report/verify-report.js';
import { looksLikeUrl } from '../signature-source.js';
import { verify, type VerifyOptions, type VerifyStage } from '../verify.js';
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

const FLAG_HINTS: Partial<Record<string, string>> = {
  TIMEOUT: 'Try again, or allow more time with --timeout SECONDS (default 30).',
  TOO_LARGE: 'A real Electrum file is well under 512 MiB; if this one is genuinely larger, raise --max-size.',
};

export async function verifyCommand(target: string, opts: VerifyCommandOptions, io: VerifyIO): Promise<number> {
  const { json, quiet, ...options } = opts;
  const progress = await createProgress(io.stderr, !json && !quiet);
  const stageDetail = (stage: VerifyStage): string | undefined => {
    if (stage !== 'signature') return undefined;
    if (options.signature === undefined) return 'from download.electrum.org';
    return looksLikeUrl(options.signature) ? `from ${options.signature}` : `from ${options.signature}`;
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
  if (report.reason && !report.reason.hint && FLAG_HINTS[report.reason.code])
    report.reason.hint = FLAG_HINTS[report.reason.code];
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
