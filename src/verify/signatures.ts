/**
 * Step "signature": the detached signatures, from the official site (`<file>.asc`, merged with the 4.1.3–4.1.5
 * per-signer files) or from `--signature`, parsed strictly before any data is read. A `--signature` URL must itself
 * be official; when the official one cannot be fetched for a local file, the hint says how to verify offline.
 */
import type * as openpgp from 'openpgp';
import { VerifyError, isVerifyError } from '../errors.js';
import type { Fetcher, FetchOptions } from '../net/index.js';
import { parseSignatureFile } from '../pgp/signature-file.js';
import type { Artifact } from '../release/catalogue.js';
import type { VerifyReport } from '../report/verify-report.js';
import { getSignature, looksLikeUrl } from '../signature-source.js';
import { requireSource } from '../source-policy.js';

export async function loadSignatures(
  request: { signature: string | undefined; artifact: Artifact | null; localInput: string | null },
  report: VerifyReport,
  getFetcher: () => Promise<Fetcher>,
  net: Omit<FetchOptions, 'checkUrl' | 'maxBytes'>,
): Promise<readonly openpgp.SignaturePacket[]> {
  if (request.signature !== undefined && looksLikeUrl(request.signature)) judgeSignatureUrl(request.signature, report);
  const sig = await getSignature({ signature: request.signature, artifact: request.artifact }, getFetcher, net).catch(
    (e: unknown) => {
      throw request.localInput !== null && request.signature === undefined ? withOfflineHint(e, request.localInput) : e;
    },
  );
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

/** The official .asc could not be fetched for a local file: say how to verify offline. */
function withOfflineHint(e: unknown, input: string): unknown {
  if (!isVerifyError(e) || !['NETWORK', 'TIMEOUT', 'SIGNATURE_NOT_FOUND', 'TOO_LARGE'].includes(e.code)) return e;
  const beside = `${input}.asc`;
  const offline = `If you have the signature file (e.g. ${beside} from the download page), --signature ${beside} verifies offline.`;
  return new VerifyError(e.code, e.message, { hint: e.hint ? `${e.hint} ${offline}` : offline, cause: e });
}
