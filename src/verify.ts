/**
 * The checklist. `verify()` reads top to bottom as the rules it enforces, one step per file in src/verify/:
 *   target (target.ts) → source policy → artifact → where it lands (output.ts) → trust and signer requirement
 *   (trust.ts) → signatures (signatures.ts) → data, one pass (data.ts, signature-engine.ts) → every signature
 *   judged → signer policy (trust/signer-policy.ts) → expected hash and version rules (version-rules.ts) → save.
 * It never throws a VerifyError: every outcome, good or bad, is a report.
 */
import type { FileHandle } from 'node:fs/promises';
import { VerifyError, isVerifyError } from './errors.js';
import type { Fetcher } from './net/index.js';
import { emptyReport, settle, type VerifyReport } from './report/verify-report.js';
import { looksLikeUrl } from './signature-source.js';
import { mirrorSet } from './source-policy.js';
import type { Keyring } from './trust/keyring.js';
import type { SignerPolicyEntry } from './trust/pinned.js';
import { applySignerPolicy } from './trust/signer-policy.js';
import { downloadInto, readInto } from './verify/data.js';
import { chooseOutput, type PendingDownload } from './verify/output.js';
import { SignatureEngine } from './verify/signature-engine.js';
import { checkVerifyArguments } from './verify/options.js';
import { loadSignatures } from './verify/signatures.js';
import { resolveTarget, unrecognisedName } from './verify/target.js';
import { loadTrust } from './verify/trust.js';
import { applyVersionRules, checkExpectedHash, parseSha256 } from './verify/version-rules.js';

export const DEFAULT_MAX_SIZE = 512 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface VerifyOptions {
  /** The detached signature (a path, or an official https:// URL); several are merged into one `.asc`. */
  signature?: string | readonly string[];
  output?: string;
  force?: boolean;
  minSigners?: number;
  keyring?: string;
  allowHosts?: readonly string[];
  expectSha256?: string;
  maxSize?: number;
  timeoutMs?: number;
  /** "Now" for signature dates and key validity (tests). */
  now?: Date;
  keysDir?: string;
  /** Keys already loaded (several targets in one run load them once); replaces keysDir/keyring loading. */
  trustedKeys?: Keyring;
  /** State folder holding refreshed key copies (`--state-dir`); default: state/folder.ts. */
  stateDir?: string;
  /** Library API only (tests): the signer-policy table instead of the pinned one, also with a custom keyring. */
  signerTable?: readonly SignerPolicyEntry[];
  /** Transport; created lazily (undici is loaded only when something is fetched). */
  fetcher?: Fetcher;
  /** Judge a local file as if it had this official Electrum file name (version, policy, official .asc). */
  as?: string;
  /** Bytes of the file read or downloaded so far (total: its size, or the server's Content-Length). */
  onProgress?: (received: number, total: number | null) => void;
  /** The step that starts now, for a progress display. */
  onStage?: (stage: VerifyStage) => void;
  onWarning?: (message: string) => void;
  /** Aborting ends the run promptly with INTERRUPTED; temporary files are removed. */
  signal?: AbortSignal;
}

/** Steps a person may wait on: fetching the signature, downloading or reading the file, checking signatures. */
export type VerifyStage = 'signature' | 'download' | 'read' | 'check';

export async function verify(input: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  // A JavaScript caller may pass anything: the report still names it, and runChecklist refuses it first.
  const shown = typeof input === 'string' ? input : String(input);
  const report = emptyReport(shown, looksLikeUrl(shown) ? 'url' : 'file');
  const held: Held = { input: null, temp: null, ownFetcher: null };
  try {
    await runChecklist(input, options, report, held);
    return settle(report, null);
  } catch (e) {
    // An interrupted run is INTERRUPTED, whatever the abort broke on its way out.
    if ((options as VerifyOptions | null)?.signal?.aborted === true)
      return settle(report, {
        code: 'INTERRUPTED',
        message: 'interrupted before the verification finished; nothing was saved',
      });
    if (!isVerifyError(e)) throw e;
    return settle(report, { code: e.code, message: e.message, hint: e.hint });
  } finally {
    await held.input?.close().catch(() => undefined);
    await held.temp?.discard(); // nothing to do once it was committed
    await held.ownFetcher?.close?.().catch(() => undefined); // cleanup never replaces the report
  }
}

