/**
 * `check-receipt`: re-verify a receipt's evidence offline. For every file the receipt names, the embedded
 * signature files (exact bytes) are checked again over the file as it is now, with today's pinned keys (or
 * `--keyring`), by the library's `verify()` (each signature judged as of its own creation time: a key that
 * expired after it signed still counts, CONTRACT). Then the receipt must match what was found: the subject and
 * file digests, and the signers (fingerprint and signature time). Nothing is fetched.
 */
import { lstat, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { EXIT, VerifyError, verdictFor, type ExitCode, type ReasonCode, type Verdict } from '../errors.js';
import type { VerifyReport } from '../report/verify-report.js';
import { SCHEMA } from '../report/verify-report.js';
import { mergeSignatureParts } from '../run/local-signatures.js';
import { loadCustomKeyring } from '../trust/keyring.js';
import { verify } from '../verify.js';
import { RECEIPT_SCHEMA, STATEMENT_TYPE, VSA_TYPE, type Receipt, type ReceiptFile } from './statement.js';

const MAX_RECEIPT_BYTES = 64 * 1024 * 1024;

export interface CheckReceiptOptions {
  /** Look for the files here (by name) instead of at the paths the receipt recorded. */
  dir?: string;
  keyring?: string;
  keysDir?: string;
  stateDir?: string;
  now?: Date;
  signal?: AbortSignal;
}

export interface FileCheck {
  name: string;
  path: string;
  status: 'match' | 'mismatch';
  problems: string[];
  report: VerifyReport | null;
}

export interface ReceiptCheckReport {
  schema: typeof SCHEMA;
  verdict: Verdict;
  exitCode: number;
  reason: { code: ReasonCode; message: string; hint?: string } | null;
  receipt: { path: string; timeVerified: string | null; verificationResult: string | null };
  results: FileCheck[];
  summary: { files: number; matched: number; mismatched: number };
}

function notAReceipt(path: string, why: string): VerifyError {
  return new VerifyError('USAGE', `${path} is not an electrum-verify receipt: ${why}`, {
    hint: 'Give the file written by `electrum-verify verify-release … --receipt FILE` (or `verify … --receipt FILE`).',
  });
}

/** Read and shape-check a receipt. Throws VerifyError('USAGE') for anything that is not one. */
export async function readReceipt(path: string): Promise<Receipt> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_RECEIPT_BYTES) throw new Error(`larger than ${MAX_RECEIPT_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VerifyError(
      'USAGE',
      `cannot read the receipt ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  let r: Receipt;
  try {
    r = JSON.parse(text) as Receipt;
  } catch {
    throw notAReceipt(path, 'not JSON');
  }
  if (r === null || typeof r !== 'object') throw notAReceipt(path, 'not a JSON object');
  if (r._type !== STATEMENT_TYPE) throw notAReceipt(path, `_type is not ${STATEMENT_TYPE}`);
  if (r.predicateType !== VSA_TYPE) throw notAReceipt(path, `predicateType is not ${VSA_TYPE}`);
  const ext = r.predicate?.electrumVerify;
  if (!ext || ext.schema !== RECEIPT_SCHEMA || !Array.isArray(ext.files) || !Array.isArray(r.subject))
    throw notAReceipt(path, `no ${RECEIPT_SCHEMA} extension`);
  for (const f of ext.files) {
    if (
      typeof f?.name !== 'string' ||
      typeof f.path !== 'string' ||
      !Array.isArray(f.signatures) ||
      !Array.isArray(f.signers)
    )
      throw notAReceipt(path, 'a file entry is incomplete');
  }
  return r;
}

/** Where a file of the receipt is looked for: by name in --dir, else its recorded path (relative to the current folder). */
function locate(file: ReceiptFile, dir: string | undefined): string | null {
  if (dir !== undefined) return safeName(file.name) ? join(dir, file.name) : null;
  return isUrl(file.path) ? null : resolve(file.path);
}

