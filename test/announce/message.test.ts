/**
 * Bitcoin signed-message verification (src/announce/message.ts) and the announcement check (check.ts):
 * Bitcoin Core's message_verify vectors, the 47 real announcements from electrum.org, mutations, malformed
 * signatures, high-S, and signatures by addresses that are not pinned.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base64 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { checkAnnouncement } from '../../src/announce/check.js';
import { messageDigest, p2pkhAddress, recoverAddress, verifyMessage } from '../../src/announce/message.js';
import { parseAnnouncement } from '../../src/announce/parse.js';
import { ANNOUNCEMENT_SIGNERS } from '../../src/trust/pinned.js';
import { SHARED } from '../support/cli.js';

const VERSIONS_DIR = join(SHARED, 'electrum-version');
const haveShared = existsSync(VERSIONS_DIR);
const THOMASV = '13xjmVAB1EATPP8RshTE8S8sNwwSUM9p1P';
const N = secp256k1.Point.Fn.ORDER;

/** The real 4.7.2 announcement, byte for byte (also in ../shared/electrum-version/version-4.7.2.json). */
const REAL_472 = `{
    "version": "4.7.2",
    "signatures": {"13xjmVAB1EATPP8RshTE8S8sNwwSUM9p1P": "IGSeeaAx7oNnIdufq4YbBkZg6Aa4Pn6OTDIDcjh+lTnMRgBRiKq84s4kTXMxOa2CwQbHEnKnkNHQ2Rn/MNliXN0="},
    "extradata": {
        "android_versioncode_nullarch": 45407020
    }
}
`;
const SIG_472 = 'IGSeeaAx7oNnIdufq4YbBkZg6Aa4Pn6OTDIDcjh+lTnMRgBRiKq84s4kTXMxOa2CwQbHEnKnkNHQ2Rn/MNliXN0=';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex32 = (n: bigint): Uint8Array => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
const toBig = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex')}`);

function withSig(sig: Uint8Array): string {
  return base64.encode(sig);
}

describe("Bitcoin Core's message_verify vectors (src/test/util_tests.cpp)", () => {
  it('"Trust no one" by 15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs (header 32, compressed key): OK', () => {
    const r = verifyMessage(
      '15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs',
      'IPojfrX2dfPnH26UegfbGQQLrdK844DlHq5157/P6h57WyuS/Qsl+h/WSVGDF4MUi4rWSswW38oimDYfNNUBUOk=',
      'Trust no one',
    );
    expect(r).toEqual({ status: 'valid', compressed: true, highS: false });
  });
  it('"Trust me" by 11canuhp9X2NocwCq7xNrQYTmUgZAnLK3: OK', () => {
    const r = verifyMessage(
      '11canuhp9X2NocwCq7xNrQYTmUgZAnLK3',
      'IIcaIENoYW5jZWxsb3Igb24gYnJpbmsgb2Ygc2Vjb25kIGJhaWxvdXQgZm9yIGJhbmtzIAaHRtbCeDZINyavx14=',
      'Trust me',
    );
    expect(r.status).toBe('valid');
  });
  it('the same signature over "I never signed this": ERR_NOT_SIGNED', () => {
    const r = verifyMessage(
      '15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs',
      'IPojfrX2dfPnH26UegfbGQQLrdK844DlHq5157/P6h57WyuS/Qsl+h/WSVGDF4MUi4rWSswW38oimDYfNNUBUOk=',
      'I never signed this',
    );
    expect(r.status).toBe('bad');
  });
  it('not base64: ERR_MALFORMED_SIGNATURE', () => {
    expect(
      verifyMessage(
        '1KqbBpLy5FARmTPD4VZnDDpYjkUvkr82Pm',
        'invalid signature, not in base64 encoding',
        'message should be irrelevant',
      ).status,
    ).toBe('malformed');
  });
  it('65 zero bytes: ERR_PUBKEY_NOT_RECOVERED', () => {
    const r = verifyMessage(
      '1KqbBpLy5FARmTPD4VZnDDpYjkUvkr82Pm',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      'message should be irrelevant',
    );
    expect(r.status).toBe('malformed');
  });
  it('an invalid address, and a P2SH address (ERR_INVALID_ADDRESS / ERR_ADDRESS_NO_KEY)', () => {
    expect(verifyMessage('invalid address', 'signature should be irrelevant', 'message too').status).toBe(
      'unsupported-address',
    );
    expect(
      verifyMessage('3B5fQsEXEaV8v6U3ejYc8XaKXAkyQj2MjV', 'signature should be irrelevant', 'message too').status,
    ).toBe('unsupported-address');
  });
  it('message hash: double SHA-256 of "\\x18Bitcoin Signed Message:\\n" + varint + message', () => {
    // Core's message_hash test: Hash(prefixed_message) equals MessageHash("...").
    const pre = Buffer.concat([
      Buffer.from([24]),
      Buffer.from('Bitcoin Signed Message:\n'),
      Buffer.from([3]),
      Buffer.from('...'),
    ]);
    const twice = createHash('sha256').update(createHash('sha256').update(pre).digest()).digest();
    expect(Buffer.from(messageDigest(enc('...'))).toString('hex')).toBe(twice.toString('hex'));
    // varint: a 253-byte message takes the 0xfd form
    const long = 'x'.repeat(253);
    const pre2 = Buffer.concat([
      Buffer.from([24]),
      Buffer.from('Bitcoin Signed Message:\n'),
      Buffer.from([0xfd, 253, 0]),
      Buffer.from(long),
    ]);
    const twice2 = createHash('sha256').update(createHash('sha256').update(pre2).digest()).digest();
    expect(Buffer.from(messageDigest(enc(long))).toString('hex')).toBe(twice2.toString('hex'));
  });
});

