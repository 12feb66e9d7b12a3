/** Hostile .asc input: every block and packet read, nothing silently dropped, bounds enforced. */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { VerifyError } from '../../src/errors.js';
import { splitArmor } from '../../src/pgp/armor.js';
import {
  MAX_SIGNATURES,
  asArmoredSignature,
  malformedReason,
  parseSignatureFile,
} from '../../src/pgp/signature-file.js';
import { plainBytes } from '../support/openpgp-test-internals.js';

let oneSig: string;

beforeAll(async () => {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'nistP256',
    userIDs: [{ name: 't' }],
    format: 'object',
  });
  const message = await openpgp.createMessage({ binary: new Uint8Array([1, 2, 3]) });
  oneSig = await openpgp.sign({ message, signingKeys: privateKey, detached: true, format: 'armored' });
});

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function malformed(text: string | Uint8Array): Promise<string> {
  const err = await parseSignatureFile(typeof text === 'string' ? enc(text) : text).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(VerifyError);
  expect((err as VerifyError).code).toBe('SIGNATURE_MALFORMED');
  return (err as VerifyError).message;
}

describe('parseSignatureFile', () => {
  it('reads every concatenated block (openpgp.readSignature alone reads only the first)', async () => {
    const three = oneSig + oneSig + '\n\n' + oneSig;
    expect((await openpgp.readSignature({ armoredSignature: three })).packets.length).toBe(1);
    expect((await parseSignatureFile(enc(three))).packets).toHaveLength(3);
  });

  it(`accepts ${MAX_SIGNATURES} signatures and refuses one more`, async () => {
    expect((await parseSignatureFile(enc(oneSig.repeat(MAX_SIGNATURES)))).packets).toHaveLength(MAX_SIGNATURES);
    expect(await malformed(oneSig.repeat(MAX_SIGNATURES + 1))).toMatch(/more than 64/);
  });

  it('refuses text outside the blocks, other block types, and a truncated block', async () => {
    expect(await malformed('hello\n' + oneSig)).toMatch(/outside/);
    expect(await malformed(oneSig + 'trailing junk\n')).toMatch(/outside/);
    expect(await malformed(oneSig.replace(/SIGNATURE/g, 'MESSAGE'))).toMatch(/PGP MESSAGE/);
    expect(await malformed(oneSig.slice(0, oneSig.indexOf('-----END')))).toMatch(/truncated/);
    expect(await malformed('')).toMatch(/no "-----BEGIN PGP SIGNATURE-----"/);
    expect(await malformed(new Uint8Array([0xef, 0xbb, 0xbf, 0x2d, 0x2d]))).toMatch(/not ASCII armor/);
  });

  it('a truncated binary signature, alone: the file is malformed (nothing in it names a signer)', async () => {
    expect(await malformed(new Uint8Array([0x89, 0x01, 0x33, 0x04, 0x00]))).toMatch(
      /the binary signature: byte 0: the packet is truncated/,
    );
  });

  it("one corrupted block among good ones is that block's malformed entry; the others are read", async () => {
    const corrupt = [
      oneSig.replace('-----END PGP SIGNATURE-----', '=AAAA\n-----END PGP SIGNATURE-----'), // wrong checksum
      oneSig.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1!'), // a line that is not base64
    ];
    for (const bad of corrupt) {
      const file = await parseSignatureFile(enc(oneSig + bad + oneSig));
      expect(file.packets).toHaveLength(3);
      expect(file.packets.map((p) => malformedReason(p) === null)).toEqual([true, false, true]);
      expect(malformedReason(file.packets[1]!)).toMatch(/^block 2 of 3: /);
    }
  });

  it("reports an unsupported packet version as that block's malformed entry instead of dropping it", async () => {
    const sig = await openpgp.readSignature({ armoredSignature: oneSig });
    const bin = plainBytes(sig.write());
    // new-format packet header (tag 2) is 2 bytes for a short packet; the version byte follows.
    const patched = new Uint8Array(bin);
    const versionAt = patched[0] === 0xc2 ? 2 : 3;
    expect(patched[versionAt]).toBe(4);
    patched[versionAt] = 7;
    const armored = openpgp.armor(openpgp.enums.armor.signature, patched);
    // Without the strict setting openpgp.js keeps it only as an opaque "unparseable" packet: no signature to check.
    const lax = await openpgp.readSignature({ armoredSignature: armored });
    expect([...lax.packets].filter((p) => p instanceof openpgp.SignaturePacket)).toHaveLength(0);
    const file = await parseSignatureFile(enc(oneSig + armored));
    expect(file.packets).toHaveLength(2);
    expect(malformedReason(file.packets[0]!)).toBeNull();
    expect(malformedReason(file.packets[1]!)).toMatch(/unsupported signature version 7/);
  });

  it('refuses a file over 1 MiB before parsing it', async () => {
    expect(await malformed(new Uint8Array(1024 * 1024 + 1))).toMatch(/limit/);
  });
});

describe('asArmoredSignature (merging binary and armored signature files)', () => {
  it('armors a binary signature into one block that parses to the same packets; armored input is left as it is', async () => {
    const binary = plainBytes((await openpgp.readSignature({ armoredSignature: oneSig })).write());
    const merged = Buffer.concat([
      Buffer.from(asArmoredSignature(binary)),
      Buffer.from(asArmoredSignature(enc(oneSig))),
    ]);
    const file = await parseSignatureFile(merged);
    expect(file.encoding).toBe('armored');
    expect(file.packets.map((p) => Buffer.from(p.write()).toString('hex'))).toEqual(
      (await parseSignatureFile(binary)).packets
        .concat((await parseSignatureFile(enc(oneSig))).packets)
        .map((p) => Buffer.from(p.write()).toString('hex')),
    );
    expect(asArmoredSignature(enc(oneSig))).toEqual(enc(oneSig));
  });
});

describe('splitArmor', () => {
  it('keeps CRLF armor and whitespace between blocks', () => {
    expect(splitArmor((oneSig + '\r\n' + oneSig).replace(/\n/g, '\r\n'), 'SIGNATURE')).toHaveLength(2);
  });
  it('refuses a block nested in another', () => {
    const broken = oneSig.replace('-----END PGP SIGNATURE-----', '') + oneSig;
    expect(() => splitArmor(broken, 'SIGNATURE')).toThrow(/begins before/);
  });
});
