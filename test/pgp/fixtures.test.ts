/**
 * The fixtures themselves, checked against independent implementations: gpgv (GnuPG) and openpgp.js.
 * If these fail, the CLI tests that use the fixtures prove nothing, so they stand on their own.
 */
import { readFile, stat } from 'node:fs/promises';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupPgpFixtures,
  gpgv,
  gpgvDataGood,
  sharedPgpFixtures,
  type PgpFixtures,
  type SignerName,
} from '../support/gpg.js';

let f: PgpFixtures;

beforeAll(async () => {
  f = await sharedPgpFixtures();
  // visible in the test log: how long the real-GnuPG fixture build takes
  console.info(`pgp fixtures built in ${f.buildMs} ms (RSA-4096 keygen ${f.rsa4096KeygenMs} ms) in ${f.dir}`);
});
afterAll(cleanupPgpFixtures);

const GOOD: SignerName[] = ['rsa4096', 'ed25519', 'p256', 'subkey', 'openpgpjs', 'expiredAfter'];

/** Split concatenated armored blocks and return every signature packet (openpgp.js reads only the first block). */
async function readAllSignatures(file: string): Promise<openpgp.Signature[]> {
  const text = await readFile(file, 'utf8');
  const blocks = text.match(/-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/g) ?? [];
  return Promise.all(blocks.map((armoredSignature) => openpgp.readSignature({ armoredSignature })));
}

/** openpgp.js readKeys also reads only the first armored block: split them. */
async function readAllKeys(file: string): Promise<openpgp.Key[]> {
  const text = await readFile(file, 'utf8');
  const blocks = text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g) ?? [];
  return (await Promise.all(blocks.map((armoredKeys) => openpgp.readKeys({ armoredKeys })))).flat();
}

async function jsVerify(sigFile: string, dataFile: string, keyFile: string) {
  const keys = await readAllKeys(keyFile);
  const sigs = await readAllSignatures(sigFile);
  const out: { keyId: string; ok: boolean; error?: string }[] = [];
  for (const signature of sigs) {
    const res = await openpgp.verify({
      message: await openpgp.createMessage({ binary: await readFile(dataFile) }),
      signature,
      verificationKeys: keys,
    });
    for (const s of res.signatures) {
      try {
        await s.verified;
        out.push({ keyId: s.keyID.toHex().toUpperCase(), ok: true });
      } catch (e) {
        out.push({ keyId: s.keyID.toHex().toUpperCase(), ok: false, error: (e as Error).message });
      }
    }
  }
  return out;
}

