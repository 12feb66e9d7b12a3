/**
 * Parsing a detached `.asc`, assuming hostile input: several armored blocks (one per signer), every
 * block and every packet read, nothing dropped silently, sizes bounded.
 */
import * as openpgp from 'openpgp';
import { VerifyError } from '../errors.js';
import { ArmorError, decodeArmorBlock, splitArmor } from './armor.js';
import { PGP_CONFIG } from './config.js';

export const MAX_SIGNATURE_FILE_BYTES = 1024 * 1024;
export const MAX_SIGNATURES = 64;

/** A parsed `.asc`: the signature packets in file order. */
export interface SignatureFile {
  readonly packets: readonly openpgp.SignaturePacket[];
}

function malformed(message: string, cause?: unknown): VerifyError {
  return new VerifyError('SIGNATURE_MALFORMED', `the signature file is malformed: ${message}`, {
    hint: 'Expected detached signatures ("-----BEGIN PGP SIGNATURE-----" blocks). Get the .asc again from https://download.electrum.org/.',
    cause,
  });
}

export async function parseSignatureFile(bytes: Uint8Array): Promise<SignatureFile> {
  if (bytes.byteLength > MAX_SIGNATURE_FILE_BYTES) {
    throw malformed(`${bytes.byteLength} bytes is over the ${MAX_SIGNATURE_FILE_BYTES}-byte limit for a signature file`);
  }
  let blocks: string[];
  try {
    blocks = splitArmor(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), 'SIGNATURE');
  } catch (e) {
    if (e instanceof ArmorError) throw malformed(e.message, e);
    throw e;
  }
  const packets: openpgp.SignaturePacket[] = [];
  for (const [i, armoredSignature] of blocks.entries()) {
    let signature: openpgp.Signature;
    try {
      // readSignature accepts only signature packets: literal data, one-pass signatures, compressed
      // data (inline-signed messages) and unsupported packet versions all throw here.
      signature = await openpgp.readSignature({ binarySignature: decodeArmorBlock(armoredSignature), config: PGP_CONFIG });
    } catch (e) {
      throw malformed(`block ${i + 1} of ${blocks.length}: ${(e as Error).message}`, e);
    }
    const list = [...signature.packets];
    if (list.length === 0) throw malformed(`block ${i + 1} of ${blocks.length} holds no signature`);
    for (const packet of list) {
      if (!(packet instanceof openpgp.SignaturePacket)) throw malformed(`block ${i + 1} holds a non-signature packet`);
      packets.push(packet);
      if (packets.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
    }
  }
  return { packets };
}
