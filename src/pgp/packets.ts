/**
 * Reading OpenPGP packet framing and signature subpackets ourselves (RFC 9580 §4.2, §5.2.3), before openpgp.js
 * sees anything, so that
 *   - one hostile packet is that packet's problem (openpgp.js stops at the first error in a packet list);
 *   - the rules where openpgp.js is more lenient than RFC 9580 and gpgv hold (see `inspectSignature`);
 *   - the issuer is taken from the HASHED area when it names one (openpgp.js lets an unhashed subpacket, which
 *     anyone can add to a real signature, override it).
 * Nothing here decides validity: it only finds what is wrong with a packet's form.
 */

export interface RawPacket {
  readonly tag: number;
  readonly body: Uint8Array;
}

export interface PacketStream {
  readonly packets: readonly RawPacket[];
  /** Why the framing could not be read past the last packet returned, or null when it was read to the end. */
  readonly error: string | null;
  /** The tag of the packet whose framing failed, when its header byte could be read. */
  readonly errorTag: number | null;
  /** The offset of the packet whose framing failed (its header byte), or null. */
  readonly errorAt: number | null;
}

/**
 * Split a binary packet stream. Refused (the rest of the stream is unreadable): a header byte without its high
 * bit, a truncated length or body, partial body lengths (RFC 9580 §4.2.1.4: only for data packets), and legacy
 * packets of indeterminate length (§4.2.2.4: "extends until the end of the file", never needed for a signature or
 * key, and gpgv refuses it in a signature file too).
 */
export function splitPackets(bytes: Uint8Array): PacketStream {
  const packets: RawPacket[] = [];
  let i = 0;
  const fail = (error: string, tag: number | null): PacketStream => ({ packets, error, errorTag: tag, errorAt: i });
  while (i < bytes.length) {
    const h = bytes[i]!;
    if ((h & 0x80) === 0) return fail(`byte ${i}: not an OpenPGP packet header`, null);
    let tag: number;
    let len: number;
    let at = i + 1;
    const need = (n: number): boolean => at + n <= bytes.length;
    if (h & 0x40) {
      tag = h & 0x3f;
      if (!need(1)) return fail(`byte ${i}: truncated packet length`, tag);
      const l0 = bytes[at]!;
      if (l0 < 192) {
        len = l0;
        at += 1;
      } else if (l0 < 224) {
        if (!need(2)) return fail(`byte ${i}: truncated packet length`, tag);
        len = ((l0 - 192) << 8) + bytes[at + 1]! + 192;
        at += 2;
      } else if (l0 === 255) {
        if (!need(5)) return fail(`byte ${i}: truncated packet length`, tag);
        len = Buffer.from(bytes.subarray(at + 1, at + 5)).readUInt32BE(0);
        at += 5;
      } else {
        return fail(`byte ${i}: a partial body length, which only data packets may use`, tag);
      }
    } else {
      tag = (h >> 2) & 0x0f;
      const type = h & 0x03;
      if (type === 3) return fail(`byte ${i}: a legacy packet of indeterminate length`, tag);
      const n = [1, 2, 4][type]!;
      if (!need(n)) return fail(`byte ${i}: truncated packet length`, tag);
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + bytes[at + k]!;
      at += n;
    }
    if (tag === 0) return fail(`byte ${i}: packet tag 0 is reserved`, tag);
    if (at + len > bytes.length)
      return fail(`byte ${i}: the packet is truncated (${len} bytes announced, ${bytes.length - at} present)`, tag);
    packets.push({ tag, body: bytes.subarray(at, at + len) });
    i = at + len;
  }
  return { packets, error: null, errorTag: null, errorAt: null };
}

export interface Subpacket {
  readonly type: number;
  readonly critical: boolean;
  readonly body: Uint8Array;
}

class FormError extends Error {}

