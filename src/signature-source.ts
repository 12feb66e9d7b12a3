/**
 * Where the detached signature comes from: a local `--signature` file, a `--signature` URL on the
 * official site, or the official `<file>.asc` beside the release (with the 4.1.3–4.1.5 per-signer fallback).
 * Signatures are never taken from a mirror.
 */
import { VerifyError } from './errors.js';
import { formatBytes } from './format.js';
import { readSmallRegularFile } from './fs/local-file.js';
import type { Fetcher, FetchOptions } from './net/index.js';
import { HttpStatusError } from './net/index.js';
import { MAX_SIGNATURE_FILE_BYTES } from './pgp/signature-file.js';
import { signatureUrls, type Artifact } from './release/catalogue.js';
import { requireSource } from './source-policy.js';

export interface SignatureBytes {
  /** Where it came from: a path or the URL(s) fetched. */
  origin: string;
  bytes: Uint8Array;
}

const NO_MIRRORS: ReadonlySet<string> = new Set();

export function looksLikeUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-z]:[\\/]/i.test(s);
}

async function readLocal(path: string): Promise<SignatureBytes> {
  const tooLarge = (size: number): VerifyError =>
    new VerifyError(
      'SIGNATURE_MALFORMED',
      `the signature file ${path} is ${formatBytes(size)}; a real one is a few KiB (limit ${formatBytes(MAX_SIGNATURE_FILE_BYTES)})`,
    );
  return {
    origin: path,
    bytes: await readSmallRegularFile(path, 'the signature file', MAX_SIGNATURE_FILE_BYTES, tooLarge),
  };
}

function fetchOptions(base: Omit<FetchOptions, 'checkUrl' | 'maxBytes'>): FetchOptions {
  return {
    ...base,
    maxBytes: MAX_SIGNATURE_FILE_BYTES,
    checkUrl: (url, hop) => void requireSource(url.href, NO_MIRRORS, hop),
  };
}

async function fetchOfficial(
  fetcher: Fetcher,
  url: string,
  base: Omit<FetchOptions, 'checkUrl' | 'maxBytes'>,
): Promise<Uint8Array | null> {
  try {
    return (await fetcher.fetchBytes(url, fetchOptions(base))).bytes;
  } catch (e) {
    if (e instanceof HttpStatusError && (e.status === 404 || e.status === 410)) return null;
    throw e;
  }
}

export async function getSignature(
  request: { signature?: string | undefined; artifact: Artifact | null },
  fetcher: () => Promise<Fetcher>,
  base: Omit<FetchOptions, 'checkUrl' | 'maxBytes'>,
): Promise<SignatureBytes> {
  if (request.signature !== undefined) {
    if (!looksLikeUrl(request.signature)) return readLocal(request.signature);
    requireSource(request.signature, NO_MIRRORS, 0);
    const bytes = await fetchOfficial(await fetcher(), request.signature, base);
    if (bytes === null) throw new VerifyError('SIGNATURE_NOT_FOUND', `no signature at ${request.signature} (HTTP 404)`);
    return { origin: request.signature, bytes };
  }
  if (request.artifact === null) {
    throw new VerifyError(
      'ARTIFACT_UNRECOGNISED',
      'cannot tell which Electrum release this is, so its official signature cannot be found',
      {
        hint: 'Use the file name Electrum publishes (e.g. Electrum-4.5.8.tar.gz), or give the signature with --signature FILE.asc.',
      },
    );
  }
  const { aggregate, perSigner } = signatureUrls(request.artifact);
  const f = await fetcher();
  const whole = await fetchOfficial(f, aggregate, base);
  if (perSigner.length === 0) {
    if (whole !== null) return { origin: aggregate, bytes: whole };
    throw new VerifyError('SIGNATURE_NOT_FOUND', `the official signature ${aggregate} does not exist (HTTP 404)`, {
      hint: 'Check the version and file name on https://electrum.org/#download.',
    });
  }
  // 4.1.3–4.1.5: the per-signer files are the real evidence (the combined file, when it exists, may hold ThomasV
  // alone): always merge the combined file with every per-signer file that exists.
  const parts: Uint8Array[] = [];
  const used: string[] = [];
  if (whole !== null) {
    parts.push(whole);
    used.push(aggregate);
  }
  for (const { url } of perSigner) {
    const part = await fetchOfficial(f, url, base);
    if (part !== null) {
      parts.push(part);
      used.push(url);
    }
  }
  if (used.length === 0) {
    throw new VerifyError(
      'SIGNATURE_NOT_FOUND',
      `the official signature ${aggregate} does not exist (HTTP 404), nor do the per-signer files beside it`,
      {
        hint: 'Check the version and file name on https://electrum.org/#download.',
      },
    );
  }
  const bytes = mergeSignatureFiles(parts);
  if (bytes.byteLength > MAX_SIGNATURE_FILE_BYTES)
    throw new VerifyError('TOO_LARGE', 'the signature files of this release together exceed 1 MiB');
  return { origin: used.join(' + '), bytes };
}

/**
 * Armored signature files joined into one `.asc`, each block once: the combined file and a per-signer file
 * usually carry the same block, which would otherwise be listed twice. Blocks are compared by their base64 body
 * (armor headers and line breaks aside). Anything that is not plain armor is kept as it is, for the parser to judge.
 */
export function mergeSignatureFiles(parts: readonly Uint8Array[]): Uint8Array {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of parts) {
    const text = Buffer.from(part).toString('latin1');
    const blocks = text.match(/-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/g);
    const rest = blocks === null ? text : blocks.reduce((t, b) => t.replace(b, ''), text);
    if (blocks === null || rest.trim() !== '') {
      out.push(text.endsWith('\n') ? text : `${text}\n`);
      continue;
    }
    for (const block of blocks) {
      const body = block
        .split(/\r?\n/)
        .filter((line) => !/^-----/.test(line) && !/^[A-Za-z-]+: /.test(line))
        .join('')
        .replace(/\s+/g, '');
      if (seen.has(body)) continue;
      seen.add(body);
      out.push(`${block}\n`);
    }
  }
  return Buffer.from(out.join(''), 'latin1');
}
