/**
 * Signature values confirmed faster than openpgp.js checks them, over the digest we computed: RSA (PKCS #1 v1.5,
 * Electrum's main signers) by node:crypto (OpenSSL), ECDSA on NIST P-256 by @noble/curves (prehashed-ecdsa.ts).
 * Figures: BENCHMARKS.md. confirm() answers true only for a value that is right, false for anything else; why that
 * can never approve a bad signature is stated where the answer is used (check-signature.ts, `judge`).
 */
import { constants, createPublicKey, publicDecrypt, type KeyObject } from 'node:crypto';
import * as openpgp from 'openpgp';
import { curveName, publicParams, signatureParams } from './openpgp-internals.js';
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

const bytes = (v: unknown): Uint8Array | null => (v instanceof Uint8Array ? v : null);

/** Confirms signature values (RSA, P-256 ECDSA) faster than openpgp.js checks them; never refutes one. */
export class ValueConfirmer {
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
    const s = bytes(signatureParams(packet)?.['s']);
    const n = bytes(publicParams(key)['n']);
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
      const { n, e } = publicParams(key);
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
  const params = signatureParams(packet);
  const [r, s, point] = [bytes(params?.['r']), bytes(params?.['s']), bytes(publicParams(key)['Q'])];
  const name = curveName(key);
  if (name === null || !r || !s || !point) return null;
  const curve = NIST_CURVES.get(name);
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
