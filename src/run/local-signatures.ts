/**
 * Signatures for several targets: the local `.asc` files beside a file (`--offline`), several `--signature` files
 * merged into one, and the exact bytes of every signature file used (a receipt embeds them).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { VerifyError } from '../errors.js';
import { MAX_SIGNATURE_FILE_BYTES, asArmoredSignature } from '../pgp/signature-file.js';
import { mergeSignatureFiles } from '../signature-source.js';

/** One signature file exactly as read (or fetched): where it came from and its bytes. */
export interface SignaturePart {
  source: string;
  bytes: Uint8Array;
}

/** The signature evidence of one target: every file used, and the merged `.asc` that was checked. */
export interface SignatureEvidence {
  /** Shown as `signature.url`: the path or URL, or several joined with " + ". */
  origin: string;
  parts: SignaturePart[];
  merged: Uint8Array;
}

/** A signer label in `<file>.<signer>.asc`: Electrum's builder names (ThomasV, sombernight_releasekey, Emzy, …). */
const SIGNER_LABEL = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `<file>.asc` and every `<file>.<signer>.asc` in the file's folder, sorted (the aggregate first). Empty when none.
 * `names`: the names to look under (default: the file's own); `--as NAME` adds the official name, so that
 * `Electrum-4.8.1 (1).tar.gz --as Electrum-4.8.1.tar.gz` finds `Electrum-4.8.1.tar.gz.asc` beside it.
 */
export async function signaturesBeside(file: string, names: readonly string[] = [basename(file)]): Promise<string[]> {
  const dir = dirname(file);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const name of new Set(names)) {
    const perSigner = entries
      .filter((e) => e.startsWith(`${name}.`) && e.endsWith('.asc') && SIGNER_LABEL.test(e.slice(name.length + 1, -4)))
      .sort();
    const aggregate = entries.includes(`${name}.asc`) ? [`${name}.asc`] : [];
    for (const e of [...aggregate, ...perSigner]) if (!found.includes(e)) found.push(e);
  }
  return found.map((e) => join(dir, e));
}

export async function readSignaturePart(path: string): Promise<SignaturePart> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VerifyError(
      'USAGE',
      `cannot read the signature file ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`,
    );
  }
  if (size > MAX_SIGNATURE_FILE_BYTES) {
    throw new VerifyError(
      'SIGNATURE_MALFORMED',
      `the signature file ${path} is ${size} bytes; a real one is a few KiB (limit ${MAX_SIGNATURE_FILE_BYTES})`,
    );
  }
  return { source: path, bytes: new Uint8Array(await readFile(path)) };
}

/**
 * One `.asc` from several: every armored block of every part, each distinct block once (the aggregate
 * `<file>.asc` already holds the blocks of the per-signer files), by signature-source.ts's mergeSignatureFiles;
 * binary parts (`gpg --detach-sign` .sig files) are armored first. A single part is passed through untouched.
 */
export function mergeSignatureParts(parts: readonly SignaturePart[]): Uint8Array {
  if (parts.length === 1) return parts[0]!.bytes;
  return mergeSignatureFiles(parts.map((p) => asArmoredSignature(p.bytes)));
}

export function evidenceFrom(parts: SignaturePart[]): SignatureEvidence {
  return { origin: parts.map((p) => p.source).join(' + '), parts, merged: mergeSignatureParts(parts) };
}
