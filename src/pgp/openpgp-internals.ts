/**
 * The only file that touches openpgp.js internals: fields missing from its type declarations, private state, and
 * behaviour of its methods that is not documented. Every other file calls these functions and openpgp's public API.
 *
 * openpgp is pinned exactly (package.json: "openpgp": "6.3.2"), and each function names the code in
 * node_modules/openpgp/dist/node/openpgp.mjs it was read from. test/pgp/openpgp-internals.test.ts checks the version
 * and exercises every function on real keys and signatures: when an update moves one of these internals, that test
 * fails and says what to re-read here.
 */
import * as openpgp from 'openpgp';
import { PGP_CONFIG } from './config.js';

export const OPENPGP_VERSION_READ = '6.3.2';

/** A packet's or key's algorithm-specific fields (MPIs, points, curve OIDs), by openpgp.js's names. */
export type AlgorithmParams = Readonly<Record<string, unknown>>;

/** SignaturePacket.verify's `data` argument when the digest is given: null, so a hook that were ignored throws. */
const NO_DATA = null as unknown as object;

/**
 * openpgp.js's whole SignaturePacket.verify over a precomputed digest: `packet.hashed` is its own hook for one
 * (SignaturePacket.verify: `if (this.hashed) hash = await this.hashed`, the route of one-pass signatures,
 * OnePassSignaturePacket / createVerificationObjects). Throws as verify does.
 */
export async function verifyWithDigest(
  packet: openpgp.SignaturePacket,
  key: openpgp.AnyKeyPacket,
  digest: Uint8Array,
  date: Date,
): Promise<void> {
  const hooked = packet as unknown as { hashed?: Promise<Uint8Array> };
  hooked.hashed = Promise.resolve(digest);
  try {
    await packet.verify(key, packet.signatureType!, NO_DATA, date, true, PGP_CONFIG);
  } finally {
    delete hooked.hashed;
  }
}

/** openpgp.js's private symbol on a SignaturePacket: `const verified = Symbol('verified')`, set by its constructor. */
function verifiedMark(packet: openpgp.SignaturePacket): symbol | undefined {
  return Object.getOwnPropertySymbols(packet).find((s) => s.description === 'verified');
}

/** Whether the packet carries openpgp.js's `verified` mark, which verifyAllButValue needs. */
export const hasVerifiedMark = (packet: openpgp.SignaturePacket): boolean => verifiedMark(packet) !== undefined;

/**
 * SignaturePacket.verify minus the public-key operation, for a value already confirmed elsewhere: with the packet
 * marked `verified` and a non-message signature type, verify skips the value (`skipVerify = this[verified] &&
 * !isMessageSignature`) and runs only its issuer, algorithm, date, expiry, hash-policy and critical-subpacket checks.
 * The mark is removed afterwards. Throws as verify does (and when the packet has no mark: see hasVerifiedMark).
 */
export async function verifyAllButValue(
  packet: openpgp.SignaturePacket,
  key: openpgp.AnyKeyPacket,
  date: Date,
): Promise<void> {
  const mark = verifiedMark(packet);
  if (mark === undefined) throw new Error("openpgp.js's verified mark is missing from the signature packet");
  const marked = packet as unknown as Record<symbol, boolean | null>;
  marked[mark] = true;
  try {
    await packet.verify(key, openpgp.enums.signature.key, NO_DATA, date, true, PGP_CONFIG);
  } finally {
    marked[mark] = null;
  }
}

/**
 * Runs `job` with the packet naming `keyID` as its issuer, restored afterwards: SignaturePacket.verify first checks
 * `this.issuerKeyID.equals(key.getKeyID())` ("Signature was not issued by the given public key").
 */
export async function asIssuedBy<T>(
  packet: openpgp.SignaturePacket,
  keyID: openpgp.KeyID,
  job: () => Promise<T>,
): Promise<T> {
  const named = packet.issuerKeyID;
  packet.issuerKeyID = keyID;
  try {
    return await job();
  } finally {
    packet.issuerKeyID = named;
  }
}

