/**
 * Judging one signature packet against the trusted keys, given the digest of the data it covers (DataHasher: one
 * pass over the file for all signatures). openpgp.js does the rest as in its own detached verification (message.js
 * createVerificationObject): hash prefix and value over that digest, date and hash policy, critical subpackets, and
 * the signing key's validity (binding, back-signature, flags, expiry, revocation) AT THE SIGNATURE'S CREATION TIME
 * (getSigningKey). A faster value check (ValueConfirmer) may confirm a value, never approve one: see `judge`, where
 * that is enforced. openpgp.js internals are reached only through openpgp-internals.ts.
 */
import * as openpgp from 'openpgp';
import type { Keyring, TrustedKey } from '../trust/keyring.js';
import { PGP_CONFIG } from './config.js';
import { ALLOWED_DATA_HASHES, SUPPORTED_SIGNATURE_VERSIONS } from './data-digest.js';
import type { ValueConfirmer } from './fast-values.js';
import {
  asIssuedBy,
  forgetRevocationResult,
  hasVerifiedMark,
  keySignatures,
  setAsideDesignatedRevoker,
  verifyAllButValue,
  verifyWithDigest,
} from './openpgp-internals.js';
import { formOf, malformedReason } from './signature-file.js';

/**
 * Per-signature statuses. Only `valid` can count. The others, in words (`detail` always says which case it is):
 *   - `bad`: the value or hash prefix does not match the data, or the packet is not a binary-document (0x00)
 *     signature, or its key is newer than it: evidence of tampering or of the wrong file when the key is trusted;
 *   - `malformed`: the packet breaks the format rules (packets.ts) or cannot be read; `signer` is set when its
 *     hashed area names a trusted key (then it is as serious as `bad`), null otherwise;
 *   - `unknown-key`: made by a key we do not trust (listed, otherwise ignored);
 *   - `expired-key`: the (sub)key had expired when it signed, or the signature's own expiration time has passed;
 *   - `revoked-key`: the key is hard-revoked (compromised / no reason: voids every signature), or was
 *     soft-revoked (superseded / retired) before it signed, or its designated revoker revoked it;
 *   - `rejected-algorithm`: a hash or key algorithm we do not accept (SHA-1, MD5, weak RSA, …);
 *   - `future`: dated beyond CLOCK_SKEW_MS ahead of our clock.
 * The last four are by a trusted key but cryptographically fine: not counted, and not evidence of tampering.
 */
export type SignatureStatus =
  'valid' | 'bad' | 'unknown-key' | 'expired-key' | 'revoked-key' | 'rejected-algorithm' | 'future' | 'malformed';

/** Statuses of a trusted key's signature that say nothing against the data (not counted, never fatal by themselves). */
export const NOT_COUNTED_STATUSES: ReadonlySet<SignatureStatus> = new Set([
  'expired-key',
  'revoked-key',
  'rejected-algorithm',
  'future',
]);

