/**
 * Several targets in one run: bounded concurrency (default: the number of cores), one transport shared by all,
 * the keyring checked once up front, and the run's exit code the most severe of the targets' (errors.ts).
 *
 * Each target is verified by the library's `verify()`, unchanged. Where this module needs the signature bytes
 * (a receipt embeds them, `--offline` merges the `.asc` files beside a file, `--signature` may be repeated), it
 * reads or fetches them first, with the same official-only rules as `verify()` (signature-source.ts), and hands
 * them to `verify()` as a private temporary `--signature` file; the report then names where they really came from.
 *
 * The keys are loaded once per run (loadKeySet) and passed to every verify() as `trustedKeys` (a load of the
 * pinned keys costs ~16 ms).
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  EXIT,
  VerifyError,
  isVerifyError,
  mostSevereExit,
  verdictFor,
  type ExitCode,
  type ReasonCode,
  type Verdict,
} from '../errors.js';
import type { Fetcher } from '../net/index.js';
import { judgeSource } from '../policy/origin.js';
import { artifactFromUrl, parseArtifactName, signatureUrls, type Artifact } from '../release/catalogue.js';
import { suggestOfficialName } from '../release/suggest.js';
import { SCHEMA, emptyReport, settle, type VerifyReport } from '../report/verify-report.js';
import { getSignature, looksLikeUrl } from '../signature-source.js';
import { mirrorSet } from '../source-policy.js';
import { loadCustomKeyring, loadPinnedKeyring, type Keyring } from '../trust/keyring.js';
import { keySetDigest } from '../trust/key-set-id.js';
import { DEFAULT_TIMEOUT_MS, verify, type VerifyOptions, type VerifyStage } from '../verify.js';
import { evidenceFrom, readSignaturePart, signaturesBeside, type SignatureEvidence } from './local-signatures.js';

export interface Target {
  /** A local path or an https:// URL. */
  input: string;
  /** How a release sees this file (verify-release): its artifact with the release's version (a beta's APK). */
  artifact?: Artifact;
  /** Explicit local signature files (`--signature` repeated): merged into one `.asc`. */
  signatures?: string[];
  /** Where a URL target is saved (default: its name in `outputDir`, or in the current directory). */
  output?: string;
}

export interface VerifyManyOptions extends Omit<VerifyOptions, 'signature' | 'output' | 'onProgress' | 'fetcher'> {
  /** At most this many targets at once (default: the number of cores). */
  concurrency?: number;
  /** Nothing is fetched: each local file's signatures are `<file>.asc` and every `<file>.<signer>.asc` beside it. */
  offline?: boolean;
  /** Keep the exact signature bytes of every target (for a receipt). Online, the `.asc` is then fetched here. */
  keepSignatures?: boolean;
  /** A target whose official `.asc` does not exist is "not published" (verify-release --download): not verified. */
  skipUnpublished?: boolean;
  /** Folder for downloaded URL targets (`-o DIR`). */
  outputDir?: string;
  fetcher?: Fetcher;
  /** Called as each target finishes (in completion order). */
  onResult?: (result: TargetResult, index: number) => void;
  /** Called as a target starts, and as each of its steps starts (verify()'s onStage), for a progress display. */
  onTargetStage?: (index: number, stage: VerifyStage) => void;
  /** Bytes of target `index` read or downloaded so far (verify()'s onProgress). */
  onTargetProgress?: (index: number, received: number, total: number | null) => void;
  /**
   * CLI only: between targets, when the process holds more than ~96 MiB, ask V8 for an asynchronous major GC (see
   * relieveMemory). Each target leaves its read buffers, hash ring and worker behind for the collector; without
   * this a 10-file release peaks near 145–163 MB, with it near 110 MB (bench/release.ts).
   */
  relieveMemory?: boolean;
}

let collect: ((o: { type: 'major'; execution: 'async' }) => void) | null | undefined;

/**
 * Ask for a collection of what finished targets left behind, when RSS is high. V8's `gc` is reached through a new
 * context after `--expose-gc` is set (the global object of this context does not get it). Any failure: a no-op.
 */
export function relieveMemory(thresholdBytes = 96 * 1024 * 1024): void {
  if (process.memoryUsage.rss() < thresholdBytes) return;
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as typeof collect;
    } catch {
      collect = null;
    }
  }
  try {
    collect?.({ type: 'major', execution: 'async' });
  } catch {
    collect = null;
  }
}

