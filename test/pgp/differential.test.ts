/**
 * The one-pass engine (DataHasher + checkSignature) must give the same per-signature verdict as
 * openpgp.js's own streaming verification (test/support/reference-verify.ts) on every fixture, and must never call
 * valid what the reference rejects. It runs twice: with signature values checked by openpgp.js, and confirmed by
 * ValueConfirmer (OpenSSL for RSA, @noble/curves for ECDSA); those two must agree on every status and reason.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { p256 } from '@noble/curves/nist.js';
import * as openpgp from 'openpgp';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignature } from '../../src/pgp/check-signature.js';
import { DataHasher } from '../../src/pgp/data-digest.js';
import { ValueConfirmer } from '../../src/pgp/fast-values.js';
import { PrehashedEcdsa } from '../../src/pgp/prehashed-ecdsa.js';
import { referenceVerify } from '../support/reference-verify.js';
import { parseSignatureFile } from '../../src/pgp/signature-file.js';
import { loadCustomKeyring, loadPinnedKeyring, type Keyring } from '../../src/trust/keyring.js';
import { cleanupPgpFixtures, sharedPgpFixtures, type PgpFixtures } from '../support/gpg.js';
import {
  armorSig,
  craftBody,
  created,
  frame,
  frameIndeterminate,
  issuerFpr,
  issuerId,
  p256Key,
  sub,
} from '../pgp/craft.js';

/** Counts the answers it gave, per algorithm (after they came), so a test can tell that the fast path really ran. */
class CountingFast extends ValueConfirmer {
  confirmed = { rsa: 0, ecdsa: 0 };
  refused = { rsa: 0, ecdsa: 0 };
  override async confirm(
    packet: openpgp.SignaturePacket,
    key: openpgp.AnyKeyPacket,
    digest: Uint8Array,
  ): Promise<boolean> {
    const ok = await super.confirm(packet, key, digest);
    const algo = key.algorithm === openpgp.enums.publicKey.ecdsa ? 'ecdsa' : 'rsa';
    (ok ? this.confirmed : this.refused)[algo]++;
    return ok;
  }
}
const fastValues = new CountingFast(new PrehashedEcdsa());

async function onePass(
  path: string,
  ascPath: string,
  keyring: Keyring,
  withFast: ValueConfirmer | null,
): Promise<string[]> {
  const file = await parseSignatureFile(await readFile(ascPath)); // fresh packets: no state shared between runs
  const hasher = new DataHasher(file.packets);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) hasher.update(chunk as Buffer);
  const digests = await hasher.finish();
  const out: string[] = [];
  for (const p of file.packets) {
    const f = await checkSignature(p, digests.digestFor(p), keyring, new Date(), withFast);
    out.push(`${f.status}: ${f.detail ?? ''}`);
  }
  return out;
}

async function compare(
  dataPath: string,
  ascPath: string,
  keyring: Keyring,
): Promise<{ fast: boolean[]; reference: boolean[] }> {
  const plain = await onePass(dataPath, ascPath, keyring, null);
  const withFast = await onePass(dataPath, ascPath, keyring, fastValues);
  expect(withFast, `ValueConfirmer vs openpgp.js values, ${ascPath} over ${dataPath}`).toEqual(plain);
  const fast = plain.map((s) => s.startsWith('valid:'));
  const reference = (await referenceVerify(dataPath, await parseSignatureFile(await readFile(ascPath)), keyring)).map(
    (r) => r.valid,
  );
  return { fast, reference };
}

let fx: PgpFixtures;
let known: Keyring;
let unknownOnly: Keyring;

beforeAll(async () => {
  fx = await sharedPgpFixtures();
  known = await loadCustomKeyring(fx.keyrings.known);
  unknownOnly = await loadCustomKeyring(fx.keyrings.unknownOnly);
});
afterAll(cleanupPgpFixtures);

