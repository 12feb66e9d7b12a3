/**
 * Byte-level OpenPGP helpers for the fuzzer: ASCII armor (with CRC-24), packet framing in every length encoding,
 * and v4 signature packets split into fields and subpackets. Deliberately independent of src/pgp and of openpgp.js:
 * the fuzzer must be able to write what those refuse to.
 */

// ---------------------------------------------------------------------------------------------------------------
// Armor

export function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

export interface ArmorStyle {
  label?: string;
  headers?: string[];
  lineLength?: number;
  eol?: string;
  /** 'valid' (default), 'none' (no checksum line) or 'wrong'. */
  crc?: 'valid' | 'none' | 'wrong';
  /** Trailing whitespace on each base64 line. */
  trailing?: string;
  /** Omit the blank line after the header lines. */
  noBlank?: boolean;
}

export function armor(bin: Uint8Array, style: ArmorStyle = {}): string {
  const label = style.label ?? 'PGP SIGNATURE';
  const eol = style.eol ?? '\n';
  const width = Math.max(4, style.lineLength ?? 64);
  const b64 = Buffer.from(bin).toString('base64');
  const lines = [`-----BEGIN ${label}-----`, ...(style.headers ?? [])];
  if (!style.noBlank) lines.push('');
  for (let i = 0; i < b64.length; i += width) lines.push(b64.slice(i, i + width) + (style.trailing ?? ''));
  if (b64.length === 0) lines.push('');
  const crc = style.crc ?? 'valid';
  if (crc !== 'none') {
    let c = crc24(bin);
    if (crc === 'wrong') c ^= 0x000100;
    lines.push('=' + Buffer.from([c >> 16, (c >> 8) & 0xff, c & 0xff]).toString('base64'));
  }
  lines.push(`-----END ${label}-----`);
  return lines.join(eol) + eol;
}

