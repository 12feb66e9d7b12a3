/**
 * Signature VALUES checked faster than openpgp.js checks them over a digest we computed ourselves:
 *   - RSA (PKCS #1 v1.5, Electrum's main signers): node:crypto (OpenSSL) recovers the encoded digest from the
 *     signature (~0.1 ms; openpgp.js does the modular exponentiation in JavaScript BigInts, ~1.5–2 ms each);
 *   - ECDSA on the NIST curves (Electrum's P-256 signer): @noble/curves, see prehashed-ecdsa.ts.
 * These only CONFIRM. confirm() answers true only for a value that is right; anything else (another algorithm, an
 * unusual encoding, a wrong value, an error) answers false, and openpgp.js then checks the value itself, so a
 * problem here can cost time, never turn a bad signature into a good one. check-signature.ts decides what happens.
 */
import { constants, createPublicKey, publicDecrypt, type KeyObject } from 'node:crypto';
import * as openpgp from 'openpgp';
import { NIST_CURVES, type EcdsaRequest, type PrehashedEcdsa } from './prehashed-ecdsa.js';

/** DER DigestInfo prefixes (RFC 8017 §9.2, note 1): what PKCS #1 v1.5 puts before the digest. */
const DIGEST_INFO: ReadonlyMap<number, Buffer> = new Map([
  [openpgp.enums.hash.sha256, Buffer.from('3031300d060960864801650304020105000420', 'hex')],
  [openpgp.enums.hash.sha384, Buffer.from('3041300d060960864801650304020205000430', 'hex')],
  [openpgp.enums.hash.sha512, Buffer.from('3051300d060960864801650304020305000440', 'hex')],
]);

const RSA_SIGNING: ReadonlySet<number> = new Set([
  openpgp.enums.publicKey.rsaEncryptSign,
  openpgp.enums.publicKey.rsaSign,
]);

type Params = Record<string, unknown>;
const paramsOf = (packet: openpgp.SignaturePacket): Params | null => {
  const params = (packet as unknown as { params: unknown }).params;
  return params && typeof params === 'object' && !(params instanceof Promise) ? (params as Params) : null;
};
const bytes = (v: unknown): Uint8Array | null => (v instanceof Uint8Array ? v : null);

export class FastValues {
  private readonly rsaKeys = new WeakMap<object, KeyObject | null>();

  /** `ecdsa`: the loaded (or loading) @noble/curves checker, or null to leave ECDSA to openpgp.js. */
  constructor(readonly ecdsa: PrehashedEcdsa | null) {}

  /** true only when this signature's value over `digest` is right for `key`. */
  async confirm(packet: openpgp.SignaturePacket, key: openpgp.AnyKeyPacket, digest: Uint8Array): Promise<boolean> {
    if (packet.publicKeyAlgorithm !== key.algorithm) return false;
    if (RSA_SIGNING.has(key.algorithm)) return this.confirmRsa(packet, key, digest);
    const request =
      this.ecdsa && key.algorithm === openpgp.enums.publicKey.ecdsa ? ecdsaRequest(packet, key, digest) : null;
    return request && this.ecdsa ? this.ecdsa.verify(request).catch(() => false) : false;
  }

  /**
   * RSASSA-PKCS1-v1_5 by encode-and-compare (RFC 8017 §8.2.2): OpenSSL undoes the signature and checks the
   * 00 01 FF…FF 00 padding; what is left must be exactly DigestInfo(hash) ‖ digest.
   */
  private confirmRsa(packet: openpgp.SignaturePacket, key: openpgp.AnyKeyPacket, digest: Uint8Array): boolean {
    const prefix = packet.hashAlgorithm === null ? undefined : DIGEST_INFO.get(packet.hashAlgorithm);
    const s = bytes(paramsOf(packet)?.s);
    const n = bytes((key.publicParams as Params).n);
    const publicKey = this.rsaKey(key);
    if (!prefix || !s || !n || !publicKey || s.length > n.length || digest.length !== prefix[prefix.length - 1])
      return false;
    const padded = Buffer.alloc(n.length);
    padded.set(s, n.length - s.length);
    try {
      const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, padded);
      return recovered.equals(Buffer.concat([prefix, digest]));
    } catch {
      return false;
    }
  }

  private rsaKey(key: openpgp.AnyKeyPacket): KeyObject | null {
    if (!this.rsaKeys.has(key)) {
      const { n, e } = key.publicParams as Params;
      let made: KeyObject | null = null;
      if (n instanceof Uint8Array && e instanceof Uint8Array) {
        const b64 = (v: Uint8Array): string => Buffer.from(v).toString('base64url');
        try {
          made = createPublicKey({ key: { kty: 'RSA', n: b64(n), e: b64(e) }, format: 'jwk' });
        } catch {
          made = null;
        }
      }
      this.rsaKeys.set(key, made);
    }
    return this.rsaKeys.get(key) ?? null;
  }
}

/**
 * What PrehashedEcdsa needs for this signature, or null when it does not apply: not on a NIST curve, or a point or
 * scalar not in the plain fixed-size form (openpgp.js then decides, with its own errors).
 */
function ecdsaRequest(
  packet: openpgp.SignaturePacket,
  key: openpgp.AnyKeyPacket,
  digest: Uint8Array,
): EcdsaRequest | null {
  const { oid, Q } = key.publicParams as { oid?: { getName(): string }; Q?: unknown };
  const params = paramsOf(packet);
  const [r, s, point] = [bytes(params?.r), bytes(params?.s), bytes(Q)];
  if (!oid || !r || !s || !point) return null;
  let curveName: string;
  try {
    curveName = oid.getName();
  } catch {
    return null;
  }
  const curve = NIST_CURVES.get(curveName);
  if (
    !curve ||
    point.length !== 1 + 2 * curve.bytes ||
    point[0] !== 0x04 ||
    r.length > curve.bytes ||
    s.length > curve.bytes
  )
    return null;
  const signature = new Uint8Array(2 * curve.bytes);
  signature.set(r, curve.bytes - r.length);
  signature.set(s, 2 * curve.bytes - s.length);
  return { curve: curve.curve, signature, digest, publicKey: point };
}
