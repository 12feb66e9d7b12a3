/**
 * Judging one signature packet against the trusted keys, given the digest of the data it covers.
 *
 * The digest comes from DataHasher (one pass over the file for all signatures). openpgp.js then does
 * everything else exactly as in its own detached-verification path (message.js createVerificationObject):
 * the signed-hash prefix and the public-key operation (SignaturePacket.verify with a precomputed `hashed`
 * digest, the route openpgp.js uses for one-pass signatures), date and hash policy, critical subpackets,
 * "key newer than signature", and the signing key's validity (binding, back-signature, flags, expiry,
 * revocation) AT THE SIGNATURE'S CREATION TIME (getSigningKey).
 * One exception, for speed: a value that FastValues confirms (RSA through OpenSSL, NIST-curve ECDSA through
 * @noble/curves) is not checked again by openpgp.js's JavaScript code; openpgp.js still runs every other check on
 * that packet (verifyAllButValue). Anything FastValues does not confirm goes the usual way.
 */
import * as openpgp from 'openpgp';
import type { Keyring, TrustedKey } from '../trust/keyring.js';
import { PGP_CONFIG } from './config.js';
import { ALLOWED_DATA_HASHES, SUPPORTED_SIGNATURE_VERSIONS } from './data-digest.js';
import type { FastValues } from './fast-values.js';

export type SignatureStatus = 'valid' | 'bad' | 'unknown-key' | 'expired-key' | 'revoked-key' | 'rejected-algorithm' | 'malformed';

export interface FoundSignature {
  /** Issuer fingerprint (hashed subpacket) when present, else the 16-hex key ID; upper case. */
  issuer: string;
  /** Our name for the signer, or null for a key we do not trust. */
  signer: string | null;
  /** Primary fingerprint of the trusted key that holds the issuer (sub)key. */
  fingerprint: string | null;
  /** Fingerprint of the (sub)key that made the signature. */
  signingKey: string | null;
  status: SignatureStatus;
  created: string | null;
  hash: string | null;
  /** Why, in words, when status is not 'valid'; or a note on a valid one (e.g. key expired since). */
  detail: string | null;
  /** Set by the signer policy (trust/signer-policy.ts): whether this signature counts toward the requirement. */
  counted?: boolean;
  /** Set by the signer policy: why a trusted key's signature does not count (or a note on one that does), in words. */
  note?: string;
}

/** Signatures dated this far ahead of our clock are still accepted (clock skew). */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();
const isWildcard = (id: openpgp.KeyID): boolean => /^0+$/.test(id.toHex());

function hashName(packet: openpgp.SignaturePacket): string | null {
  if (packet.hashAlgorithm === null) return null;
  try {
    return openpgp.enums.read(openpgp.enums.hash, packet.hashAlgorithm).toUpperCase().replace(/^SHA/, 'SHA-');
  } catch {
    return `hash #${packet.hashAlgorithm}`;
  }
}

/**
 * The trusted (sub)key a signature names. The hashed issuer fingerprint, when present, decides (it is covered by
 * the signature); otherwise the 64-bit issuer key ID must equal a key's ID exactly. A wildcard (all-zero) key ID
 * names nobody: openpgp.js's getKeys() would match it to every key.
 */
export function findIssuer(keyring: Keyring, packet: openpgp.SignaturePacket): { trusted: TrustedKey; signing: openpgp.PublicKey | openpgp.Subkey } | null {
  const fingerprint = packet.issuerFingerprint ? hex(packet.issuerFingerprint) : null;
  if (fingerprint === null && isWildcard(packet.issuerKeyID)) return null;
  for (const trusted of keyring.keys) {
    for (const signing of [trusted.key, ...trusted.key.getSubkeys()]) {
      const match = fingerprint !== null ? signing.getFingerprint().toUpperCase() === fingerprint : signing.getKeyID().equals(packet.issuerKeyID);
      if (match) return { trusted, signing };
    }
  }
  return null;
}

