/**
 * The receipt: an in-toto Statement v1 whose subjects are the files checked (name + sha256) and whose predicate is
 * a SLSA Verification Summary v1, with our own extension object (`predicate.electrumVerify`) holding each file's
 * signers and the exact `.asc` bytes, so that anyone can re-check the evidence later (`check-receipt`, or gpgv and
 * the published keys).
 *
 * A receipt is UNSIGNED evidence: it records what was checked and how, and lets the check be repeated; it is not a
 * signature and proves nothing by itself. It is written atomically, only after every verdict, never for a run that
 * was interrupted.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { VerifyError } from '../errors.js';
import { release, track } from '../fs/temp-files.js';
import type { KeySet, ManyReport, TargetResult } from '../run/verify-many.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const VSA_TYPE = 'https://slsa.dev/verification_summary/v1';
export const RECEIPT_SCHEMA = 'electrum-verify/receipt/v1';
export const VERIFIER_ID = 'https://www.npmjs.com/package/electrum-verify';
export const RECEIPT_NOTE =
  'Unsigned evidence, not a signature: it records which files were checked, their SHA-256, who signed them and the ' +
  'exact signature files. Re-check it with `electrum-verify check-receipt`, or with gpgv and the published keys.';

export interface ReceiptSigner {
  name: string;
  fingerprint: string;
  created: string | null;
  signingKey: string | null;
}

export interface ReceiptFile {
  name: string;
  /** The path or URL as given to the run. */
  path: string;
  sha256: string | null;
  size: number | null;
  verdict: string;
  exitCode: number;
  reason: { code: string; message: string } | null;
  required: number;
  requiredSigners?: string[];
  signers: ReceiptSigner[];
  /** Where the signatures came from (a URL, a path, or several joined with " + "). */
  signatureOrigin: string | null;
  /** Every signature file used, exactly as read or fetched. */
  signatures: Array<{ source: string; base64: string }>;
}

export interface ReceiptPolicy {
  /** 'electrum-release-signers' (the default policy), 'min-signers' (--min-signers N), with trust pinned or custom. */
  name: string;
  minSigners: number | null;
}

export interface Receipt {
  _type: typeof STATEMENT_TYPE;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: typeof VSA_TYPE;
  predicate: {
    verifier: { id: string; version: Record<string, string> };
    timeVerified: string;
    resourceUri: string;
    policy: { uri: string; digest: { sha256: string } };
    verificationResult: 'PASSED' | 'FAILED';
    verifiedLevels: string[];
    electrumVerify: {
      schema: typeof RECEIPT_SCHEMA;
      note: string;
      command: string;
      exitCode: number;
      policy: ReceiptPolicy;
      keySet: KeySet;
      release: Record<string, unknown> | null;
      files: ReceiptFile[];
    };
  };
}

let cachedVersion: string | null = null;
/** electrum-verify's own version, from its package.json. */
export function toolVersion(): string {
  if (cachedVersion !== null) return cachedVersion;
  try {
    cachedVersion = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    cachedVersion = 'unknown';
  }
  return cachedVersion;
}

export interface ReceiptInput {
  command: string;
  results: readonly TargetResult[];
  run: ManyReport;
  keySet: KeySet;
  minSigners: number | null;
  resourceUri: string;
  release?: Record<string, unknown> | null;
  time?: Date;
}

export function policyOf(keySet: KeySet, minSigners: number | null): { policy: ReceiptPolicy; uri: string } {
  const name =
    minSigners !== null ? 'min-signers' : keySet.trust === 'custom' ? 'custom-keyring' : 'electrum-release-signers';
  const uri = `urn:electrum-verify:policy:${name}${minSigners !== null ? `:${minSigners}` : ''}:keys-${keySet.trust}:${keySet.id.slice(0, 16)}`;
  return { policy: { name, minSigners }, uri };
}

export function buildReceipt(input: ReceiptInput): Receipt {
  const files: ReceiptFile[] = input.results.map(({ target, report, signature }) => ({
    name: report.artifact?.name ?? basename(target.input),
    path: target.input,
    sha256: report.sha256,
    size: report.size,
    verdict: report.verdict,
    exitCode: report.exitCode,
    reason: report.reason ? { code: report.reason.code, message: report.reason.message } : null,
    required: report.signature.required,
    ...('requiredSigners' in report.signature
      ? { requiredSigners: (report.signature as { requiredSigners?: string[] }).requiredSigners ?? [] }
      : {}),
    signers: report.signature.signers.map((s) => ({
      name: s.name,
      fingerprint: s.fingerprint,
      created: s.created,
      signingKey: s.signingKey,
    })),
    signatureOrigin: report.signature.url,
    signatures: (signature?.parts ?? []).map((p) => ({
      source: p.source,
      base64: Buffer.from(p.bytes).toString('base64'),
    })),
  }));
  const { policy, uri } = policyOf(input.keySet, input.minSigners);
  return {
    _type: STATEMENT_TYPE,
    subject: files
      .filter((f) => f.sha256 !== null)
      .map((f) => ({ name: f.name, digest: { sha256: f.sha256 as string } })),
    predicateType: VSA_TYPE,
    predicate: {
      verifier: { id: VERIFIER_ID, version: { 'electrum-verify': toolVersion() } },
      timeVerified: (input.time ?? new Date()).toISOString(),
      resourceUri: input.resourceUri,
      policy: { uri, digest: { sha256: input.keySet.id } },
      verificationResult: input.run.exitCode === 0 ? 'PASSED' : 'FAILED',
      verifiedLevels: [],
      electrumVerify: {
        schema: RECEIPT_SCHEMA,
        note: RECEIPT_NOTE,
        command: input.command,
        exitCode: input.run.exitCode,
        policy,
        keySet: input.keySet,
        release: input.release ?? null,
        files,
      },
    },
  };
}

/** Refuse early (before a long run) a receipt path whose folder does not exist or that is a folder. */
export async function checkReceiptPath(path: string): Promise<void> {
  const dir = await stat(dirname(resolve(path))).catch(() => null);
  if (!dir?.isDirectory())
    throw new VerifyError('USAGE', `--receipt ${path}: the folder ${dirname(resolve(path))} does not exist`);
  const info = await stat(path).catch(() => null);
  if (info && !info.isFile()) throw new VerifyError('USAGE', `--receipt ${path}: exists and is not a regular file`);
}

/** Write `text` to `path` atomically: a temp file beside it (removed on Ctrl-C), fsync, rename. */
export async function writeFileAtomic(path: string, text: string | Uint8Array, what = 'the receipt'): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  track(temp);
  try {
    const fh = await open(temp, 'wx', 0o644);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, target);
    release(temp);
  } catch (e) {
    release(temp);
    await rm(temp, { force: true }).catch(() => undefined);
    throw new VerifyError('IO_ERROR', `cannot write ${what} ${path}: ${(e as Error).message}`);
  }
}

export async function writeReceipt(path: string, receipt: Receipt): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(receipt, null, 2) + '\n');
}
