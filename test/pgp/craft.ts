/**
 * Hand-built signature packets for the hardening tests: every byte of the hashed and unhashed areas is chosen by
 * the test, and the signature value is made for real (Ed25519 through node:crypto) over exactly those bytes, so a
 * packet is cryptographically good unless the test says otherwise. Keys are made by openpgp.js during the run.
 *   - v4 packets by an EdDSA-legacy key (algorithm 22, the one gpg 2.2 reads, so gpgv can judge them too);
 *   - v4 or v6 packets by an Ed25519 key (algorithm 27), e.g. a v6 signature by a v4 key;
 *   - v4 or v6 packets by a P-256 ECDSA key (algorithm 19: the value ValueConfirmer can confirm), via @noble/curves.
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import * as openpgp from 'openpgp';
import { keyIdBytes } from '../support/openpgp-test-internals.js';

export const SHA512 = 10;

/** One subpacket: length, type (high bit = critical), body. */
export function sub(type: number, body: Uint8Array | number[], critical = false): Uint8Array {
  const b = Uint8Array.from(body);
  const len = b.length + 1;
  const head = len < 192 ? [len] : [((len - 192) >> 8) + 192, (len - 192) & 0xff];
  return Uint8Array.from([...head, (critical ? 0x80 : 0) | type, ...b]);
}

const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
export const created = (date: Date, bytes = 4): Uint8Array => {
  const v = Math.floor(date.getTime() / 1000);
  const body = bytes === 4 ? u32(v) : [...new Array(bytes - 4).fill(0), ...u32(v)];
  return sub(2, body);
};
export const issuerFpr = (key: openpgp.PublicKey | openpgp.Subkey, critical = false): Uint8Array =>
  sub(33, [key.keyPacket.version, ...key.keyPacket.getFingerprintBytes()!], critical);
export const issuerId = (key: openpgp.PublicKey | openpgp.Subkey): Uint8Array => sub(16, keyIdBytes(key.getKeyID()));
export const wildcardId = (): Uint8Array => sub(16, new Uint8Array(8));

export interface CraftOptions {
  /** the key whose secret signs (primary or subkey of a private key) */
  signer: openpgp.PrivateKey | openpgp.Subkey;
  data: Uint8Array;
  /** hashed subpackets (default: creation time now, issuer fingerprint of the signer) */
  hashed?: Uint8Array[];
  /** unhashed subpackets (default: the signer's issuer key ID) */
  unhashed?: Uint8Array[];
  /** packet version (default: the key's) */
  version?: 4 | 6;
  /** v6 salt (default: 32 random bytes for SHA-512) */
  salt?: Uint8Array;
  /** added to the unhashed area's length field (e.g. -1: understated by one) */
  unhashedLengthDelta?: number;
  signatureType?: number;
}

const cat = (...parts: ArrayLike<number>[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...Array.from(p)]));

function lengthField(n: number, version: number): number[] {
  return version === 6 ? u32(n) : [(n >> 8) & 0xff, n & 0xff];
}

function mpi(bytes: Uint8Array): number[] {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = bytes.subarray(i);
  const bits = b.length === 0 ? 0 : (b.length - 1) * 8 + (32 - Math.clz32(b[0]!));
  return [(bits >> 8) & 0xff, bits & 0xff, ...b];
}

