/**
 * Re-signing for the fuzzer: with the Ed25519 secret key of a fixture signer (exported from the throw-away
 * GNUPGHOME, kept in memory only, never written), a mutated signature packet gets a VALID signature value again.
 * So hashed-area oddities (two creation times, critical unknown subpackets, a hashed issuer naming another key,
 * odd lengths, expiry edge cases) reach the checks that follow the cryptography, where wrong "verified" answers hide.
 *
 * v4 EdDSA (algorithm 22, "legacy"): digest = H(data ‖ version..hashed area ‖ 0x04 0xFF ‖ length32), the Ed25519
 * signature is over the digest, and r, s are written as MPIs (RFC 4880bis / RFC 9580 §5.2.3.3 for the legacy form).
 */
import { createHash, createPrivateKey, sign as edSign, type KeyObject } from 'node:crypto';
import { encodeSubpackets, parsePackets, type SigV4 } from './packets.js';

export interface SecretEd25519 {
  /** 32-byte seed, hex */
  seed: string;
  /** 32-byte public key, hex */
  pub: string;
}

/** The Ed25519 seed and public key from an unprotected v4 secret-key packet (gpg --export-secret-keys, no passphrase). */
export function parseEd25519SecretKey(exported: Buffer): SecretEd25519 | null {
  const p = parsePackets(exported).packets[0];
  if (!p || p.tag !== 5) return null;
  const b = p.body;
  if (b[0] !== 4 || b[5] !== 22) return null;
  const oidLen = b[6] as number;
  let pos = 7 + oidLen;
  const pubBits = b.readUInt16BE(pos);
  const pubLen = (pubBits + 7) >> 3;
  const pub = b.subarray(pos + 2, pos + 2 + pubLen);
  pos += 2 + pubLen;
  if (b[pos] !== 0) return null; // protected: not what our fixtures make
  pos += 1;
  const secBits = b.readUInt16BE(pos);
  const secLen = (secBits + 7) >> 3;
  const sec = b.subarray(pos + 2, pos + 2 + secLen);
  if (pub[0] !== 0x40 || pub.length !== 33 || sec.length > 32) return null;
  const seed = Buffer.concat([Buffer.alloc(32 - sec.length), sec]);
  return { seed: seed.toString('hex'), pub: pub.subarray(1).toString('hex') };
}

const keys = new Map<string, KeyObject>();

function keyObject(k: SecretEd25519): KeyObject {
  let o = keys.get(k.seed);
  if (!o) {
    const b64u = (h: string): string => Buffer.from(h, 'hex').toString('base64url');
    o = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64u(k.seed), x: b64u(k.pub) }, format: 'jwk' });
    keys.set(k.seed, o);
  }
  return o;
}

const HASHES: Record<number, string> = { 2: 'sha1', 8: 'sha256', 9: 'sha384', 10: 'sha512', 11: 'sha224' };

function mpi(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  const bits = v.length === 0 ? 0 : (v.length - 1) * 8 + (32 - Math.clz32(v[0] as number));
  const h = Buffer.alloc(2);
  h.writeUInt16BE(bits);
  return Buffer.concat([h, v]);
}

/**
 * A v4 signature body over `data` with `sig`'s fields and subpackets, signed for real with `key` (its pkAlgo is set
 * to 22). `hashedRaw` replaces the encoded hashed area (odd framing, still signed). Null for a hash we cannot compute.
 */
export function resignV4(sig: SigV4, data: Buffer, key: SecretEd25519, hashedRaw?: Buffer): Buffer | null {
  const algo = HASHES[sig.hashAlgo];
  if (!algo) return null;
  const hashed = hashedRaw ?? encodeSubpackets(sig.hashed);
  if (hashed.length > 0xffff) return null;
  const head = Buffer.alloc(6);
  head[0] = 4;
  head[1] = sig.sigType;
  head[2] = 22;
  head[3] = sig.hashAlgo;
  head.writeUInt16BE(hashed.length, 4);
  const signedPart = Buffer.concat([head, hashed]);
  const trailer = Buffer.alloc(6);
  trailer[0] = 4;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(signedPart.length, 2);
  const digest = createHash(algo).update(data).update(signedPart).update(trailer).digest();
  const value = edSign(null, digest, keyObject(key));
  const unhashed = encodeSubpackets(sig.unhashed);
  const ul = Buffer.alloc(2);
  ul.writeUInt16BE(unhashed.length);
  return Buffer.concat([
    signedPart,
    ul,
    unhashed,
    digest.subarray(0, 2),
    mpi(value.subarray(0, 32)),
    mpi(value.subarray(32)),
  ]);
}