/** The binary contents of every armored block in `text` (headers skipped, checksum not checked). */
export function dearmorAll(text: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN PGP SIGNATURE-----\r?\n([\s\S]*?)-----END PGP SIGNATURE-----/g;
  for (const m of text.matchAll(re)) {
    const body = m[1] ?? '';
    const lines = body.split(/\r?\n/);
    let i = 0;
    // header lines until the blank line (if any line has a colon before the first blank)
    if (lines.some((l) => l.trim() === '')) {
      const blank = lines.findIndex((l) => l.trim() === '');
      if (lines.slice(0, blank).every((l) => /^[A-Za-z-]+: /.test(l))) i = blank + 1;
    }
    const b64 = lines
      .slice(i)
      .filter((l) => !l.startsWith('='))
      .join('')
      .replace(/\s+/g, '');
    out.push(Buffer.from(b64, 'base64'));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Packet framing

export interface Packet {
  tag: number;
  body: Buffer;
}

export type LengthStyle =
  'new-min' | 'new1' | 'new2' | 'new5' | 'old1' | 'old2' | 'old4' | 'old-indeterminate' | 'partial';

/** Parse a stream of packets; stops (returning what it has and `rest`) at the first framing error. */
export function parsePackets(bin: Buffer): { packets: Packet[]; rest: Buffer } {
  const packets: Packet[] = [];
  let pos = 0;
  while (pos < bin.length) {
    const start = pos;
    const h = bin[pos++] as number;
    if ((h & 0x80) === 0) return { packets, rest: bin.subarray(start) };
    if (h & 0x40) {
      const tag = h & 0x3f;
      const chunks: Buffer[] = [];
      for (;;) {
        if (pos >= bin.length) return { packets, rest: bin.subarray(start) };
        const o1 = bin[pos] as number;
        let len: number;
        let partial = false;
        if (o1 < 192) {
          len = o1;
          pos += 1;
        } else if (o1 < 224) {
          if (pos + 1 >= bin.length) return { packets, rest: bin.subarray(start) };
          len = ((o1 - 192) << 8) + (bin[pos + 1] as number) + 192;
          pos += 2;
        } else if (o1 < 255) {
          len = 1 << (o1 & 0x1f);
          partial = true;
          pos += 1;
        } else {
          if (pos + 4 >= bin.length) return { packets, rest: bin.subarray(start) };
          len = bin.readUInt32BE(pos + 1);
          pos += 5;
        }
        if (pos + len > bin.length) return { packets, rest: bin.subarray(start) };
        chunks.push(bin.subarray(pos, pos + len));
        pos += len;
        if (!partial) break;
      }
      packets.push({ tag, body: Buffer.concat(chunks) });
    } else {
      const tag = (h >> 2) & 0x0f;
      const lt = h & 3;
      let len: number;
      if (lt === 0) {
        if (pos >= bin.length) return { packets, rest: bin.subarray(start) };
        len = bin[pos] as number;
        pos += 1;
      } else if (lt === 1) {
        if (pos + 1 >= bin.length) return { packets, rest: bin.subarray(start) };
        len = bin.readUInt16BE(pos);
        pos += 2;
      } else if (lt === 2) {
        if (pos + 3 >= bin.length) return { packets, rest: bin.subarray(start) };
        len = bin.readUInt32BE(pos);
        pos += 4;
      } else {
        len = bin.length - pos;
      }
      if (pos + len > bin.length) return { packets, rest: bin.subarray(start) };
      packets.push({ tag, body: bin.subarray(pos, pos + len) });
      pos += len;
    }
  }
  return { packets, rest: Buffer.alloc(0) };
}

function newLength(len: number, style: 'new-min' | 'new1' | 'new2' | 'new5'): Buffer {
  if (style === 'new-min') style = len < 192 ? 'new1' : len < 8384 ? 'new2' : 'new5';
  if (style === 'new1') return Buffer.from([len & 0xff]);
  if (style === 'new2') {
    const l = Math.max(0, len - 192);
    return Buffer.from([192 + ((l >> 8) & 0x1f), l & 0xff]);
  }
  const b = Buffer.alloc(5);
  b[0] = 255;
  b.writeUInt32BE(len >>> 0, 1);
  return b;
}

/**
 * Frame a packet. Lengths are written as asked even when they cannot hold the body (`new1` with 300 bytes writes
 * 300 & 0xff): that is the point. `delta` adds to the written length (understated / overstated lengths).
 */
export function encodePacket(tag: number, body: Buffer, style: LengthStyle = 'new-min', delta = 0): Buffer {
  const len = Math.max(0, body.length + delta);
  switch (style) {
    case 'old1':
    case 'old2':
    case 'old4': {
      const lt = style === 'old1' ? 0 : style === 'old2' ? 1 : 2;
      const h = 0x80 | ((tag & 0x0f) << 2) | lt;
      const l = Buffer.alloc(lt === 0 ? 1 : lt === 1 ? 2 : 4);
      if (lt === 0) l[0] = len & 0xff;
      else if (lt === 1) l.writeUInt16BE(len & 0xffff);
      else l.writeUInt32BE(len >>> 0);
      return Buffer.concat([Buffer.from([h]), l, body]);
    }
    case 'old-indeterminate':
      return Buffer.concat([Buffer.from([0x80 | ((tag & 0x0f) << 2) | 3]), body]);
    case 'partial': {
      // first chunk of 2^k (k ≥ 9 per RFC for the first; we also write smaller ones), then the remainder
      const parts: Buffer[] = [Buffer.from([0xc0 | (tag & 0x3f)])];
      let rest = body;
      let k = 0;
      while (rest.length > 1 << 0 && k < 4) {
        const size = 1 << Math.min(30, Math.floor(Math.log2(rest.length)));
        if (size >= rest.length) break;
        parts.push(Buffer.from([224 + Math.floor(Math.log2(size))]), rest.subarray(0, size));
        rest = rest.subarray(size);
        k++;
      }
      parts.push(newLength(rest.length + delta, 'new-min'), rest);
      return Buffer.concat(parts);
    }
    default:
      return Buffer.concat([Buffer.from([0xc0 | (tag & 0x3f)]), newLength(len, style), body]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// v4 signature packets

export interface Subpacket {
  /** Type with the critical bit (0x80) as written. */
  type: number;
  body: Buffer;
}

export interface SigV4 {
  version: number;
  sigType: number;
  pkAlgo: number;
  hashAlgo: number;
  hashed: Subpacket[];
  unhashed: Subpacket[];
  prefix: Buffer;
  /** The algorithm-specific signature fields (MPIs), raw. */
  mpis: Buffer;
}

export function parseSubpackets(area: Buffer): Subpacket[] | null {
  const out: Subpacket[] = [];
  let pos = 0;
  while (pos < area.length) {
    const o1 = area[pos] as number;
    let len: number;
    if (o1 < 192) {
      len = o1;
      pos += 1;
    } else if (o1 < 255) {
      if (pos + 1 >= area.length) return null;
      len = ((o1 - 192) << 8) + (area[pos + 1] as number) + 192;
      pos += 2;
    } else {
      if (pos + 4 >= area.length) return null;
      len = area.readUInt32BE(pos + 1);
      pos += 5;
    }
    if (len < 1 || pos + len > area.length) return null;
    out.push({ type: area[pos] as number, body: area.subarray(pos + 1, pos + len) });
    pos += len;
  }
  return out;
}

/** One subpacket; `lenStyle` 1/2/5 forces that length encoding (non-minimal encodings included), `delta` lies. */
export function encodeSubpacket(sp: Subpacket, lenStyle: 0 | 1 | 2 | 5 = 0, delta = 0): Buffer {
  const len = sp.body.length + 1 + delta;
  let style = lenStyle;
  if (style === 0) style = len < 192 ? 1 : len < 16320 ? 2 : 5;
  let l: Buffer;
  if (style === 1) l = Buffer.from([len & 0xff]);
  else if (style === 2) {
    const v = Math.max(0, len - 192);
    l = Buffer.from([192 + ((v >> 8) & 0x3f), v & 0xff]);
  } else {
    l = Buffer.alloc(5);
    l[0] = 255;
    l.writeUInt32BE(len >>> 0, 1);
  }
  return Buffer.concat([l, Buffer.from([sp.type & 0xff]), sp.body]);
}

export function encodeSubpackets(list: readonly Subpacket[]): Buffer {
  return Buffer.concat(list.map((s) => encodeSubpacket(s)));
}

export function parseSigV4(body: Buffer): SigV4 | null {
  if (body.length < 10 || (body[0] !== 4 && body[0] !== 5)) return null;
  const hl = body.readUInt16BE(4);
  if (6 + hl + 2 > body.length) return null;
  const hashedArea = body.subarray(6, 6 + hl);
  const ul = body.readUInt16BE(6 + hl);
  const uStart = 8 + hl;
  if (uStart + ul + 2 > body.length) return null;
  const unhashedArea = body.subarray(uStart, uStart + ul);
  const hashed = parseSubpackets(hashedArea);
  const unhashed = parseSubpackets(unhashedArea);
  if (hashed === null || unhashed === null) return null;
  return {
    version: body[0] as number,
    sigType: body[1] as number,
    pkAlgo: body[2] as number,
    hashAlgo: body[3] as number,
    hashed,
    unhashed,
    prefix: body.subarray(uStart + ul, uStart + ul + 2),
    mpis: body.subarray(uStart + ul + 2),
  };
}

export interface AreaOverride {
  /** Raw hashed / unhashed area bytes instead of the encoded subpackets. */
  hashedRaw?: Buffer;
  unhashedRaw?: Buffer;
  /** Added to the written area lengths. */
  hashedDelta?: number;
  unhashedDelta?: number;
}

export function encodeSigV4(s: SigV4, o: AreaOverride = {}): Buffer {
  const h = o.hashedRaw ?? encodeSubpackets(s.hashed);
  const u = o.unhashedRaw ?? encodeSubpackets(s.unhashed);
  const hl = Buffer.alloc(2);
  hl.writeUInt16BE((h.length + (o.hashedDelta ?? 0)) & 0xffff);
  const ul = Buffer.alloc(2);
  ul.writeUInt16BE((u.length + (o.unhashedDelta ?? 0)) & 0xffff);
  return Buffer.concat([Buffer.from([s.version, s.sigType, s.pkAlgo, s.hashAlgo]), hl, h, ul, u, s.prefix, s.mpis]);
}

/** A v6-shaped body from a v4 signature (4-byte area lengths, a salt): what a v6 signature by a v4 key looks like. */
export function toV6Shape(s: SigV4, salt: Buffer): Buffer {
  const h = encodeSubpackets(s.hashed);
  const u = encodeSubpackets(s.unhashed);
  const hl = Buffer.alloc(4);
  hl.writeUInt32BE(h.length);
  const ul = Buffer.alloc(4);
  ul.writeUInt32BE(u.length);
  return Buffer.concat([
    Buffer.from([6, s.sigType, s.pkAlgo, s.hashAlgo]),
    hl,
    h,
    ul,
    u,
    s.prefix,
    Buffer.from([salt.length]),
    salt,
    s.mpis,
  ]);
}

export const SUB = {
  CREATED: 2,
  SIG_EXPIRES: 3,
  EXPORTABLE: 4,
  TRUST: 5,
  REVOCABLE: 7,
  KEY_EXPIRES: 9,
  PREF_SYM: 11,
  REVOCATION_KEY: 12,
  ISSUER: 16,
  NOTATION: 20,
  PREF_HASH: 21,
  KEY_SERVER_PREFS: 23,
  PRIMARY_UID: 25,
  POLICY_URI: 26,
  KEY_FLAGS: 27,
  SIGNER_UID: 28,
  REVOCATION_REASON: 29,
  FEATURES: 30,
  TARGET: 31,
  EMBEDDED: 32,
  ISSUER_FPR: 33,
  INTENDED_RECIPIENT: 35,
} as const;
