/**
 * Deterministic mutations of detached-signature files. A case is a pure function of (seed bytes, Rng): the same
 * seeds, seed and index give the same bytes. Each mutator names itself; stacked mutations join names with '+'.
 */
import type { Rng } from './rng.js';
import {
  SUB,
  armor,
  dearmorAll,
  encodePacket,
  encodeSigV4,
  encodeSubpacket,
  parsePackets,
  parseSigV4,
  toV6Shape,
  type ArmorStyle,
  type LengthStyle,
  type SigV4,
  type Subpacket,
} from './packets.js';
import { resignV4, type SecretEd25519 } from './resign.js';

export interface Seed {
  name: string;
  armored: string;
  /** the binary packet stream of the (single) block */
  bin: Buffer;
  sig: SigV4 | null;
}

export interface Ids {
  /** fingerprints (40 hex) of known keys' signing keys and of the unknown key */
  fingerprints: string[];
  /** the signed data and the Ed25519 secret keys by signer name, for re-signing (resign.ts); absent: no re-signing */
  data?: Buffer;
  secrets?: Record<string, SecretEd25519>;
}

export interface Mutated {
  bytes: Buffer;
  mutator: string;
}

export function seedFrom(name: string, armored: string): Seed {
  const bin = dearmorAll(armored)[0] ?? Buffer.alloc(0);
  const { packets } = parsePackets(bin);
  const first = packets[0];
  return { name, armored, bin, sig: first && first.tag === 2 ? parseSigV4(first.body) : null };
}

const JUNK: Array<[string, string]> = [
  ['text-line', 'junk\n'],
  ['stray-begin', '-----BEGIN PGP SIGNATURE-----\n'],
  ['nul', '\u0000'],
  ['crc-line', '=AAAA\n'],
  ['spaces-line', ' '.repeat(100) + '\n'],
];
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xbf, 0xc0, 0xdf, 0xe0, 0xfe, 0xff];
const LENGTH_STYLES: LengthStyle[] = [
  'new-min',
  'new1',
  'new2',
  'new5',
  'old1',
  'old2',
  'old4',
  'old-indeterminate',
  'partial',
];

function flipBits(rng: Rng, b: Buffer, n: number, from = 0): Buffer {
  const out = Buffer.from(b);
  if (out.length <= from) return out;
  for (let i = 0; i < n; i++) {
    const pos = from + rng.int(out.length - from);
    out[pos] = (out[pos] as number) ^ (1 << rng.int(8));
  }
  return out;
}

/** A short name for an armor style, for classes: which of its features differ from gpg's output. */
function styleName(st: ArmorStyle): string {
  const parts: string[] = [];
  if (st.headers) parts.push('headers');
  if (st.lineLength !== undefined) parts.push(`width${st.lineLength}`);
  if (st.eol !== undefined) parts.push(`eol${JSON.stringify(st.eol).replace(/"/g, '')}`);
  if (st.crc !== undefined) parts.push(`crc-${st.crc}`);
  if (st.trailing !== undefined) parts.push('trailing-ws');
  if (st.noBlank) parts.push('no-blank');
  if (st.label !== undefined) parts.push('label');
  return parts.join(',') || 'plain';
}

function randomArmorStyle(rng: Rng): ArmorStyle {
  const headerChoices = [
    'Version: GnuPG v2',
    'Comment: hello',
    'Hash: SHA256',
    'Charset: UTF-8',
    'X-Unknown: 1',
    'Comment: ' + 'x'.repeat(200),
    'NoColon',
    '',
  ];
  const style: ArmorStyle = {};
  if (rng.bool(0.3)) style.headers = Array.from({ length: rng.range(1, 3) }, () => rng.pick(headerChoices));
  if (rng.bool(0.3)) style.lineLength = rng.pick([4, 16, 63, 64, 65, 76, 77, 200, 1000]);
  if (rng.bool(0.3)) style.eol = rng.pick(['\r\n', '\r', '\n\n', ' \n']);
  if (rng.bool(0.3)) style.crc = rng.pick(['none', 'wrong'] as const);
  if (rng.bool(0.1)) style.trailing = rng.pick([' ', '\t', '  \t']);
  if (rng.bool(0.1)) style.noBlank = true;
  if (rng.bool(0.05))
    style.label = rng.pick([
      'PGP MESSAGE',
      'PGP PUBLIC KEY BLOCK',
      'PGP SIGNATURE ',
      'pgp signature',
      'PGP SIGNED MESSAGE',
    ]);
  return style;
}