export interface TargetResult {
  target: Target;
  report: VerifyReport;
  /** The signature files used, exactly (with keepSignatures, or whenever they were read here). */
  signature: SignatureEvidence | null;
  /** skipUnpublished: the official `.asc` does not exist, so the file was not fetched at all. */
  unpublished?: boolean;
}

export interface KeySet {
  trust: 'pinned' | 'custom';
  /** Primary fingerprints, sorted. */
  fingerprints: string[];
  /** SHA-256 over the sorted fingerprints, one per line: names the key set a run trusted. */
  id: string;
}

export interface ManyReport {
  schema: typeof SCHEMA;
  verdict: Verdict;
  exitCode: number;
  reason: { code: ReasonCode; message: string; hint?: string } | null;
  results: VerifyReport[];
  summary: ManySummary;
}

export interface ManySummary {
  targets: number;
  verified: number;
  rejected: number;
  errors: number;
  /** How many targets ended with each exit code. */
  exitCodes: Record<string, number>;
  interrupted: boolean;
}

export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/** The keys a run trusts, loaded once (a bad --keyring is one usage error, not one per target). */
export async function loadKeySet(options: {
  keyring?: string | undefined;
  keysDir?: string | undefined;
  /** The state folder with refreshed copies of the pinned keys (`--state-dir`), as verify() would load them. */
  stateDir?: string | undefined;
  onWarning?: ((message: string) => void) | undefined;
}): Promise<{ keyring: Keyring; keySet: KeySet }> {
  const keyring =
    options.keyring === undefined
      ? await loadPinnedKeyring(options.keysDir, {
          stateDir: options.stateDir,
          ...(options.onWarning ? { onWarning: options.onWarning } : {}),
        })
      : await loadCustomKeyring(options.keyring);
  return { keyring, keySet: keySetOf(keyring) };
}

export function keySetOf(keyring: Keyring): KeySet {
  const fingerprints = keyring.keys.map((k) => k.fingerprint).sort();
  return { trust: keyring.trust, fingerprints, id: keySetDigest(fingerprints) }; // --version prints its first 16 digits
}

/** A report for a target that never ran (interrupted before its turn, or refused before verify()). */
export function failedReport(
  input: string,
  error: { code: ReasonCode; message: string; hint?: string | undefined },
): VerifyReport {
  const report = emptyReport(input, looksLikeUrl(input) ? 'url' : 'file');
  const artifact = looksLikeUrl(input) ? null : parseArtifactName(basename(input));
  if (artifact) report.artifact = { name: artifact.name, version: artifact.version, kind: artifact.kind };
  return settle(report, error);
}

function interruptedReport(input: string): VerifyReport {
  return failedReport(input, { code: 'INTERRUPTED', message: 'interrupted before this file was verified' });
}

function artifactOf(t: Target): Artifact | null {
  if (t.artifact) return t.artifact;
  try {
    return looksLikeUrl(t.input) ? artifactFromUrl(new URL(t.input)) : parseArtifactName(basename(t.input));
  } catch {
    return null; // verify() reports why
  }
}

/** Verify every target; results in the targets' order. Never throws for a verification outcome. */
export async function verifyMany(targets: readonly Target[], options: VerifyManyOptions = {}): Promise<TargetResult[]> {
  const {
    concurrency,
    offline,
    keepSignatures,
    skipUnpublished,
    outputDir,
    onResult,
    onTargetStage,
    onTargetProgress,
    relieveMemory: relieve,
    fetcher: given,
    ...common
  } = options;
  const limit = Math.max(1, Math.min(concurrency ?? defaultConcurrency(), 64));
  const results: TargetResult[] = new Array(targets.length);
  let ownFetcher: Fetcher | null = null;
  let fetcherPromise: Promise<Fetcher> | null = null;
  const getFetcher = (): Promise<Fetcher> => {
    if (given) return Promise.resolve(given);
    if (offline) return Promise.reject(new VerifyError('USAGE', '--offline: nothing may be fetched'));
    fetcherPromise ??= import('../net/index.js').then((m) => (ownFetcher = m.createFetcher()));
    return fetcherPromise;
  };
  const scratch = await mkdtemp(join(tmpdir(), 'ev-sigs-'));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= targets.length) return;
      const target = targets[i]!;
      const result = options.signal?.aborted
        ? { target, report: interruptedReport(target.input), signature: null }
        : await verifyOne(
            target,
            i,
            {
              ...common,
              offline,
              keepSignatures,
              skipUnpublished,
              outputDir,
              ...(onTargetStage || common.onStage
                ? {
                    onStage: (stage: VerifyStage) => {
                      common.onStage?.(stage);
                      onTargetStage?.(i, stage);
                    },
                  }
                : {}),
              ...(onTargetProgress
                ? { onProgress: (received: number, total: number | null) => onTargetProgress(i, received, total) }
                : {}),
            },
            getFetcher,
            scratch,
          );
      results[i] = result;
      onResult?.(result, i);
      if (relieve && next < targets.length) relieveMemory();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, targets.length) }, worker));
  } finally {
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    const own = ownFetcher as Fetcher | null;
    await own?.close?.().catch(() => undefined);
  }
  return results;
}