function isUrl(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Mistakes in how check-receipt was run, told apart from a real difference (which is a MISMATCH, exit 1): each is
 * a usage error (exit 2) that names the cause. A receipt made with --keyring needs that keyring; one that recorded
 * URLs (`verify URL --receipt`) needs --dir; and when not one of its files is found (run from another folder, or
 * the wrong --dir), nothing was compared at all.
 */
async function checkSetup(path: string, receipt: Receipt, options: CheckReceiptOptions): Promise<void> {
  const ext = receipt.predicate.electrumVerify;
  if (ext.keySet?.trust === 'custom' && options.keyring === undefined) {
    const fprs = Array.isArray(ext.keySet.fingerprints) ? ext.keySet.fingerprints.join(', ') : '';
    throw new VerifyError(
      'USAGE',
      `${path} was written with a custom keyring (--keyring), not Electrum's pinned keys: its signatures are checked with those keys`,
      {
        hint: `Pass the same keyring: electrum-verify check-receipt ${path} --keyring FILE${fprs ? ` (the receipt's keys: ${fprs})` : ''}.`,
      },
    );
  }
  const recorded = Array.isArray(ext.keySet?.fingerprints) ? ext.keySet.fingerprints : [];
  if (options.keyring !== undefined && recorded.length > 0) {
    // Not one key in common with the keys the receipt was made with: the wrong keyring, not a changed file.
    const given = (await loadCustomKeyring(options.keyring)).keys.map((k) => k.fingerprint);
    if (!recorded.some((f) => given.includes(f)))
      throw new VerifyError(
        'USAGE',
        `--keyring ${options.keyring} holds none of the keys ${path} was made with (${ext.keySet.trust === 'custom' ? 'a custom keyring' : "Electrum's pinned keys"}: ${recorded.join(', ')})`,
        {
          hint:
            ext.keySet.trust === 'custom'
              ? 'Pass the keyring the receipt was made with.'
              : "Leave --keyring out: the receipt was made with Electrum's pinned keys.",
        },
      );
  }
  if (ext.files.length === 0) return; // "evidence of nothing": reported as a mismatch
  if (options.dir === undefined) {
    const url = ext.files.find((f) => isUrl(f.path));
    if (url)
      throw new VerifyError(
        'USAGE',
        `${path} records downloads (URLs such as ${url.path}), not files on this computer: give --dir with the downloaded files`,
        { hint: `electrum-verify check-receipt ${path} --dir DIR (the files are looked up in DIR by name).` },
      );
  }
  const places = ext.files.map((f) => locate(f, options.dir));
  if (places.some((p) => p === null)) return; // a name that is not a plain file name: a mismatch, said per file
  const found = await Promise.all(places.map((p) => exists(p as string)));
  if (found.some(Boolean)) return; // some are there: any that are not is a real difference, said per file
  const n = ext.files.length;
  const first = ext.files[0]!;
  const besideReceipt = dirname(resolve(path));
  const atReceipt = safeName(first.name) && (await exists(join(besideReceipt, first.name)));
  const suggestion = atReceipt ? ` They are beside the receipt: --dir ${dirname(path)}.` : '';
  if (options.dir !== undefined)
    throw new VerifyError(
      'USAGE',
      `none of the ${n} file(s) the receipt names is in ${options.dir}: nothing was compared`,
      {
        hint: `--dir names the folder that holds the files (looked up by name, e.g. ${first.name}).${suggestion}`,
      },
    );
  throw new VerifyError(
    'USAGE',
    `none of the ${n} file(s) the receipt names is found from this folder (e.g. ${first.path}): the receipt records each path as it was given, relative to the folder it was written from; nothing was compared`,
    {
      hint: `Run check-receipt from that folder, or pass --dir DIR with the folder that holds the files (looked up by name).${suggestion}`,
    },
  );
}

function safeName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[\\/\p{Cc}]/u.test(name) && name !== '.' && name !== '..';
}

export async function checkReceipt(path: string, options: CheckReceiptOptions = {}): Promise<ReceiptCheckReport> {
  const receipt = await readReceipt(path);
  const ext = receipt.predicate.electrumVerify;
  await checkSetup(path, receipt, options);
  const minSigners = ext.policy?.minSigners ?? null;
  const scratch = await mkdtemp(join(tmpdir(), 'ev-receipt-'));
  const results: FileCheck[] = [];
  try {
    // The subjects must be exactly the files the extension records as hashed.
    const hashed = ext.files.filter((f) => f.sha256 !== null);
    const subjectProblems: string[] = [];
    if (receipt.subject.length !== hashed.length)
      subjectProblems.push(
        `the receipt has ${receipt.subject.length} subject(s) but records ${hashed.length} hashed file(s)`,
      );
    for (const [i, file] of ext.files.entries()) {
      if (options.signal?.aborted) break;
      results.push(await checkFile(file, i, receipt, options, minSigners, scratch));
    }
    if (subjectProblems.length > 0)
      results.push({ name: '(subjects)', path, status: 'mismatch', problems: subjectProblems, report: null });
  } finally {
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
  }
  const mismatched = results.filter((r) => r.status === 'mismatch');
  let exitCode: number = mismatched.length > 0 ? EXIT.NOT_AUTHENTIC : EXIT.OK;
  let reason: ReceiptCheckReport['reason'] = null;
  if (options.signal?.aborted) {
    exitCode = EXIT.INTERRUPTED;
    reason = { code: 'INTERRUPTED', message: 'interrupted before every file was checked' };
  } else if (ext.files.length === 0) {
    exitCode = EXIT.NOT_AUTHENTIC;
    reason = { code: 'RECEIPT_MISMATCH', message: 'the receipt records no files: it is evidence of nothing' };
  } else if (mismatched.length > 0) {
    const first = mismatched[0]!;
    reason = {
      code: 'RECEIPT_MISMATCH',
      message: `${mismatched.length} of ${results.length} file(s) do not match the receipt — ${first.name}: ${first.problems[0] ?? 'mismatch'}`,
      hint: 'The files, their signatures or the receipt changed since the receipt was written. Do not trust these files; verify them again.',
    };
  }
  return {
    schema: SCHEMA,
    verdict: verdictFor(exitCode as ExitCode),
    exitCode,
    reason,
    receipt: {
      path,
      timeVerified: receipt.predicate.timeVerified ?? null,
      verificationResult: receipt.predicate.verificationResult ?? null,
    },
    results,
    summary: { files: results.length, matched: results.length - mismatched.length, mismatched: mismatched.length },
  };
}

async function checkFile(
  file: ReceiptFile,
  index: number,
  receipt: Receipt,
  options: CheckReceiptOptions,
  minSigners: number | null,
  scratch: string,
): Promise<FileCheck> {
  const problems: string[] = [];
  const where = locate(file, options.dir);
  const out = (report: VerifyReport | null): FileCheck => ({
    name: file.name,
    path: where ?? file.path,
    status: problems.length ? 'mismatch' : 'match',
    problems,
    report,
  });
  if (where === null) {
    // (A recorded URL without --dir never gets here: checkSetup refuses it as a usage error.)
    problems.push(`the receipt names the file "${file.name}", which is not a plain file name`);
    return out(null);
  }
  if (file.verdict !== 'verified' || file.exitCode !== 0)
    problems.push(
      `the receipt records that this file did not verify (${file.reason?.code ?? `exit ${file.exitCode}`})`,
    );
  if (file.sha256 !== null && !receipt.subject.some((s) => s.name === file.name && s.digest?.sha256 === file.sha256)) {
    problems.push("its SHA-256 is not among the receipt's subjects");
  }
  if (file.signatures.length === 0) {
    problems.push('the receipt holds no signature for it');
    return out(null);
  }
  let parts: Array<{ source: string; bytes: Uint8Array }>;
  try {
    parts = file.signatures.map((s) => {
      if (typeof s.base64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s.base64)) throw new Error('not base64');
      return { source: s.source, bytes: new Uint8Array(Buffer.from(s.base64, 'base64')) };
    });
  } catch {
    problems.push('an embedded signature is not valid base64');
    return out(null);
  }
  const sigPath = join(scratch, `${index}.asc`);
  await writeFile(sigPath, mergeSignatureParts(parts), { mode: 0o600 });
  // The receipt's own file name decides the version rules, as it did when the receipt was written.
  const report = await verify(where, {
    signature: sigPath,
    ...(options.keyring !== undefined ? { keyring: options.keyring } : {}),
    ...(options.keysDir !== undefined ? { keysDir: options.keysDir } : {}),
    ...(options.stateDir !== undefined ? { stateDir: options.stateDir } : {}),
    ...(minSigners !== null ? { minSigners } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.dir === undefined && file.name !== basenameOf(where) ? { as: file.name } : {}),
  } as Parameters<typeof verify>[1]);
  if (report.reason) report.reason.message = report.reason.message.split(sigPath).join('the embedded signatures');
  report.signature.url = 'receipt';
  if (report.exitCode !== EXIT.OK)
    problems.push(`it does not verify now: ${report.reason?.code ?? 'error'} — ${report.reason?.message ?? ''}`);
  if (report.sha256 !== null && file.sha256 !== report.sha256)
    problems.push(`its SHA-256 is now ${report.sha256}, the receipt says ${file.sha256}`);
  const now = new Map(report.signature.signers.map((s) => [s.fingerprint, s]));
  for (const s of file.signers) {
    const found = now.get(s.fingerprint);
    if (!found)
      problems.push(
        `the receipt lists ${s.name} (${s.fingerprint}) as a signer, but no counted signature by that key is there now`,
      );
    else if ((found.created ?? null) !== (s.created ?? null))
      problems.push(`${s.name}'s signature is dated ${found.created}, the receipt says ${s.created}`);
  }
  for (const [fpr, s] of now) {
    if (!file.signers.some((r) => r.fingerprint === fpr))
      problems.push(`a signature by ${s.name} (${fpr}) is there now but not in the receipt`);
  }
  return out(report);
}

function basenameOf(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}