const wrap = (bin: Buffer, rng?: Rng): Buffer =>
  Buffer.from(armor(bin, rng && rng.bool(0.15) ? randomArmorStyle(rng) : {}));

function randomSubpacket(rng: Rng, ids: Ids, seeds: readonly Seed[]): Subpacket {
  const now = Math.floor(Date.now() / 1000);
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return b;
  };
  const fpr = (): Buffer => Buffer.from(rng.pick(ids.fingerprints), 'hex');
  // weighted towards what has broken verifiers: creation time, issuer (key ID / fingerprint), embedded signatures, unknown types
  const kind = rng.pick([0, 0, 0, 0, 1, 2, 3, 3, 3, 4, 4, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 14, 14, 15]);
  const crit = rng.bool(0.2) ? 0x80 : 0;
  switch (kind) {
    case 0: // creation time, odd lengths (item 2), future, zero, far future
      return {
        type: SUB.CREATED | crit,
        body: rng.pick([
          u32(now + 86400 * rng.range(1, 400)),
          u32(0),
          u32(0xffffffff),
          u32(now - 86400 * 365 * 10),
          Buffer.concat([u32(now), rng.bytes(rng.range(1, 4))]),
          rng.bytes(rng.range(0, 3)),
          Buffer.alloc(8, 0xff),
        ]),
      };
    case 1:
      return {
        type: SUB.SIG_EXPIRES | crit,
        body: rng.pick([u32(1), u32(0), u32(0xffffffff), rng.bytes(rng.range(0, 6))]),
      };
    case 2:
      return { type: SUB.KEY_EXPIRES | crit, body: rng.pick([u32(1), u32(0), rng.bytes(rng.range(0, 6))]) };
    case 3: // issuer key id: a known one, the unknown one, wildcard, random, odd length
      return {
        type: SUB.ISSUER | crit,
        body: rng.pick([fpr().subarray(12), Buffer.alloc(8), rng.bytes(8), rng.bytes(rng.range(0, 12))]),
      };
    case 4: // issuer fingerprint: v4 prefix with a known/unknown fpr, wrong version byte, wrong length
      return {
        type: SUB.ISSUER_FPR | crit,
        body: rng.pick([
          Buffer.concat([Buffer.from([4]), fpr()]),
          Buffer.concat([Buffer.from([rng.pick([0, 3, 5, 6, 0xff])]), fpr()]),
          Buffer.concat([Buffer.from([6]), rng.bytes(32)]),
          Buffer.concat([Buffer.from([4]), rng.bytes(20)]),
          rng.bytes(rng.range(0, 40)),
        ]),
      };
    case 5: // notation, human-readable flag, critical or not
      return {
        type: SUB.NOTATION | crit,
        body: Buffer.concat([Buffer.from([0x80, 0, 0, 0, 0, 4, 0, 1]), Buffer.from('a@bc'), Buffer.from('x')]),
      };
    case 6:
      return {
        type: SUB.SIGNER_UID | crit,
        body: Buffer.from(rng.pick(['ThomasV <thomasv@electrum.org>', '', 'x'.repeat(300)])),
      };
    case 7: // embedded signature: junk, empty, or another seed's whole signature body
      return {
        type: SUB.EMBEDDED | crit,
        body: rng.pick([
          rng.bytes(rng.range(0, 64)),
          Buffer.alloc(0),
          parsePackets(rng.pick(seeds).bin).packets[0]?.body ?? Buffer.alloc(0),
        ]),
      };
    case 8:
      return { type: SUB.REVOCATION_KEY | crit, body: Buffer.concat([Buffer.from([0x80, 1]), fpr()]) };
    case 9:
      return { type: SUB.KEY_FLAGS | crit, body: rng.bytes(rng.range(0, 3)) };
    case 10:
      return { type: SUB.FEATURES | crit, body: rng.bytes(rng.range(0, 2)) };
    case 11:
      return {
        type: SUB.REVOCATION_REASON | crit,
        body: Buffer.concat([Buffer.from([rng.pick([0, 1, 2, 3, 32])]), Buffer.from('why')]),
      };
    case 12:
      return { type: SUB.EXPORTABLE | crit, body: Buffer.from([rng.int(2)]) };
    case 13:
      return { type: SUB.INTENDED_RECIPIENT | crit, body: Buffer.concat([Buffer.from([4]), fpr()]) };
    case 14: // unknown and private types
      return {
        type: rng.pick([0, 1, 8, 13, 17, 18, 19, 34, 36, 37, 38, 39, 40, 99, 100, 110, 127]) | crit,
        body: rng.bytes(rng.range(0, 20)),
      };
    default:
      return { type: SUB.TARGET | crit, body: rng.bytes(rng.range(0, 70)) };
  }
}

