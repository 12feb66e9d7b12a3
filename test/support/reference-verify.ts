/**
 * Reference verifier: openpgp.js's own public streaming API (`openpgp.verify` over a file stream), with the same
 * signature policy as the main path. It hashes the file once PER SIGNATURE, so it is slower. Not shipped (it lives
 * outside src/): it cross-checks the one-pass path in test/pgp/differential.test.ts and test/pgp/hardening.test.ts,
 * and is the "reference path" baseline of bench/reference.ts (npm run bench).
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import { CLOCK_SKEW_MS } from '../../src/pgp/check-signature.js';
import { PGP_CONFIG } from '../../src/pgp/config.js';
import { ALLOWED_DATA_HASHES } from '../../src/pgp/data-digest.js';
import { formOf, malformedReason, type SignatureFile } from '../../src/pgp/signature-file.js';
import type { Keyring } from '../../src/trust/keyring.js';

export interface ReferenceResult {
  /** Primary fingerprint of the trusted key that holds the issuer key, or null. */
  fingerprint: string | null;
  valid: boolean;
  error: string | null;
}

export async function referenceVerify(
  path: string,
  file: SignatureFile,
  keyring: Keyring,
  now: Date = new Date(),
): Promise<ReferenceResult[]> {
  // Malformed packets (placeholders, or a form our rules refuse) are never handed to openpgp.js: they are not valid.
  const problemOf = (p: openpgp.SignaturePacket): string | null => malformedReason(p) ?? formOf(p).problem;
  const usable = file.packets.filter((p) => problemOf(p) === null);
  if (usable.length === 0)
    return file.packets.map((p) => ({ fingerprint: null, valid: false, error: `malformed: ${problemOf(p)}` }));
  const packets = new openpgp.PacketList<openpgp.SignaturePacket>();
  for (const p of usable) packets.push(p);
  const signature = new openpgp.Signature(packets);
  const stream = Readable.toWeb(
    createReadStream(path, { highWaterMark: 1 << 20 }),
  ) as unknown as ReadableStream<Uint8Array>;
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
  if (result.signatures.length !== usable.length) {
    throw new Error(`openpgp.js reported ${result.signatures.length} signatures for ${usable.length} packets`);
  }
  const out: ReferenceResult[] = [];
  let next = 0;
  for (const packet of file.packets) {
    const problem = problemOf(packet);
    if (problem !== null) {
      out.push({ fingerprint: null, valid: false, error: `malformed: ${problem}` });
      continue;
    }
    const s = result.signatures[next++]!;
    const holder = keyring.keys.find((k) => k.key.getKeys(s.keyID).length > 0);
    const entry: ReferenceResult = { fingerprint: holder?.fingerprint ?? null, valid: false, error: null };
    try {
      await s.verified;
      // Same policy gates as the main path: binary documents, SHA-2 only, the key's own signature version.
      if (packet.signatureType !== openpgp.enums.signature.binary) throw new Error('not a binary-document signature');
      if (packet.hashAlgorithm === null || !ALLOWED_DATA_HASHES.has(packet.hashAlgorithm))
        throw new Error('hash not allowed');
      const signing = holder?.key.getKeys(s.keyID)[0];
      if (signing && signing.keyPacket.version !== packet.version)
        throw new Error('signature version differs from the key version');
      entry.valid = true;
    } catch (e) {
      entry.error = (e as Error).message;
    }
    out.push(entry);
  }
  return out;
}