/** One subpacket area: its length field, then subpackets that must fill it exactly. Returns the end offset. */
function readArea(bytes: Uint8Array, start: number, lengthBytes: number, name: string, out: Subpacket[]): number {
  if (start + lengthBytes > bytes.length) throw new FormError(`the ${name} subpacket area is truncated`);
  let size = 0;
  for (let k = 0; k < lengthBytes; k++) size = size * 256 + bytes[start + k]!;
  const begin = start + lengthBytes;
  const end = begin + size;
  if (end > bytes.length) throw new FormError(`the ${name} subpacket area runs past the end of the packet`);
  let i = begin;
  while (i < end) {
    const l0 = bytes[i]!;
    let len: number;
    if (l0 < 192) {
      len = l0;
      i += 1;
    } else if (l0 < 255) {
      if (i + 2 > end) throw new FormError(`a ${name} subpacket length runs past the end of its area`);
      len = ((l0 - 192) << 8) + bytes[i + 1]! + 192;
      i += 2;
    } else {
      if (i + 5 > end) throw new FormError(`a ${name} subpacket length runs past the end of its area`);
      len = Buffer.from(bytes.subarray(i + 1, i + 5)).readUInt32BE(0);
      i += 5;
    }
    if (len === 0) throw new FormError(`a ${name} subpacket has no type`);
    if (i + len > end)
      throw new FormError(`a ${name} subpacket runs past the end of its area (the area length is wrong)`);
    out.push({ type: bytes[i]! & 0x7f, critical: (bytes[i]! & 0x80) !== 0, body: bytes.subarray(i + 1, i + len) });
    i += len;
  }
  return end;
}

/** RFC 9580 Table 23: the salt size a v6 signature must carry for each hash. */
const SALT_BYTES: ReadonlyMap<number, number> = new Map([
  [8, 16], // SHA-256
  [9, 24], // SHA-384
  [10, 32], // SHA-512
  [11, 16], // SHA-224
  [12, 16], // SHA3-256
  [14, 32], // SHA3-512
]);

const SUB = {
  created: 2,
  expires: 3,
  issuer: 16,
  notation: 20,
  signersUserId: 28,
  embedded: 32,
  issuerFingerprint: 33,
} as const;

/**
 * Subpackets a data signature may mark critical: the ones this tool acts on (creation and expiration time, issuer).
 * RFC 9580 §5.2.3.7: a critical subpacket the evaluator does not handle makes the signature "in error". We never
 * act on a Signer's User ID (names come from the pinned table) nor on notations, policies, etc., so a signer who
 * marks one critical demands something we do not do: not valid (gpgv says BAD for a critical Signer's User ID too).
 */
const CRITICAL_OK: ReadonlySet<number> = new Set([SUB.created, SUB.expires, SUB.issuer, SUB.issuerFingerprint]);

/**
 * Subpacket types that may carry the critical bit in the UNHASHED area (fuzz decision, seed 2027): the types RFC 9580
 * defines and gpgv handles when critical (creation and expiration times, exportable, trust, regular expression,
 * revocable, key expiration, preferences, designated revoker, issuer key ID and fingerprint, key server, primary
 * User ID, policy URI, key flags, reason for revocation, features, embedded signature). RFC 9580 §5.2.3.7 makes only
 * an UNKNOWN critical subpacket an error; we act on nothing in the unhashed area but issuer hints, and gpgv says
 * GOODSIG for all of these. Unknown types, notations and the Signer's User ID stay errors there (item 11; gpgv: BADSIG).
 */
const UNHASHED_CRITICAL_KNOWN: ReadonlySet<number> = new Set([
  2, 3, 4, 5, 6, 7, 9, 11, 12, 16, 21, 22, 23, 24, 25, 26, 27, 29, 30, 32, 33,
]);