describe.skipIf(!haveShared)('the 47 real announcements (../shared/electrum-version)', () => {
  const files = haveShared
    ? readdirSync(VERSIONS_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];

  it('there are 47 of them', () => {
    expect(files).toHaveLength(47);
  });

  it.each(files)('%s verifies, signed by ThomasV, for the version in its name', (file) => {
    const bytes = readFileSync(join(VERSIONS_DIR, file));
    const a = parseAnnouncement(bytes, file);
    expect(`version-${a.version}.json`).toBe(file);
    const c = checkAnnouncement(a);
    expect(c.failure).toBeNull();
    expect(c.signer?.name).toBe('ThomasV');
    expect(c.signatures).toEqual([{ address: THOMASV, signer: 'ThomasV', status: 'valid' }]);
  });

  it.each(files)('%s: one character of the version changed → not authentic', (file) => {
    const a = parseAnnouncement(readFileSync(join(VERSIONS_DIR, file)), file);
    const last = a.version.at(-1) as string;
    const mutated = { ...a, version: a.version.slice(0, -1) + (last === '9' ? '8' : String(Number(last) + 1)) };
    const c = checkAnnouncement(mutated);
    expect(c.signer).toBeNull();
    expect(c.failure?.code).toBe('ANNOUNCEMENT_UNSIGNED');
    expect(c.signatures[0]?.status).toBe('bad');
  });
});

describe('mutations of the real 4.7.2 announcement', () => {
  const a = parseAnnouncement(enc(REAL_472), 'REAL_472');

  it('verifies as served', () => {
    expect(checkAnnouncement(a).failure).toBeNull();
  });

  it('one character of the address changed → the signature is under an unpinned address → unsigned', () => {
    const addr = THOMASV.slice(0, 5) + (THOMASV[5] === 'V' ? 'W' : 'V') + THOMASV.slice(6);
    const c = checkAnnouncement({ ...a, signatures: [{ address: addr, signature: SIG_472 }] });
    expect(c.failure?.code).toBe('ANNOUNCEMENT_UNSIGNED');
    expect(c.signatures[0]).toMatchObject({ address: addr, signer: null, status: 'ignored' });
  });

  it('every single base64 character of the signature changed → never valid', () => {
    let valid = 0;
    for (let i = 0; i < SIG_472.length - 1; i++) {
      const ch = SIG_472[i] as string;
      const repl = ch === 'A' ? 'B' : 'A';
      const sig = SIG_472.slice(0, i) + repl + SIG_472.slice(i + 1);
      const c = checkAnnouncement({ ...a, signatures: [{ address: THOMASV, signature: sig }] });
      if (c.failure === null) valid++;
      else expect(c.failure.code).toBe('ANNOUNCEMENT_UNSIGNED');
    }
    expect(valid).toBe(0);
  });

  it('changing extradata (unsigned) does not matter, and it is reported as unsigned', () => {
    const changed = REAL_472.replace('45407020', '99999999').replace(
      '"extradata": {',
      '"extradata": {"download": "https://evil.example/x.exe", ',
    );
    const b = parseAnnouncement(enc(changed), 'changed');
    expect(b.extradata).toMatchObject({
      android_versioncode_nullarch: 99999999,
      download: 'https://evil.example/x.exe',
    });
    expect(checkAnnouncement(b).failure).toBeNull();
    const without = parseAnnouncement(
      enc(JSON.stringify({ version: '4.7.2', signatures: { [THOMASV]: SIG_472 } })),
      'without',
    );
    expect(without.extradata).toBeNull();
    expect(checkAnnouncement(without).failure).toBeNull();
  });

  it('the version with surrounding space is refused by the parser (the signature covers the exact string)', () => {
    expect(() =>
      parseAnnouncement(enc(JSON.stringify({ version: ' 4.7.2', signatures: { [THOMASV]: SIG_472 } })), 'x'),
    ).toThrow(/not an Electrum version number/);
  });
});

