/**
 * Parsing a detached signature file, assuming hostile input: ASCII-armored (several blocks, one per signer, as
 * Electrum publishes them) or binary (`gpg --detach-sign` without --armor, or several such files concatenated).
 * Every block and every packet is read, nothing is dropped silently, sizes are bounded.
 *
 * What fails the whole file (SIGNATURE_MALFORMED): armor that is not strictly well formed, anything that is not a
 * detached signature (a cleartext- or inline-signed message), too many signatures, too many bytes.
 * What does not: one packet that cannot be read, or breaks a rule (see packets.ts `inspectSignature`). That packet
 * becomes a placeholder marked malformed (`malformedReason`), still attributed to the issuer it names (its hashed
 * area, else its unhashed one; for bytes the strict readers refuse, a block's armor or a packet's framing, found by a
 * lenient, bounded read as gpg would do it: packets.ts lenientClaims), and checkSignature reports it as `malformed`
 * (by a trusted key when it names one: then the check fails); the other signatures are judged as usual.
 */
import * as openpgp from 'openpgp';
import { VerifyError } from '../errors.js';
import { ArmorError, decodeArmorBlock, lenientArmorBytes, splitArmor } from './armor.js';
import { emptySignaturePacket, keyIDFromHex, readSignaturePacket } from './openpgp-internals.js';
import {
  IGNORED_TAG,
  MESSAGE_TAGS,
  forOpenpgp,
  inspectSignature,
  lenientClaims,
  lenientSignatureBodies,
  splitPackets,
  unreadableForm,
  type SignatureForm,
} from './packets.js';

export const MAX_SIGNATURE_FILE_BYTES = 1024 * 1024;
export const MAX_SIGNATURES = 64;

/** A parsed signature file: the signature packets in file order (malformed ones as placeholders). */
export interface SignatureFile {
  readonly packets: readonly openpgp.SignaturePacket[];
  readonly encoding: 'armored' | 'binary';
}

const SIGNATURE_TAG = 2;

function malformed(message: string, cause?: unknown): VerifyError {
  return new VerifyError('SIGNATURE_MALFORMED', `the signature file is malformed: ${message}`, {
    hint: 'Expected detached signatures ("-----BEGIN PGP SIGNATURE-----" blocks, or a binary .sig). Get the .asc again from https://download.electrum.org/.',
    cause,
  });
}

/** Why a packet of this file is malformed, for placeholders; null for a packet that parsed and passed inspection. */
const problems = new WeakMap<openpgp.SignaturePacket, string>();
/** The form found when the packet was read (the raw unhashed area is known only then). */
const forms = new WeakMap<openpgp.SignaturePacket, SignatureForm>();

export function malformedReason(packet: openpgp.SignaturePacket): string | null {
  return problems.get(packet) ?? null;
}

/** The form of a packet: as read from the file, or (a packet made elsewhere) from its serialization. */
export function formOf(packet: openpgp.SignaturePacket): SignatureForm {
  let form = forms.get(packet);
  if (!form) {
    try {
      const framed = splitPackets(packet.write());
      form = inspectSignature(framed.packets[0]?.body ?? new Uint8Array());
    } catch (e) {
      form = unreadableForm(packet.version ?? 0, `cannot be read back: ${(e as Error).message}`);
    }
    forms.set(packet, form);
    applyIssuer(packet, form);
  }
  return form;
}

/** Make openpgp.js's issuer fields say what the hashed area says (openpgp.js lets unhashed subpackets override them). */
function applyIssuer(packet: openpgp.SignaturePacket, form: SignatureForm): void {
  packet.issuerKeyID = keyIDFromHex(packet.issuerKeyID, form.issuerKeyId);
  packet.issuerFingerprint =
    form.issuerFingerprint === null ? null : new Uint8Array(Buffer.from(form.issuerFingerprint, 'hex'));
  packet.issuerKeyVersion = form.issuerFingerprint === null ? null : form.issuerFingerprint.length === 64 ? 6 : 4;
}

/**
 * A placeholder for a packet that could not be used: no hash, no algorithm, only the issuer (when known). `claims`:
 * for bytes that could not be read strictly, whom they claim (found leniently, see packets.ts lenientClaims).
 */
function placeholder(
  problem: string,
  form: SignatureForm | null,
  claims: readonly string[] = [],
): openpgp.SignaturePacket {
  const f: SignatureForm = form ?? {
    version: 0,
    problem,
    issuerFingerprint: null,
    issuerKeyId: null,
    issuerFrom: null,
    created: null,
    issuerClaims: claims,
    unhashedClaims: [],
    ignoredAt: [],
    claimsLenient: true,
  };
  const packet = emptySignaturePacket(f.version || null);
  problems.set(packet, problem);
  forms.set(packet, { ...f, problem });
  applyIssuer(packet, f);
  return packet;
}