/** Re-frame a signature body as a packet stream, usually with a normal header, sometimes another length style. */
function frame(rng: Rng, body: Buffer): Buffer {
  return rng.bool(0.85) ? encodePacket(2, body) : encodePacket(2, body, rng.pick(LENGTH_STYLES));
}

const SUB_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(SUB).map(([k, v]) => [v, k.toLowerCase().replace(/_/g, '-')]),
);
const subpacketName = (t: number): string => SUB_NAMES[t] ?? `type-${t}`;

type Mutator = (rng: Rng, seeds: readonly Seed[], ids: Ids) => Mutated;

const sigSeeds = (seeds: readonly Seed[]): Seed[] => seeds.filter((s) => s.sig !== null);

export const MUTATORS: Record<string, { weight: number; fn: Mutator }> = {
  'armored-bitflip': {
    weight: 6,
    fn: (rng, seeds) => {
      const s = rng.pick(seeds);
      return { bytes: flipBits(rng, Buffer.from(s.armored), rng.range(1, 4)), mutator: 'armored-bitflip' };
    },
  },
  'binary-bitflip': {
    weight: 12,
    fn: (rng, seeds) => {
      const s = rng.pick(seeds);
      return { bytes: wrap(flipBits(rng, s.bin, rng.range(1, 8)), rng), mutator: 'binary-bitflip' };
    },
  },
  'byte-set': {
    weight: 8,
    fn: (rng, seeds) => {
      const s = rng.pick(seeds);
      const b = Buffer.from(s.bin);
      for (let i = rng.range(1, 3); i > 0; i--) if (b.length > 0) b[rng.int(b.length)] = rng.pick(INTERESTING);
      return { bytes: wrap(b, rng), mutator: 'byte-set' };
    },
  },
  truncate: {
    weight: 5,
    fn: (rng, seeds) => {
      const s = rng.pick(seeds);
      return { bytes: wrap(s.bin.subarray(0, rng.int(s.bin.length)), rng), mutator: 'truncate' };
    },
  },
  extend: {
    weight: 4,
    fn: (rng, seeds) => {
      const s = rng.pick(seeds);
      const tail = rng.pick([
        rng.bytes(rng.range(1, 40)),
        encodePacket(rng.pick([2, 4, 6, 11, 14, 60, 63]), rng.bytes(rng.range(0, 30))),
        Buffer.from([0xc2]), // a lone header
        Buffer.from([0x88, 0xff]), // old-format header, length past the end
      ]);
      return { bytes: wrap(Buffer.concat([s.bin, tail]), rng), mutator: 'extend' };
    },
  },
  'packet-length': {
    weight: 10,
    fn: (rng, seeds) => {
      const s = rng.pick(seeds);
      const p = parsePackets(s.bin).packets[0];
      if (!p) return { bytes: Buffer.from(s.armored), mutator: 'packet-length' };
      const style = rng.pick(LENGTH_STYLES);
      const delta = rng.bool(0.5) ? 0 : rng.pick([-2, -1, 1, 2, 64, -64, 1000]);
      return {
        bytes: wrap(encodePacket(p.tag, p.body, style, delta), rng),
        mutator: `packet-length:${style}${delta === 0 ? '' : ':delta'}`,
      };
    },
  },
  'subpacket-edit': {
    weight: 22,
    fn: (rng, seeds, ids) => {
      // the unknown signer's seed twice as often: hostile blocks by strangers must never stop the others (issue 11, item 2)
      const pool = sigSeeds(seeds);
      const s = rng.bool(0.15) ? (pool.find((x) => x.name === 'unknown') ?? rng.pick(pool)) : rng.pick(pool);
      const sig: SigV4 = { ...s.sig!, hashed: [...s.sig!.hashed], unhashed: [...s.sig!.unhashed] };
      const area = rng.bool(0.65) ? 'unhashed' : 'hashed';
      const list = sig[area];
      let op = rng.pick(['insert', 'insert', 'insert', 'delete', 'duplicate', 'replace', 'shuffle']);
      let sp: Subpacket | undefined;
      if (op === 'insert' || list.length === 0) {
        op = 'insert';
        sp = randomSubpacket(rng, ids, seeds);
        list.splice(rng.int(list.length + 1), 0, sp);
      } else if (op === 'delete') {
        const i = rng.int(list.length);
        sp = list[i];
        list.splice(i, 1);
      } else if (op === 'duplicate') {
        sp = list[rng.int(list.length)] as Subpacket;
        list.splice(rng.int(list.length + 1), 0, sp);
      } else if (op === 'replace') {
        sp = randomSubpacket(rng, ids, seeds);
        list[rng.int(list.length)] = sp;
      } else list.reverse();
      const t = sp === undefined ? '' : `:${sp.type & 0x80 ? 'critical-' : ''}${subpacketName(sp.type & 0x7f)}`;
      return { bytes: wrap(frame(rng, encodeSigV4(sig)), rng), mutator: `subpacket-${op}:${area}${t}` };
    },
  },
  'subpacket-framing': {
    weight: 8,
    fn: (rng, seeds) => {
      // lie about one subpacket's length, use non-minimal encodings, or lie about an area's length
      const s = rng.pick(sigSeeds(seeds));
      const sig = s.sig!;
      const area = rng.bool(0.5) ? 'unhashed' : 'hashed';
      const list = sig[area];
      const how = rng.pick(['sub-delta', 'sub-style', 'area-delta', 'zero-length-sub']);
      let raw: Buffer;
      if (how === 'zero-length-sub')
        raw = Buffer.concat([list.map((x) => encodeSubpacket(x)), [Buffer.from([0])]].flat());
      else {
        const k = rng.int(Math.max(1, list.length));
        raw = Buffer.concat(
          list.map((x, i) =>
            i !== k
              ? encodeSubpacket(x)
              : how === 'sub-delta'
                ? encodeSubpacket(x, 0, rng.pick([-1, 1, -2, 2, 100]))
                : encodeSubpacket(x, rng.pick([2, 5] as const)),
          ),
        );
      }
      const delta = how === 'area-delta' ? rng.pick([-1, 1, -3, 3, 1000]) : 0;
      const body = encodeSigV4(
        sig,
        area === 'hashed' ? { hashedRaw: raw, hashedDelta: delta } : { unhashedRaw: raw, unhashedDelta: delta },
      );
      return { bytes: wrap(frame(rng, body), rng), mutator: `subpacket-framing:${how}:${area}` };
    },
  },
  'sig-fields': {
    weight: 8,
    fn: (rng, seeds) => {
      const s = rng.pick(sigSeeds(seeds));
      const sig = { ...s.sig! };
      const field = rng.pick(['version', 'sigType', 'pkAlgo', 'hashAlgo', 'prefix', 'mpi-bits', 'v6-shape', 'mpi-len']);
      let body: Buffer;
      if (field === 'v6-shape') {
        body = toV6Shape(sig, rng.pick([Buffer.alloc(0), rng.bytes(16), rng.bytes(32)]));
      } else {
        if (field === 'version') sig.version = rng.pick([2, 3, 5, 6, 7, 0xff]);
        if (field === 'sigType')
          sig.sigType = rng.pick([0x01, 0x02, 0x10, 0x13, 0x18, 0x1f, 0x20, 0x28, 0x30, 0x40, 0x50, 0xff]);
        if (field === 'pkAlgo') sig.pkAlgo = rng.pick([1, 2, 3, 16, 17, 18, 19, 20, 22, 27, 28, 100, 0]);
        if (field === 'hashAlgo') sig.hashAlgo = rng.pick([1, 2, 3, 8, 9, 10, 11, 12, 14, 0, 100]);
        if (field === 'prefix') sig.prefix = flipBits(rng, sig.prefix, 1);
        if (field === 'mpi-bits' && sig.mpis.length >= 2) {
          const m = Buffer.from(sig.mpis);
          m.writeUInt16BE(
            rng.pick([0, 1, 7, 8, 255, 256, 4096, 65535, m.readUInt16BE(0) + 1, m.readUInt16BE(0) - 1]) & 0xffff,
            0,
          );
          sig.mpis = m;
        }
        if (field === 'mpi-len')
          sig.mpis = rng.bool()
            ? sig.mpis.subarray(0, rng.int(sig.mpis.length))
            : Buffer.concat([sig.mpis, rng.bytes(rng.range(1, 40))]);
        body = encodeSigV4(sig);
      }
      return { bytes: wrap(frame(rng, body), rng), mutator: `sig-fields:${field}` };
    },
  },
  rearmor: {
    weight: 6,
    fn: (rng, seeds) => {
      const s = rng.pick(seeds);
      const st = randomArmorStyle(rng);
      return { bytes: Buffer.from(armor(s.bin, st)), mutator: `rearmor:${styleName(st)}` };
    },
  },
  splice: {
    weight: 11,
    fn: (rng, seeds) => {
      const how = rng.pick(['concat-blocks', 'one-block-many-packets', 'halves', 'junk-between', 'split-packet']);
      const pickN = (): Seed[] => Array.from({ length: rng.range(2, 5) }, () => rng.pick(seeds));
      let bytes: Buffer;
      if (how === 'concat-blocks')
        bytes = Buffer.from(
          pickN()
            .map((s) => s.armored)
            .join(rng.pick(['', '\n', '\r\n', '\n\n'])),
        );
      else if (how === 'junk-between') {
        const junk = rng.pick(JUNK);
        bytes = Buffer.from(
          pickN()
            .map((s) => s.armored)
            .join(junk[1]),
        );
        return { bytes, mutator: `splice:junk-between:${junk[0]}` };
      } else if (how === 'one-block-many-packets') bytes = wrap(Buffer.concat(pickN().map((s) => s.bin)), rng);
      else if (how === 'halves') {
        const [a, b] = [rng.pick(seeds), rng.pick(seeds)];
        bytes = wrap(
          Buffer.concat([a.bin.subarray(0, rng.int(a.bin.length)), b.bin.subarray(rng.int(b.bin.length))]),
          rng,
        );
      } else {
        // a packet's bytes split over two armored blocks
        const s = rng.pick(seeds);
        const cut = rng.range(1, Math.max(1, s.bin.length - 1));
        bytes = Buffer.concat([wrap(s.bin.subarray(0, cut)), wrap(s.bin.subarray(cut))]);
      }
      return { bytes, mutator: `splice:${how}` };
    },
  },
};