export interface SignatureForm {
  readonly version: number;
  /** What is wrong with the packet's form, or null. */
  readonly problem: string | null;
  /** The issuer as decided: the hashed area's when it names one, else the unhashed hints. Upper-case hex. */
  readonly issuerFingerprint: string | null;
  readonly issuerKeyId: string | null;
  /** Where the issuer came from. */
  readonly issuerFrom: 'hashed' | 'unhashed' | null;
  /**
   * Every fingerprint and key ID the deciding area names (the hashed one when it names any, else the unhashed one),
   * also when they contradict each other or the packet is otherwise broken: a packet that claims a trusted key in
   * any of them is that key's problem, never a stranger's to ignore.
   */
  readonly issuerClaims: readonly string[];
  /** The one hashed creation time, when it is well formed. */
  readonly created: Date | null;
  /**
   * Every well-formed fingerprint and non-wildcard key ID the UNHASHED area names (empty when it cannot be read).
   * checkSignature uses them only when the hashed issuer is not a trusted key: an unhashed hint naming a trusted key
   * then is a claim of that key that does not check out (gpgv checks it with that key: BADSIG).
   */
  readonly unhashedClaims: readonly string[];
  /**
   * Subpacket type bytes (offsets in the body) that openpgp.js must not parse: embedded signatures in a data
   * signature (meaningless there; openpgp.js throws on junk ones, gpgv ignores them). See `forOpenpgp`.
   */
  readonly ignoredAt: readonly number[];
  /**
   * True when `issuerClaims` were found only by the lenient reader (the packet could not be read strictly): they
   * attribute the packet, but do not make the file "name a signer" (parseSignatureFile's whole-file rule).
   */
  readonly claimsLenient?: boolean;
}

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

interface Issuer {
  fpr: string | null;
  keyId: string | null;
  problem: string | null;
}

/** Every well-formed issuer fingerprint and non-wildcard key ID in one area, in order. */
function claimsOf(subs: readonly Subpacket[]): string[] {
  const out: string[] = [];
  for (const s of subs) {
    if (s.type === SUB.issuerFingerprint && (s.body.length === 21 || s.body.length === 33))
      out.push(hexOf(s.body.subarray(1)));
    else if (s.type === SUB.issuer && s.body.length === 8 && s.body.some((b) => b !== 0)) out.push(hexOf(s.body));
  }
  return [...new Set(out)];
}

/** The issuer named by one area: fingerprints and key IDs must all agree. */
function issuerOf(subs: readonly Subpacket[], version: number, area: string): Issuer {
  const fprs = new Set<string>();
  const ids = new Set<string>();
  for (const s of subs) {
    if (s.type === SUB.issuerFingerprint) {
      const v = s.body[0];
      const want = v === 4 ? 20 : v === 6 ? 32 : -1;
      if (want < 0 || s.body.length !== want + 1)
        return { fpr: null, keyId: null, problem: `a malformed issuer fingerprint in the ${area} area` };
      fprs.add(hexOf(s.body.subarray(1)));
    } else if (s.type === SUB.issuer) {
      if (s.body.length !== 8)
        return { fpr: null, keyId: null, problem: `a malformed issuer key ID in the ${area} area` };
      ids.add(hexOf(s.body));
    }
  }
  if (fprs.size > 1)
    return { fpr: null, keyId: null, problem: `the ${area} area names two different issuer fingerprints` };
  const fpr = fprs.size === 1 ? [...fprs][0]! : null;
  const fromFpr = fpr === null ? null : fpr.length === 64 ? fpr.slice(0, 16) : fpr.slice(-16);
  if (fromFpr !== null) ids.delete(fromFpr);
  ids.delete('0000000000000000'); // a wildcard key ID names nobody
  if (ids.size > (fromFpr === null ? 1 : 0))
    return { fpr: null, keyId: null, problem: `the ${area} area names two different issuers` };
  if (version === 6 && area === 'hashed' && subs.some((s) => s.type === SUB.issuer)) {
    return {
      fpr: null,
      keyId: null,
      problem: 'a version 6 signature with an issuer key ID subpacket in the hashed area',
    };
  }
  return { fpr, keyId: fromFpr ?? (ids.size === 1 ? [...ids][0]! : null), problem: null };
}

