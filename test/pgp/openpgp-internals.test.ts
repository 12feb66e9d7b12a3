/**
 * src/pgp/openpgp-internals.ts is the only file that relies on openpgp.js internals (fields missing from its type
 * declarations, private state, undocumented behaviour). This test pins the version those internals were read from
 * and runs every function of that file on keys and signatures made in the run, so that an openpgp update that moves
 * one of them fails here, loudly, rather than as a wrong verdict somewhere else.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { PGP_CONFIG } from '../../src/pgp/config.js';
import { DataHasher } from '../../src/pgp/data-digest.js';
import { ValueConfirmer } from '../../src/pgp/fast-values.js';
import {
  OPENPGP_VERSION_READ,
  asIssuedBy,
  cloneKeyStructure,
  curveName,
  emptySignaturePacket,
  forgetRevocationResult,
  hasVerifiedMark,
  keyIDFromHex,
  keySignatures,
  keyStructure,
  publicParams,
  readSignaturePacket,
  setAsideDesignatedRevoker,
  signatureParams,
  signatureSalt,
  structureAsKey,
  verifyAllButValue,
  verifyUndated,
  verifyWithDigest,
} from '../../src/pgp/openpgp-internals.js';
import { PrehashedEcdsa } from '../../src/pgp/prehashed-ecdsa.js';
import { parseSignatureFile } from '../../src/pgp/signature-file.js';
import { secretPacket } from '../support/openpgp-test-internals.js';
import { craftBody, created, edKey, issuerFpr, p256Key, sub } from './craft.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** What the next engineer must do when a check below fails. */
const REREAD = (what: string): string =>
  `${what}: openpgp.js moved an internal that src/pgp/openpgp-internals.ts relies on. Re-read the function named ` +
  `here against node_modules/openpgp/dist/node/openpgp.mjs (its comment names the code it was read from), fix it, ` +
  `then move the pins (package.json "openpgp", OPENPGP_VERSION_READ).`;

const data = new TextEncoder().encode('release bytes\n'.repeat(1000));

interface Signed {
  key: openpgp.PrivateKey;
  packet: openpgp.SignaturePacket;
  digest: Uint8Array;
}

/** A detached signature over `data` made by openpgp.js, read the way electrum-verify reads one, with its digest. */
async function signed(key: openpgp.PrivateKey): Promise<Signed> {
  const message = await openpgp.createMessage({ binary: data });
  const bytes = await openpgp.sign({ message, signingKeys: key, detached: true, format: 'binary' });
  const { packets } = await parseSignatureFile(bytes as Uint8Array);
  return { key, packet: packets[0]!, digest: await digestOf(packets[0]!) };
}

async function digestOf(packet: openpgp.SignaturePacket): Promise<Uint8Array> {
  const hasher = new DataHasher([packet]);
  hasher.update(data);
  const digest = (await hasher.finish()).digestFor(packet);
  if (digest === null) throw new Error('no digest for the test signature');
  return digest;
}

const flipped = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[at]! ^= 1;
  return copy;
};

/** The same signature with one bit of its value changed (the packet body ends with the value). */
function withWrongValue(packet: openpgp.SignaturePacket): openpgp.SignaturePacket {
  const body = packet.write(); // the body, without the packet header
  const wrong = flipped(body, body.length - 1);
  return readSignaturePacket(wrong, wrong);
}

const newKey = async (options: Partial<openpgp.KeyOptions>): Promise<openpgp.PrivateKey> =>
  (
    await openpgp.generateKey({
      userIDs: [{ name: 'pin' }],
      format: 'object',
      ...options,
    } as openpgp.KeyOptions & { format: 'object' })
  ).privateKey;

let rsa: Signed;
let ecdsa: Signed;
let ed25519Legacy: Signed;
let ed25519V6: Signed;

beforeAll(async () => {
  [rsa, ecdsa, ed25519Legacy, ed25519V6] = await Promise.all([
    newKey({ type: 'rsa', rsaBits: 2048 }).then(signed),
    p256Key('pin P-256').then(signed),
    edKey('pin Ed25519 legacy').then(signed),
    edKey('pin Ed25519 v6', { v6: true }).then(signed),
  ]);
});

