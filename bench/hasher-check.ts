/**
 * Self-check of DataHasher's parallel path (run first by `npm run bench`, or alone: `tsx bench/hasher-check.ts`).
 * The unit tests use small fixtures, which stay on the inline path; this drives data past INLINE_LIMIT and past
 * several ring wrap-arounds, with odd chunk sizes, reused caller buffers and several lanes, and compares every
 * digest with a plain single-threaded node:crypto computation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { DataHasher, INLINE_LIMIT, RING_BYTES } from '../src/pgp/data-digest.js';
import { digestFile } from '../src/pgp/digest-file.js';

type Packet = openpgp.SignaturePacket;

function fakePacket(hashAlgorithm: number, fields: Uint8Array, version = 4): Packet {
  return { hashAlgorithm, signatureData: fields, version } as unknown as Packet;
}

function expected(algo: string, data: Buffer, p: Packet): string {
  const trailer = Buffer.alloc(6);
  trailer[0] = p.version;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(p.signatureData!.byteLength, 2);
  return createHash(algo).update(data).update(p.signatureData!).update(trailer).digest('hex');
}

export async function checkHasher(log: (s: string) => void = console.log): Promise<void> {
  const H = openpgp.enums.hash;
  const packets = [
    fakePacket(H.sha512, randomBytes(40)),
    fakePacket(H.sha512, randomBytes(52)),
    fakePacket(H.sha256, randomBytes(33)),
    fakePacket(H.sha384, randomBytes(47)),
    fakePacket(H.sha512, randomBytes(40)),
  ];
  packets.push(fakePacket(H.sha512, packets[0]!.signatureData!)); // same tail twice
  const algoOf: Record<number, string> = { [H.sha256]: 'sha256', [H.sha384]: 'sha384', [H.sha512]: 'sha512' };
  const sizes = [0, 1, INLINE_LIMIT, INLINE_LIMIT + 1, 3 * RING_BYTES + 12_345];
  const chunkings: Array<[string, (i: number) => number]> = [
    ['1 MiB', () => 1 << 20],
    ['odd sizes', (i) => [1, 65_536, 16_384 + 7, 999_983, 3][i % 5]!],
    ['ring-sized', () => RING_BYTES + 3],
  ];
  const data = randomBytes(sizes[sizes.length - 1]!);
  let cases = 0;
  for (const size of sizes) {
    const view = data.subarray(0, size);
    for (const [name, next] of chunkings) {
      const hasher = new DataHasher(packets);
      const reused = Buffer.alloc(RING_BYTES + 3); // the caller reuses one buffer: update() must not keep it
      for (let off = 0, i = 0; off < size; i++) {
        const n = Math.min(next(i), size - off);
        view.copy(reused, 0, off, off + n);
        hasher.update(reused.subarray(0, n));
        reused.fill(0xee, 0, n);
        off += n;
      }
      const d = await hasher.finish();
      const where = `size ${size}, chunks ${name}`;
      if (d.size !== size) throw new Error(`${where}: size ${d.size}`);
      if (d.sha256 !== createHash('sha256').update(view).digest('hex'))
        throw new Error(`${where}: file SHA-256 differs`);
      for (const [i, p] of packets.entries()) {
        const got = d.digestFor(p);
        const want = expected(algoOf[p.hashAlgorithm!]!, view, p);
        if (got === null || Buffer.from(got).toString('hex') !== want)
          throw new Error(`${where}: digest of packet ${i} differs`);
      }
      if (d.digestFor(fakePacket(H.sha512, randomBytes(40))) !== null)
        throw new Error(`${where}: digest for an unknown packet`);
      if (d.digestFor(fakePacket(H.sha1, randomBytes(40))) !== null) throw new Error(`${where}: digest for SHA-1`);
      cases++;
    }
  }
  // digestFile (two reused read buffers) gives the same digests as the data in memory.
  const dir = await mkdtemp(join(tmpdir(), 'ev-hasher-check-'));
  try {
    for (const size of [0, 5, INLINE_LIMIT + 7, 2 * RING_BYTES + 1]) {
      const path = join(dir, `f${size}`);
      await writeFile(path, data.subarray(0, size));
      const hasher = new DataHasher(packets);
      await digestFile(path, hasher, 1_000_003);
      const d = await hasher.finish();
      const view = data.subarray(0, size);
      const ok =
        d.size === size &&
        d.sha256 === createHash('sha256').update(view).digest('hex') &&
        packets.every(
          (p) => Buffer.from(d.digestFor(p) ?? []).toString('hex') === expected(algoOf[p.hashAlgorithm!]!, view, p),
        );
      if (!ok) throw new Error(`digestFile, size ${size}: digests differ`);
      cases++;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // An abandoned hasher (no finish) must not keep the process alive: its worker is unref'd.
  const dropped = new DataHasher(packets);
  dropped.update(data.subarray(0, INLINE_LIMIT + 1));
  log(`DataHasher self-check: ${cases} cases, every digest equals single-threaded node:crypto`);
}

if (import.meta.url === `file://${process.argv[1]}`) await checkHasher();