describe('one-pass engine agrees with openpgp.js streaming verification', () => {
  // Every parseable .asc fixture, over the signed data, a tampered copy and another file, with two keyrings.
  const parseable = [
    'sha1',
    'textMode',
    'sameTwice',
    'threeBlocks',
    'unknownPlusGood',
    'unknownAlone',
    'future',
    'overOther',
    'goodPlusBad',
    'p256Sha512',
    'p256Future',
    'p256CriticalNotation',
    'rsaSha256',
    'rsaSha384',
  ] as const;

  it('for every single-signer fixture and every data file', async () => {
    let compared = 0;
    let validSeen = 0;
    for (const [name, asc] of Object.entries(fx.sigs.bySigner)) {
      for (const data of [fx.data, fx.tamperedData, fx.other]) {
        for (const keyring of [known, unknownOnly]) {
          const { fast, reference } = await compare(data, asc, keyring);
          expect(fast, `${name} over ${data}`).toEqual(reference);
          compared += fast.length;
          validSeen += fast.filter(Boolean).length;
        }
      }
    }
    // Sanity: the comparison covered both outcomes (a comparison of only failures would prove nothing).
    expect(validSeen).toBeGreaterThan(0);
    expect(compared - validSeen).toBeGreaterThan(validSeen);
  });

  it.each(parseable)('for the %s fixture', async (name) => {
    for (const data of [fx.data, fx.tamperedData]) {
      const { fast, reference } = await compare(data, fx.sigs[name], known);
      expect(fast).toEqual(reference);
    }
  });

  it('confirmed RSA and P-256 values through ValueConfirmer (the path under test ran)', async () => {
    // Right values, so the date rejection of the fixture above comes from openpgp.js's checks made after ValueConfirmer
    // confirmed the value. The critical notation is refused before any value check (packets.ts: a critical
    // subpacket we do not act on), so ValueConfirmer is never asked about it.
    const before = { ...fastValues.confirmed };
    for (const asc of [fx.sigs.bySigner.p256, fx.sigs.p256Sha512, fx.sigs.p256Future])
      await compare(fx.data, asc, known);
    expect(fastValues.confirmed.ecdsa - before.ecdsa).toBe(3);
    await compare(fx.data, fx.sigs.p256CriticalNotation, known);
    expect(fastValues.confirmed.ecdsa - before.ecdsa).toBe(3);
    for (const asc of [fx.sigs.bySigner.rsa4096, fx.sigs.rsaSha256, fx.sigs.rsaSha384])
      await compare(fx.data, asc, known);
    expect(fastValues.confirmed.rsa - before.rsa).toBe(3); // SHA-512, SHA-256, SHA-384: each DigestInfo prefix
  });

  it('for a real signature over ANOTHER file, its (unsigned) 2-byte hash prefix patched to match this file', async () => {
    // The prefix is outside the signed data, so anyone can set it: only the value check can then reject. The RSA
    // value has valid PKCS #1 padding (it is a real signature) but encodes the other file's digest.
    for (const [asc, index, algo] of [
      [fx.sigs.overOther, 0, 'rsa'],
      [fx.sigs.goodPlusBad, 1, 'ecdsa'],
    ] as const) {
      const file = await parseSignatureFile(await readFile(asc));
      const packet = file.packets[index]!;
      const hasher = new DataHasher([packet]);
      hasher.update(await readFile(fx.data));
      packet.signedHashValue = (await hasher.finish()).digestFor(packet)!.subarray(0, 2);
      const list = new openpgp.PacketList<openpgp.SignaturePacket>();
      list.push(packet);
      const patched = join(fx.dir, `data.bin.patched-${algo}.asc`);
      await writeFile(patched, new openpgp.Signature(list).armor());
      const before = fastValues.refused[algo];
      const { fast: onePassResult, reference } = await compare(fx.data, patched, known);
      expect(fastValues.refused[algo], algo).toBe(before + 1); // the value check was reached, and said no
      expect(onePassResult).toEqual([false]);
      expect(reference).toEqual([false]);
    }
  });

  it.each(['rsa', 'ecdsa'] as const)(
    'for a %s signature whose s was altered after signing (signed-hash prefix intact)',
    async (algo) => {
      const asc = algo === 'rsa' ? fx.sigs.bySigner.rsa4096 : fx.sigs.bySigner.p256;
      const sig = await openpgp.readSignature({ armoredSignature: await readFile(asc, 'utf8') });
      const params = (sig.packets[0] as unknown as { params: { s: Uint8Array } }).params;
      params.s = Uint8Array.from(params.s);
      params.s[params.s.length - 1]! ^= 1;
      const altered = join(fx.dir, `data.bin.${algo}-altered.asc`);
      await writeFile(altered, sig.armor());
      const before = fastValues.refused[algo];
      const { fast: onePassResult, reference } = await compare(fx.data, altered, known);
      expect(fastValues.refused[algo]).toBe(before + 1); // ValueConfirmer was asked, said no, and openpgp.js said no too
      expect(onePassResult).toEqual([false]);
      expect(reference).toEqual([false]);
    },
  );

  it('leaves no "verified" mark on a packet it confirmed, also when openpgp.js then rejects it', async () => {
    const file = await parseSignatureFile(await readFile(fx.sigs.p256Future));
    const packet = file.packets[0]!;
    const hasher = new DataHasher([packet]);
    hasher.update(await readFile(fx.data));
    const digests = await hasher.finish();
    const before = fastValues.confirmed.ecdsa;
    const found = await checkSignature(packet, digests.digestFor(packet), known, new Date(), fastValues);
    expect(fastValues.confirmed.ecdsa).toBe(before + 1);
    expect(found.status).toBe('future');
    expect(found.detail).toMatch(/ahead of this computer's clock/);
    const mark = Object.getOwnPropertySymbols(packet).find((s) => s.description === 'verified')!;
    expect(mark).toBeDefined();
    expect((packet as unknown as Record<symbol, unknown>)[mark]).toBeNull();
  });

  it('for an openpgp.js-compatible value over the digest without its leading zero byte (openpgp.js accepts it)', async () => {
    // openpgp.js accepts an ECDSA value made over digest[1..] when digest[0] is 0 (signatures from an old openpgp.js
    // bug). PrehashedEcdsa refuses it, so openpgp.js decides and both runs must give the same status.
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'nistP256',
      userIDs: [{ name: 'old bug' }],
      format: 'object',
    });
    const keyFile = join(fx.dir, 'old-bug-key.asc');
    await writeFile(keyFile, publicKey.armor());
    const keyring = await loadCustomKeyring(keyFile);
    const d = (privateKey.keyPacket as unknown as { privateParams: { d: Uint8Array } }).privateParams.d;
    // One signature packet; then data is varied by a counter until its digest (with this packet's trailer) starts
    // with 0x00 — about 256 tries of hashing 68 bytes, deterministic in outcome.
    const sig = await openpgp.sign({
      message: await openpgp.createMessage({ binary: randomBytes(64) }),
      signingKeys: privateKey,
      detached: true,
      format: 'object',
    });
    const packet = sig.packets[0] as openpgp.SignaturePacket;
    const base = randomBytes(64);
    let data = base;
    let digest: Uint8Array = new Uint8Array([1]);
    for (let i = 0; digest[0] !== 0; i++) {
      data = Buffer.concat([base, Buffer.from(Uint32Array.of(i).buffer)]);
      const h = new DataHasher([packet]);
      h.update(data);
      digest = (await h.finish()).digestFor(packet)!;
    }
    const rs = p256.sign(digest.subarray(1), d, { prehash: false, lowS: false, format: 'compact' });
    (packet as unknown as { params: unknown }).params = { r: rs.subarray(0, 32), s: rs.subarray(32) };
    packet.signedHashValue = digest.subarray(0, 2); // outside the signed data
    const dataPath = join(fx.dir, 'old-bug.bin');
    const ascPath = join(fx.dir, 'old-bug.bin.asc');
    await writeFile(dataPath, data);
    await writeFile(ascPath, sig.armor());
    const before = fastValues.refused.ecdsa;
    const { fast: onePassResult, reference } = await compare(dataPath, ascPath, keyring); // also: both one-pass runs agree
    expect(fastValues.refused.ecdsa).toBe(before + 1);
    expect(onePassResult).toEqual([true]);
    expect(reference).toEqual([true]);
  });

  it('never calls a signature valid over tampered data', async () => {
    for (const asc of Object.values(fx.sigs.bySigner)) {
      const { fast } = await compare(fx.tamperedData, asc, known);
      expect(fast.every((v) => v === false)).toBe(true);
    }
  });
});