describe('malformed compact signatures', () => {
  const msg = enc('4.7.2');
  const real = base64.decode(SIG_472);

  it.each([26, 35, 43, 0, 255])('header byte %i is refused', (h) => {
    const sig = Uint8Array.from(real);
    sig[0] = h;
    const r = recoverAddress(msg, sig);
    expect(r.ok).toBe(false);
    expect(verifyMessage(THOMASV, withSig(sig), msg).status).toBe('malformed');
  });

  it('each valid header 27–34 other than the real one recovers a different address (or none)', () => {
    for (let h = 27; h <= 34; h++) {
      const sig = Uint8Array.from(real);
      sig[0] = h;
      const r = verifyMessage(THOMASV, withSig(sig), msg);
      expect(r.status === 'valid').toBe(h === real[0]);
    }
  });

  it.each([64, 66, 0, 1])('a %i-byte signature is refused', (len) => {
    const sig = new Uint8Array(len);
    sig.set(real.subarray(0, Math.min(len, 65)));
    expect(recoverAddress(msg, sig)).toMatchObject({ ok: false });
    expect(verifyMessage(THOMASV, withSig(sig), msg).status).toBe('malformed');
  });

  const cases: Array<[string, (r: bigint, s: bigint) => [bigint, bigint]]> = [
    ['r = 0', (_r, s) => [0n, s]],
    ['s = 0', (r) => [r, 0n]],
    ['r = n', (_r, s) => [N, s]],
    ['s = n', (r) => [r, N]],
    ['r = n + 1', (_r, s) => [N + 1n, s]],
    ['s = 2^256 - 1', (r) => [r, 2n ** 256n - 1n]],
  ];
  it.each(cases)('%s is refused', (_name, f) => {
    const [r, s] = f(toBig(real.subarray(1, 33)), toBig(real.subarray(33, 65)));
    const sig = new Uint8Array(65);
    sig[0] = real[0] as number;
    sig.set(hex32(r), 1);
    sig.set(hex32(s), 33);
    expect(recoverAddress(msg, sig)).toMatchObject({ ok: false });
  });
});

