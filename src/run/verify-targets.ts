/**
 * `verify <target…>` with several targets, `--offline`, a repeated `--signature` or `--receipt`: the path that
 * src/commands/verify.ts hands over to (one target without those options stays on its single-target path).
 *
 * - several targets: one verdict line per file and a summary; `--json` prints the several-target object
 *   {schema, verdict, exitCode, reason, results, summary}; exit = the most severe (errors.ts mostSevereExit);
 * - one target: the report is exactly the single-target report (also under --json);
 * - `-o FILE` with several targets is a usage error (`-o DIR`, an existing folder, is fine);
 * - `--signature` may be repeated for ONE target (merged); with several targets it is a usage error;
 * - `--receipt FILE`: written atomically after the verdicts, never for an interrupted run.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { EXIT, VerifyError, isVerifyError, verdictFor } from '../errors.js';
import type { Fetcher } from '../net/index.js';
import { buildReceipt, checkReceiptPath, writeReceipt } from '../receipt/statement.js';
import { SCHEMA, renderHuman, toJson } from '../report/verify-report.js';
import { chooseFormat, wantsAnnotations } from '../report/ci.js';
import { looksLikeUrl } from '../signature-source.js';
import type { VerifyOptions, VerifyStage } from '../verify.js';
import { presentMany, warnOnce, type ManyIO, type ManyProgressFactory } from './present.js';
import { combineReports, loadKeySet, verifyMany, type Target } from './verify-many.js';

export interface VerifyTargetsOptions extends Omit<
  VerifyOptions,
  'signature' | 'onProgress' | 'onWarning' | 'onStage' | 'signal' | 'fetcher'
> {
  /** `--signature`, possibly repeated (one target only). */
  signatures?: string[];
  offline?: boolean;
  receipt?: string;
  concurrency?: number;
  json?: boolean;
  format?: string;
  quiet?: boolean;
}

export interface VerifyTargetsIO extends ManyIO {
  signal?: AbortSignal;
  interruptedBy?: () => NodeJS.Signals | null;
  fetcher?: Fetcher;
  /**
   * The progress display (the CLI passes src/commands/progress.ts createManyProgress on stderr); asked for only for
   * text output without --quiet, before the work starts, and stopped before anything is printed.
   */
  progress?: ManyProgressFactory;
}

/** Whether `verify` should take this path rather than its single-target one. */
export function needsVerifyTargets(
  targets: readonly string[],
  o: {
    signatures?: readonly string[] | undefined;
    offline?: boolean | undefined;
    receipt?: string | undefined;
    format?: string | undefined;
  },
): boolean {
  return (
    targets.length !== 1 ||
    (o.signatures?.length ?? 0) > 1 ||
    o.offline === true ||
    o.receipt !== undefined ||
    o.format !== undefined ||
    process.env.GITHUB_ACTIONS === 'true'
  );
}

function interruptedExit(io: VerifyTargetsIO): number {
  const sig = io.interruptedBy?.();
  return sig === 'SIGTERM' ? 143 : sig === 'SIGHUP' ? 129 : EXIT.INTERRUPTED;
}

export async function verifyTargetsCommand(
  targets: readonly string[],
  o: VerifyTargetsOptions,
  io: VerifyTargetsIO,
): Promise<number> {
  let format: ReturnType<typeof chooseFormat> = o.json ? 'json' : 'text';
  try {
    format = chooseFormat(o, io.env);
    return await run(targets, o, io, format);
  } catch (e) {
    if (!isVerifyError(e)) throw e;
    if (format === 'json')
      io.stdout.write(
        toJson({
          schema: SCHEMA,
          verdict: verdictFor(e.exitCode),
          exitCode: e.exitCode,
          reason: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
        }),
      );
    else io.stderr.write(`electrum-verify: ${e.message}\n${e.hint ? `  next: ${e.hint}\n` : ''}`);
    return e.exitCode;
  }
}

