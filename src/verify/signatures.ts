/**
 * Step "signature": the detached signatures, from the official site (`<file>.asc`, merged with the 4.1.3–4.1.5
 * per-signer files) or from `--signature` (one or several files or URLs, merged into one `.asc` the way the official
 * per-signer files are), parsed strictly before any data is read. A `--signature` URL must itself be official; when
 * the official one cannot be fetched for a local file, the hint says how to verify offline.
 */
import type * as openpgp from 'openpgp';
import { VerifyError, isVerifyError } from '../errors.js';
import type { Fetcher, FetchOptions } from '../net/index.js';
import { asArmoredSignature, MAX_SIGNATURE_FILE_BYTES, parseSignatureFile } from '../pgp/signature-file.js';
import type { Artifact } from '../release/catalogue.js';
import type { VerifyReport } from '../report/verify-report.js';
import { getSignature, looksLikeUrl, mergeSignatureFiles, type SignatureBytes } from '../signature-source.js';
import { requireSource } from '../source-policy.js';

export async function loadSignatures(
  request: { signatures: readonly string[] | null; artifact: Artifact | null; localInput: string | null },
  report: VerifyReport,
  getFetcher: () => Promise<Fetcher>,
  net: Omit<FetchOptions, 'checkUrl' | 'maxBytes'>,
): Promise<readonly openpgp.SignaturePacket[]> {
  const { signatures, artifact, localInput } = request;
  for (const s of signatures ?? []) if (looksLikeUrl(s)) judgeSignatureUrl(s, report);
  const one = (signature?: string): Promise<SignatureBytes> =>
    getSignature({ signature, artifact }, getFetcher, net).catch((e: unknown) => {
      throw withSizeHint(e);
    });
  let sig: SignatureBytes;
  if (signatures === null)
    sig = await one().catch((e: unknown) => {
      throw localInput !== null ? withOfflineHint(e, localInput) : e;
    });
  else if (signatures.length === 1) sig = await one(signatures[0]);
  else {
    const parts: SignatureBytes[] = [];
    for (const signature of signatures) parts.push(await one(signature));
    sig = {
      origin: parts.map((p) => p.origin).join(' + '),
      // binary .sig files armored first; each distinct block once (as the official per-signer files are merged)
      bytes: mergeSignatureFiles(parts.map((p) => asArmoredSignature(p.bytes))),
    };
    if (sig.bytes.byteLength > MAX_SIGNATURE_FILE_BYTES)
      throw new VerifyError(
        'SIGNATURE_MALFORMED',
        `the ${parts.length} signature files together exceed 1 MiB; real ones are a few KiB each`,
      );
  }
  report.signature.url = sig.origin;
  return (await parseSignatureFile(sig.bytes)).packets;
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

/** A fetched .asc over the limit: the download's size limit (--max-size) is not what stopped it. */
function withSizeHint(e: unknown): unknown {
  if (!isVerifyError(e) || e.code !== 'TOO_LARGE' || e.hint) return e;
  return new VerifyError(e.code, e.message, {
    hint: 'A real Electrum .asc is a few KiB, so this is not a signature file (the size limit for signatures is fixed at 1 MiB).',
    cause: e,
  });
}

/** The official .asc could not be fetched for a local file: say how to verify offline. */
function withOfflineHint(e: unknown, input: string): unknown {
  if (!isVerifyError(e) || !['NETWORK', 'TIMEOUT', 'SIGNATURE_NOT_FOUND', 'TOO_LARGE'].includes(e.code)) return e;
  const beside = `${input}.asc`;
  const offline = `If you have the signature file (e.g. ${beside} from the download page), --signature ${beside} verifies offline.`;
  return new VerifyError(e.code, e.message, { hint: e.hint ? `${e.hint} ${offline}` : offline, cause: e });
}
