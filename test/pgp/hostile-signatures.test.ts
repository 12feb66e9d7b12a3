/**
 * Regressions from the security review: tricks that must not make a good file fail for the wrong reason, nor
 * make a bad signature by a trusted key disappear.
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { VerifyError } from '../../src/errors.js';
import { checkSignature, findIssuer } from '../../src/pgp/check-signature.js';
import { DataHasher } from '../../src/pgp/data-digest.js';
import { parseSignatureFile } from '../../src/pgp/signature-file.js';
import type { Keyring } from '../../src/trust/keyring.js';
import { secretPacket, setLiteralBytes, signPacket, withHashedWriter } from '../support/openpgp-test-internals.js';

const cfg = { ...openpgp.config, nonDeterministicSignaturesViaNotation: false };
const data = new TextEncoder().encode('release bytes\n'.repeat(100));
let A: openpgp.PrivateKey;
let keyring: Keyring;

beforeAll(async () => {
  A = (
    await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'A' }], format: 'object' })
  ).privateKey;
  keyring = {
    trust: 'custom',
    keys: [{ name: 'A', fingerprint: A.getFingerprint().toUpperCase(), key: A.toPublic() }],
  };
});

async function detached(bytes: Uint8Array, notationBytes = 0): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ binary: bytes });
  const signatureNotations = notationBytes
    ? [{ name: 'x@example.test', value: new Uint8Array(notationBytes), humanReadable: false, critical: false }]
    : [];
  return openpgp.sign({ message, signingKeys: A, detached: true, format: 'binary', config: cfg, signatureNotations });
}

describe('issuer matching', () => {
  it("a stranger's signature with a wildcard (all-zero) key ID and no fingerprint is unknown-key, not a bad signature by a trusted key", async () => {
    const C = (
      await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'C' }], format: 'object' })
    ).privateKey;
    const ck = secretPacket(await C.getSigningKey());
    const lit = new openpgp.LiteralDataPacket();
    setLiteralBytes(lit, data, openpgp.enums.literal.binary);
    const s = withHashedWriter(new openpgp.SignaturePacket());
    s.signatureType = openpgp.enums.signature.binary;
    s.publicKeyAlgorithm = ck.algorithm;
    s.hashAlgorithm = openpgp.enums.hash.sha256;
    const write = s.writeHashedSubPackets.bind(s);
    s.writeHashedSubPackets = () => {
      s.issuerFingerprint = null;
      const KeyIDClass = ck.getKeyID().constructor as new () => openpgp.KeyID & { read(bytes: Uint8Array): void };
      const wildcard = new KeyIDClass();
      wildcard.read(new Uint8Array(8));
      s.issuerKeyID = wildcard;
      return write();
    };
    await signPacket(s, ck, lit, new Date(), true, cfg);
    const list = new openpgp.PacketList<openpgp.SignaturePacket>();
    list.push(s);
    const wild = new openpgp.Signature(list).armor(cfg);
    const good = openpgp.armor(openpgp.enums.armor.signature, await detached(data));
    const { packets } = await parseSignatureFile(new TextEncoder().encode(wild + good));
    expect(packets[0]!.issuerKeyID.toHex()).toBe('0000000000000000');
    expect(findIssuer(keyring, packets[0]!)).toBeNull();
    const hasher = new DataHasher(packets);
    hasher.update(data);
    const d = await hasher.finish();
    const statuses = await Promise.all(
      packets.map(async (p) => (await checkSignature(p, d.digestFor(p), keyring, new Date())).status),
    );
    expect(statuses).toEqual(['unknown-key', 'valid']);
  });
});

describe('strict armor decoding', () => {
  it('a second signature hidden after "=" padding inside one block is refused, not silently dropped', async () => {
    let good: Uint8Array | null = null;
    let bad: Uint8Array | null = null;
    for (let k = 1; k < 8 && (!good || !bad); k++) {
      const g = await detached(data, k);
      if (!good && g.length % 3 !== 0) good = g; // its base64 ends in "=" padding
      const b = await detached(new TextEncoder().encode('evil'), k);
      if (!bad && b.length % 3 === 0) bad = b;
    }
    const b64 = (u: Uint8Array): string =>
      Buffer.from(u)
        .toString('base64')
        .replace(/(.{64})/g, '$1\n')
        .replace(/\n$/, '');
    const text = `-----BEGIN PGP SIGNATURE-----\n\n${b64(good!)}\n${b64(bad!)}\n-----END PGP SIGNATURE-----\n`;
    // openpgp.js's own decoder keeps only the first signature here:
    expect((await openpgp.readSignature({ armoredSignature: text })).packets.length).toBe(1);
    const err = await parseSignatureFile(new TextEncoder().encode(text)).catch((e: unknown) => e);
    expect((err as VerifyError).code).toBe('SIGNATURE_MALFORMED');
    expect((err as VerifyError).message).toMatch(/padding/);
  });

  it('a block whose checksum does not match is refused', async () => {
    const armored = openpgp.armor(openpgp.enums.armor.signature, await detached(data));
    // openpgp.js 6 writes no checksum line; add one that is wrong (the real CRC-24 of these bytes is not 0).
    const broken = armored.replace('-----END PGP SIGNATURE-----', '=AAAA\n-----END PGP SIGNATURE-----');
    const err = await parseSignatureFile(new TextEncoder().encode(broken)).catch((e: unknown) => e);
    expect((err as VerifyError).message).toMatch(/checksum/);
    expect((await parseSignatureFile(new TextEncoder().encode(armored))).packets).toHaveLength(1);
  });
});