/**
 * A signature's algorithm fields (`params`, not in the type declarations: SignaturePacket.read →
 * parseSignatureParams: RSA { s }, ECDSA and legacy EdDSA { r, s }, Ed25519 { RS }); null before they are read, or
 * while a signing still holds a promise there.
 */
export function signatureParams(packet: openpgp.SignaturePacket): AlgorithmParams | null {
  const params = (packet as unknown as { params?: unknown }).params;
  return params && typeof params === 'object' && !(params instanceof Promise) ? (params as AlgorithmParams) : null;
}

/**
 * A key packet's algorithm fields (`publicParams`, typed only `object`: PublicKeyPacket.read → parsePublicKeyParams:
 * RSA { n, e }, ECDSA and legacy EdDSA { oid, Q }, Ed25519 { A }).
 */
export const publicParams = (key: openpgp.AnyKeyPacket): AlgorithmParams => key.publicParams as AlgorithmParams;

/** The curve's openpgp.js name (`nistP256`, …) of an ECC key: publicParams.oid is an OID object (OID.getName). */
export function curveName(key: openpgp.AnyKeyPacket): string | null {
  const oid = publicParams(key)['oid'] as { getName?: () => string } | undefined;
  if (!oid || typeof oid.getName !== 'function') return null;
  try {
    return oid.getName();
  } catch {
    return null;
  }
}

/** A version 6 signature's salt (`salt`, not in the type declarations: set by SignaturePacket.read), else null. */
export const signatureSalt = (packet: openpgp.SignaturePacket): Uint8Array | null =>
  (packet as unknown as { salt?: Uint8Array | null }).salt ?? null;

/**
 * Parses a signature packet body with openpgp.js (SignaturePacket.read(bytes, config): the config argument is
 * missing from the type declarations), then points `signatureData` (the hashed fields, which read() takes as
 * `bytes.subarray(0, i)`) at the same bytes of `own`: the packet's own hashed bytes, whatever `parsed` changed in
 * them for openpgp.js's parser. Throws as read() does.
 */
export function readSignaturePacket(parsed: Uint8Array, own: Uint8Array): openpgp.SignaturePacket {
  const packet = new openpgp.SignaturePacket();
  (packet as unknown as { read(bytes: Uint8Array, config: openpgp.Config): void }).read(parsed, PGP_CONFIG);
  if (packet.signatureData) packet.signatureData = own.subarray(0, packet.signatureData.length);
  return packet;
}

/** An empty SignaturePacket with this `version` (typed number, but null in a new packet: its constructor). */
export function emptySignaturePacket(version: number | null): openpgp.SignaturePacket {
  const packet = new openpgp.SignaturePacket();
  (packet as unknown as { version: number | null }).version = version;
  return packet;
}

/**
 * A KeyID for 16 hex digits (all zeros for null). openpgp.js does not export its KeyID class (type/keyid.js; the
 * type declarations do): one is made from an instance's constructor and filled by KeyID.read.
 */
export function keyIDFromHex(template: openpgp.KeyID, hex: string | null): openpgp.KeyID {
  const KeyIDClass = template.constructor as new () => openpgp.KeyID & { read(bytes: Uint8Array): number };
  const id = new KeyIDClass();
  id.read(hex === null ? new Uint8Array(8) : new Uint8Array(Buffer.from(hex, 'hex')));
  return id;
}

/**
 * Every signature a key carries on itself: direct-key signatures (`directSignatures`, a PublicKey field missing from
 * the type declarations), key revocations, user certifications and revocations, subkey bindings and revocations.
 */
