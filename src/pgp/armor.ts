/**
 * Strict ASCII-armor splitting. openpgp.js reads only the FIRST armored block of a text, while Electrum's
 * `.asc` is several blocks concatenated (one per signer) and key files may hold several keys.
 * Anything but whitespace outside the blocks, or a block of another type, is refused.
 */
export type ArmorType = 'SIGNATURE' | 'PUBLIC KEY BLOCK';

export class ArmorError extends Error {}

const BEGIN = /^-----BEGIN PGP ([A-Z ,/0-9]+)-----\s*$/;
const END = /^-----END PGP ([A-Z ,/0-9]+)-----\s*$/;

/** Split `text` into armored blocks of `type`; each returned string is one complete block. */
export function splitArmor(text: string, type: ArmorType): string[] {
  // Armor is 7-bit ASCII; anything else is hostile or not armor at all.
  if (/[^\x09\x0a\x0d\x20-\x7e]/.test(text)) {
    throw new ArmorError('contains bytes that are not ASCII armor (is it a binary or corrupted file?)');
  }
  const lines = text.split(/\r?\n/);
  const blocks: string[] = [];
  let current: string[] | null = null;
  for (const [i, line] of lines.entries()) {
    if (current === null) {
      const begin = BEGIN.exec(line);
      if (begin) {
        if (begin[1] !== type)
          throw new ArmorError(`line ${i + 1}: holds a "PGP ${begin[1]}" block; expected only "PGP ${type}" blocks`);
        current = [line];
      } else if (line.trim() !== '') {
        throw new ArmorError(`line ${i + 1}: text outside an armored block`);
      }
      continue;
    }
    current.push(line);
    const end = END.exec(line);
    if (end) {
      if (end[1] !== type)
        throw new ArmorError(`line ${i + 1}: "END PGP ${end[1]}" does not close a "PGP ${type}" block`);
      blocks.push(current.join('\n') + '\n');
      current = null;
    } else if (BEGIN.test(line)) {
      throw new ArmorError(`line ${i + 1}: a block begins before the previous one ended`);
    }
  }
  if (current !== null) throw new ArmorError('the last armored block is truncated (no END line)');
  if (blocks.length === 0) throw new ArmorError(`no "-----BEGIN PGP ${type}-----" block found`);
  return blocks;
}

/** CRC-24 of RFC 4880 §6.1 (the armor checksum). */
function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of bytes) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

const HEADER = /^[A-Za-z][A-Za-z0-9-]*: .*$/;
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decode one armored block strictly, instead of trusting openpgp.js's lenient decoder (which, for example, drops
 * everything after a base64 line ending in "=" padding, so a second signature could silently vanish).
 * Rules: optional "Key: value" headers and one blank line; base64 lines with "=" padding only at the very end of
 * the data; at most one checksum line ("=XXXX") directly before END, and if present it must match.
 */
export function decodeArmorBlock(block: string): Uint8Array {
  const lines = block.split(/\r?\n/).map((l) => l.replace(/[ \t]+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length < 2 || !BEGIN.test(lines[0]!) || !END.test(lines[lines.length - 1]!))
    throw new ArmorError('not one complete armored block');
  let body = lines.slice(1, -1);
  const blank = body.indexOf('');
  if (blank >= 0) {
    if (!body.slice(0, blank).every((l) => HEADER.test(l))) throw new ArmorError('malformed armor header');
    body = body.slice(blank + 1);
  } else if (body.length > 0 && HEADER.test(body[0]!)) {
    throw new ArmorError('armor headers without the blank line that ends them');
  }
  let checksum: string | null = null;
  if (body.length > 0 && /^=[A-Za-z0-9+/]{4}$/.test(body[body.length - 1]!)) checksum = body.pop()!.slice(1);
  if (body.length === 0) throw new ArmorError('an armored block holds no data');
  for (const [i, line] of body.entries()) {
    if (!BASE64_LINE.test(line)) throw new ArmorError('a line in the armored data is not base64');
    if (line.includes('=') && i !== body.length - 1)
      throw new ArmorError('base64 padding before the end of the armored data');
  }
  const data = body.join('');
  if (data.length % 4 !== 0) throw new ArmorError('the armored data is truncated');
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  if (checksum !== null) {
    const want = Buffer.from(checksum, 'base64');
    if (want.length !== 3 || ((want[0]! << 16) | (want[1]! << 8) | want[2]!) !== crc24(bytes)) {
      throw new ArmorError('the armor checksum does not match (the block is corrupted)');
    }
  }
  return bytes;
}

/**
 * The bytes of an armored block that decodeArmorBlock refuses, read as leniently as gpg does (headers without their
 * blank line, unknown headers, padding in the middle, a wrong or missing checksum): every line between BEGIN and END
 * that is not a "Key: value" header or the "=XXXX" checksum, base64-decoded with anything else dropped. Used only to
 * find whom a refused block claims to be signed by (the block stays `malformed`), never to accept it. Never throws.
 */
export function lenientArmorBytes(block: string): Uint8Array {
  try {
    const lines = block.split(/\r?\n/).map((l) => l.trim());
    const first = lines.findIndex((l) => BEGIN.test(l));
    let last = lines.length - 1;
    while (last > first && !END.test(lines[last]!)) last--;
    const body = lines
      .slice(first + 1, last > first ? last : undefined)
      .filter((l) => l !== '' && !/^[A-Za-z][A-Za-z0-9-]*:/.test(l) && !/^=[A-Za-z0-9+/]{4}$/.test(l));
    // base64 data ends at its first padding, as in gpg's decoder
    const data = body.join('').replace(/[^A-Za-z0-9+/=]/g, '');
    const pad = data.indexOf('=');
    return new Uint8Array(Buffer.from(pad >= 0 ? data.slice(0, pad) : data, 'base64'));
  } catch {
    return new Uint8Array();
  }
}