/**
 * The form of one signature packet body. Problems found (each makes the signature not valid):
 * a version other than 4 or 6; areas whose subpackets do not exactly fill the stated length; no creation time, or
 * more than one, in the hashed area (two are ambiguous: gpg reads the first, openpgp.js the last), or one not 4 bytes
 * long (openpgp.js would make an Invalid Date of it); more than one expiration time; a critical subpacket we do not
 * act on; a critical subpacket in the unhashed area of a type outside UNHASHED_CRITICAL_KNOWN (unknown types, the
 * Signer's User ID, notations);
 * contradictory issuers inside one area; a v6 salt of the wrong size for its hash (RFC 9580 §5.2.3).
 */
/** The form of a packet that cannot be read: its version, what is wrong, and no issuer, date or claims. */
export function unreadableForm(version: number, problem: string): SignatureForm {
  return {
    version,
    problem,
    issuerFingerprint: null,
    issuerKeyId: null,
    issuerFrom: null,
    created: null,
    issuerClaims: [],
    unhashedClaims: [],
    ignoredAt: [],
  };
}

export function inspectSignature(body: Uint8Array): SignatureForm {
  const version = body[0] ?? 0;
  if (version !== 4 && version !== 6) return unreadableForm(version, `unsupported signature version ${version}`);
  if (body.length < 4) return unreadableForm(version, 'the signature packet is truncated');
  const hashAlgo = body[3]!;
  const lengthBytes = version === 6 ? 4 : 2;
  const hashed: Subpacket[] = [];
  const unhashed: Subpacket[] = [];
  let problem: string | null = null;
  let end: number;
  try {
    end = readArea(body, 4, lengthBytes, 'hashed', hashed);
  } catch (e) {
    // Not readable strictly: still find (leniently) whom it claims, so that a trusted key's broken packet is its own.
    return {
      ...unreadableForm(version, (e as Error).message),
      issuerClaims: lenientClaims(body),
      claimsLenient: true,
    };
  }
  const hashedClaims = claimsOf(hashed);
  // The issuer is known as soon as the hashed area is (so even an otherwise broken packet is attributed).
  const h = issuerOf(hashed, version, 'hashed');
  let issuer: Issuer = h;
  let issuerFrom: 'hashed' | 'unhashed' | null = h.fpr !== null || h.keyId !== null ? 'hashed' : null;
  if (
    issuerFrom === null &&
    h.problem === null &&
    hashed.some((s) => s.type === SUB.issuer && s.body.length === 8 && s.body.every((b) => b === 0))
  ) {
    // A hashed wildcard key ID alone: gpg takes it as THE issuer and finds no key for it (fuzz s2029 case 5258), so
    // unhashed hints do not pick a key here either (never more lenient than the reference): nobody's signature.
    // An unhashed hint naming a trusted key is then checked as a claim of it (checkSignature).
    issuer = { fpr: null, keyId: '0000000000000000', problem: null };
    issuerFrom = 'hashed';
  }
  try {
    end = readArea(body, end, lengthBytes, 'unhashed', unhashed);
  } catch (e) {
    problem = (e as Error).message;
  }
  if (issuerFrom === null && h.problem === null && problem === null) {
    const u = issuerOf(unhashed, version, 'unhashed');
    issuer = u;
    if (u.fpr !== null || u.keyId !== null) issuerFrom = 'unhashed';
  }
  problem ??= h.problem ?? issuer.problem;

  let created: Date | null = null;
  const times = hashed.filter((s) => s.type === SUB.created);
  if (problem === null) {
    if (times.length === 0) problem = 'no creation time in the hashed area';
    else if (times.length > 1) problem = `${times.length} creation-time subpackets in the hashed area (ambiguous)`;
    else if (times[0]!.body.length !== 4)
      problem = `a creation-time subpacket of ${times[0]!.body.length} bytes (it must be 4)`;
    else created = new Date(Buffer.from(times[0]!.body).readUInt32BE(0) * 1000);
  }
  if (problem === null) {
    const expiries = hashed.filter((s) => s.type === SUB.expires);
    if (expiries.length > 1) problem = `${expiries.length} expiration-time subpackets in the hashed area (ambiguous)`;
    else if (expiries.length === 1 && expiries[0]!.body.length !== 4) problem = 'a malformed expiration-time subpacket';
  }
  if (problem === null) {
    const critical = hashed.find((s) => s.critical && !CRITICAL_OK.has(s.type));
    if (critical)
      problem = `a critical ${subpacketName(critical.type)} in the hashed area, which this tool does not act on`;
  }
  if (problem === null) {
    const critical = unhashed.find((s) => s.critical && !UNHASHED_CRITICAL_KNOWN.has(s.type));
    if (critical) problem = `a critical ${subpacketName(critical.type)} in the unhashed area`;
  }
  // Embedded signatures (RFC 9580 §5.2.3.34: only for primary-key binding signatures) mean nothing in a data
  // signature (types 0x00, 0x01): openpgp.js is kept from parsing them (it throws on junk; gpgv ignores them). In the
  // unhashed area always; in the hashed area when not critical (a critical one stays an error: see CRITICAL_OK).
  const ignoredAt: number[] = [];
  const sigType = body[1];
  if (sigType === 0x00 || sigType === 0x01) {
    for (const s of [...unhashed, ...hashed.filter((x) => !x.critical)]) {
      if (s.type === SUB.embedded) ignoredAt.push(s.body.byteOffset - body.byteOffset - 1);
    }
  }
  if (problem === null && version === 6) {
    // after the areas: the 2-byte hash prefix, then the salt size and the salt
    const saltSize = body[end + 2];
    const want = SALT_BYTES.get(hashAlgo);
    if (saltSize === undefined) problem = 'the signature packet is truncated';
    else if (want !== undefined && saltSize !== want)
      problem = `a version 6 signature with a ${saltSize}-byte salt (its hash needs ${want})`;
  }
  const unhashedClaims = claimsOf(unhashed);
  // Every claim, the hashed area's first: a broken packet that names a trusted key anywhere is that key's problem.
  const issuerClaims = [...new Set([...hashedClaims, ...unhashedClaims])];
  return {
    version,
    problem,
    issuerFingerprint: issuer.fpr,
    issuerKeyId: issuer.keyId,
    issuerFrom,
    created,
    issuerClaims,
    unhashedClaims,
    ignoredAt,
  };
}

