/**
 * DataHasher on data large enough to use its worker thread (over INLINE_LIMIT): every digest equals a plain
 * single-threaded node:crypto computation, whatever the chunking, and real signatures verify over it.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSignature } from '../../src/pgp/check-signature.js';
import { DataHasher, INLINE_LIMIT } from '../../src/pgp/data-digest.js';
import { parseSignatureFile } from '../../src/pgp/signature-file.js';
import type { Keyring } from '../../src/trust/keyring.js';

const data = randomBytes(INLINE_LIMIT * 3 + 12345);
let packets: openpgp.SignaturePacket[];
let keyring: Keyring;

beforeAll(async () => {
  const blocks: string[] = [];
  const keys: Keyring['keys'][number][] = [];
  for (const [i, hash] of [openpgp.enums.hash.sha256, openpgp.enums.hash.sha384, openpgp.enums.hash.sha512].entries()) {
    const { privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: i === 1 ? 'nistP384' : 'curve25519Legacy',
      userIDs: [{ name: `k${i}` }],
      format: 'object',
    });
    const message = await openpgp.createMessage({ binary: data });
    blocks.push(
      (await openpgp.sign({
        message,
        signingKeys: privateKey,
        detached: true,
        config: { preferredHashAlgorithm: hash },
      })) as string,
    );
    keys.push({ name: `k${i}`, fingerprint: privateKey.getFingerprint().toUpperCase(), key: privateKey.toPublic() });
  }
  packets = [...(await parseSignatureFile(new TextEncoder().encode(blocks.join('')))).packets];
  keyring = { trust: 'custom', keys };
});

function expected(packet: openpgp.SignaturePacket): Buffer {
  const algo = openpgp.enums.read(openpgp.enums.hash, packet.hashAlgorithm!);
  const trailer = Buffer.alloc(6);
  trailer[0] = packet.version;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(packet.signatureData!.byteLength, 2);
  return createHash(algo).update(data).update(packet.signatureData!).update(trailer).digest();
}

async function hashInChunks(sizes: (i: number) => number, reuse: boolean) {
  const hasher = new DataHasher(packets);
  const scratch = Buffer.alloc(1 << 20);
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = Math.min(sizes(i), data.length - off, scratch.length);
    // With `reuse`, the caller overwrites its buffer after each update(), as digestFile does.
    const chunk = reuse ? scratch.subarray(0, n) : data.subarray(off, off + n);
    if (reuse) data.copy(scratch, 0, off, off + n);
    hasher.update(chunk);
    if (reuse) scratch.fill(0xee, 0, n);
    off += n;
  }
  return hasher.finish();
}

describe('DataHasher with the lane worker', () => {
  it.each([
    ['1 MiB chunks', () => 1 << 20, false],
    ['odd chunks, buffer reused by the caller', (i: number) => 1 + ((i * 7919) % 300_000), true],
    ['16 KiB network-like chunks', () => 16 * 1024, false],
  ])('%s: every digest equals node:crypto over the whole data', async (_label, sizes, reuse) => {
    const d = await hashInChunks(sizes, reuse);
    expect(d.size).toBe(data.length);
    expect(d.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    for (const p of packets) expect(Buffer.from(d.digestFor(p)!).toString('hex')).toBe(expected(p).toString('hex'));
  });

  it('real SHA-256, SHA-384 and SHA-512 signatures verify over it; one flipped bit fails all three', async () => {
    const good = await hashInChunks(() => 1 << 20, false);
    for (const p of packets)
      expect((await checkSignature(p, good.digestFor(p), keyring, new Date())).status).toBe('valid');
    data[INLINE_LIMIT * 2]! ^= 1;
    try {
      const bad = await hashInChunks(() => 1 << 20, false);
      for (const p of packets)
        expect((await checkSignature(p, bad.digestFor(p), keyring, new Date())).status).toBe('bad');
    } finally {
      data[INLINE_LIMIT * 2]! ^= 1;
    }
  });

  it('gives no digest for a packet it was not built for', async () => {
    const d = await hashInChunks(() => 1 << 20, false);
    const stranger = new openpgp.SignaturePacket();
    stranger.read(packets[2]!.write());
    stranger.signatureData = new Uint8Array([...stranger.signatureData!, 0]);
    expect(d.digestFor(stranger)).toBeNull();
  });
});