describe('fixture build', () => {
  it('produces distinct primary fingerprints, and the subkey signer signs with a subkey', () => {
    const fprs = Object.values(f.signers).map((s) => s.fingerprint);
    expect(new Set(fprs).size).toBe(fprs.length);
    for (const s of Object.values(f.signers)) expect(s.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(f.signers.subkey.signingFingerprint).not.toBe(f.signers.subkey.fingerprint);
    expect(f.signers.rsa4096.signingFingerprint).toBe(f.signers.rsa4096.fingerprint);
  });

  it('has the sizes and timings the cases rely on', async () => {
    expect((await stat(f.data)).size).toBe(64 * 1024);
    expect((await stat(f.sigs.big)).size).toBe(2 * 1024 * 1024);
    const [a, b] = await Promise.all([readFile(f.data), readFile(f.tamperedData)]);
    let diff = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
    expect(diff).toBe(1);
    expect(f.times.expiredBeforeSigned).toBeGreaterThan(f.times.expiredBeforeKeyExpires);
    expect(f.times.expiredAfterSigned).toBeLessThan(f.times.expiredAfterKeyExpires);
    expect(f.times.expiredAfterKeyExpires).toBeLessThan(f.times.now);
    expect(f.times.future).toBeGreaterThan(f.times.now + 3600);
  });

  it('the known keyrings (several blocks / one block) hold every known signer and not the unknown one', async () => {
    const oneBlock = await openpgp.readKeys({ armoredKeys: await readFile(f.keyrings.knownOneBlock, 'utf8') });
    const keys = await readAllKeys(f.keyrings.known);
    expect(keys.length).toBe(oneBlock.length);
    // the several-blocks file really is several blocks: a first-block-only reader sees one key
    expect(await openpgp.readKeys({ armoredKeys: await readFile(f.keyrings.known, 'utf8') })).toHaveLength(1);
    const got = keys.map((k) => k.getFingerprint().toUpperCase()).sort();
    const want = (Object.keys(f.signers) as SignerName[])
      .filter((n) => n !== 'unknown')
      .map((n) => f.signers[n].fingerprint)
      .sort();
    expect(got).toEqual(want);
    expect(oneBlock.map((k) => k.getFingerprint().toUpperCase()).sort()).toEqual(want);
    const revoked = keys.find((k) => k.getFingerprint().toUpperCase() === f.signers.revoked.fingerprint)!;
    expect(await revoked.isRevoked()).toBe(true);
  });
});

describe('gpgv agrees with the fixtures', () => {
  it.each(GOOD)('%s: good signature over data, bad over the tampered data', async (name) => {
    const s = f.signers[name];
    const r = await gpgv(f.keyrings.knownBinary, f.sigs.bySigner[name], f.data);
    expect(r.sigs).toHaveLength(1);
    expect(['GOODSIG', 'EXPKEYSIG']).toContain(r.sigs[0]!.status);
    expect(r.sigs[0]!.primaryFingerprint).toBe(s.fingerprint);
    expect(r.sigs[0]!.signingFingerprint).toBe(s.signingFingerprint);
    expect(r.sigs[0]!.sigClass).toBe('00');
    const t = await gpgv(f.keyrings.knownBinary, f.sigs.bySigner[name], f.tamperedData);
    expect(t.sigs.map((x) => x.status)).toEqual(['BADSIG']);
    expect(t.code).toBe(1);
  });

  it('expired-after key: gpgv reports EXPKEYSIG (key expired now) but a valid signature', async () => {
    const r = await gpgv(f.keyrings.knownBinary, f.sigs.bySigner.expiredAfter, f.data);
    expect(r.sigs[0]!.status).toBe('EXPKEYSIG');
    expect(r.code).toBe(0);
  });

  it('expired-before and revoked keys: cryptographically intact signatures that gpgv flags', async () => {
    const eb = await gpgv(f.keyrings.knownBinary, f.sigs.bySigner.expiredBefore, f.data);
    expect(eb.sigs[0]!.status).toBe('EXPKEYSIG');
    const rv = await gpgv(f.keyrings.knownBinary, f.sigs.bySigner.revoked, f.data);
    expect(rv.sigs[0]!.status).toBe('REVKEYSIG');
  });

  it('SHA-1 signature is a SHA-1 (hash algo 2) binary signature that gpg 2.2 still accepts', async () => {
    const r = await gpgv(f.keyrings.knownBinary, f.sigs.sha1, f.data);
    expect(r.sigs[0]!.status).toBe('GOODSIG');
    expect(r.sigs[0]!.hashAlgo).toBe('2');
  });

  it('text-mode signature has class 01', async () => {
    const r = await gpgv(f.keyrings.knownBinary, f.sigs.textMode, f.data);
    expect(r.sigs[0]!.status).toBe('GOODSIG');
    expect(r.sigs[0]!.sigClass).toBe('01');
  });

  it('text-mode signature: good over the LF text and over its CRLF twin alike', async () => {
    const lf = await gpgv(f.keyrings.knownBinary, f.sigs.textModeLf, f.textLf);
    expect(lf.sigs.map((s) => s.status)).toEqual(['GOODSIG']);
    // the point of rejecting 0x01: the same signature also "verifies" different bytes
    const crlf = await gpgv(f.keyrings.knownBinary, f.sigs.textModeLf, f.textCrlf);
    expect(crlf.sigs.map((s) => s.status)).toEqual(['GOODSIG']);
    expect(await readFile(f.textLf)).not.toEqual(await readFile(f.textCrlf));
  });

  it('concatenations: twice = 2 good, three blocks = 3 good by 3 keys', async () => {
    const two = await gpgv(f.keyrings.knownBinary, f.sigs.sameTwice, f.data);
    expect(two.sigs.map((s) => s.status)).toEqual(['GOODSIG', 'GOODSIG']);
    const three = await gpgv(f.keyrings.knownBinary, f.sigs.threeBlocks, f.data);
    expect(three.sigs.map((s) => s.status)).toEqual(['GOODSIG', 'GOODSIG', 'GOODSIG']);
    expect(new Set(three.sigs.map((s) => s.primaryFingerprint)).size).toBe(3);
  });

  it('unknown signer: missing from the known keyring (ERRSIG rc 9), good with it', async () => {
    const r = await gpgv(f.keyrings.knownBinary, f.sigs.unknownPlusGood, f.data);
    expect(r.sigs.map((s) => s.status)).toEqual(['ERRSIG', 'GOODSIG']);
    expect(r.sigs[0]!.errRc).toBe('9');
    expect(r.code).toBe(2);
    const all = await gpgv(f.keyrings.allBinary, f.sigs.unknownAlone, f.data);
    expect(all.sigs.map((s) => s.status)).toEqual(['GOODSIG']);
  });

  it('future-dated signature is intact (only its date is wrong)', async () => {
    const r = await gpgv(f.keyrings.knownBinary, f.sigs.future, f.data);
    expect(['GOODSIG', 'EXPKEYSIG']).toContain(r.sigs[0]!.status);
  });

  it('signature over the other file: BADSIG over data, GOODSIG over other', async () => {
    const bad = await gpgv(f.keyrings.knownBinary, f.sigs.overOther, f.data);
    expect(bad.sigs.map((s) => s.status)).toEqual(['BADSIG']);
    const good = await gpgv(f.keyrings.knownBinary, f.sigs.overOther, f.other);
    expect(good.sigs.map((s) => s.status)).toEqual(['GOODSIG']);
    const mix = await gpgv(f.keyrings.knownBinary, f.sigs.goodPlusBad, f.data);
    expect(mix.sigs.map((s) => s.status)).toEqual(['GOODSIG', 'BADSIG']);
    expect(gpgvDataGood(mix)).toBe(false);
  });

  it('the 2 MiB .asc is a good signature plus padding (so only its size is wrong)', async () => {
    const r = await gpgv(f.keyrings.knownBinary, f.sigs.big, f.data);
    expect(r.sigs.map((s) => s.status)).toEqual(['GOODSIG']);
  });

  it.each(['garbage', 'truncated', 'cleartext', 'inline'] as const)(
    '%s is not a usable detached signature',
    async (k) => {
      const r = await gpgv(f.keyrings.knownBinary, f.sigs[k], f.data);
      expect(r.code).not.toBe(0);
      expect(r.sigs.some((s) => s.status === 'GOODSIG')).toBe(false);
    },
  );

  it('the cleartext and inline messages are themselves validly signed (they are the wrong kind, not broken)', async () => {
    const c = await gpgv(f.keyrings.knownBinary, f.sigs.cleartext, f.data, []);
    // gpgv given a cleartext message plus a file treats it as a detached sig and fails; alone it verifies
    expect(c.code).not.toBe(0);
    const alone = await gpgvAlone(f.sigs.cleartext);
    expect(alone).toContain('GOODSIG');
    const inl = await gpgvAlone(f.sigs.inline);
    expect(inl).toContain('GOODSIG');
  });
});

async function gpgvAlone(file: string): Promise<string> {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync('gpgv', ['--status-fd', '1', '--keyring', f.keyrings.knownBinary, file], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
  });
  return r.stdout;
}

