/**
 * PrehashedEcdsa (@noble/curves over a digest we computed) against OpenSSL: node:crypto signs, with keys made in
 * the run, on each NIST curve and hash; PrehashedEcdsa must accept exactly those signatures over exactly those
 * digests. And when it is unusable, checkSignature must fall back to openpgp.js with the same verdict.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignature } from '../../src/pgp/check-signature.js';
import { ValueConfirmer } from '../../src/pgp/fast-values.js';
import { DataHasher } from '../../src/pgp/data-digest.js';
import * as openpgp from 'openpgp';
import {
  NIST_CURVES,
  P256_PARAMS,
  PrehashedEcdsa,
  type EcdsaRequest,
  type NistCurve,
  type NistModule,
} from '../../src/pgp/prehashed-ecdsa.js';
import { parseSignatureFile } from '../../src/pgp/signature-file.js';
import { loadCustomKeyring } from '../../src/trust/keyring.js';
import { cleanupPgpFixtures, sharedPgpFixtures, type PgpFixtures } from '../support/gpg.js';

const HASHES = ['sha256', 'sha384', 'sha512'] as const;

function rawPublicKey(key: KeyObject, bytes: number): Uint8Array {
  const { x, y } = key.export({ format: 'jwk' }) as { x: string; y: string };
  const pad = (b64: string) => {
    const b = Buffer.from(b64, 'base64url');
    return Buffer.concat([Buffer.alloc(bytes - b.length), b]);
  };
  return new Uint8Array(Buffer.concat([Buffer.from([0x04]), pad(x), pad(y)]));
}

const ecdsa = new PrehashedEcdsa();

describe('PrehashedEcdsa agrees with OpenSSL', () => {
  it('uses the P-256 domain parameters of @noble/curves/nist.js', async () => {
    const { p256 } = await import('@noble/curves/nist.js');
    const curve = p256.Point.CURVE();
    expect(P256_PARAMS).toEqual({
      p: curve.p,
      n: curve.n,
      h: curve.h,
      a: curve.a,
      b: curve.b,
      Gx: curve.Gx,
      Gy: curve.Gy,
    });
  });

  it('P-256: signatures by node:crypto over SHA-256/384/512 digests (longer digests truncated)', async () => {
    const [curve, bytes] = ['p256', 32] as const;
    expect(NIST_CURVES.get('nistP256')).toEqual({ curve, bytes });
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    for (const hash of HASHES) {
      for (let i = 0; i < 4; i++) {
        const message = randomBytes(100);
        const signature = new Uint8Array(sign(hash, message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
        const digest = new Uint8Array(createHash(hash).update(message).digest());
        const good: EcdsaRequest = { curve, signature, digest, publicKey: rawPublicKey(publicKey, bytes) };
        expect(await ecdsa.verify(good), `${curve}/${hash}`).toBe(true);

        const flippedDigest = Uint8Array.from(digest);
        flippedDigest[i]! ^= 0x80;
        const flippedSig = Uint8Array.from(signature);
        flippedSig[signature.length - 1 - i]! ^= 1;
        expect(await ecdsa.verify({ ...good, digest: flippedDigest })).toBe(false);
        expect(await ecdsa.verify({ ...good, signature: flippedSig })).toBe(false);
        expect(await ecdsa.verify({ ...good, publicKey: rawPublicKey(other, bytes) })).toBe(false);
      }
    }
  });

  it('rejects out-of-range and malformed values instead of throwing', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const message = randomBytes(10);
    const signature = new Uint8Array(sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
    const good: EcdsaRequest = {
      curve: 'p256',
      signature,
      digest: new Uint8Array(createHash('sha256').update(message).digest()),
      publicKey: rawPublicKey(publicKey, 32),
    };
    const n = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
    const withR = (r: Uint8Array) => new Uint8Array(Buffer.concat([r, signature.subarray(32)]));
    const withS = (s: Uint8Array) => new Uint8Array(Buffer.concat([signature.subarray(0, 32), s]));
    expect(await ecdsa.verify(good)).toBe(true);
    expect(await ecdsa.verify({ ...good, signature: withR(new Uint8Array(32)) })).toBe(false); // r = 0
    expect(await ecdsa.verify({ ...good, signature: withS(new Uint8Array(32)) })).toBe(false); // s = 0
    expect(await ecdsa.verify({ ...good, signature: withS(n) })).toBe(false); // s = n
    expect(await ecdsa.verify({ ...good, signature: withR(n) })).toBe(false); // r = n
    expect(await ecdsa.verify({ ...good, signature: withR(new Uint8Array(32).fill(0xff)) })).toBe(false); // r > n
    expect(await ecdsa.verify({ ...good, signature: signature.subarray(0, 63) })).toBe(false); // short
    expect(await ecdsa.verify({ ...good, publicKey: good.publicKey.subarray(0, 64) })).toBe(false); // cut point
    const offCurve = Uint8Array.from(good.publicKey);
    offCurve[64]! ^= 1;
    expect(await ecdsa.verify({ ...good, publicKey: offCurve })).toBe(false); // not on the curve
    expect(await ecdsa.verify({ ...good, curve: 'p384' as NistCurve })).toBe(false); // not a curve checked here
    expect(await ecdsa.verify({ ...good, curve: 'toString' as NistCurve })).toBe(false); // not a curve at all
  });
});

describe('PrehashedEcdsa that cannot be trusted', () => {
  const request: EcdsaRequest = {
    curve: 'p256',
    signature: new Uint8Array(64).fill(1),
    digest: new Uint8Array(32),
    publicKey: new Uint8Array(65),
  };
  const fake = (verify: () => boolean): NistModule => ({ p256: { verify } });

  it('rejects every check when @noble/curves cannot be loaded', async () => {
    const e = new PrehashedEcdsa(() => Promise.reject(new Error('Cannot find module')));
    await e.warmUp(); // never rejects
    await expect(e.verify(request)).rejects.toThrow(/Cannot find module/);
  });

  it.each([
    ['accepts everything', () => true],
    ['refuses everything', () => false],
    [
      'throws',
      () => {
        throw new Error('broken');
      },
    ],
  ])('rejects every check when the curve code %s (the known-answer self-test)', async (_what, verify) => {
    const e = new PrehashedEcdsa(() => Promise.resolve(fake(verify)));
    await expect(e.verify(request)).rejects.toThrow(/self-test/);
  });

  it('rejects every check when the curve code ignores which key signed (the self-test: wrong key)', async () => {
    const { p256 } = await import('@noble/curves/nist.js');
    const self =
      '0474019f20a78eeb6ea3fb5c091b1595b40061bb0612d51fb889aa884f85ad1b569fa8079e7def26aa80735acfe32269458c2f0a734e11a90c7b2ad7a1e2909133';
    // Right about the digest, but blind to which key signed.
    const keyBlind = fake(((sig: Uint8Array, digest: Uint8Array) =>
      p256.verify(sig, digest, Buffer.from(self, 'hex'), { prehash: false, lowS: false })) as () => boolean);
    await expect(new PrehashedEcdsa(() => Promise.resolve(keyBlind)).verify(request)).rejects.toThrow(/self-test/);
  });
});

describe('checkSignature with an unusable PrehashedEcdsa', () => {
  let fx: PgpFixtures;
  beforeAll(async () => {
    fx = await sharedPgpFixtures();
  });
  afterAll(cleanupPgpFixtures);

  class Broken extends PrehashedEcdsa {
    asked = 0;
    override verify(): Promise<boolean> {
      this.asked++;
      return Promise.reject(new Error('@noble/curves failed its P-256 self-test'));
    }
  }

  it('falls back to openpgp.js: the same statuses as without it, good and bad', async () => {
    const keyring = await loadCustomKeyring(fx.keyrings.known);
    const broken = new Broken();
    const check = async (data: string, ecdsa: PrehashedEcdsa | null) => {
      const file = await parseSignatureFile(await readFile(fx.sigs.bySigner.p256)); // fresh packet for each run
      const hasher = new DataHasher(file.packets);
      hasher.update(await readFile(data));
      const packet = file.packets[0]!;
      return checkSignature(
        packet,
        (await hasher.finish()).digestFor(packet),
        keyring,
        new Date(),
        ecdsa ? new ValueConfirmer(ecdsa) : null,
      );
    };
    for (const [data, expected] of [
      [fx.data, 'valid'],
      [fx.other, 'bad'],
    ] as const) {
      const withBroken = await check(data, broken);
      expect(withBroken).toEqual(await check(data, null));
      expect(withBroken.status).toBe(expected);
    }
    // Over `data` it was asked and failed; over `other` the signed-hash prefix already ruled the signature out.
    expect(broken.asked).toBe(1);
  });
});

describe('the versions whose internals check-signature.ts relies on', () => {
  it('openpgp.js is 6.3.2 and @noble/curves 2.4.0 (re-check verifyAllButValue and the `hashed` hook before changing)', async () => {
    // check-signature.ts uses openpgp.js's private `verified` mark and `hashed` hook, and SignaturePacket.verify's
    // rule that a marked non-message signature skips only the public-key operation. An upgrade must re-read those.
    expect(openpgp.config.versionString).toBe('OpenPGP.js 6.3.2');
    const installed = JSON.parse(
      await readFile(join(import.meta.dirname, '../../node_modules/@noble/curves/package.json'), 'utf8'),
    ) as { version: string };
    expect(installed.version).toBe('2.4.0');
  });
});