type OneOptions = Omit<
  VerifyManyOptions,
  'concurrency' | 'onResult' | 'fetcher' | 'onTargetStage' | 'onTargetProgress'
> & { onProgress?: VerifyOptions['onProgress'] };

async function verifyOne(
  target: Target,
  index: number,
  o: OneOptions,
  getFetcher: () => Promise<Fetcher>,
  scratch: string,
): Promise<TargetResult> {
  const { offline, keepSignatures, skipUnpublished, outputDir, ...verifyOptions } = o;
  const isUrl = looksLikeUrl(target.input);
  // `--as NAME` (one local file): the release it is judged as, for its signatures too.
  const asArtifact = !isUrl && verifyOptions.as !== undefined ? parseArtifactName(verifyOptions.as) : null;
  const artifact = asArtifact ?? artifactOf(target);
  let evidence: SignatureEvidence | null = null;
  let signatureArg: string | undefined;
  try {
    if (target.signatures && target.signatures.length > 0) {
      evidence = evidenceFrom(await Promise.all(target.signatures.map(readSignaturePart)));
    } else if (offline) {
      if (isUrl)
        throw new VerifyError('USAGE', `--offline: ${target.input} is a URL, and nothing is fetched offline`, {
          hint: 'Download it first, or drop --offline.',
        });
      const info = await stat(target.input).catch((e: NodeJS.ErrnoException) => e);
      if (info instanceof Error || !info.isFile()) {
        const why =
          info instanceof Error ? (info.code === 'ENOENT' ? 'no such file' : info.message) : 'not a regular file';
        throw new VerifyError('USAGE', `cannot read ${target.input}: ${why}`);
      }
      const own = basename(target.input);
      const asName = asArtifact ? asArtifact.name : null;
      const paths = await signaturesBeside(target.input, asName ? [own, asName] : [own]);
      if (paths.length > 0) evidence = evidenceFrom(await Promise.all(paths.map(readSignaturePart)));
      // (An --as name Electrum never used is left to verify(), which refuses it before looking for signatures.)
      else if (verifyOptions.as === undefined || asName !== null)
        throw await noSignatureBeside(target.input, asName, artifact);
    } else if (
      (keepSignatures || skipUnpublished) &&
      artifact &&
      (!isUrl || sourceAllowed(target.input, verifyOptions.allowHosts ?? []))
    ) {
      // Fetched here, from the official site only (as verify() would), so that the exact bytes can be kept.
      verifyOptions.onStage?.('signature');
      try {
        const sig = await getSignature({ artifact }, getFetcher, {
          timeoutMs: verifyOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          ...(verifyOptions.signal ? { signal: verifyOptions.signal } : {}),
        });
        evidence = { origin: sig.origin, parts: [{ source: sig.origin, bytes: sig.bytes }], merged: sig.bytes };
      } catch (e) {
        if (!isVerifyError(e)) throw e;
        if (skipUnpublished && e.code === 'SIGNATURE_NOT_FOUND') {
          return {
            target,
            report: failedReport(target.input, { code: e.code, message: e.message, hint: e.hint }),
            signature: null,
            unpublished: true,
          };
        }
        // Anything else: verify() runs as usual and reports the failure in its own order of checks.
      }
    } else if (artifact && target.artifact && parseArtifactName(artifact.name)?.version !== artifact.version) {
      // A beta's APK carries the numeric version in its name: its .asc is in the beta's folder.
      signatureArg = signatureUrls(artifact).aggregate;
    }
  } catch (e) {
    if (!isVerifyError(e)) throw e;
    return {
      target,
      report: failedReport(target.input, { code: e.code, message: e.message, hint: e.hint }),
      signature: evidence,
    };
  }
  let tempSig: string | null = null;
  if (evidence !== null) {
    tempSig = join(scratch, `${index}.asc`);
    await writeFile(tempSig, evidence.merged, { mode: 0o600 });
    signatureArg = tempSig;
  }
  const output = isUrl
    ? (target.output ?? (outputDir !== undefined && artifact ? join(outputDir, artifact.name) : undefined))
    : undefined;
  const report = await verify(target.input, {
    ...verifyOptions,
    ...(signatureArg !== undefined ? { signature: signatureArg } : {}),
    ...(output !== undefined ? { output } : {}),
    fetcher: isUrl || (evidence === null && !offline) ? await getFetcher() : undefined,
  } as VerifyOptions);
  if (tempSig !== null && evidence !== null) {
    // The report names where the signatures really came from, never the private temporary copy.
    const t = tempSig;
    const origin = evidence.origin;
    report.signature.url = origin;
    if (report.reason) report.reason.message = report.reason.message.split(t).join(origin);
  }
  return { target, report, signature: evidence };
}

