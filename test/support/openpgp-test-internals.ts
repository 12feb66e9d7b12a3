/**
 * The few openpgp.js internals that tests use to craft hostile or unusual packets, typed at this one place. Each is
 * present and public at runtime in openpgp 6.3.2 (node_modules/openpgp/dist/node/openpgp.mjs) but absent from, or
 * narrower in, its .d.ts. Library code must not use these; tests may, to build input no honest signer would make.
 */
import * as openpgp from 'openpgp';

/** KeyID.write(): the 8 key ID bytes (openpgp 6.3.2 `KeyID.write`, not in its .d.ts). */
export function keyIdBytes(id: openpgp.KeyID): Uint8Array {
  return (id as openpgp.KeyID & { write(): Uint8Array }).write();
}

/** LiteralDataPacket.setBytes(bytes, format) (openpgp 6.3.2: public at runtime, declared `private` in its .d.ts). */
export function setLiteralBytes(
  packet: openpgp.LiteralDataPacket,
  bytes: Uint8Array,
  format: openpgp.enums.literal,
): void {
  (packet as unknown as { setBytes(bytes: Uint8Array, format: openpgp.enums.literal): void }).setBytes(bytes, format);
}

/** A SignaturePacket with its writeHashedSubPackets() exposed, to replace it (openpgp 6.3.2 `SignaturePacket.writeHashedSubPackets`, not in its .d.ts). */
export type SignaturePacketWithHashedWriter = openpgp.SignaturePacket & { writeHashedSubPackets(): Uint8Array };
export const withHashedWriter = (packet: openpgp.SignaturePacket): SignaturePacketWithHashedWriter =>
  packet as SignaturePacketWithHashedWriter;

/**
 * The secret key packet of a private key or of one of its subkeys: openpgp 6.3.2 declares `keyPacket` as
 * PublicKeyPacket | SecretKeyPacket (Subkey: PublicSubkeyPacket | SecretSubkeyPacket) even on a PrivateKey.
 */
export function secretPacket(key: openpgp.PrivateKey): openpgp.SecretKeyPacket;
export function secretPacket(key: openpgp.PrivateKey | openpgp.Subkey): openpgp.AnySecretKeyPacket;
export function secretPacket(key: openpgp.PrivateKey | openpgp.Subkey): openpgp.AnySecretKeyPacket {
  return key.keyPacket as openpgp.AnySecretKeyPacket;
}

/**
 * SignaturePacket.sign(key, data, date, detached, config): openpgp 6.3.2 takes a 5th `config` argument and a `data`
 * object such as {key, bind} or {userID, key} for certifications; its .d.ts declares 4 arguments and Uint8Array data.
 */
export function signPacket(
  packet: openpgp.SignaturePacket,
  key: openpgp.AnySecretKeyPacket,
  data: object,
  date: Date,
  detached: boolean,
  config: openpgp.Config,
): Promise<void> {
  const sign = packet.sign as (
    this: openpgp.SignaturePacket,
    key: openpgp.AnySecretKeyPacket,
    data: object,
    date: Date,
    detached: boolean,
    config: openpgp.Config,
  ) => Promise<void>;
  return sign.call(packet, key, data, date, detached, config);
}

/**
 * Key flags as openpgp 6.3.2 itself stores them on a SignaturePacket: a number[] (it sets `[flags]` when generating
 * and parses `[...bytes]`), while its .d.ts declares `keyFlags: Uint8Array | null`.
 */
export const keyFlags = (...flags: number[]): Uint8Array => flags as unknown as Uint8Array;

/**
 * Bytes that openpgp 6.3.2 types as a possible stream but returns as a Uint8Array when its input was not a stream:
 * Signature.write() of a signature read from a string or bytes, unarmor(string).data.
 */
export const plainBytes = (bytes: openpgp.MaybeStream<Uint8Array>): Uint8Array => bytes as Uint8Array;