/** Hashed-area edits worth a valid signature: each names what it does. */
const RESIGN_EDITS = [
  'second-created-future',
  'second-created-past',
  'created-odd-length',
  'created-future',
  'created-before-key',
  'sig-expired',
  'sig-expiry-zero',
  'hashed-issuer-other',
  'hashed-issuer-unknown',
  'hashed-issuer-wildcard',
  'no-hashed-issuer',
  'critical-unknown',
  'critical-signer-uid',
  'critical-notation',
  'random-hashed',
  'random-hashed',
  'random-hashed',
  'sigtype',
  'embedded-junk',
  'revocation-key',
  'hash-algo',
] as const;

function resign(rng: Rng, seeds: readonly Seed[], ids: Ids): Mutated | null {
  if (!ids.data || !ids.secrets) return null;
  const who = rng.pick(['ed', 'ed', 'sub', 'sub', 'unknown', 'revoked']);
  const key = ids.secrets[who];
  const seed = seeds.find((x) => x.name === who && x.sig);
  if (!key || !seed || !seed.sig) return null;
  const sig: SigV4 = { ...seed.sig, hashed: [...seed.sig.hashed], unhashed: [...seed.sig.unhashed] };
  const now = Math.floor(Date.now() / 1000);
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return b;
  };
  const isType = (t: number) => (x: Subpacket) => (x.type & 0x7f) === t;
  const edit = rng.pick(RESIGN_EDITS);
  const signerFpr =
    ids.fingerprints.find((f) =>
      seed.sig!.hashed.some((x) => isType(SUB.ISSUER_FPR)(x) && x.body.subarray(1).toString('hex').toUpperCase() === f),
    ) ?? '';
  const others = ids.fingerprints.filter((f) => f !== signerFpr);
  switch (edit) {
    case 'second-created-future':
      sig.hashed.splice(rng.int(sig.hashed.length + 1), 0, {
        type: SUB.CREATED,
        body: u32(now + 86400 * rng.range(2, 400)),
      });
      break;
    case 'second-created-past':
      sig.hashed.splice(rng.int(sig.hashed.length + 1), 0, {
        type: SUB.CREATED,
        body: u32(now - 86400 * rng.range(1, 4000)),
      });
      break;
    case 'created-odd-length':
      sig.hashed = sig.hashed.map((x) =>
        isType(SUB.CREATED)(x)
          ? {
              type: x.type,
              body: Buffer.concat([u32(now), rng.bytes(rng.range(1, 4))]).subarray(0, rng.pick([0, 1, 3, 5, 6, 8])),
            }
          : x,
      );
      break;
    case 'created-future':
      sig.hashed = sig.hashed.map((x) =>
        isType(SUB.CREATED)(x) ? { type: x.type, body: u32(now + rng.pick([60, 600, 86400, 86400 * 365])) } : x,
      );
      break;
    case 'created-before-key':
      sig.hashed = sig.hashed.map((x) =>
        isType(SUB.CREATED)(x) ? { type: x.type, body: u32(rng.pick([0, 1, now - 86400 * 3650, now - 3600])) } : x,
      );
      break;
    case 'sig-expired':
      sig.hashed.push({ type: SUB.SIG_EXPIRES | (rng.bool() ? 0x80 : 0), body: u32(rng.pick([1, 60])) });
      sig.hashed = sig.hashed.map((x) => (isType(SUB.CREATED)(x) ? { type: x.type, body: u32(now - 3600) } : x));
      break;
    case 'sig-expiry-zero':
      sig.hashed.push({ type: SUB.SIG_EXPIRES, body: u32(0) });
      break;
    case 'hashed-issuer-other':
    case 'hashed-issuer-unknown':
    case 'hashed-issuer-wildcard': {
      const fpr =
        edit === 'hashed-issuer-wildcard' ? '00'.repeat(20) : rng.pick(others.length ? others : ids.fingerprints);
      const body = Buffer.concat([Buffer.from([4]), Buffer.from(fpr, 'hex')]);
      sig.hashed = sig.hashed.map((x) => (isType(SUB.ISSUER_FPR)(x) ? { type: x.type, body } : x));
      if (rng.bool()) sig.hashed.push({ type: SUB.ISSUER, body: body.subarray(13) });
      break;
    }
    case 'no-hashed-issuer':
      sig.hashed = sig.hashed.filter((x) => !isType(SUB.ISSUER_FPR)(x));
      if (rng.bool(0.3))
        sig.unhashed = [
          {
            type: SUB.ISSUER,
            body: Buffer.from(rng.pick(others.length ? others : ids.fingerprints), 'hex').subarray(12),
          },
        ];
      break;
    case 'critical-unknown':
      sig.hashed.push({
        type: 0x80 | rng.pick([0, 1, 8, 13, 17, 40, 99, 100, 110, 127]),
        body: rng.bytes(rng.range(0, 8)),
      });
      break;
    case 'critical-signer-uid':
      sig.hashed.push({ type: 0x80 | SUB.SIGNER_UID, body: Buffer.from('ThomasV <thomasv@electrum.org>') });
      break;
    case 'critical-notation':
      sig.hashed.push({
        type: 0x80 | SUB.NOTATION,
        body: Buffer.concat([Buffer.from([0x80, 0, 0, 0, 0, 4, 0, 1]), Buffer.from('a@bcx')]),
      });
      break;
    case 'sigtype':
      sig.sigType = rng.pick([0x01, 0x02, 0x10, 0x13, 0x18, 0x1f, 0x20, 0x28, 0x30, 0x40, 0x50]);
      break;
    case 'embedded-junk':
      sig.hashed.push({ type: SUB.EMBEDDED | (rng.bool(0.3) ? 0x80 : 0), body: rng.bytes(rng.range(0, 40)) });
      break;
    case 'revocation-key':
      sig.hashed.push({
        type: SUB.REVOCATION_KEY,
        body: Buffer.concat([Buffer.from([0x80, 1]), Buffer.from(rng.pick(ids.fingerprints), 'hex')]),
      });
      break;
    case 'hash-algo':
      sig.hashAlgo = rng.pick([2, 8, 9, 11]);
      break;
    default:
      for (let n = rng.range(1, 2); n > 0; n--) {
        const op = rng.int(3);
        if (op === 0 || sig.hashed.length === 0)
          sig.hashed.splice(rng.int(sig.hashed.length + 1), 0, randomSubpacket(rng, ids, seeds));
        else if (op === 1) sig.hashed[rng.int(sig.hashed.length)] = randomSubpacket(rng, ids, seeds);
        else sig.hashed.splice(rng.int(sig.hashed.length), 1);
      }
  }
  if (rng.bool(0.2)) sig.unhashed.splice(rng.int(sig.unhashed.length + 1), 0, randomSubpacket(rng, ids, seeds));
  const body = resignV4(sig, ids.data, key);
  if (body === null) return null;
  let bytes = wrap(frame(rng, body), rng);
  // sometimes beside another good block, as in a real multi-signer .asc
  if (rng.bool(0.25))
    bytes = Buffer.concat(
      rng.bool() ? [bytes, Buffer.from(rng.pick(seeds).armored)] : [Buffer.from(rng.pick(seeds).armored), bytes],
    );
  return { bytes, mutator: `resign:${who}:${edit}` };
}