/**
 * `--offline` and no signature file beside a local file: bad local input (exit 2, USAGE, as for a `--signature`
 * file that does not exist); nothing was fetched, so it is not a network failure. Names the files looked for,
 * the release folder they come from, and, for a renamed download, the official name (and whether its .asc is here).
 */
async function noSignatureBeside(
  input: string,
  asName: string | null,
  artifact: Artifact | null,
): Promise<VerifyError> {
  const own = basename(input);
  const names = asName && asName !== own ? [own, asName] : [own];
  const looked = names.map((n) => `${n}.asc (or ${n}.<signer>.asc)`).join(' or ');
  const like = asName === null && artifact === null ? suggestOfficialName(own) : null;
  const version = artifact?.version ?? (like !== null ? parseArtifactName(like)?.version : undefined);
  const folder = version
    ? `https://download.electrum.org/${version}/`
    : "the release's folder on https://download.electrum.org/";
  let renamed = '';
  let hint = `Put the .asc files from ${folder} beside the file, or drop --offline to fetch them.`;
  if (like !== null) {
    const hasLike = (await signaturesBeside(input, [like])).length > 0;
    renamed = `; it looks like ${like} renamed (browsers add " (1)" or change the case)`;
    hint = hasLike
      ? `${like}.asc is beside it: pass --as ${like} (or rename the file to ${like}).`
      : `Pass --as ${like} (or rename the file to ${like}), and put ${like}.asc from ${folder} beside it.`;
  }
  return new VerifyError('USAGE', `--offline: no signature file beside ${input}: looked for ${looked}${renamed}`, {
    hint,
  });
}

function sourceAllowed(input: string, allowHosts: readonly string[]): boolean {
  try {
    const v = judgeSource(input, mirrorSet(allowHosts)).verdict;
    return v === 'official' || v === 'mirror';
  } catch {
    return false;
  }
}

/** A release-level failure (verify-release) that competes with the targets' for the run's verdict. */
export interface RunFailure {
  code: ReasonCode;
  message: string;
  hint?: string;
}

/**
 * The several-target JSON object: top-level verdict, exit code and reason are the most severe result's (a tie goes
 * to the first in order); `failures` are the run's own (a missing file with --require-all, an empty folder).
 */
export function combineReports(reports: readonly VerifyReport[], failures: readonly RunFailure[] = []): ManyReport {
  const candidates: Array<{ exitCode: number; reason: ManyReport['reason'] }> = [
    ...reports.map((r) => ({ exitCode: r.exitCode as number, reason: r.reason })),
    ...failures.map((f) => ({
      exitCode: exitOf(f.code),
      reason: { code: f.code, message: f.message, ...(f.hint ? { hint: f.hint } : {}) },
    })),
  ];
  const exitCode = mostSevereExit(candidates.map((c) => c.exitCode));
  const worst = exitCode === EXIT.OK ? null : candidates.find((c) => c.exitCode === exitCode)!.reason;
  const exitCodes: Record<string, number> = {};
  for (const r of reports) exitCodes[String(r.exitCode)] = (exitCodes[String(r.exitCode)] ?? 0) + 1;
  return {
    schema: SCHEMA,
    verdict: verdictFor(exitCode as ExitCode),
    exitCode,
    reason: worst,
    results: [...reports],
    summary: {
      targets: reports.length,
      verified: reports.filter((r) => r.verdict === 'verified').length,
      rejected: reports.filter((r) => r.verdict === 'rejected').length,
      errors: reports.filter((r) => r.verdict === 'error').length,
      exitCodes,
      interrupted: reports.some((r) => r.reason?.code === 'INTERRUPTED'),
    },
  };
}

function exitOf(code: ReasonCode): number {
  return new VerifyError(code, '').exitCode;
}