const TAGS = join(import.meta.dirname, '../../../shared/electrum-tags');
const KEYS = join(import.meta.dirname, '../../../shared/electrum-keys');

describe.runIf(existsSync(TAGS))('one-pass engine agrees with openpgp.js on real Electrum tag signatures', () => {
  it.each(['3.3.4', '4.0.9', '4.5.8', '4.7.1', '4.8.1'])('electrum-%s', async (v) => {
    const pinned = await loadPinnedKeyring();
    const somber = await loadCustomKeyring(join(KEYS, 'sombernight.asc'));
    for (const keyring of [pinned, somber]) {
      const { fast, reference } = await compare(
        join(TAGS, `electrum-${v}.payload`),
        join(TAGS, `electrum-${v}.payload.asc`),
        keyring,
      );
      expect(fast).toEqual(reference);
    }
    const tampered = await compare(
      join(TAGS, 'electrum-4.8.1-tampered.payload'),
      join(TAGS, 'electrum-4.8.1.payload.asc'),
      somber,
    );
    expect(tampered.fast).toEqual([false]);
    expect(tampered.reference).toEqual([false]);
  });
});

describe('hand-built hostile packets (issue 11): both one-pass runs agree, and neither is more lenient than the reference', () => {
  // P-256 keys, so that ValueConfirmer confirms the values and the path it shortens is the one under test.
  let A: openpgp.PrivateKey;
  let B: openpgp.PrivateKey;
  let V6: openpgp.PrivateKey;
  let ring: Keyring;
  let dataPath: string;
  let bytes: Uint8Array;
  beforeAll(async () => {
    [A, B, V6] = await Promise.all([p256Key('A'), p256Key('B'), p256Key('V6', { v6: true })]);
    const keys = [A, B, V6].map((k) => k.toPublic().armor()).join('');
    const path = join(fx.dir, 'crafted-keys.asc');
    await writeFile(path, keys);
    ring = await loadCustomKeyring(path);
    dataPath = fx.data;
    bytes = new Uint8Array(await readFile(dataPath));
  });

  const cases: Array<[string, () => Uint8Array, boolean]> = [
    ['plain (control)', () => frame(craftBody({ signer: A, data: bytes })), true],
    [
      "a stranger's fingerprint in the unhashed area",
      () => frame(craftBody({ signer: A, data: bytes, unhashed: [issuerFpr(B.toPublic()), issuerId(B.toPublic())] })),
      true,
    ],
    [
      'two creation times',
      () =>
        frame(
          craftBody({
            signer: A,
            data: bytes,
            hashed: [
              created(new Date(Date.now() - 60_000)),
              issuerFpr(A.toPublic()),
              created(new Date(Date.now() - 120_000)),
            ],
          }),
        ),
      false,
    ],
    [
      'a 6-byte creation time',
      () => frame(craftBody({ signer: A, data: bytes, hashed: [created(new Date(), 6), issuerFpr(A.toPublic())] })),
      false,
    ],
    [
      'a critical unknown subpacket in the unhashed area',
      () => frame(craftBody({ signer: A, data: bytes, unhashed: [sub(100, [1], true)] })),
      false,
    ],
    [
      "a critical Signer's User ID",
      () =>
        frame(
          craftBody({
            signer: A,
            data: bytes,
            hashed: [created(new Date()), issuerFpr(A.toPublic()), sub(28, [65], true)],
          }),
        ),
      false,
    ],
    [
      'the unhashed length understated by one',
      () => frame(craftBody({ signer: A, data: bytes, unhashedLengthDelta: -1 })),
      false,
    ],
    ['an indeterminate-length packet', () => frameIndeterminate(craftBody({ signer: A, data: bytes })), false],
    [
      'v6 by a v4 key',
      () =>
        frame(
          craftBody({ signer: A, data: bytes, version: 6, hashed: [created(new Date()), issuerFpr(A.toPublic())] }),
        ),
      false,
    ],
    ['v6 with an empty salt', () => frame(craftBody({ signer: V6, data: bytes, salt: new Uint8Array(0) })), false],
    ['v6 control', () => frame(craftBody({ signer: V6, data: bytes })), true],
  ];

  it.each(cases)('%s', async (name, make, valid) => {
    const asc = join(fx.dir, `crafted-${name.replace(/\W+/g, '-')}.asc`);
    // after a good block, so that a packet that cannot be framed is one entry, not the whole file's error
    await writeFile(asc, armorSig(frame(craftBody({ signer: B, data: bytes }))) + armorSig(make()));
    const { fast, reference } = await compare(dataPath, asc, ring);
    expect(fast).toEqual([true, valid]);
    fast.forEach((ok, i) => ok && expect(reference[i], `${name}: one-pass valid, reference not`).toBe(true));
  });
});