MUTATORS.resign = {
  weight: 20,
  fn: (rng, seeds, ids) => resign(rng, seeds, ids) ?? MUTATORS['subpacket-edit']!.fn(rng, seeds, ids),
};

const TABLE: Array<[string, number]> = Object.entries(MUTATORS).map(([k, v]) => [k, v.weight]);
const TOTAL = TABLE.reduce((a, [, w]) => a + w, 0);

function pickMutator(rng: Rng): string {
  let r = rng.int(TOTAL);
  for (const [k, w] of TABLE) {
    if (r < w) return k;
    r -= w;
  }
  return TABLE[0]![0];
}

/** One case: usually one mutation of a seed; sometimes two stacked (the second applied to the first's output as a seed). */
export function mutateAsc(rng: Rng, seeds: readonly Seed[], ids: Ids): Mutated {
  const first = MUTATORS[pickMutator(rng)]!.fn(rng, seeds, ids);
  if (!rng.bool(0.12)) return first;
  const asSeed = seedFrom('stacked', first.bytes.toString('latin1'));
  if (asSeed.bin.length === 0) return first;
  const pool = asSeed.sig ? [asSeed] : [...seeds.filter((s) => s.sig), asSeed];
  const second = MUTATORS[pickMutator(rng)]!.fn(rng, pool, ids);
  return { bytes: second.bytes, mutator: `${first.mutator}+${second.mutator}` };
}