/** A signature packet BODY (no packet header), signed over `data` with the chosen areas. */
export function craftBody(o: CraftOptions): Uint8Array {
  const keyPacket = o.signer.keyPacket as unknown as {
    version: number;
    algorithm: number;
    publicParams: { A?: Uint8Array; Q?: Uint8Array };
    privateParams: { seed?: Uint8Array; d?: Uint8Array };
  };
  const version = o.version ?? (keyPacket.version as 4 | 6);
  const algo = keyPacket.algorithm;
  if (algo !== 22 && algo !== 27 && algo !== 19) throw new Error(`craft: algorithm ${algo} not supported`);
  const signerKey = o.signer as unknown as openpgp.PublicKey;
  const hashed = cat(...(o.hashed ?? [created(new Date()), issuerFpr(signerKey)]));
  const unhashed = cat(...(o.unhashed ?? [issuerId(signerKey)]));
  const signatureData = cat([version, o.signatureType ?? 0, algo, SHA512], lengthField(hashed.length, version), hashed);
  const salt =
    version === 6 ? (o.salt ?? new Uint8Array(createHash('sha256').update(signatureData).digest())) : new Uint8Array();
  const trailer = [version, 0xff, ...u32(signatureData.length)];
  const digest = createHash('sha512')
    .update(salt)
    .update(o.data)
    .update(signatureData)
    .update(Uint8Array.from(trailer))
    .digest();
  let value: number[];
  if (algo === 19) {
    // ECDSA (P-256 keys only here) over the digest itself, as OpenPGP does: r and s as MPIs
    const rs = p256.sign(new Uint8Array(digest), keyPacket.privateParams.d!, {
      prehash: false,
      lowS: true,
      format: 'compact',
    });
    value = [...mpi(rs.subarray(0, 32)), ...mpi(rs.subarray(32))];
  } else {
    const A = algo === 22 ? keyPacket.publicParams.Q!.subarray(1) : keyPacket.publicParams.A!;
    const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
    const priv = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: b64(keyPacket.privateParams.seed!), x: b64(A) },
      format: 'jwk',
    });
    const rs = new Uint8Array(sign(null, digest, priv));
    value = algo === 22 ? [...mpi(rs.subarray(0, 32)), ...mpi(rs.subarray(32))] : [...rs];
  }
  return cat(
    signatureData,
    lengthField(unhashed.length + (o.unhashedLengthDelta ?? 0), version),
    unhashed,
    digest.subarray(0, 2),
    version === 6 ? [salt.length, ...salt] : [],
    value,
  );
}

/** New-format packet framing (tag 2). */
export function frame(body: Uint8Array, tag = 2): Uint8Array {
  const n = body.length;
  const len = n < 192 ? [n] : n < 8384 ? [((n - 192) >> 8) + 192, (n - 192) & 0xff] : [255, ...u32(n)];
  return cat([0xc0 | tag], len, body);
}

/** Legacy-format framing with an indeterminate length (RFC 9580 §4.2.2.4). */
export function frameIndeterminate(body: Uint8Array, tag = 2): Uint8Array {
  return cat([0x80 | (tag << 2) | 3], body);
}

/**
 * Armored with the CRC-24 line, as gpg writes real .asc files: gpgv 2.2 misreads an armor without a CRC whose base64
 * ends on a full line with no padding (GnuPG T7071), about 1 signature in 60, which made the gpgv oracle flaky.
 */
export const armorSig = (bytes: Uint8Array): string =>
  openpgp.armor(openpgp.enums.armor.signature, bytes, undefined, undefined, undefined, true);

export async function p256Key(name: string, opts: { v6?: boolean } = {}): Promise<openpgp.PrivateKey> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'nistP256',
    userIDs: [{ name }],
    format: 'object',
    config: { ...openpgp.config, v6Keys: opts.v6 === true },
  });
  return privateKey;
}

export async function edKey(
  name: string,
  opts: { legacy?: boolean; v6?: boolean; date?: Date } = {},
): Promise<openpgp.PrivateKey> {
  const { privateKey } = await openpgp.generateKey({
    type: opts.legacy === false || opts.v6 ? 'curve25519' : 'ecc',
    ...(opts.legacy === false || opts.v6 ? {} : { curve: 'curve25519Legacy' as const }),
    userIDs: [{ name }],
    format: 'object',
    ...(opts.date ? { date: opts.date } : {}),
    config: { ...openpgp.config, v6Keys: opts.v6 === true },
  });
  return privateKey;
}
