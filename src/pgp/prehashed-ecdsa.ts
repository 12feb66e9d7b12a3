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
 * everything else. If @noble/curves cannot be loaded or fails its known-answer self-test, verify() rejects and
 * the caller uses openpgp.js's own path: a problem here can cost time, never turn a bad signature into a good one.
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

type Curves = Record<NistCurve, { verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array, opts: object): boolean }>;

const OPTS = { prehash: false, lowS: false, format: 'compact' } as const;
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

async function loadCurves(): Promise<Curves> {
  const { p256, p384, p521 } = await import('@noble/curves/nist.js');
  const curves: Curves = { p256, p384, p521 };
  const { publicKey, digest, signature } = SELF_TEST;
  const flipped = fromHex(digest);
  flipped[31]! ^= 1;
  if (p256.verify(fromHex(signature), fromHex(digest), fromHex(publicKey), OPTS) !== true || p256.verify(fromHex(signature), flipped, fromHex(publicKey), OPTS) !== false) {
    throw new Error('@noble/curves failed its P-256 self-test');
  }
  return curves;
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
  private curves: Promise<Curves> | null = null;

  /** Load @noble/curves and run the self-test now; never rejects (a failure shows in verify()). */
  async warmUp(): Promise<void> {
    await this.load().catch(() => undefined);
  }

  /** true/false for the value check; rejects when the curve code is unusable. */
  async verify({ curve, signature, digest, publicKey }: EcdsaRequest): Promise<boolean> {
    const curves = await this.load();
    try {
      return curves[curve].verify(signature, digest, publicKey, OPTS) === true;
    } catch {
      return false;
    }
  }

  private load(): Promise<Curves> {
    return (this.curves ??= loadCurves());
  }
}