describe('openpgp.js version', () => {
  it('is pinned exactly, and is the version openpgp-internals.ts was read from', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const installed = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/openpgp/package.json'), 'utf8')) as {
      version: string;
    };
    expect(pkg.dependencies['openpgp'], 'package.json must pin openpgp exactly (no ^ or ~)').toBe('6.3.2');
    expect(installed.version, REREAD('the installed openpgp is not the pinned one')).toBe(pkg.dependencies['openpgp']);
    expect(OPENPGP_VERSION_READ, REREAD('openpgp-internals.ts was read from another version')).toBe(installed.version);
  });
});

describe('verifyWithDigest (the `hashed` hook of SignaturePacket.verify)', () => {
  it.each(['rsa', 'ecdsa', 'ed25519Legacy', 'ed25519V6'] as const)(
    'a real %s signature verifies over its digest',
    async (name) => {
      const { key, packet, digest } = { rsa, ecdsa, ed25519Legacy, ed25519V6 }[name];
      await expect(
        verifyWithDigest(packet, key.keyPacket, digest, new Date()),
        REREAD('verifyWithDigest'),
      ).resolves.toBeUndefined();
      expect('hashed' in packet, 'the hook is removed afterwards').toBe(false);
    },
  );

  it('a wrong digest fails, with the messages check-signature.ts classifies as "does not match"', async () => {
    const { key, packet, digest } = rsa;
    // the first two bytes are the signed-hash prefix; a change after them reaches the public-key operation
    await expect(verifyWithDigest(packet, key.keyPacket, flipped(digest, 0), new Date())).rejects.toThrow(
      /digest did not match/i,
    );
    await expect(verifyWithDigest(packet, key.keyPacket, flipped(digest, 9), new Date())).rejects.toThrow(
      /verification failed/i,
    );
    await expect(
      verifyWithDigest(ecdsa.packet, ecdsa.key.keyPacket, flipped(ecdsa.digest, 9), new Date()),
    ).rejects.toThrow(/verification failed/i);
    expect('hashed' in packet).toBe(false);
  });

  it('a wrong value fails over the right digest', async () => {
    const broken = withWrongValue(ed25519Legacy.packet);
    await expect(
      verifyWithDigest(broken, ed25519Legacy.key.keyPacket, ed25519Legacy.digest, new Date()),
    ).rejects.toThrow(/verification failed/i);
  });

  it("the date checks run after the value check, with check-signature.ts's messages", async () => {
    const { key, packet, digest } = rsa;
    await expect(verifyWithDigest(packet, key.keyPacket, digest, new Date(Date.now() - 86_400_000))).rejects.toThrow(
      /in the future/,
    );
  });
});

describe("verifyAllButValue and hasVerifiedMark (openpgp.js's private `verified` symbol)", () => {
  it('every packet openpgp.js makes or reads carries the mark', () => {
    for (const { packet } of [rsa, ecdsa, ed25519Legacy, ed25519V6])
      expect(hasVerifiedMark(packet), REREAD('hasVerifiedMark')).toBe(true);
    expect(hasVerifiedMark(new openpgp.SignaturePacket()), REREAD('hasVerifiedMark')).toBe(true);
  });

  it('skips only the value: a wrong value passes, a future date still fails, and the mark is cleared', async () => {
    const { key, digest } = ed25519Legacy;
    const broken = withWrongValue(ed25519Legacy.packet);
    // the value is skipped (that is what ValueConfirmer's "yes" buys) …
    await expect(
      verifyAllButValue(broken, key.keyPacket, new Date()),
      REREAD('verifyAllButValue'),
    ).resolves.toBeUndefined();
    // … but not the other checks …
    await expect(verifyAllButValue(broken, key.keyPacket, new Date(Date.now() - 86_400_000))).rejects.toThrow(
      /in the future/,
    );
    // … and the mark does not stay: the full check still finds the wrong value afterwards
    await expect(verifyWithDigest(broken, key.keyPacket, digest, new Date())).rejects.toThrow(/verification failed/i);
  });
});

