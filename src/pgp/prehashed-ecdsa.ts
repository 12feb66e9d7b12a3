/**
 * ECDSA on the NIST curves over a precomputed digest, checked by @noble/curves.
 *
 * Why: node:crypto cannot verify an ECDSA signature over a digest it did not compute itself, so openpgp.js
 * falls back to the JavaScript curve code it bundles, whose first use is one ~45 ms block of set-up (it builds
 * large base-point tables). Electrum's cosigner signs with P-256, so every Electrum verification paid that.
 * @noble/curves 2.x needs no such tables (joint Strauss–Shamir multiplication): loading it and a first check cost
 * ~25 ms, and warmUp() lets the caller spend those while something else waits anyway — for a local file, while
 * the hash worker thread boots (~20 ms) before any data can be hashed (verify.ts).
 *
 * Only the signature VALUE is checked here: u1·G + u2·Q has x ≡ r (mod n) (SEC 1 §4.1.4; the digest is
 * truncated to the order's bit length, as openpgp.js and GnuPG do). check-signature.ts keeps openpgp.js for
 * everything else, and uses this only to CONFIRM: a value it does not confirm is judged by openpgp.js. If
 * @noble/curves cannot be loaded or fails its known-answer self-test, verify() rejects, with the same effect.
 * So a problem here can cost time, never turn a bad signature into a good one.
 */

export type NistCurve = 'p256' | 'p384' | 'p521';

/** openpgp.js curve names → @noble/curves exports, with each curve's scalar size in bytes. */
export const NIST_CURVES: ReadonlyMap<string, { curve: NistCurve; bytes: number }> = new Map([
  ['nistP256', { curve: 'p256', bytes: 32 }],
  ['nistP384', { curve: 'p384', bytes: 48 }],
  ['nistP521', { curve: 'p521', bytes: 66 }],
]);

/**
 * Known answer: a P-256 signature (made with @noble/curves, RFC 6979) over SHA-256("hello"). It must verify,
 * and must fail once one bit of the digest is flipped. Running it is also what warms the curve code up.
 */
const SELF_TEST = {
  publicKey:
    '0474019f20a78eeb6ea3fb5c091b1595b40061bb0612d51fb889aa884f85ad1b569fa8079e7def26aa80735acfe32269458c2f0a734e11a90c7b2ad7a1e2909133',
  digest: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  signature:
    'ac1d719177cb8ab3762aa170f0132643359f1b5de5549b17f2dd41244519c3cf4cd2d805215baf3783853ffc1632781263076f022b6fb6de93b641ff893ca708',
};

/** What is used of @noble/curves/nist.js (a test can hand in a broken one). */
export type NistModule = Record<NistCurve, { verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array, opts: object): boolean }>;

/** Another valid P-256 point (the base point G), for the self-test's wrong-key case. */
const OTHER_P256_KEY =
  '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5';

const OPTS = { prehash: false, lowS: false, format: 'compact' } as const;
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

const importNist = (): Promise<NistModule> => import('@noble/curves/nist.js');

/** Load, then require the known answers: the good signature verifies; a changed digest, key or r/s order does not. */
async function loadCurves(load: () => Promise<NistModule>): Promise<NistModule> {
  const { p256, p384, p521 } = await load();
  const verify = (sig: Uint8Array, digest: Uint8Array, key: Uint8Array): boolean => {
    try {
      return p256.verify(sig, digest, key, OPTS) === true;
    } catch {
      return false;
    }
  };
  const [signature, digest, publicKey] = [fromHex(SELF_TEST.signature), fromHex(SELF_TEST.digest), fromHex(SELF_TEST.publicKey)];
  const flipped = Uint8Array.from(digest);
  flipped[31]! ^= 1;
  const swapped = new Uint8Array([...signature.subarray(32), ...signature.subarray(0, 32)]);
  const passed =
    verify(signature, digest, publicKey) &&
    !verify(signature, flipped, publicKey) &&
    !verify(signature, digest, fromHex(OTHER_P256_KEY)) &&
    !verify(swapped, digest, publicKey);
  if (!passed) throw new Error('@noble/curves failed its P-256 self-test');
  return { p256, p384, p521 };
}

export interface EcdsaRequest {
  curve: NistCurve;
  /** r ‖ s, each left-padded to the curve's scalar size. */
  signature: Uint8Array;
  digest: Uint8Array;
  /** Uncompressed SEC 1 point: 0x04 ‖ x ‖ y. */
  publicKey: Uint8Array;
}

/** Loads the curve code once (on warmUp() or the first verify()). */
export class PrehashedEcdsa {
  private curves: Promise<NistModule> | null = null;

  constructor(private readonly importCurves: () => Promise<NistModule> = importNist) {}

  /** Load @noble/curves and run the self-test now; never rejects (a failure shows in verify()). */
  async warmUp(): Promise<void> {
    await this.load().catch(() => undefined);
  }

  /** true when the value is right, false when it is not; rejects when the curve code is unusable. */
  async verify({ curve, signature, digest, publicKey }: EcdsaRequest): Promise<boolean> {
    const curves = await this.load();
    try {
      return Object.hasOwn(curves, curve) && curves[curve].verify(signature, digest, publicKey, OPTS) === true;
    } catch {
      return false;
    }
  }

  private load(): Promise<NistModule> {
    return (this.curves ??= loadCurves(this.importCurves));
  }
}
