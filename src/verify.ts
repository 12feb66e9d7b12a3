/**
 * The checklist. `verify()` reads top to bottom as the rules it enforces:
 *   target → source policy → artifact & signer threshold → signature → data (one pass) →
 *   every signature judged → signer policy → expected hash → version policy → save.
 * It never throws a VerifyError: every outcome, good or bad, is a report.
 */
import { access, link, lstat, rename, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { VerifyError, isVerifyError } from './errors.js';
import type { PendingSync } from './fs/durable.js';
import { describeFsError, openRegularFile } from './fs/local-file.js';
import { discard, release } from './fs/temp-files.js';
import type { Fetcher } from './net/index.js';
import { checkSignature, findIssuer, usesEcdsa, warmUpKeyChecks, type FoundSignature } from './pgp/check-signature.js';
import { DataHasher } from './pgp/data-digest.js';
import { digestFile } from './pgp/digest-file.js';
import { FastValues } from './pgp/fast-values.js';
import { PrehashedEcdsa } from './pgp/prehashed-ecdsa.js';
import { parseSignatureFile } from './pgp/signature-file.js';
import { artifactFromUrl, parseArtifactName, SUPPORTED_NAMES_HINT, vulnerableReason, type Artifact } from './release/catalogue.js';
import { judgeSignatureDates } from './release/dates.js';
import { securityWarning } from './release/security.js';
import { suggestOfficialName } from './release/suggest.js';
import { emptyReport, settle, type VerifyReport } from './report.js';
import { getSignature, looksLikeUrl } from './signature-source.js';
import { judgeSource } from './policy/origin.js';
import { forTerminal } from './policy/report.js';
import { assertAllowed, mirrorSet, requireSource } from './source-policy.js';
import { loadCustomKeyring, loadPinnedKeyring, type Keyring } from './trust/keyring.js';
import type { SignerPolicyEntry } from './trust/pinned.js';
import { applySignerPolicy, signerRequirement } from './trust/signer-policy.js';

export const DEFAULT_MAX_SIZE = 512 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** A saved download's mode: 0666 under the umask, as curl or a browser would leave it (read once, at load). */
const SAVED_MODE = 0o666 & ~process.umask();

export interface VerifyOptions {
  signature?: string;
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
  const report = emptyReport(input, looksLikeUrl(input) ? 'url' : 'file');
  const state: ChecklistState = { tempPath: null, durable: null, ownFetcher: null, input: null };
  try {
    await runChecklist(input, options, report, state);
    return settle(report, null);
  } catch (e) {
    // An interrupted run is INTERRUPTED, whatever the abort broke on its way out.
    if (options.signal?.aborted) return settle(report, { code: 'INTERRUPTED', message: 'interrupted before the verification finished; nothing was saved' });
    if (!isVerifyError(e)) throw e;
    return settle(report, { code: e.code, message: e.message, hint: e.hint });
  } finally {
    await state.input?.close().catch(() => undefined);
    await state.durable?.abandon();
    if (state.tempPath !== null) await discard(state.tempPath);
    await state.ownFetcher?.close?.().catch(() => undefined); // cleanup never replaces the report
  }
}

/** What verify() cleans up, whatever happened: the download's temp file and its handle, and the connections of a fetcher it made. */
interface ChecklistState {
  tempPath: string | null;
  durable: PendingSync | null;
  ownFetcher: Fetcher | null;
  /** The local target, opened once (see fs/local-file.ts). */
  input: FileHandle | null;
}

async function runChecklist(input: string, o: VerifyOptions, report: VerifyReport, state: ChecklistState): Promise<void> {
  const warn = (message: string): void => {
    report.warnings.push(message);
    o.onWarning?.(message);
  };
  const net = { timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(o.signal ? { signal: o.signal } : {}) };
  let fetcher = o.fetcher;
  const getFetcher = async (): Promise<Fetcher> => (fetcher ??= state.ownFetcher = (await import('./net/index.js')).createFetcher());

  // 1. Options that are wrong whatever the target.
  const mirrors = mirrorSet(o.allowHosts ?? []);
  const expected = o.expectSha256 === undefined ? null : parseSha256(o.expectSha256);

  // 2. Target and source policy: nothing is contacted unless the URL is official or an approved mirror.
  let artifact: Artifact | null;
  let url: URL | null = null;
  let localSize = 0;
  if (report.target.kind === 'url') {
    if (o.as !== undefined) throw new VerifyError('USAGE', '--as applies to a local file; a URL is judged by its own file name');
    const judged = judgeSource(input, mirrors);
    report.source.verdict = judged.verdict;
    assertAllowed(judged, 0);
    url = new URL(input);
    report.source.url = url.href;
    artifact = artifactFromUrl(url);
  } else {
    if (o.output !== undefined) throw new VerifyError('USAGE', '--output applies only when downloading a URL; a local file is verified where it is');
    const opened = await openRegularFile(input, 'the file', looksLikeDomain(input) ? `If you meant a URL, write it in full: https://${input}` : undefined);
    state.input = opened.handle;
    localSize = opened.size;
    if (localSize === 0) throw new VerifyError('USAGE', `the file ${input} is empty (0 bytes); the download probably failed`, { hint: 'Download it again from https://electrum.org/#download, then verify it.' });
    artifact = o.as === undefined ? parseArtifactName(basename(input)) : asOfficialName(o.as);
  }
  const name = url ? lastSegment(url) : basename(input);
  if (artifact) report.artifact = { name: artifact.name, version: artifact.version, kind: artifact.kind };
  if (!artifact) {
    const like = suggestOfficialName(name);
    const renamed = like === null ? '' : `; it looks like ${like} renamed (browsers add " (1)" or change the case)`;
    if (o.signature === undefined) {
      throw new VerifyError('ARTIFACT_UNRECOGNISED', `"${name}" is not the name of an Electrum release file${renamed}`, {
        hint: like !== null && !url
          ? `Rename it to ${like}, or pass --as ${like}; then its official signature is found and Electrum's rules apply.`
          : 'Use the exact file name Electrum publishes (e.g. electrum-4.5.8-x86_64.AppImage), or give the signature with --signature FILE.asc.',
      });
    }
    warn(`"${name}" is not an official Electrum file name, so the rules for its version (signers required, vulnerable versions) could not be applied from the name${like === null ? '' : `; it looks like ${like}`}. Pass --as ${like ?? '<official file name>'} to apply them.`);
  }

  // 3. Where a download will land: refuse to overwrite before spending any bandwidth.
  const output = url ? await outputPath(o.output, artifact?.name ?? lastSegment(url)) : null;
  if (output) await checkOutput(output, o.force === true);

  // 4. Trust: the pinned release keys, or a custom keyring, and how many distinct signers are required.
  const keyring: Keyring =
    o.trustedKeys ??
    (o.keyring === undefined ? await loadPinnedKeyring(o.keysDir, { stateDir: o.stateDir, onWarning: warn }) : await loadCustomKeyring(o.keyring));
  report.trust = keyring.trust;
  if (keyring.trust === 'custom') warn(`using the keys in ${o.keyring} instead of the pinned Electrum release keys: ${describeCustomKeys(keyring)}`);
  if (o.minSigners !== undefined && o.minSigners > keyring.keys.length) {
    const where = keyring.trust === 'custom' ? `in ${o.keyring}` : 'pinned';
    throw new VerifyError('USAGE', `--min-signers ${o.minSigners} asks for more signers than there are trusted keys (${keyring.keys.length} ${where})`, {
      hint: `Use a number from 1 to ${keyring.keys.length}, or leave --min-signers out to apply Electrum's own signer policy.`,
    });
  }
  // Electrum's own signer policy (trust/signer-policy.ts): who must have signed a file of this version.
  const requirement = signerRequirement(artifact?.version ?? null, { minSigners: o.minSigners, trust: keyring.trust, signerTable: o.signerTable });
  report.signature.required = requirement.required;
  report.signature.requiredSigners = requirement.requiredSigners;
  report.signature.policy = requirement.mode;

  // 5. The detached signature (official site or --signature), parsed strictly before any data is read.
  o.onStage?.('signature');
  if (o.signature !== undefined && looksLikeUrl(o.signature)) judgeSignatureUrl(o.signature, report);
  const sig = await getSignature({ signature: o.signature, artifact }, getFetcher, net).catch((e: unknown) => {
    throw url === null && o.signature === undefined ? withOfflineHint(e, input) : e;
  });
  report.signature.url = sig.origin;
  const { packets } = await parseSignatureFile(sig.bytes);

  // 6. The data, read once: every digest every signature needs is computed in this single pass.
  // Hash lanes only for signatures a trusted key could have made: crafted signatures by strangers cost nothing.
  const trusted = packets.filter((p) => findIssuer(keyring, p) !== null);
  const hasher = new DataHasher(trusted);
  // ECDSA values (P-256 for Electrum) are checked with @noble/curves, whose ~25 ms load is spent while we wait anyway.
  const ecdsa = usesEcdsa(trusted) ? new PrehashedEcdsa() : null;
  const fast = new FastValues(ecdsa); // signature values: RSA through OpenSSL, ECDSA through @noble/curves
  warmUpKeyChecks(trusted, keyring, o.now ?? new Date()); // the signing keys' own checks run between reads
  if (url && output) {
    o.onStage?.('download');
    void ecdsa?.warmUp(); // while the connection is made
    const maxBytes = o.maxSize ?? DEFAULT_MAX_SIZE;
    const got = await (await getFetcher()).download(url.href, {
      ...net,
      maxBytes,
      destDir: dirname(output),
      checkUrl: (hop, n) => {
        requireSource(hop.href, mirrors, n);
        if (n > 0 && artifact && lastSegment(hop) !== artifact.name) {
          throw new VerifyError('REDIRECT_OFF_ORIGIN', `redirected from ${artifact.name} to a different file (${hop.href})`);
        }
      },
      onChunk: (chunk) => hasher.update(chunk),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    state.tempPath = got.tempPath;
    state.durable = got.durable; // flushed to disk while the signatures are checked (below): see fs/durable.ts
    report.source.redirects = got.redirects;
    report.source.url = got.finalUrl;
    // An official URL that redirected to an approved mirror was served by the mirror.
    report.source.verdict = judgeSource(got.finalUrl, mirrors).verdict;
  } else {
    // A large file: the hash worker starts now, and boots (~20 ms) while the ECDSA code warms up here.
    o.onStage?.('read');
    hasher.expectBytes(localSize);
    await ecdsa?.warmUp();
    const onProgress = o.onProgress;
    await digestFile(state.input as FileHandle, hasher, {
      ...(o.signal ? { signal: o.signal } : {}),
      ...(onProgress ? { onProgress: (n: number) => onProgress(n, localSize) } : {}),
    }).catch((e: unknown) => {
      if (o.signal?.aborted) throw e;
      throw new VerifyError('IO_ERROR', `cannot read ${input}: ${describeFsError(e)}`);
    });
  }
  o.onStage?.('check');
  const data = await hasher.finish();
  report.sha256 = data.sha256;
  report.size = data.size;

  // 7. Every signature, individually, judged as of now (after a download that may have taken a while).
  const now = o.now ?? new Date();
  const found: FoundSignature[] = [];
  for (const packet of packets) {
    o.signal?.throwIfAborted();
    found.push(await checkSignature(packet, data.digestFor(packet), keyring, now, fast));
  }
  report.signature.found = found;

  // 8. Signer policy.
  await applySignerPolicy(report, found, requirement, { keyring, warn });

  // 9. Optional pinned hash.
  if (expected !== null && expected !== data.sha256) {
    throw new VerifyError('HASH_MISMATCH', `SHA-256 is ${data.sha256}, not the expected ${expected}`);
  }

  // 10. Version policy: a signature cannot be older than the release it signs (the name may lie); authentic, but
  // too old to be safe.
  const countedDates = found.filter((f) => f.counted === true && f.created !== null).map((f) => new Date(f.created as string));
  const dated = judgeSignatureDates(artifact?.version ?? null, countedDates);
  if (dated !== null) throw new VerifyError(dated.code, dated.message, { hint: dated.hint });
  const vulnerable = artifact ? vulnerableReason(artifact.version) : null;
  if (vulnerable !== null) throw new VerifyError('VERSION_VULNERABLE', vulnerable, { hint: 'Get the current release from https://electrum.org/#download.' });
  const fixes = artifact ? securityWarning(artifact.version) : null; // authentic, but later releases fixed security bugs
  if (fixes !== null) warn(fixes);

  // 11. Only now does the file appear at the output path.
  if (output && state.tempPath) {
    const durable = state.durable;
    state.durable = null;
    // The private (0600) temp file gets the usual mode, as curl's file would, through its own handle.
    await durable?.finish(SAVED_MODE).catch((e: unknown) => {
      throw new VerifyError('IO_ERROR', `cannot save to ${output}: ${(e as Error).message}`);
    });
    await moveIntoPlace(state.tempPath, output, o.force === true);
    release(state.tempPath);
    state.tempPath = null;
    report.output = output;
  }
}

/** A `--signature` URL must itself be official; when it is not, say that it was the signature's source that was refused. */
function judgeSignatureUrl(signature: string, report: VerifyReport): void {
  report.signature.url = signature;
  try {
    requireSource(signature, new Set(), 0);
  } catch (e) {
    if (!isVerifyError(e)) throw e;
    throw new VerifyError(e.code, `the signature's source was refused (--signature ${signature}): ${e.message}`, {
      hint: 'Signatures are taken only from https://download.electrum.org/ (or a local file). Leave --signature out to fetch the official one.',
    });
  }
}

/** Custom keys named for the warning: fingerprint, and the first user ID, which nobody has verified. */
function describeCustomKeys(keyring: Keyring): string {
  return keyring.keys
    .map((k) => {
      const uid = k.key.getUserIDs()[0];
      return `${k.fingerprint}${uid ? ` "${forTerminal(uid.slice(0, 100))}" (user ID not verified)` : ''}`;
    })
    .join('; ');
}

/**
 * Where a download is saved: `-o FILE`, `-o DIR/` (an existing folder: DIR/<name>, as curl's --output-dir and
 * wget's -P do), or the file's own name in the current folder. `-o -` is refused: a file is never streamed to
 * standard output before it is verified.
 */
async function outputPath(option: string | undefined, name: string): Promise<string> {
  if (option === '-') {
    throw new VerifyError('USAGE', '--output - (standard output) is not supported: a download is never passed on before it has verified', {
      hint: 'Save it to a file or folder with -o PATH, then read it from there.',
    });
  }
  if (option === undefined) return resolve(safeFileName(name));
  const info = await stat(option).catch(() => null);
  return info?.isDirectory() ? join(resolve(option), safeFileName(name)) : resolve(option);
}

/** The official .asc could not be fetched for a local file: say how to verify offline. */
function withOfflineHint(e: unknown, input: string): unknown {
  if (!isVerifyError(e) || !['NETWORK', 'TIMEOUT', 'SIGNATURE_NOT_FOUND', 'TOO_LARGE'].includes(e.code)) return e;
  const beside = `${input}.asc`;
  const offline = `If you have the signature file (e.g. ${beside} from the download page), --signature ${beside} verifies offline.`;
  return new VerifyError(e.code, e.message, { hint: e.hint ? `${e.hint} ${offline}` : offline, cause: e });
}

/** `--as NAME`: the name must be one Electrum publishes. */
function asOfficialName(name: string): Artifact {
  const artifact = parseArtifactName(name);
  if (artifact !== null) return artifact;
  const like = suggestOfficialName(name);
  throw new VerifyError('USAGE', `--as "${name}" is not an official Electrum file name${like === null ? '' : `; did you mean ${like}?`}`, {
    hint: like === null ? SUPPORTED_NAMES_HINT : `Pass --as ${like}.`,
  });
}

function parseSha256(value: string): string {
  const hex = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new VerifyError('USAGE', '--expect-sha256 needs 64 hexadecimal characters');
  return hex;
}

function looksLikeDomain(s: string): boolean {
  return /^[\w.-]+\.(org|com|net|io)(\/|$)/i.test(s);
}

function lastSegment(url: URL): string {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A file name taken from a URL is hostile: no separators, no dot-files, no control characters. */
function safeFileName(name: string): string {
  if (!name || name.length > 255 || /[\\/\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name) || name.startsWith('.')) {
    throw new VerifyError('USAGE', `cannot derive a safe file name from the URL ("${name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '?')}")`, { hint: 'Say where to save it with --output PATH.' });
  }
  return name;
}

/**
 * The output may not exist, or (with --force) must be a regular file; its folder must exist. Checked before any
 * download, and again by moveIntoPlace. Never replace a device, directory or symlink target (e.g. /dev/null).
 */
async function checkOutput(output: string, force: boolean): Promise<void> {
  const info = await lstat(output).catch(() => null);
  if (info && !force) {
    throw new VerifyError('OUTPUT_EXISTS', `${output} already exists`, { hint: 'Choose another path with --output, or pass --force to replace it (only after it verifies).' });
  }
  if (info && !info.isFile()) throw new VerifyError('OUTPUT_EXISTS', `${output} exists and is not a regular file; --force replaces only regular files`);
  const dir = await stat(dirname(output)).catch(() => null);
  if (!dir?.isDirectory()) throw new VerifyError('USAGE', `cannot save to ${output}: the folder ${dirname(output)} does not exist`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function noHardLinks(e: NodeJS.ErrnoException): false {
  if (e.code === 'EPERM' || e.code === 'ENOTSUP' || e.code === 'EOPNOTSUPP' || e.code === 'ENOSYS') return false;
  throw e;
}

/** Without --force, link() fails if the output appeared meanwhile (no check-then-overwrite race). */
async function moveIntoPlace(temp: string, output: string, force: boolean): Promise<void> {
  try {
    if (force) {
      await checkOutput(output, true);
      await rename(temp, output);
    }
    else if (await link(temp, output).then(() => true, noHardLinks)) await discard(temp);
    else if (await exists(output)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    else await rename(temp, output); // file systems without hard links (FAT, some network shares)
  } catch (e) {
    if (e instanceof VerifyError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new VerifyError('OUTPUT_EXISTS', `${output} already exists`, { hint: 'Pass --force to replace it.' });
    throw new VerifyError('IO_ERROR', `cannot save to ${output}: ${(e as Error).message}`);
  }
}