export function keySignatures(key: openpgp.PublicKey): openpgp.SignaturePacket[] {
  const direct = (key as unknown as { directSignatures: openpgp.SignaturePacket[] }).directSignatures;
  return [
    ...direct,
    ...key.revocationSignatures,
    ...key.users.flatMap((u) => [...u.selfCertifications, ...u.otherCertifications, ...u.revocationSignatures]),
    ...key.subkeys.flatMap((s) => [...s.bindingSignatures, ...s.revocationSignatures]),
  ];
}

/**
 * Forgets a revocation result openpgp.js cached on a signature: isDataRevoked (key/helper.js) sets
 * `signature.revoked = true` once any check finds it revoked, at whatever date, and never clears it.
 */
export function forgetRevocationResult(signature: openpgp.SignaturePacket): void {
  signature.revoked = null;
}

/**
 * Sets aside a designated-revoker subpacket (RFC 9580 §5.2.3.23): SignaturePacket.verify refuses any signature whose
 * `revocationKeyClass` is set ("This key is intended to be revoked with an authorized key, which OpenPGP.js does not
 * support"). The hashed bytes, over which the value is checked, are untouched. Returns the revoker's fingerprint
 * when the packet named one (possibly empty), null when it named none.
 */
export function setAsideDesignatedRevoker(signature: openpgp.SignaturePacket): Uint8Array | null {
  if (signature.revocationKeyClass === null || signature.revocationKeyClass === undefined) return null;
  const fingerprint = signature.revocationKeyFingerprint ?? new Uint8Array();
  signature.revocationKeyClass = null;
  return fingerprint;
}

/**
 * A key's packet structure as openpgp.js keeps it (Key, User and Subkey in openpgp.mjs): arrays of signatures that
 * trust/ merges copies into. `directSignatures`, `clone()` and the writable `mainKey` back-references are missing
 * from the type declarations.
 */
export interface KeyStructure {
  keyPacket: openpgp.PublicKeyPacket;
  revocationSignatures: openpgp.SignaturePacket[];
  directSignatures: openpgp.SignaturePacket[];
  users: UserStructure[];
  subkeys: SubkeyStructure[];
  write(): Uint8Array;
}
export interface UserStructure {
  userID: openpgp.UserIDPacket | null;
  userAttribute: (openpgp.BasePacket & { equals(o: unknown): boolean; write(): Uint8Array }) | null;
  mainKey: KeyStructure;
  selfCertifications: openpgp.SignaturePacket[];
  otherCertifications: openpgp.SignaturePacket[];
  revocationSignatures: openpgp.SignaturePacket[];
  clone(): UserStructure;
}
export interface SubkeyStructure {
  keyPacket: openpgp.PublicSubkeyPacket;
  mainKey: KeyStructure;
  bindingSignatures: openpgp.SignaturePacket[];
  revocationSignatures: openpgp.SignaturePacket[];
  getFingerprint(): string;
  clone(): SubkeyStructure;
}

/** The key's own structure (the same object: changes to it change the key). */
export const keyStructure = (key: openpgp.PublicKey): KeyStructure => key as unknown as KeyStructure;

/** Key.clone(): a copy whose packet arrays can be changed without touching `key`. */
export const cloneKeyStructure = (key: openpgp.PublicKey): KeyStructure =>
  (key as unknown as { clone(): KeyStructure }).clone();

/** A structure built by keyStructure/cloneKeyStructure, as the PublicKey it is. */
export const structureAsKey = (structure: KeyStructure): openpgp.PublicKey => structure as unknown as openpgp.PublicKey;

/**
 * SignaturePacket.verify with no date (its `date` argument null skips every creation and expiry check): whether
 * `signingKey` made `signature` over `data`, whatever the date. Throws as verify does.
 */
export async function verifyUndated(
  signature: openpgp.SignaturePacket,
  signingKey: openpgp.AnyKeyPacket,
  type: number,
  data: object,
): Promise<void> {
  await signature.verify(signingKey, type as never, data as never, null as unknown as Date, false, PGP_CONFIG);
}