/** The body openpgp.js gets: `form.ignoredAt` subpackets renamed to a private, non-critical type it skips (101). */
export function forOpenpgp(body: Uint8Array, form: SignatureForm): Uint8Array {
  if (form.ignoredAt.length === 0) return body;
  const copy = Uint8Array.from(body);
  for (const at of form.ignoredAt) copy[at] = 101;
  return copy;
}

/** Upper bound on what the lenient readers below look at (a signature file is at most 1 MiB). */
const LENIENT_MAX_PACKETS = 64;

/**
 * The issuer claims of a signature packet body that cannot be read strictly (a truncated or overstated area, a body
 * cut short by its packet length): the hashed area's issuer fingerprints and key IDs as far as its subpackets can be
 * framed within the bytes present, then the unhashed area's the same way. Never throws; bounded by the body.
 * Used only to attribute a `malformed` entry (a trusted key's broken packet fails the check), never to accept anything.
 */
export function lenientClaims(body: Uint8Array): string[] {
  try {
    const version = body[0];
    if (version !== 4 && version !== 6 && version !== 5) return [];
    const lengthBytes = version === 4 ? 2 : 4;
    const hashed: Subpacket[] = [];
    const hashedEnd = lenientArea(body, 4, lengthBytes, hashed);
    const unhashed: Subpacket[] = [];
    if (hashedEnd !== null) lenientArea(body, hashedEnd, lengthBytes, unhashed);
    return [...new Set([...claimsOf(hashed), ...claimsOf(unhashed)])];
  } catch {
    return [];
  }
}

