/**
 * Reference verifier: openpgp.js's own public streaming API (`openpgp.verify` over a file stream), with the
 * same signature policy as the main path. It hashes the file once PER SIGNATURE, so it is slower; it exists
 * to cross-check the one-pass path (test/pgp/differential.test.ts) and as a baseline in bench/.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import type { Keyring } from '../trust/keyring.js';
import { CLOCK_SKEW_MS } from './check-signature.js';
import { PGP_CONFIG } from './config.js';
import { ALLOWED_DATA_HASHES } from './data-digest.js';
import type { SignatureFile } from './signature-file.js';

export interface ReferenceResult {
  /** Primary fingerprint of the trusted key that holds the issuer key, or null. */
  fingerprint: string | null;
  valid: boolean;
  error: string | null;
}

export async function referenceVerify(path: string, file: SignatureFile, keyring: Keyring, now: Date = new Date()): Promise<ReferenceResult[]> {
  const packets = new openpgp.PacketList<openpgp.SignaturePacket>();
  for (const p of file.packets) packets.push(p);
  const signature = new openpgp.Signature(packets);
  const stream = Readable.toWeb(createReadStream(path, { highWaterMark: 1 << 20 })) as unknown as ReadableStream<Uint8Array>;
  const message = await openpgp.createMessage({ binary: stream });
  const result = await openpgp.verify({
    message,
    signature,
    verificationKeys: keyring.keys.map((k) => k.key),
    format: 'binary',
    date: new Date(now.getTime() + CLOCK_SKEW_MS),
    config: PGP_CONFIG,
  });
  // The data must be drained, or no `verified` promise ever settles.
  const reader = (result.data as unknown as ReadableStream<Uint8Array>).getReader();
  while (!(await reader.read()).done);
  if (result.signatures.length !== file.packets.length) {
    throw new Error(`openpgp.js reported ${result.signatures.length} signatures for ${file.packets.length} packets`);
  }
  const out: ReferenceResult[] = [];
  for (const [i, s] of result.signatures.entries()) {
    const packet = file.packets[i]!;
    const holder = keyring.keys.find((k) => k.key.getKeys(s.keyID).length > 0);
    const entry: ReferenceResult = { fingerprint: holder?.fingerprint ?? null, valid: false, error: null };
    try {
      await s.verified;
      // Same policy gates as the main path: binary documents, SHA-2 only.
      if (packet.signatureType !== openpgp.enums.signature.binary) throw new Error('not a binary-document signature');
      if (packet.hashAlgorithm === null || !ALLOWED_DATA_HASHES.has(packet.hashAlgorithm)) throw new Error('hash not allowed');
      entry.valid = true;
    } catch (e) {
      entry.error = (e as Error).message;
    }
    out.push(entry);
  }
  return out;
}