describe('asIssuedBy (SignaturePacket.verify checks issuerKeyID first)', () => {
  it('verify refuses another key unless the packet names it, and the issuer is restored', async () => {
    const other = ecdsa.key.getKeyID();
    const { key, packet, digest } = rsa;
    const named = packet.issuerKeyID;
    await expect(
      asIssuedBy(packet, other, () => verifyWithDigest(packet, key.keyPacket, digest, new Date())),
    ).rejects.toThrow(/not issued by/);
    expect(packet.issuerKeyID).toBe(named);
    await expect(
      asIssuedBy(packet, key.getKeyID(), () => verifyWithDigest(packet, key.keyPacket, digest, new Date())),
    ).resolves.toBeUndefined();
    expect(packet.issuerKeyID).toBe(named);
  });
});

describe('signatureParams, publicParams, curveName (algorithm fields)', () => {
  const isBytes = (v: unknown): boolean => v instanceof Uint8Array && v.length > 0;

  it('RSA: signature { s }, key { n, e }', () => {
    expect(Object.keys(signatureParams(rsa.packet) ?? {}), REREAD('signatureParams (RSA)')).toEqual(['s']);
    expect(isBytes(signatureParams(rsa.packet)?.['s'])).toBe(true);
    const params = publicParams(rsa.key.keyPacket);
    expect(isBytes(params['n']) && isBytes(params['e']), REREAD('publicParams (RSA)')).toBe(true);
    expect(curveName(rsa.key.keyPacket)).toBeNull();
  });

  it('ECDSA P-256: signature { r, s }, key { oid, Q } with the curve named nistP256', () => {
    const sig = signatureParams(ecdsa.packet);
    expect(isBytes(sig?.['r']) && isBytes(sig?.['s']), REREAD('signatureParams (ECDSA)')).toBe(true);
    const Q = publicParams(ecdsa.key.keyPacket)['Q'] as Uint8Array;
    expect(Q.length === 65 && Q[0] === 0x04, REREAD('publicParams (ECDSA)')).toBe(true);
    expect(curveName(ecdsa.key.keyPacket), REREAD('curveName')).toBe('nistP256');
  });

  it('EdDSA: legacy { r, s } / { oid, Q }, Ed25519 { RS } / { A }', () => {
    const legacy = signatureParams(ed25519Legacy.packet);
    expect(isBytes(legacy?.['r']) && isBytes(legacy?.['s']), REREAD('signatureParams (EdDSA legacy)')).toBe(true);
    expect(curveName(ed25519Legacy.key.keyPacket), REREAD('curveName')).toBe('ed25519Legacy');
    expect(isBytes(signatureParams(ed25519V6.packet)?.['RS']), REREAD('signatureParams (Ed25519)')).toBe(true);
    expect(isBytes(publicParams(ed25519V6.key.keyPacket)['A']), REREAD('publicParams (Ed25519)')).toBe(true);
    expect(curveName(ed25519V6.key.keyPacket)).toBeNull();
  });

  it('ValueConfirmer confirms the RSA and P-256 values through them (and leaves EdDSA to openpgp.js)', async () => {
    const confirmer = new ValueConfirmer(new PrehashedEcdsa());
    for (const { packet, key, digest } of [rsa, ecdsa])
      expect(await confirmer.confirm(packet, key.keyPacket, digest), REREAD('signatureParams / publicParams')).toBe(
        true,
      );
    expect(await confirmer.confirm(rsa.packet, rsa.key.keyPacket, flipped(rsa.digest, 9))).toBe(false);
    expect(await confirmer.confirm(ed25519Legacy.packet, ed25519Legacy.key.keyPacket, ed25519Legacy.digest)).toBe(
      false,
    );
  });
});