/** Like readArea, but keeps every subpacket it can frame inside the bytes present; returns the stated end, or null. */
function lenientArea(bytes: Uint8Array, start: number, lengthBytes: number, out: Subpacket[]): number | null {
  if (start + lengthBytes > bytes.length) return null;
  let size = 0;
  for (let k = 0; k < lengthBytes; k++) size = size * 256 + bytes[start + k]!;
  const begin = start + lengthBytes;
  const end = Math.min(begin + size, bytes.length);
  let i = begin;
  while (i < end && out.length < 4096) {
    const l0 = bytes[i]!;
    let len: number;
    if (l0 < 192) {
      len = l0;
      i += 1;
    } else if (l0 < 255) {
      if (i + 2 > end) break;
      len = ((l0 - 192) << 8) + bytes[i + 1]! + 192;
      i += 2;
    } else {
      if (i + 5 > end) break;
      len = Buffer.from(bytes.subarray(i + 1, i + 5)).readUInt32BE(0);
      i += 5;
    }
    if (len === 0 || i + len > end) break;
    out.push({ type: bytes[i]! & 0x7f, critical: (bytes[i]! & 0x80) !== 0, body: bytes.subarray(i + 1, i + len) });
    i += len;
  }
  return begin + size;
}

/**
 * The signature packet bodies in a stream that splitPackets cannot frame (from `from` on), read leniently: a length
 * that runs past the end is cut to the bytes present, partial and indeterminate lengths run to the end, the scan
 * stops at the first byte that is not a header. For issuer claims only (see lenientClaims). Never throws.
 */
export function lenientSignatureBodies(bytes: Uint8Array, from = 0): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = from;
  try {
    while (i < bytes.length && out.length < LENIENT_MAX_PACKETS) {
      const h = bytes[i]!;
      if ((h & 0x80) === 0) break;
      let tag: number;
      let len: number;
      let at = i + 1;
      if (h & 0x40) {
        tag = h & 0x3f;
        const l0 = bytes[at];
        if (l0 === undefined) break;
        if (l0 < 192) {
          len = l0;
          at += 1;
        } else if (l0 < 224) {
          len = ((l0 - 192) << 8) + (bytes[at + 1] ?? 0) + 192;
          at += 2;
        } else if (l0 === 255) {
          len = at + 5 <= bytes.length ? Buffer.from(bytes.subarray(at + 1, at + 5)).readUInt32BE(0) : bytes.length;
          at += 5;
        } else {
          len = bytes.length; // partial: to the end
          at += 1;
        }
      } else {
        tag = (h >> 2) & 0x0f;
        const type = h & 0x03;
        if (type === 3) len = bytes.length;
        else {
          const n = [1, 2, 4][type]!;
          len = 0;
          for (let k = 0; k < n; k++) len = len * 256 + (bytes[at + k] ?? 0);
          at += n;
        }
      }
      const end = Math.min(at + len, bytes.length);
      if (tag === 2 && at < end) out.push(bytes.subarray(at, end));
      if (end <= i) break;
      i = end;
    }
  } catch {
    // lenient: whatever was found so far
  }
  return out;
}

function subpacketName(type: number): string {
  const names: Record<number, string> = {
    [SUB.created]: 'creation-time subpacket',
    [SUB.notation]: 'notation',
    [SUB.signersUserId]: "Signer's User ID subpacket",
    [SUB.embedded]: 'embedded signature',
    [SUB.issuer]: 'issuer key ID subpacket',
    [SUB.issuerFingerprint]: 'issuer fingerprint subpacket',
  };
  return names[type] ?? `subpacket (type ${type})`;
}

/** Packet tags of messages (literal, compressed, one-pass, encrypted data or session keys): never in a detached signature file. */
export const MESSAGE_TAGS: ReadonlySet<number> = new Set([1, 3, 4, 8, 9, 11, 18, 20]);
/** Packets RFC 9580 says to ignore on receipt (marker, trust, padding) and the non-critical tags 40–63 (§4.3). */
export const IGNORED_TAG = (tag: number): boolean => tag === 10 || tag === 12 || tag === 21 || tag >= 40;