describe('openpgp.js agrees with the fixtures (interop both ways)', () => {
  it.each(GOOD.filter((n) => n !== 'expiredAfter'))('%s: openpgp.js verifies the signature', async (name) => {
    const out = await jsVerify(f.sigs.bySigner[name], f.data, f.keyrings.known);
    expect(out).toEqual([{ keyId: f.signers[name].signingKeyId, ok: true }]);
    const bad = await jsVerify(f.sigs.bySigner[name], f.tamperedData, f.keyrings.known);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.ok).toBe(false);
  });

  it('expired-after: valid at its creation time; expired-before: rejected', async () => {
    expect((await jsVerify(f.sigs.bySigner.expiredAfter, f.data, f.keyrings.known))[0]!.ok).toBe(true);
    const eb = await jsVerify(f.sigs.bySigner.expiredBefore, f.data, f.keyrings.known);
    expect(eb[0]!.ok).toBe(false);
    expect(eb[0]!.error).toMatch(/expired/i);
  });

  it('revoked: rejected', async () => {
    const r = await jsVerify(f.sigs.bySigner.revoked, f.data, f.keyrings.known);
    expect(r[0]!.ok).toBe(false);
    expect(r[0]!.error).toMatch(/revoked/i);
  });

  it('SHA-1 data signature: rejected by default policy', async () => {
    const r = await jsVerify(f.sigs.sha1, f.data, f.keyrings.known);
    expect(r[0]!.ok).toBe(false);
    expect(r[0]!.error).toMatch(/hash|sha1|insecure/i);
  });

  it('future-dated: rejected', async () => {
    const r = await jsVerify(f.sigs.future, f.data, f.keyrings.known);
    expect(r[0]!.ok).toBe(false);
    expect(r[0]!.error).toMatch(/future/i);
  });

  it('text-mode signature is type 0x01 (text), not 0x00', async () => {
    const [sig] = await readAllSignatures(f.sigs.textMode);
    expect(sig!.packets[0]!.signatureType).toBe(openpgp.enums.signature.text);
  });

  it('the CRLF twin: its raw bytes are the canonical text, so the 0x01 signature over it verifies in openpgp.js', async () => {
    const r = await jsVerify(f.sigs.textModeLf, f.textCrlf, f.keyrings.known);
    expect(r).toEqual([{ keyId: f.signers.rsa4096.signingKeyId, ok: true }]);
    const [sig] = await readAllSignatures(f.sigs.textModeLf);
    expect(sig!.packets[0]!.signatureType).toBe(openpgp.enums.signature.text);
  });

  it('three blocks parse to three signatures; the first-block-only trap is real', async () => {
    expect(await readAllSignatures(f.sigs.threeBlocks)).toHaveLength(3);
    const first = await openpgp.readSignature({ armoredSignature: await readFile(f.sigs.threeBlocks, 'utf8') });
    expect(first.packets).toHaveLength(1);
  });

  it('cleartext and inline messages are not readable as detached signatures', async () => {
    await expect(
      openpgp.readSignature({ armoredSignature: await readFile(f.sigs.cleartext, 'utf8') }),
    ).rejects.toThrow();
    await expect(openpgp.readSignature({ armoredSignature: await readFile(f.sigs.inline, 'utf8') })).rejects.toThrow();
  });
});