export interface FoundSignature {
  /** Issuer fingerprint when the signature names one (hashed area first), else the 16-hex key ID, else "none"; upper case. */
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
  /** Why, in words, when status is not 'valid' (always set then); or a note on a valid one (e.g. key expired since). */
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
const iso = (d: Date | null | undefined): string | null =>
  d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : null;

function hashName(packet: openpgp.SignaturePacket): string | null {
  if (packet.hashAlgorithm === null || packet.hashAlgorithm === undefined) return null;
  try {
    return openpgp.enums.read(openpgp.enums.hash, packet.hashAlgorithm).toUpperCase().replace(/^SHA/, 'SHA-');
  } catch {
    return `hash #${packet.hashAlgorithm}`;
  }
}

/**
 * The trusted (sub)key a signature names. The issuer is the one the HASHED area names when it names one (unhashed
 * issuer subpackets are only hints, used when it does not: see packets.ts). A fingerprint, when there is one,
 * decides; otherwise the 64-bit key ID must equal a key's ID exactly. A wildcard (all-zero) key ID names nobody:
 * openpgp.js's getKeys() would match it to every key.
 */
export function findIssuer(
  keyring: Keyring,
  packet: openpgp.SignaturePacket,
): { trusted: TrustedKey; signing: openpgp.PublicKey | openpgp.Subkey } | null {
  formOf(packet); // makes the packet's issuer fields say what its hashed area says
  const fingerprint = packet.issuerFingerprint ? hex(packet.issuerFingerprint) : null;
  if (fingerprint === null && (packet.issuerKeyID.toHex() === '' || isWildcard(packet.issuerKeyID))) return null;
  for (const trusted of keyring.keys) {
    for (const signing of [trusted.key, ...trusted.key.getSubkeys()]) {
      const match =
        fingerprint !== null
          ? signing.getFingerprint().toUpperCase() === fingerprint
          : signing.getKeyID().equals(packet.issuerKeyID);
      if (match) return { trusted, signing };
    }
  }
  return null;
}

/** The trusted (sub)key that one of these issuer claims names, exactly or by key ID (a fingerprint's key-ID part). */
function claimedTrusted(
  keyring: Keyring,
  claims: readonly string[],
): { trusted: TrustedKey; signing: openpgp.PublicKey | openpgp.Subkey } | null {
  for (const claim of claims) {
    const id = claim.length === 16 ? claim : claim.length === 64 ? claim.slice(0, 16) : claim.slice(-16);
    for (const trusted of keyring.keys) {
      for (const signing of [trusted.key, ...trusted.key.getSubkeys()]) {
        if (signing.getFingerprint().toUpperCase() === claim || signing.getKeyID().toHex().toUpperCase() === id)
          return { trusted, signing };
      }
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Key validity at a date, without state left over from another check.
//
// openpgp.js caches a self-signature's revocation state on the packet (see forgetRevocationResult). A subkey binding
// checked at "now" after a soft revocation (superseded / retired) is then "revoked" for a later check at the
// signature's own date too. So every check here clears those flags first, and checks of one key never interleave
// (they await each other).
// The cryptographic cache (a self-signature's value, checked once) is date-independent and is kept.

/** Designated revokers (RFC 9580 §5.2.3.23) named by each key's self-signatures, as 40/64-hex fingerprints. */
const designatedRevokers = new WeakMap<openpgp.PublicKey, Set<string>>();

/**
 * Before each check: forget cached revocation results, and take note of designated revokers. openpgp.js refuses
 * every self-signature that names a designated revoker ("intended to be revoked with an authorized key"), which
 * made such keys look revoked; naming a revoker is not a revocation, so the subpacket is set aside here (the
 * signature's value is checked over its raw hashed bytes, which this does not touch) and `revokedByDesignee`
 * judges revocations that revoker issued.
 */
function prepareKey(key: openpgp.PublicKey): void {
  const revokers = designatedRevokers.get(key) ?? new Set<string>();
  for (const s of keySignatures(key)) {
    forgetRevocationResult(s);
    const revoker = setAsideDesignatedRevoker(s);
    if (revoker !== null && revoker.length > 0) revokers.add(hex(revoker));
  }
  designatedRevokers.set(key, revokers);
}

const SOFT_REASONS: ReadonlySet<number> = new Set([
  openpgp.enums.reasonForRevocation.keySuperseded,
  openpgp.enums.reasonForRevocation.keyRetired,
]);

/**
 * A key revocation issued by a designated revoker that applies at `date` (a hard one always; a soft one when made
 * at or before `date`). We do not hold the revoker's key to check it, so such a revocation is taken as given: the
 * safe side (a signature by that key never counts), and what the key's owner asked for by naming the revoker.
 */
function revokedByDesignee(key: openpgp.PublicKey, date: Date): string | null {
  const revokers = designatedRevokers.get(key);
  if (!revokers || revokers.size === 0) return null;
  const own = key.getKeyID();
  for (const r of key.revocationSignatures) {
    if (r.issuerKeyID.equals(own)) continue; // the key's own revocations are openpgp.js's to judge
    const fpr = r.issuerFingerprint ? hex(r.issuerFingerprint) : null;
    const id = r.issuerKeyID.toHex().toUpperCase();
    const revoker = [...revokers].find(
      (rv) => rv === fpr || (id.length === 16 && (rv.endsWith(id) || rv.startsWith(id))),
    );
    if (revoker === undefined) continue;
    const soft = r.reasonForRevocationFlag !== null && SOFT_REASONS.has(r.reasonForRevocationFlag);
    if (!soft || (r.created !== null && r.created <= date)) return revoker;
  }
  return null;
}

const keyQueues = new WeakMap<openpgp.PublicKey, Promise<unknown>>();

/** Run `job` on `key` after every earlier job on it has finished. */
function serialized<T>(key: openpgp.PublicKey, job: () => Promise<T>): Promise<T> {
  const run = (keyQueues.get(key) ?? Promise.resolve()).then(job);
  keyQueues.set(
    key,
    run.catch(() => undefined),
  );
  return run;
}

/** openpgp.js's getSigningKey for this (sub)key at `date`, from a clean state (see above). Throws as it does. */
export function signingKeyAt(
  key: openpgp.PublicKey,
  keyID: openpgp.KeyID,
  date: Date,
): Promise<openpgp.PublicKey | openpgp.Subkey> {
  return serialized(key, async () => {
    prepareKey(key);
    const revoker = revokedByDesignee(key, date);
    if (revoker !== null) throw new Error(`the key was revoked by its designated revoker ${revoker}`);
    return key.getSigningKey(keyID, date, undefined, PGP_CONFIG);
  });
}

/** Map openpgp.js's key-validity error messages onto the contract's statuses. */
function keyProblem(message: string): SignatureStatus {
  if (/revoked/i.test(message) && !/authorized key/i.test(message)) return 'revoked-key';
  if (/expired/i.test(message)) return 'expired-key';
  if (/too weak|insecure|not supported|is considered/i.test(message)) return 'rejected-algorithm';
  return 'bad';
}

/** Whether the signature's hash prefix and value check out with `key` over `digest` (nothing else is judged). */
async function checksOutWith(
  packet: openpgp.SignaturePacket,
  key: openpgp.AnyKeyPacket,
  digest: Uint8Array,
  now: Date,
): Promise<boolean> {
  if (packet.signedHashValue?.[0] !== digest[0] || packet.signedHashValue?.[1] !== digest[1]) return false;
  // openpgp.js first checks that the packet names this key: make it, for this one call
  try {
    await asIssuedBy(packet, key.getKeyID(), () =>
      verifyWithDigest(packet, key, digest, new Date(now.getTime() + CLOCK_SKEW_MS)),
    );
    return true;
  } catch (e) {
    // a date, expiry or hash-policy refusal comes after the value check in openpgp.js: the value was fine
    return !/digest did not match|verification failed|not issued by|Public key algorithm/i.test((e as Error).message);
  }
}

/**
 * The signature packets whose data digest checkSignature needs: those whose issuer is a trusted key (findIssuer),
 * and those that only claim one (an unhashed hint under another hashed issuer: whether the value checks out with
 * the trusted key decides between unknown-key and a fatal malformed). Without a digest such a packet is malformed.
 */
export function needsDigest(keyring: Keyring, packet: openpgp.SignaturePacket): boolean {
  if (findIssuer(keyring, packet) !== null) return true;
  const form = formOf(packet);
  return (
    form.problem === null && malformedReason(packet) === null && claimedTrusted(keyring, form.unhashedClaims) !== null
  );
}

/**
 * `fast`, when given, may confirm the signature value (see `judge`); without it openpgp.js checks every value.
 * Never throws: whatever a hostile packet does is that signature's status (`malformed` at worst).
 */
export async function checkSignature(
  packet: openpgp.SignaturePacket,
  digest: Uint8Array | null,
  keyring: Keyring,
  now: Date,
  fast: ValueConfirmer | null = null,
): Promise<FoundSignature> {
  const found: FoundSignature = {
    issuer: 'none',
    signer: null,
    fingerprint: null,
    signingKey: null,
    status: 'malformed',
    created: null,
    hash: null,
    detail: null,
  };
  try {
    return await judge(packet, digest, keyring, now, fast, found);
  } catch (e) {
    return Object.assign(found, {
      status: 'malformed' as const,
      detail: `the signature could not be checked: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}

async function judge(
  packet: openpgp.SignaturePacket,
  digest: Uint8Array | null,
  keyring: Keyring,
  now: Date,
  fast: ValueConfirmer | null,
  found: FoundSignature,
): Promise<FoundSignature> {
  const fail = (status: SignatureStatus, detail: string): FoundSignature => Object.assign(found, { status, detail });
  const form = formOf(packet);
  found.issuer = form.issuerFingerprint ?? form.issuerKeyId ?? form.issuerClaims[0] ?? 'none';
  found.created = iso(form.created);
  found.hash = hashName(packet);

  const match = findIssuer(keyring, packet);
  // No trusted key is THE issuer, but the packet may still claim one: a fingerprint whose key-ID part is a trusted
  // key's (one damaged byte in a real signature's fingerprint, as gpgv reads it: by key ID), an issuer among
  // contradictory ones, or an UNHASHED hint naming a trusted key while the hashed area names someone else (gpgv
  // checks it with that key: BADSIG; fuzz s2027 cases 2042, 9037). That is a damaged packet by that key, not a
  // stranger's signature to ignore. A hashed issuer that IS a trusted key always decides (item 6): `match` first.
  const claimed = match ?? claimedTrusted(keyring, form.issuerClaims);
  const claimedInHashed =
    claimed !== null &&
    !match &&
    claimedTrusted(
      keyring,
      form.issuerClaims.filter((c) => !form.unhashedClaims.includes(c)),
    ) !== null;
  if (claimed) {
    found.signer = claimed.trusted.name;
    found.fingerprint = claimed.trusted.fingerprint;
    found.signingKey = claimed.signing.getFingerprint().toUpperCase();
  }
  const problem =
    malformedReason(packet) ??
    form.problem ??
    (claimed && !match
      ? claimedInHashed || form.issuerFrom !== 'hashed'
        ? `it names the issuer ${found.issuer}, which is not ${claimed.trusted.name}'s key although it claims its key ID`
        : `its hashed area names the issuer ${found.issuer}, its unhashed area ${claimed.trusted.name}'s key: a claim of ${claimed.trusted.name}'s key that does not check out`
      : null);
  if (
    problem !== null &&
    claimed &&
    !match &&
    !claimedInHashed &&
    form.issuerFrom === 'hashed' &&
    (malformedReason(packet) ?? form.problem) === null &&
    digest !== null
  ) {
    // Only an unhashed hint names the trusted key. If its value checks out with that key, the key's holder signed a
    // packet whose hashed area names another issuer: contradictory, so it does not count, but it is no evidence of
    // tampering (gpgv: GOODSIG) → treated as the stranger's it says it is (unknown-key), as before. If it does not
    // check out: a claim of the trusted key that fails (gpgv: BADSIG) → malformed, attributed to it.
    if (await checksOutWith(packet, claimed.signing.keyPacket, digest, now)) {
      Object.assign(found, { signer: null, fingerprint: null, signingKey: null });
      return fail(
        'unknown-key',
        `made for the issuer its hashed area names (${found.issuer}), a key that is not trusted (an unhashed hint names ${claimed.trusted.name}'s key); it does not count`,
      );
    }
  }
  if (problem !== null)
    return fail('malformed', claimed ? `malformed: ${problem}` : `malformed, and not by a trusted key: ${problem}`);
  if (!match) return fail('unknown-key', 'made by a key that is not trusted');

  if (!SUPPORTED_SIGNATURE_VERSIONS.has(packet.version))
    return fail('malformed', `malformed: unsupported signature version ${packet.version}`);
  // RFC 9580 §5.2.3: a version 4 key makes version 4 signatures, a version 6 key version 6 ones.
  const keyVersion = match.signing.keyPacket.version;
  if (packet.version !== keyVersion)
    return fail('malformed', `malformed: a version ${packet.version} signature by a version ${keyVersion} key`);
  if (packet.signatureType !== openpgp.enums.signature.binary) {
    const kind =
      packet.signatureType === openpgp.enums.signature.text
        ? 'a text-mode (0x01) signature'
        : `a signature of type 0x${(packet.signatureType ?? 0).toString(16).padStart(2, '0')}`;
    return fail('bad', `${kind}; release files need a binary-document (0x00) signature`);
  }
  // A designated-revoker subpacket (RFC 9580 §5.2.3.23) belongs on a key's self-signature; in a data signature it
  // means nothing (gpgv: GOODSIG). openpgp.js refuses any signature that carries one ("intended to be revoked with an
  // authorized key"), so it is set aside here, as prepareKey does for keys (the hashed bytes are untouched).
  setAsideDesignatedRevoker(packet);
  if (packet.hashAlgorithm === null || !ALLOWED_DATA_HASHES.has(packet.hashAlgorithm)) {
    return fail(
      'rejected-algorithm',
      `${found.hash ?? 'its hash'} is not accepted for release files (only SHA-256, SHA-384, SHA-512)`,
    );
  }
  const created = form.created;
  if (!created || !(packet.created instanceof Date) || packet.created.getTime() !== created.getTime()) {
    return fail('malformed', 'malformed: no single valid creation time');
  }
  if (digest === null) return fail('malformed', 'malformed: no digest could be computed for this signature');
  // OpenPGP times are 32-bit (RFC 9580 §3.5): an expiration that ends past 2106-02-07 cannot be a date. gpg adds it
  // in 32 bits, so the end wraps into the past and gpgv says EXPSIG (fuzz s2028 cases 12187, 19413: 0xFFFFFFFF
  // seconds). Never more lenient than the reference: such a signature does not count (not fatal: it says nothing
  // against the data).
  const expiresAfter = packet.signatureExpirationTime;
  if (typeof expiresAfter === 'number' && expiresAfter > 0 && created.getTime() / 1000 + expiresAfter > 0xffffffff) {
    return fail(
      'expired-key',
      `its expiration time (${expiresAfter} seconds after ${found.created}) lies past the end of OpenPGP time (2106), which gpg reads as already expired; it does not count`,
    );
  }

  // The signed-hash prefix (openpgp.js checks it first too), the public-key check over the one-pass digest, then
  // openpgp.js's date, hash and critical-subpacket checks.
  if (packet.signedHashValue?.[0] !== digest[0] || packet.signedHashValue?.[1] !== digest[1])
    return fail('bad', 'does not match this file');
  // The fast path can only confirm, never approve; this is where that is enforced. `fast.confirm` answers true only
  // for a value it has checked and found right (RSA by OpenSSL, P-256 by @noble/curves after its known-answer
  // self-test). Anything else (another algorithm or curve, an unusual encoding, a wrong value, an error, curve code
  // that failed to load or to pass its self-test) is false, and then openpgp.js checks the value itself, with its own
  // compatibility rules (e.g. it also accepts ECDSA values made over a digest without its leading zero byte, from an
  // old openpgp.js bug). Either way openpgp.js runs every other check on the packet (date, expiry, hash policy,
  // critical subpackets), and the key checks below follow. So a fault in the fast path can cost time, never turn a
  // bad signature into a good one.
  const valueOk =
    fast !== null && hasVerifiedMark(packet) && (await fast.confirm(packet, match.signing.keyPacket, digest));
  try {
    const checkDate = new Date(now.getTime() + CLOCK_SKEW_MS);
    if (valueOk) await verifyAllButValue(packet, match.signing.keyPacket, checkDate);
    else await verifyWithDigest(packet, match.signing.keyPacket, digest, checkDate);
  } catch (e) {
    const message = (e as Error).message;
    if (/in the future/.test(message))
      return fail(
        'future',
        `dated ${found.created}, more than ${CLOCK_SKEW_MS / 60_000} minutes ahead of this computer's clock (check the clock); it does not count`,
      );
    if (/Signature is expired/.test(message)) {
      return fail(
        'expired-key',
        `the signature itself expired (${iso(packet.getExpirationTime() as Date) ?? 'its expiration time has passed'}); it does not count`,
      );
    }
    if (/Insecure|hash algorithm/i.test(message)) return fail('rejected-algorithm', message);
    return fail(
      'bad',
      /digest did not match|verification failed/i.test(message) ? 'does not match this file' : message,
    );
  }

  if (match.signing.getCreationTime() > created) return fail('bad', 'the signing key is newer than the signature');
  try {
    await signingKeyAt(match.trusted.key, match.signing.getKeyID(), created);
  } catch (e) {
    const message = (e as Error).message;
    return fail(keyProblem(message), `signing key not valid when it signed: ${message}; it does not count`);
  }
  found.status = 'valid';
  try {
    await signingKeyAt(match.trusted.key, match.signing.getKeyID(), now);
  } catch (e) {
    found.detail = `valid when made; the signing key is no longer valid today (${(e as Error).message})`;
  }
  return found;
}

/**
 * The part of checkSignature that does not depend on the data, started early so that it overlaps the hashing:
 * each signing key's self-signatures are checked now, one key after another (openpgp.js keeps each successful
 * value check on the packet, so later calls, at any date, find them done). Nothing is decided here: checkSignature
 * asks again, at the dates it needs, from a clean state (signingKeyAt), and gets the same answers sooner.
 */
export function warmUpKeyChecks(packets: readonly openpgp.SignaturePacket[], keyring: Keyring, now: Date): void {
  const seen = new Set<openpgp.PublicKey | openpgp.Subkey>();
  const jobs: Array<() => Promise<unknown>> = [];
  for (const packet of packets) {
    const match = findIssuer(keyring, packet);
    if (!match || seen.has(match.signing)) continue;
    seen.add(match.signing);
    jobs.push(() => signingKeyAt(match.trusted.key, match.signing.getKeyID(), now));
  }
  void (async () => {
    for (const job of jobs) await job().catch(() => undefined);
  })();
}

/** Whether any of these signatures is ECDSA (then PrehashedEcdsa is worth loading). */
export const usesEcdsa = (packets: readonly openpgp.SignaturePacket[]): boolean =>
  packets.some((p) => p.publicKeyAlgorithm === openpgp.enums.publicKey.ecdsa);