/** What verify() releases whatever happened: the local file's handle, the download's temp file, a fetcher it made. */
interface Held {
  input: FileHandle | null;
  temp: PendingDownload | null;
  ownFetcher: Fetcher | null;
}

async function runChecklist(input: string, o: VerifyOptions, report: VerifyReport, held: Held): Promise<void> {
  // 0. The arguments themselves: types and ranges (a program calling the library has no command-line parser).
  const { signatures } = checkVerifyArguments(input, o);
  const warn = (message: string): void => void (report.warnings.push(message), o.onWarning?.(message));
  const net = { timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(o.signal ? { signal: o.signal } : {}) };
  let fetcher = o.fetcher;
  const getFetcher = async (): Promise<Fetcher> =>
    (fetcher ??= held.ownFetcher = (await import('./net/index.js')).createFetcher());

  // 1. Options that are wrong whatever the target.
  const mirrors = mirrorSet(o.allowHosts ?? []);
  const expected = o.expectSha256 === undefined ? null : parseSha256(o.expectSha256);

  // 2. Target and source policy: nothing is contacted unless the URL is official or an approved mirror.
  const target = await resolveTarget(input, o, mirrors, report, (handle) => (held.input = handle));
  const { url, artifact } = target;
  unrecognisedName(target, signatures !== null, warn);

  // 3. Where a download will land: refuse to overwrite before spending any bandwidth.
  const output = url ? await chooseOutput(o.output, artifact?.name ?? target.name, o.force === true) : null;

  // 4. Trust: the pinned release keys (or a custom keyring), and who must have signed this version.
  const { keyring, requirement } = await loadTrust(o, artifact?.version ?? null, report, warn);

  // 5. The detached signatures (official site or --signature), parsed strictly before any data is read.
  o.onStage?.('signature');
  const packets = await loadSignatures(
    { signatures, artifact, localInput: url ? null : input },
    report,
    getFetcher,
    net,
  );

  // 6. The data, read or downloaded once: every digest every signature needs is computed in this single pass.
  const engine = new SignatureEngine(packets, keyring, o.now ?? new Date());
  o.onStage?.(url ? 'download' : 'read');
  if (url && output) {
    const request = { url, output, artifact, mirrors, maxBytes: o.maxSize ?? DEFAULT_MAX_SIZE };
    await downloadInto(engine, request, await getFetcher(), net, report, o.onProgress, (temp) => (held.temp = temp));
  } else if (target.file) await readInto(engine, target.file, input, o.signal, o.onProgress);
  o.onStage?.('check');
  const data = await engine.finish();
  report.sha256 = data.sha256;
  report.size = data.size;

  // 7. Every signature, individually, judged as of now (after a download that may have taken a while).
  const found = await engine.judge(o.now ?? new Date(), o.signal);
  report.signature.found = found;

  // 8. Signer policy: the release signers this version requires, each with a counted signature; tampering fails all.
  await applySignerPolicy(report, found, requirement, { keyring, warn });
  requireCountedSignature(found);

  // 9. Optional pinned hash; 10. version rules: dates the name claims, known-vulnerable versions, security fixes.
  checkExpectedHash(expected, data.sha256);
  applyVersionRules(artifact, found, warn);

  // 11. Only now does the file appear at the output path.
  if (output && held.temp) {
    await held.temp.commit(output, o.force === true);
    report.output = output;
  }
}

/**
 * Whatever the policy asked for, a file is never verified without at least one counted signature by a trusted key:
 * a requirement of zero (a signer table whose release signers are not required for this version, or any future
 * path that computes 0) must not turn "nothing counted" into an all-clear.
 */
function requireCountedSignature(found: readonly { counted?: boolean }[]): void {
  if (found.some((f) => f.counted === true)) return;
  throw new VerifyError(
    'NOT_ENOUGH_SIGNERS',
    `no signature counted (${found.length} found, none valid by a trusted key): a file is verified only with at least one`,
    {
      hint: 'Do not run this file. Only files signed by the Electrum developers (see `electrum-verify keys`) are authentic.',
    },
  );
}