describe('signature-file reading (readSignaturePacket, emptySignaturePacket, keyIDFromHex, signatureSalt)', () => {
  it('a v6 signature has its salt, a v4 one none', () => {
    expect(signatureSalt(ed25519V6.packet)?.length, REREAD('signatureSalt')).toBe(32); // SHA-512: 32 bytes
    expect(signatureSalt(rsa.packet)).toBeNull();
  });

  it("readSignaturePacket parses with openpgp.js, and the hashed bytes are the packet's own", () => {
    const body = rsa.packet.write(); // the body, without the packet header
    expect(body[0], 'test set-up: a v4 body').toBe(4);
    const own = Uint8Array.from(body);
    const packet = readSignaturePacket(body, own);
    expect(packet).toBeInstanceOf(openpgp.SignaturePacket);
    expect(packet.signatureData?.buffer, REREAD('readSignaturePacket')).toBe(own.buffer);
    expect(packet.signatureData).toEqual(rsa.packet.signatureData);
    expect(() => readSignaturePacket(new Uint8Array([4, 0]), new Uint8Array([4, 0]))).toThrow();
  });

  it('emptySignaturePacket and keyIDFromHex', () => {
    expect(emptySignaturePacket(4).version, REREAD('emptySignaturePacket')).toBe(4);
    expect(emptySignaturePacket(null).version).toBeNull();
    const id = keyIDFromHex(rsa.packet.issuerKeyID, '0123456789abcdef');
    expect(id.toHex(), REREAD('keyIDFromHex')).toBe('0123456789abcdef');
    expect(id.constructor).toBe(rsa.packet.issuerKeyID.constructor);
    expect(id.equals(rsa.packet.issuerKeyID)).toBe(false);
    expect(keyIDFromHex(rsa.packet.issuerKeyID, rsa.packet.issuerKeyID.toHex()).equals(rsa.packet.issuerKeyID)).toBe(
      true,
    );
    expect(keyIDFromHex(rsa.packet.issuerKeyID, null).toHex()).toBe('0000000000000000');
  });
});

describe('key internals (keySignatures, forgetRevocationResult, setAsideDesignatedRevoker)', () => {
  const signaturesIn = (key: openpgp.PublicKey): number =>
    key.toPacketList().filter((p) => p instanceof openpgp.SignaturePacket).length;

  it("keySignatures sees every signature of a key, a v6 key's direct-key signature included", () => {
    for (const key of [rsa.key, ecdsa.key, ed25519V6.key].map((k) => k.toPublic()))
      expect(keySignatures(key).length, REREAD('keySignatures')).toBe(signaturesIn(key));
    expect(signaturesIn(ed25519V6.key.toPublic()), 'test set-up: a v6 key has a direct-key signature').toBe(3);
  });

  it('reads the revocation signatures of a revoked key', async () => {
    const { privateKey } = await openpgp.revokeKey({
      key: ecdsa.key,
      reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keySuperseded },
      format: 'object',
    });
    const revoked = privateKey.toPublic();
    expect(revoked.revocationSignatures).toHaveLength(1);
    expect(keySignatures(revoked), REREAD('keySignatures')).toContain(revoked.revocationSignatures[0]);
    expect(keySignatures(revoked).length).toBe(signaturesIn(revoked));
  });

  it('openpgp.js caches a revocation on the binding signature; forgetRevocationResult clears it', async () => {
    const key = await newKey({ type: 'ecc', curve: 'nistP256', subkeys: [{ sign: true }] });
    const subkey = await key.subkeys[0]!.revoke(secretPacket(key), {
      flag: openpgp.enums.reasonForRevocation.keyRetired,
    });
    const binding = subkey.bindingSignatures[0]!;
    expect(binding.revoked).toBeNull();
    await expect(subkey.verify(new Date(), PGP_CONFIG)).rejects.toThrow(/revoked/i);
    expect(binding.revoked, REREAD('forgetRevocationResult (isDataRevoked no longer caches on the signature)')).toBe(
      true,
    );
    forgetRevocationResult(binding);
    expect(binding.revoked).toBeNull();
  });

  it('verify refuses a designated-revoker subpacket; set aside, the same signature verifies', async () => {
    const key = await edKey('pin revoker');
    const revoker = new Uint8Array(20).fill(0xab);
    const body = craftBody({
      signer: key,
      data,
      hashed: [created(new Date()), issuerFpr(key), sub(12, [0x80, 1, ...revoker])],
    });
    const packet = readSignaturePacket(body, body);
    const digest = await digestOf(packet);
    await expect(
      verifyWithDigest(packet, key.keyPacket, digest, new Date()),
      REREAD('setAsideDesignatedRevoker'),
    ).rejects.toThrow(/authorized key/);
    expect(setAsideDesignatedRevoker(packet), REREAD('setAsideDesignatedRevoker')).toEqual(revoker);
    await expect(verifyWithDigest(packet, key.keyPacket, digest, new Date())).resolves.toBeUndefined();
    expect(setAsideDesignatedRevoker(packet)).toBeNull();
    expect(setAsideDesignatedRevoker(rsa.packet)).toBeNull();
  });
});

