/**
 * ECDSA on NIST P-256 over a precomputed digest, checked by @noble/curves: node:crypto cannot verify over a digest it
 * did not compute, and openpgp.js's bundled curve code pays a large set-up on first use (figures: BENCHMARKS.md).
 * Only @noble/curves' generic Weierstrass module is loaded, with the P-256 parameters below, and the known-answer
 * self-test runs one check per event-loop turn, in the gaps of the hashing. P-384 and P-521 (no Electrum signer uses
 * them) are left to openpgp.js. Only the VALUE is checked: u1·G + u2·Q has x ≡ r (mod n) (SEC 1 §4.1.4; the digest
 * truncated to the order's bit length, as openpgp.js and GnuPG do). If the curve code cannot load or fails its
 * self-test, verify() rejects and the value is not confirmed: why that is safe, see check-signature.ts `judge`.
 */

export type NistCurve = 'p256';

/** openpgp.js curve names → the curves checked here, with the scalar size in bytes. */
export const NIST_CURVES: ReadonlyMap<string, { curve: NistCurve; bytes: number }> = new Map([
  ['nistP256', { curve: 'p256', bytes: 32 }],
]);

/**
 * NIST P-256 (secp256r1) domain parameters: SEC 2 v2 §2.4.2, FIPS 186-4 D.1.2.3; the same values as
 * @noble/curves/nist.js (a unit test compares them). A wrong digit here fails the self-test: never a wrong answer.
 */
export const P256_PARAMS: Readonly<Record<'p' | 'n' | 'h' | 'a' | 'b' | 'Gx' | 'Gy', bigint>> = {
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  h: 1n,
  a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  Gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  Gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

/** Known answer: a P-256 signature (made with @noble/curves, RFC 6979) over SHA-256("hello"). */
const SELF_TEST = {
  publicKey:
    '0474019f20a78eeb6ea3fb5c091b1595b40061bb0612d51fb889aa884f85ad1b569fa8079e7def26aa80735acfe32269458c2f0a734e11a90c7b2ad7a1e2909133',
  digest: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  signature:
    'ac1d719177cb8ab3762aa170f0132643359f1b5de5549b17f2dd41244519c3cf4cd2d805215baf3783853ffc1632781263076f022b6fb6de93b641ff893ca708',
};

/** Another valid P-256 point (the base point G), for the self-test's wrong-key case. */
const OTHER_P256_KEY =
  '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5';

/** The curve code used (a test can hand in a broken one). */
export type NistModule = Record<
  NistCurve,
  { verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array, opts: object): boolean }
>;

const OPTS = { prehash: false, lowS: false, format: 'compact' } as const;
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

async function importP256(): Promise<NistModule> {
  const [{ weierstrass, ecdsa }, { sha256 }] = await Promise.all([
    import('@noble/curves/abstract/weierstrass.js'),
    import('@noble/hashes/sha2.js'),
  ]);
  return { p256: ecdsa(weierstrass(P256_PARAMS), sha256) };
}

/** One event-loop turn: lets the caller's I/O (reading and hashing the file) run between two self-test checks. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The known answers, one check per event-loop turn, so that they fit in the gaps of the hashing: the good
 * signature verifies; with a changed digest or another key it does not.
 */
async function selfTest(curves: NistModule): Promise<NistModule> {
  const verify = (sig: Uint8Array, digest: Uint8Array, key: Uint8Array): boolean => {
    try {
      return curves.p256.verify(sig, digest, key, OPTS) === true;
    } catch {
      return false;
    }
  };
  const [signature, digest, publicKey] = [
    fromHex(SELF_TEST.signature),
    fromHex(SELF_TEST.digest),
    fromHex(SELF_TEST.publicKey),
  ];
  const flipped = Uint8Array.from(digest);
  flipped[31]! ^= 1;
  const answers: Array<[Uint8Array, Uint8Array, Uint8Array, boolean]> = [
    [signature, digest, publicKey, true],
    [signature, flipped, publicKey, false],
    [signature, digest, fromHex(OTHER_P256_KEY), false],
  ];
  for (const [sig, dig, key, expected] of answers) {
    await nextTurn();
    if (verify(sig, dig, key) !== expected) throw new Error('@noble/curves failed its P-256 self-test');
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

/** Loads the curve code once (on warmUp() or the first verify()), then self-tests it before answering. */
export class PrehashedEcdsa {
  private loaded: Promise<NistModule> | null = null;
  private tested: Promise<NistModule> | null = null;

  constructor(private readonly importCurves: () => Promise<NistModule> = importP256) {}

  /**
   * Resolves once the curve code is loaded; the self-test then goes on in the background, one check per
   * event-loop turn. Never rejects: a failure shows in verify().
   */
  async warmUp(): Promise<void> {
    this.test().catch(() => undefined);
    await this.load().catch(() => undefined);
  }

  /** true when the value is right, false when it is not; rejects when the curve code is unusable. */
  async verify({ curve, signature, digest, publicKey }: EcdsaRequest): Promise<boolean> {
    const curves = await this.test();
    try {
      return Object.hasOwn(curves, curve) && curves[curve].verify(signature, digest, publicKey, OPTS) === true;
    } catch {
      return false;
    }
  }

  private load(): Promise<NistModule> {
    return (this.loaded ??= this.importCurves().then(({ p256 }) => ({ p256 })));
  }

  private test(): Promise<NistModule> {
    return (this.tested ??= this.load().then(selfTest));
  }
}