/** Map openpgp.js's key-validity error messages onto the contract's statuses. */
function keyProblem(message: string): SignatureStatus {
  if (/revoked/i.test(message)) return 'revoked-key';
  if (/expired/i.test(message)) return 'expired-key';
  if (/too weak|insecure|not supported|is considered/i.test(message)) return 'rejected-algorithm';
  return 'bad';
}

/**
 * openpgp.js's whole SignaturePacket.verify over a precomputed digest. `hashed` is openpgp.js's own hook for a
 * precomputed digest (the one-pass-signature route); `data` is null, so if the hook were ever ignored the call
 * throws instead of passing.
 */
async function verifyWithDigest(packet: openpgp.SignaturePacket, key: openpgp.AnyKeyPacket, digest: Uint8Array, date: Date): Promise<void> {
  (packet as unknown as { hashed: Promise<Uint8Array> }).hashed = Promise.resolve(digest);
  try {
    await packet.verify(key, packet.signatureType!, null as unknown as object, date, true, PGP_CONFIG);
  } finally {
    delete (packet as unknown as { hashed?: unknown }).hashed;
  }
}

/** openpgp.js marks a packet whose value it has checked with a private symbol, found here by its description. */
const verifiedMark = (packet: openpgp.SignaturePacket): symbol | undefined =>
  Object.getOwnPropertySymbols(packet).find((s) => s.description === 'verified');

/**
 * The same SignaturePacket.verify, minus the public-key operation, for a value already confirmed by
 * FastValues: the packet is marked verified and passed as a non-message signature, which is openpgp.js's
 * own route for a cached check (it then runs only the issuer, algorithm, date, expiry, hash-policy and
 * critical-subpacket checks). The mark is removed afterwards.
 */
async function verifyAllButValue(packet: openpgp.SignaturePacket, key: openpgp.AnyKeyPacket, date: Date): Promise<void> {
  const mark = verifiedMark(packet)!;
  const marked = packet as unknown as Record<symbol, boolean | null>;
  marked[mark] = true;
  try {
    await packet.verify(key, openpgp.enums.signature.key, null as unknown as object, date, true, PGP_CONFIG);
  } finally {
    marked[mark] = null;
  }
}

/**
 * `fast`, when given, may confirm the signature value (RSA and NIST-curve ECDSA, see fast-values.ts); a value it
 * does not confirm goes through openpgp.js's own check, as without it.
 */