/** One signature packet body: openpgp.js's parse, after our own inspection; never throws. */
async function readOne(body: Uint8Array): Promise<openpgp.SignaturePacket> {
  const form = inspectSignature(body);
  if (form.problem !== null) return placeholder(form.problem, form);
  let packet: openpgp.SignaturePacket;
  try {
    // The hashed bytes are the packet's own, whatever openpgp.js was kept from parsing in them (forOpenpgp).
    packet = readSignaturePacket(forOpenpgp(body, form), body);
  } catch (e) {
    return placeholder(`openpgp.js cannot read it (${(e as Error).message})`, form);
  }
  forms.set(packet, form);
  applyIssuer(packet, form);
  return packet;
}

function looksBinary(first: number): boolean {
  if ((first & 0x80) === 0) return false;
  const tag = first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
  return tag === SIGNATURE_TAG || tag === 10 || MESSAGE_TAGS.has(tag);
}

/**
 * A binary signature file as one armored SIGNATURE block (armored input is returned as it is), so that several
 * signature files, armored or binary, can be merged block by block before parseSignatureFile. The bytes are not
 * judged here: whatever they hold, parseSignatureFile applies the same rules to the block.
 */
export function asArmoredSignature(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength === 0 || !looksBinary(bytes[0]!)) return bytes;
  return new TextEncoder().encode(openpgp.armor(openpgp.enums.armor.signature, bytes));
}

export async function parseSignatureFile(bytes: Uint8Array): Promise<SignatureFile> {
  if (bytes.byteLength > MAX_SIGNATURE_FILE_BYTES) {
    throw malformed(
      `${bytes.byteLength} bytes is over the ${MAX_SIGNATURE_FILE_BYTES}-byte limit for a signature file`,
    );
  }
  // Binary OpenPGP starts with a packet header (high bit set); armor is 7-bit text. A high byte that is not the
  // header of a signature (or of a message, to say so) goes to the armor reader, which refuses it as not ASCII.
  const encoding = bytes.byteLength > 0 && looksBinary(bytes[0]!) ? 'binary' : 'armored';
  // The block structure is decided for the whole file (text outside blocks, another block type, a block without its
  // END line: no block boundary can be trusted then). What is INSIDE one block is that block's business.
  let blocks: Array<Uint8Array | { error: ArmorError; text: string }>;
  try {
    blocks =
      encoding === 'binary'
        ? [bytes]
        : splitArmor(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), 'SIGNATURE').map(
            (block) => {
              try {
                return decodeArmorBlock(block);
              } catch (e) {
                if (e instanceof ArmorError) return { error: e, text: block };
                throw e;
              }
            },
          );
  } catch (e) {
    if (e instanceof ArmorError) throw malformed(e.message, e);
    throw malformed((e as Error).message, e);
  }
  const packets: openpgp.SignaturePacket[] = [];
  const where = (i: number): string =>
    encoding === 'binary' ? 'the binary signature' : `block ${i + 1} of ${blocks.length}`;
  const add = (packet: openpgp.SignaturePacket): void => {
    packets.push(packet);
    if (packets.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
  };
  for (const [i, block] of blocks.entries()) {
    if (!(block instanceof Uint8Array)) {
      // Refused by the strict reader; gpg may still read it. Whom it claims decides whose problem it is.
      const claims = lenientSignatureBodies(lenientArmorBytes(block.text)).flatMap(lenientClaims);
      add(placeholder(`${where(i)}: ${block.error.message}`, null, [...new Set(claims)]));
      continue;
    }
    const stream = splitPackets(block);
    const message =
      stream.packets.find((p) => MESSAGE_TAGS.has(p.tag))?.tag ??
      (stream.errorTag !== null && MESSAGE_TAGS.has(stream.errorTag) ? stream.errorTag : null);
    if (message !== null) {
      throw malformed(`${where(i)} holds a signed message (packet type ${message}), not a detached signature`);
    }
    let count = 0;
    for (const raw of stream.packets) {
      if (IGNORED_TAG(raw.tag)) continue;
      if (raw.tag !== SIGNATURE_TAG) throw malformed(`${where(i)} holds a packet of type ${raw.tag}, not a signature`);
      add(await readOne(raw.body));
      count++;
    }
    if (stream.error !== null) {
      // The rest of this block cannot be framed: one malformed entry stands for it, attributed to whom it claims
      // (read leniently, as gpg reads an overstated length at the end of a block).
      const claims = lenientSignatureBodies(block, stream.errorAt ?? block.length).flatMap(lenientClaims);
      add(placeholder(`${where(i)}: ${stream.error}`, null, [...new Set(claims)]));
      count++;
    }
    if (count === 0) throw malformed(`${where(i)} holds no signature`);
  }
  // Nothing in the file could be read far enough to say who made it: the file itself is broken, not one block.
  // (Claims found only by the lenient reader attribute a block beside readable ones; alone, they do not save a file.)
  if (
    packets.every(
      (p) =>
        problems.has(p) && (forms.get(p)?.claimsLenient === true || (forms.get(p)?.issuerClaims.length ?? 0) === 0),
    )
  ) {
    throw malformed(packets.map((p) => problems.get(p)).join('; '));
  }
  return { packets, encoding };
}
