/**
 * Bitcoin signed messages ("signmessage", legacy P2PKH form), as Electrum and Bitcoin Core verify them.
 *
 *   digest    = SHA-256(SHA-256("\x18Bitcoin Signed Message:\n" ‖ varint(len(message)) ‖ message))
 *   signature = 65 bytes: header ‖ r (32) ‖ s (32); header 27–30 = uncompressed key, 31–34 = compressed key,
 *               recovery id = (header − 27) & 3 (noble's recovery id is 0–3, never the header byte itself)
 *   address   = Base58Check(0x00 ‖ RIPEMD-160(SHA-256(recovered public key, compressed or not per the header)))
 *
 * The signature is good for an address when the key it recovers hashes to that address (Core's MessageVerify,
 * Electrum's verify_usermessage_with_address). High-S signatures are accepted, as Electrum does
 * (`enforce_low_s=False`): recovery with the flipped recovery id gives the same key. Headers 35–42 (BIP137
 * segwit address types) are refused: the pinned addresses are P2PKH.
 *
 * Pure: no I/O. Hostile input gives a status, never a throw.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, createBase58check } from '@scure/base';

const MAGIC = new TextEncoder().encode('\x18Bitcoin Signed Message:\n');
const base58check = createBase58check(sha256);

/** Bitcoin's CompactSize. */
function varint(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n);
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >>> 8);
  if (n <= 0xffffffff) return Uint8Array.of(0xfe, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  throw new RangeError('message too long');
}

/** The 32-byte digest that a Bitcoin signed message signs. */
export function messageDigest(message: Uint8Array): Uint8Array {
  const len = varint(message.length);
  const buf = new Uint8Array(MAGIC.length + len.length + message.length);
  buf.set(MAGIC, 0);
  buf.set(len, MAGIC.length);
  buf.set(message, MAGIC.length + len.length);
  return sha256(sha256(buf));
}

/** The P2PKH (mainnet, version byte 0x00) address of a public key. */
export function p2pkhAddress(publicKey: Uint8Array): string {
  const payload = new Uint8Array(21);
  payload.set(ripemd160(sha256(publicKey)), 1);
  return base58check.encode(payload);
}

export type RecoverResult =
  { ok: true; address: string; compressed: boolean; highS: boolean } | { ok: false; problem: string };

/** Decode a base64 signature strictly (padding and alphabet), or say why not. */
export function decodeSignature(text: string): Uint8Array | string {
  if (typeof text !== 'string' || text.length === 0 || text.length > 200)
    return 'the signature is not a short base64 string';
  try {
    return base64.decode(text);
  } catch {
    return 'the signature is not valid base64';
  }
}

/** Recover the signer's P2PKH address from a 65-byte compact signature over `message`. */
export function recoverAddress(message: Uint8Array, signature: Uint8Array): RecoverResult {
  if (signature.length !== 65)
    return { ok: false, problem: `the signature is ${signature.length} bytes; a Bitcoin message signature is 65` };
  const header = signature[0] as number;
  if (header < 27 || header > 34) {
    return { ok: false, problem: `header byte ${header} is not a P2PKH message signature (27–34)` };
  }
  const compressed = header >= 31;
  try {
    const sig = secp256k1.Signature.fromBytes(signature.subarray(1), 'compact').addRecoveryBit((header - 27) & 3);
    const key = sig.recoverPublicKey(messageDigest(message)).toBytes(compressed);
    return { ok: true, address: p2pkhAddress(key), compressed, highS: sig.hasHighS() };
  } catch (e) {
    // r or s out of 1..n-1, no curve point for r (and the recovery id), or the point at infinity.
    return { ok: false, problem: `no public key can be recovered from the signature (${(e as Error).message})` };
  }
}

export type MessageCheck =
  | { status: 'valid'; compressed: boolean; highS: boolean }
  | { status: 'bad'; recovered: string; problem: string }
  | { status: 'malformed'; problem: string }
  | { status: 'unsupported-address'; problem: string };

/** Valid results already computed in this process (the mark re-checks the signature just verified): key → result. */
const VALID = new Map<string, MessageCheck>();

/** Is `signatureBase64` a valid signature of `message` by `address` (Base58Check P2PKH)? */
export function verifyMessage(address: string, signatureBase64: string, message: string | Uint8Array): MessageCheck {
  const text = typeof message === 'string' ? message : null;
  const key = text === null ? null : `${address}\n${signatureBase64}\n${text}`;
  const known = key === null ? undefined : VALID.get(key);
  if (known !== undefined) return known;
  const result = verifyUncached(address, signatureBase64, message);
  if (key !== null && result.status === 'valid' && VALID.size < 16) VALID.set(key, result);
  return result;
}

function verifyUncached(address: string, signatureBase64: string, message: string | Uint8Array): MessageCheck {
  let payload: Uint8Array;
  try {
    payload = base58check.decode(address);
  } catch {
    return { status: 'unsupported-address', problem: `"${address.slice(0, 80)}" is not a Base58Check address` };
  }
  if (payload.length !== 21 || payload[0] !== 0x00) {
    return { status: 'unsupported-address', problem: 'only P2PKH (1…) addresses are supported for message signatures' };
  }
  const sig = decodeSignature(signatureBase64);
  if (typeof sig === 'string') return { status: 'malformed', problem: sig };
  const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : message;
  const r = recoverAddress(bytes, sig);
  if (!r.ok) return { status: 'malformed', problem: r.problem };
  if (r.address !== address) {
    return { status: 'bad', recovered: r.address, problem: `the signature was made by ${r.address}, not ${address}` };
  }
  return { status: 'valid', compressed: r.compressed, highS: r.highS };
}