async function run(
  targets: readonly string[],
  o: VerifyTargetsOptions,
  io: VerifyTargetsIO,
  format: ReturnType<typeof chooseFormat>,
): Promise<number> {
  const { signatures = [], offline, receipt, concurrency, json: _json, format: _format, quiet, output, ...common } = o;
  if (targets.length === 0)
    throw new VerifyError('USAGE', 'no target given', { hint: 'Name one or more release files or https:// URLs.' });
  const several = targets.length > 1;
  let outputDir: string | undefined;
  if (output !== undefined && several) {
    const info = await stat(output).catch(() => null);
    if (!info?.isDirectory()) {
      throw new VerifyError(
        'USAGE',
        `-o ${output}: with several targets, -o must be an existing folder (each file is saved there under its own name)`,
      );
    }
    outputDir = output;
  }
  if (several && signatures.length > 0)
    throw new VerifyError(
      'USAGE',
      "--signature names the signature of ONE target; with several targets use --offline (each file's .asc beside it) or the official .asc files",
    );
  if (several && common.as !== undefined) throw new VerifyError('USAGE', '--as applies to one target');
  if (several && common.expectSha256 !== undefined)
    throw new VerifyError('USAGE', '--expect-sha256 applies to one target');
  if (offline && signatures.some(looksLikeUrl))
    throw new VerifyError('USAGE', '--offline: a --signature URL would be fetched');
  if (receipt !== undefined) await checkReceiptPath(receipt);
  const progress = format === 'text' && quiet !== true && io.progress ? await io.progress(targets.length) : null;
  const warn = warnOnce(io);
  const { keyring, keySet } = await loadKeySet({
    keyring: common.keyring,
    keysDir: common.keysDir,
    stateDir: common.stateDir,
    onWarning: warn,
  });

  const list: Target[] = targets.map((input) => ({
    input,
    ...(signatures.length > 0 ? { signatures } : {}),
    ...(!several && output !== undefined ? { output } : {}),
  }));
  const names = targets.map((t) => {
    try {
      return looksLikeUrl(t) ? decodeURIComponent(new URL(t).pathname.split('/').pop() ?? t) || t : basename(t);
    } catch {
      return t;
    }
  });
  const results = await verifyMany(list, {
    ...(progress
      ? {
          onTargetStage: (i: number, stage: VerifyStage) => progress.stage(i, names[i]!, stage),
          onTargetProgress: (i: number, received: number, total: number | null) => progress.bytes(i, received, total),
          onResult: (_r: unknown, i: number) => progress.done(i),
        }
      : {}),
    ...common,
    offline: offline === true,
    keepSignatures: receipt !== undefined,
    trustedKeys: keyring,
    relieveMemory: true,
    ...(outputDir !== undefined ? { outputDir } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(io.fetcher ? { fetcher: io.fetcher } : {}),
    onWarning: warn, // each distinct warning once, not once per target
  }).finally(() => progress?.stop());
  const reports = results.map((r) => r.report);
  const many = combineReports(reports);
  const interrupted = io.signal?.aborted === true || many.summary.interrupted;
  if (interrupted) {
    many.exitCode = interruptedExit(io);
    many.verdict = 'error';
    many.reason = {
      code: 'INTERRUPTED',
      message: 'interrupted before every file was verified; no receipt was written',
    };
    for (const r of reports) if (r.reason?.code === 'INTERRUPTED') r.exitCode = many.exitCode as typeof r.exitCode;
  }
  let exitCode = many.exitCode;
  if (receipt !== undefined && !interrupted) {
    const versions = new Set(reports.map((r) => r.artifact?.version ?? null));
    const [only] = versions;
    const resourceUri =
      !several && looksLikeUrl(targets[0]!)
        ? targets[0]!
        : versions.size === 1 && only
          ? `https://download.electrum.org/${only}/`
          : 'https://download.electrum.org/';
    try {
      await writeReceipt(
        receipt,
        buildReceipt({
          command: 'verify',
          results,
          run: many,
          keySet,
          minSigners: common.minSigners ?? null,
          resourceUri,
        }),
      );
    } catch (e) {
      if (!isVerifyError(e)) throw e;
      io.stderr.write(`electrum-verify: ${e.message}\n`);
      if (exitCode === EXIT.OK) exitCode = e.exitCode;
    }
  }
  if (!several) {
    // One target: exactly the single-target report.
    const report = reports[0]!;
    if (format === 'json') io.stdout.write(toJson(report));
    else {
      const out = report.verdict === 'error' ? io.stderr : io.stdout;
      const text = renderHuman(report, report.verdict === 'error' ? io.errStyle : io.style);
      out.write(quiet ? text.split('\n')[0] + '\n' : text);
    }
    if (wantsAnnotations(o, io.env)) {
      // Annotations and the step summary only (stdout already holds the report).
      await presentMany(
        { ...many, results: reports },
        'json',
        { title: 'electrum-verify', notes: [], annotations: [], quiet: true },
        { ...io, stdout: { write: () => true } as unknown as NodeJS.WritableStream },
        true,
      );
    }
    return exitCode === many.exitCode ? report.exitCode : exitCode;
  }
  many.exitCode = exitCode;
  await presentMany(
    many,
    format,
    {
      title: `${targets.length} files`,
      notes: receipt !== undefined && !interrupted ? [`receipt: ${receipt}`] : [],
      annotations: [],
      quiet: quiet === true,
    },
    io,
    wantsAnnotations(o, io.env),
  );
  return exitCode;
}