describe('key structure (keyStructure, cloneKeyStructure, structureAsKey) and verifyUndated', () => {
  it("the structure is the key's own: its arrays are the key's, mainKey points back, write() is the key's bytes", () => {
    const key = ecdsa.key.toPublic();
    const s = keyStructure(key);
    expect(s.keyPacket, REREAD('keyStructure')).toBe(key.keyPacket);
    expect(Array.isArray(s.directSignatures), REREAD('keyStructure (directSignatures)')).toBe(true);
    expect(s.revocationSignatures).toBe(key.revocationSignatures);
    expect(s.users[0]!.mainKey, REREAD('keyStructure (User.mainKey)')).toBe(s);
    expect(s.users[0]!.selfCertifications).toBe(key.users[0]!.selfCertifications);
    expect(typeof s.users[0]!.clone, REREAD('keyStructure (User.clone)')).toBe('function');
    expect(s.subkeys[0]!.mainKey, REREAD('keyStructure (Subkey.mainKey)')).toBe(s);
    expect(typeof s.subkeys[0]!.clone, REREAD('keyStructure (Subkey.clone)')).toBe('function');
    expect(s.write()).toEqual(key.write());
  });

  it('cloneKeyStructure: a change to the clone leaves the key alone, and the clone is a working key', async () => {
    const key = ecdsa.key.toPublic();
    const before = key.revocationSignatures.length;
    const clone = cloneKeyStructure(key);
    const { privateKey } = await openpgp.revokeKey({ key: ecdsa.key, format: 'object' });
    clone.revocationSignatures.push(privateKey.revocationSignatures[0]!);
    expect(key.revocationSignatures, REREAD('cloneKeyStructure (Key.clone shares the arrays)')).toHaveLength(before);
    const asKey = structureAsKey(clone);
    expect(asKey.getFingerprint()).toBe(key.getFingerprint());
    expect(await asKey.isRevoked(undefined, undefined, new Date()), REREAD('structureAsKey')).toBe(true);
  });

  it('verifyUndated: a self-signature verifies with no date; over other data or by another key it throws', async () => {
    // fresh packets for each call: openpgp.js skips the value check of a key signature it once verified
    const fresh = async () => {
      const key = await openpgp.readKey({ binaryKey: ecdsa.key.toPublic().write() });
      const binding = key.subkeys[0]!.bindingSignatures[0]!;
      return { key, binding, data: { key: key.keyPacket, bind: key.subkeys[0]!.keyPacket } };
    };
    const type = openpgp.enums.signature.subkeyBinding;
    const a = await fresh();
    await expect(
      verifyUndated(a.binding, a.key.keyPacket, type, a.data),
      REREAD('verifyUndated'),
    ).resolves.toBeUndefined();
    const b = await fresh();
    await expect(verifyUndated(b.binding, rsa.key.keyPacket, type, b.data)).rejects.toThrow();
    const c = await fresh();
    const other = { key: c.key.keyPacket, bind: rsa.key.keyPacket };
    await expect(verifyUndated(c.binding, c.key.keyPacket, type, other)).rejects.toThrow();
  });
});