describe('high-S and unpinned signers', () => {
  const secret = secp256k1.utils.randomSecretKey();
  const pub = secp256k1.getPublicKey(secret, true);
  const address = p2pkhAddress(pub);

  function signCompact(message: string, compressed = true): Uint8Array {
    const rec = secp256k1.sign(messageDigest(enc(message)), secret, { prehash: false, format: 'recovered' });
    const out = new Uint8Array(65);
    out[0] = 27 + (rec[0] as number) + (compressed ? 4 : 0);
    out.set(rec.subarray(1), 1);
    return out;
  }

  it('a signature made here with noble verifies (compressed and uncompressed headers)', () => {
    expect(verifyMessage(address, withSig(signCompact('4.9.0')), '4.9.0').status).toBe('valid');
    const unc = p2pkhAddress(secp256k1.getPublicKey(secret, false));
    expect(verifyMessage(unc, withSig(signCompact('4.9.0', false)), '4.9.0').status).toBe('valid');
    // the compressed-key signature does not vouch for the uncompressed address, and vice versa
    expect(verifyMessage(unc, withSig(signCompact('4.9.0')), '4.9.0').status).toBe('bad');
  });

  it('high-S (s → n − s, recovery id flipped) is ACCEPTED, as Electrum does (enforce_low_s=False), and recorded', () => {
    const low = signCompact('4.9.0');
    const s = toBig(low.subarray(33));
    const high = Uint8Array.from(low);
    high.set(hex32(N - s), 33);
    high[0] = (((low[0] as number) - 27) ^ 1) + 27;
    const r = verifyMessage(address, withSig(high), '4.9.0');
    expect(r).toEqual({ status: 'valid', compressed: true, highS: true });
    // the real 4.7.2 signature made high-S is still ThomasV's
    const real = base64.decode(SIG_472);
    const h2 = Uint8Array.from(real);
    h2.set(hex32(N - toBig(real.subarray(33))), 33);
    h2[0] = (((real[0] as number) - 27) ^ 1) + 27;
    const a = parseAnnouncement(
      enc(JSON.stringify({ version: '4.7.2', signatures: { [THOMASV]: withSig(h2) } })),
      'high-s',
    );
    const c = checkAnnouncement(a);
    expect(c.failure).toBeNull();
    expect(c.signatures[0]).toMatchObject({ status: 'valid', highS: true });
    // and flipping s WITHOUT flipping the recovery id recovers another key
    const wrong = Uint8Array.from(h2);
    wrong[0] = real[0] as number;
    expect(verifyMessage(THOMASV, withSig(wrong), '4.7.2').status).not.toBe('valid');
  });

  it('a VALID signature by an unpinned address is listed and ignored → ANNOUNCEMENT_UNSIGNED', () => {
    const a = parseAnnouncement(
      enc(JSON.stringify({ version: '9.9.9', signatures: { [address]: withSig(signCompact('9.9.9')) } })),
      'forged',
    );
    expect(verifyMessage(address, a.signatures[0]!.signature, '9.9.9').status).toBe('valid');
    const c = checkAnnouncement(a);
    expect(c.signer).toBeNull();
    expect(c.failure?.code).toBe('ANNOUNCEMENT_UNSIGNED');
    expect(c.failure?.message).toContain(address);
    expect(c.signatures).toEqual([
      { address, signer: null, status: 'ignored', note: 'not a pinned announcement address' },
    ]);
  });

  it('the same valid signature counts when its address is pinned (the check is the pin, not the key)', () => {
    const a = parseAnnouncement(
      enc(JSON.stringify({ version: '9.9.9', signatures: { [address]: withSig(signCompact('9.9.9')) } })),
      'test-pinned',
    );
    const c = checkAnnouncement(a, [...ANNOUNCEMENT_SIGNERS, { name: 'TestSigner', address }]);
    expect(c.failure).toBeNull();
    expect(c.signer?.name).toBe('TestSigner');
  });

  it('a real pinned signature next to an unpinned one: authentic; the other is listed as ignored', () => {
    const a = parseAnnouncement(
      enc(
        JSON.stringify({
          version: '4.7.2',
          signatures: { [address]: withSig(signCompact('4.7.2')), [THOMASV]: SIG_472 },
        }),
      ),
      'two',
    );
    const c = checkAnnouncement(a);
    expect(c.failure).toBeNull();
    expect(c.signatures.map((s) => s.status)).toEqual(['ignored', 'valid']);
  });

  it("a bad signature listed under SomberNight's pinned address fails the whole announcement, even beside ThomasV's good one", () => {
    const somber = ANNOUNCEMENT_SIGNERS.find((s) => s.name === 'SomberNight')!.address;
    const a = parseAnnouncement(
      enc(
        JSON.stringify({
          version: '4.7.2',
          signatures: { [THOMASV]: SIG_472, [somber]: withSig(signCompact('4.7.2')) },
        }),
      ),
      'tampered',
    );
    const c = checkAnnouncement(a);
    expect(c.failure?.code).toBe('ANNOUNCEMENT_UNSIGNED');
    expect(c.signatures[1]).toMatchObject({ signer: 'SomberNight', status: 'bad' });
  });
});