export async function checkSignature(
  packet: openpgp.SignaturePacket,
  digest: Uint8Array | null,
  keyring: Keyring,
  now: Date,
  fast: FastValues | null = null,
): Promise<FoundSignature> {
  const issuer = packet.issuerFingerprint ? hex(packet.issuerFingerprint) : packet.issuerKeyID.toHex().toUpperCase();
  const found: FoundSignature = {
    issuer,
    signer: null,
    fingerprint: null,
    signingKey: null,
    status: 'bad',
    created: packet.created ? packet.created.toISOString() : null,
    hash: hashName(packet),
    detail: null,
  };
  const fail = (status: SignatureStatus, detail: string): FoundSignature => Object.assign(found, { status, detail });

  const match = findIssuer(keyring, packet);
  if (!match) return fail('unknown-key', 'made by a key that is not trusted');
  found.signer = match.trusted.name;
  found.fingerprint = match.trusted.fingerprint;
  found.signingKey = match.signing.getFingerprint().toUpperCase();

  // The (unhashed) issuer key ID, when present, must name the same key as the hashed fingerprint.
  if (!isWildcard(packet.issuerKeyID) && !packet.issuerKeyID.equals(match.signing.getKeyID())) {
    return fail('bad', 'the issuer key ID does not match the issuer fingerprint');
  }
  if (!SUPPORTED_SIGNATURE_VERSIONS.has(packet.version)) return fail('malformed', `unsupported signature version ${packet.version}`);
  if (packet.signatureType !== openpgp.enums.signature.binary) {
    const kind = packet.signatureType === openpgp.enums.signature.text ? 'a text-mode (0x01) signature' : `a signature of type 0x${(packet.signatureType ?? 0).toString(16).padStart(2, '0')}`;
    return fail('bad', `${kind}; release files need a binary-document (0x00) signature`);
  }
  if (packet.hashAlgorithm === null || !ALLOWED_DATA_HASHES.has(packet.hashAlgorithm)) {
    return fail('rejected-algorithm', `${found.hash ?? 'its hash'} is not accepted for release files (only SHA-256, SHA-384, SHA-512)`);
  }
  if (!packet.created) return fail('malformed', 'the signature has no creation time');
  if (digest === null) return fail('malformed', 'no digest could be computed for this signature');

  // The signed-hash prefix (openpgp.js checks it first too), the public-key check over the one-pass digest, then
  // openpgp.js's date, hash and critical-subpacket checks.
  if (packet.signedHashValue?.[0] !== digest[0] || packet.signedHashValue?.[1] !== digest[1]) return fail('bad', 'does not match this file');
  // `fast` can only confirm: on "no" openpgp.js decides, with its own compatibility rules (e.g. it also accepts
  // ECDSA values made over a digest without its leading zero byte, from an old openpgp.js bug).
  const valueOk = fast !== null && verifiedMark(packet) !== undefined && (await fast.confirm(packet, match.signing.keyPacket, digest));
  try {
    const checkDate = new Date(now.getTime() + CLOCK_SKEW_MS);
    if (valueOk) await verifyAllButValue(packet, match.signing.keyPacket, checkDate);
    else await verifyWithDigest(packet, match.signing.keyPacket, digest, checkDate);
  } catch (e) {
    const message = (e as Error).message;
    if (/in the future/.test(message)) return fail('bad', `dated ${found.created} — in the future (check this computer's clock)`);
    if (/Insecure|hash algorithm/i.test(message)) return fail('rejected-algorithm', message);
    return fail('bad', /digest did not match|verification failed/i.test(message) ? 'does not match this file' : message);
  }

  if (match.signing.getCreationTime() > packet.created) return fail('bad', 'the signing key is newer than the signature');
  try {
    await match.trusted.key.getSigningKey(match.signing.getKeyID(), packet.created, undefined, PGP_CONFIG);
  } catch (e) {
    const message = (e as Error).message;
    return fail(keyProblem(message), `signing key not valid when it signed: ${message}`);
  }
  found.status = 'valid';
  try {
    await match.trusted.key.getSigningKey(match.signing.getKeyID(), now, undefined, PGP_CONFIG);
  } catch (e) {
    found.detail = `valid when made; the signing key is no longer valid today (${(e as Error).message})`;
  }
  return found;
}

/**
 * The part of checkSignature that does not depend on the data, started early so that it overlaps the hashing:
 * each signing key's self-signatures are checked now, one key after another (openpgp.js keeps each successful
 * check on the key, so later calls, at any date, find them done). Nothing is decided here: checkSignature asks
 * openpgp.js again, in its own order, and gets the same answers sooner.
 */
export function warmUpKeyChecks(packets: readonly openpgp.SignaturePacket[], keyring: Keyring, now: Date): void {
  const seen = new Set<openpgp.PublicKey | openpgp.Subkey>();
  const jobs: Array<() => Promise<unknown>> = [];
  for (const packet of packets) {
    const match = findIssuer(keyring, packet);
    if (!match || seen.has(match.signing)) continue;
    seen.add(match.signing);
    jobs.push(() => match.trusted.key.getSigningKey(match.signing.getKeyID(), now, undefined, PGP_CONFIG));
  }
  void (async () => {
    for (const job of jobs) await job().catch(() => undefined);
  })();
}

/** Whether any of these signatures is ECDSA (then PrehashedEcdsa is worth loading). */
export const usesEcdsa = (packets: readonly openpgp.SignaturePacket[]): boolean =>
  packets.some((p) => p.publicKeyAlgorithm === openpgp.enums.publicKey.ecdsa);
