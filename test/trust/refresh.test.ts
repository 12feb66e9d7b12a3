/**
 * `keys refresh` (issue 13): newer copies of pinned keys merged into the state folder, only packets their own
 * primary key signed. Fixture keys made in the run play the pinned keys (refreshKeys takes the keyring they form);
 * the state-folder and corrupted-copy cases also run against the real shipped pinned keys.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignature } from '../../src/pgp/check-signature.js';
import { DataHasher } from '../../src/pgp/data-digest.js';
import { parseSignatureFile } from '../../src/pgp/signature-file.js';
import { keyHealth } from '../../src/trust/key-health.js';
import { loadPinnedKeyring, type TrustedKey } from '../../src/trust/keyring.js';
import { PINNED_SIGNERS } from '../../src/trust/pinned.js';
import { mergeVerified, refreshKeys, refreshedCopyPath, withRefreshedCopies } from '../../src/trust/refresh.js';
import { verify } from '../../src/verify.js';
import {
  DAY,
  makeKey,
  makeSubkeyKey,
  revoked,
  signData,
  tempDir,
  withExpiry,
  withSubkeyExpiry,
} from './fixture-keys.js';
import { SHARED } from '../support/cli.js';
import { gpgScratch } from '../support/gpg.js';
import { keyFlags, plainBytes, secretPacket, signPacket } from '../support/openpgp-test-internals.js';

let dir: string;
let data: Buffer;
let emzy: openpgp.PrivateKey; // "pinned" copy expired 10 days after creation; signed 20 days after
let emzyPinned: openpgp.PublicKey;
let emzySig: string;
let rot: openpgp.PrivateKey; // gets a new signing subkey
let files: Record<string, string>;

const trusted = (name: string, key: openpgp.PublicKey): TrustedKey => ({
  name,
  fingerprint: key.getFingerprint().toUpperCase(),
  key,
});

/** checkSignature (the verifier's own judgement) of one armored signature over `data` with these keys. */
async function judge(asc: string, keys: TrustedKey[]) {
  const { packets } = await parseSignatureFile(Buffer.from(asc));
  const hasher = new DataHasher(packets);
  hasher.update(data);
  const digests = await hasher.finish();
  return checkSignature(packets[0]!, digests.digestFor(packets[0]!), { trust: 'custom', keys }, new Date());
}

beforeAll(async () => {
  dir = await tempDir('ev-refresh-');
  data = randomBytes(16 * 1024);
  const t0 = new Date(Date.now() - 40 * DAY);
  emzy = await makeKey('TestEmzy', t0);
  emzySig = await signData(data, emzy, new Date(Date.now() - 20 * DAY));
  emzyPinned = await withExpiry(emzy, new Date(t0.getTime() + 60_000), 10 * DAY);
  const extended = await withExpiry(emzy, new Date(t0.getTime() + 120_000), 2 * 365 * DAY);
  rot = await makeKey('TestRotating');
  // a new signing subkey, bound with its back-signature (a proper rotation)
  const withSub = await rot.addSubkey({ sign: true });
  // the same new subkey, bound WITHOUT a back-signature (the primary signed the binding; the subkey never agreed)
  const noBack = withSub.toPublic();
  const sub = noBack.subkeys[noBack.subkeys.length - 1]!;
  const binding = new openpgp.SignaturePacket();
  binding.signatureType = openpgp.enums.signature.subkeyBinding;
  binding.publicKeyAlgorithm = rot.keyPacket.algorithm;
  binding.hashAlgorithm = openpgp.enums.hash.sha256;
  binding.keyFlags = keyFlags(openpgp.enums.keyFlags.signData);
  await signPacket(
    binding,
    secretPacket(rot),
    { key: rot.keyPacket, bind: sub.keyPacket },
    new Date(),
    false,
    openpgp.config,
  );
  (sub as unknown as { bindingSignatures: openpgp.SignaturePacket[] }).bindingSignatures = [binding];
  const stranger = await makeKey('Stranger');
  files = {
    extended: join(dir, 'emzy-extended.asc'),
    extendedBinary: join(dir, 'emzy-extended.gpg'),
    newSub: join(dir, 'rot-new-subkey.asc'),
    noBack: join(dir, 'rot-no-backsig.asc'),
    stranger: join(dir, 'stranger.asc'),
    revoked: join(dir, 'rot-revoked.asc'),
    junk: join(dir, 'junk.asc'),
  };
  await writeFile(files.extended!, extended.armor());
  await writeFile(files.extendedBinary!, extended.write());
  await writeFile(files.newSub!, withSub.toPublic().armor());
  await writeFile(files.noBack!, noBack.armor());
  await writeFile(files.stranger!, stranger.toPublic().armor());
  await writeFile(files.revoked!, (await revoked(rot)).armor());
  await writeFile(
    files.junk!,
    `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${randomBytes(300).toString('base64')}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
  );
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ring = () => ({ keys: [trusted('Emzy', emzyPinned), trusted('Rot', rot.toPublic())] });

describe('keys refresh', () => {
  it('an extended-expiry copy: the change is said, stored 0600 in 0700 folders, and the signature then counts', async () => {
    const state = join(dir, 'state-extend');
    expect((await judge(emzySig, [trusted('Emzy', emzyPinned)])).status).toBe('expired-key');
    const r = await refreshKeys([files.extended!], { stateDir: state, keyring: ring() });
    expect(r.errors).toEqual([]);
    expect(r.changed).toHaveLength(1);
    expect(r.changed[0]!.lines.join('\n')).toMatch(/^Emzy: key now expires \d{4}-\d\d-\d\d \(was \d{4}-\d\d-\d\d\)/);
    expect((await stat(state)).mode & 0o777).toBe(0o700);
    expect((await stat(join(state, 'keys'))).mode & 0o777).toBe(0o700);
    const path = refreshedCopyPath(state, emzy.getFingerprint());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const loaded = await withRefreshedCopies(ring().keys, { stateDir: state });
    const f = await judge(emzySig, loaded);
    expect(f.status).toBe('valid');
    // the same file in binary form: nothing new the second time
    const again = await refreshKeys([files.extendedBinary!], { stateDir: state, keyring: ring() });
    expect(again.changed).toEqual([]);
    expect(again.notes.join('\n')).toMatch(/Emzy: nothing new/);
  });

  it('a new signing subkey WITH its back-signature is merged; WITHOUT one it is ignored', async () => {
    const without = await refreshKeys([files.noBack!], { stateDir: join(dir, 'state-noback'), keyring: ring() });
    expect(without.changed).toEqual([]);
    expect(without.notes.join('\n')).toMatch(/Rot: nothing new/);
    const withIt = await refreshKeys([files.newSub!], { stateDir: join(dir, 'state-newsub'), keyring: ring() });
    expect(withIt.changed).toHaveLength(1);
    expect(withIt.changed[0]!.lines.join('\n')).toMatch(
      /^Rot: new signing subkey [0-9A-F]{4}…[0-9A-F]{4} \(does not expire\)/,
    );
  });

  it('a copy of a key that is not pinned → said and ignored; nothing is stored', async () => {
    const state = join(dir, 'state-stranger');
    const r = await refreshKeys([files.stranger!], { stateDir: state, keyring: ring() });
    expect(r.changed).toEqual([]);
    expect(r.notes.join('\n')).toMatch(
      /is not pinned; ignored \(new keys come only with a new release of electrum-verify\)/,
    );
    expect(await readdir(state).catch(() => [])).toEqual([]);
  });

  it('a revocation is applied (and the key health says so)', async () => {
    const state = join(dir, 'state-revoked');
    const r = await refreshKeys([files.revoked!], { stateDir: state, keyring: ring() });
    expect(r.changed[0]!.lines.join('\n')).toMatch(/^Rot: key is now revoked/);
    const loaded = await withRefreshedCopies(ring().keys, { stateDir: state });
    const h = await keyHealth(loaded[1]!);
    expect(h.usable).toBe(false);
    expect(h.source).toBe('refreshed');
    expect(h.parts.find((p) => p.primary)!.state).toBe('revoked');
  });

  it('a file with junk → reported as an error, the other files still merged', async () => {
    const r = await refreshKeys([files.junk!, join(dir, 'no-such.asc'), files.extended!], {
      stateDir: join(dir, 'state-junk'),
      keyring: ring(),
    });
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatch(/junk\.asc: not a readable key file/);
    expect(r.errors[1]).toMatch(/no-such\.asc: not a readable key file \(no such file\)/);
    expect(r.changed.map((c) => c.name)).toEqual(['Emzy']);
  });

  it('mergeVerified never adds a fingerprint and drops third-party packets', async () => {
    const stranger = await makeKey('Other');
    await expect(mergeVerified(emzyPinned, stranger.toPublic())).rejects.toThrow(/not the same primary key/);
  });
});

describe('keys refresh with a bare revocation certificate', () => {
  /** A signature by `key`, then a refresh with `cert`: the key health and the signature's status afterwards. */
  async function revokeWith(name: string, key: openpgp.PublicKey, sig: string, cert: string | Uint8Array) {
    const state = join(dir, `state-cert-${name}`);
    const certFile = join(dir, `${name}.rev`);
    await writeFile(certFile, cert);
    const keys = [trusted(name, key)];
    expect((await judge(sig, keys)).status).toBe('valid');
    const r = await refreshKeys([certFile], { stateDir: state, keyring: { keys } });
    const loaded = await withRefreshedCopies(keys, { stateDir: state });
    return { r, health: await keyHealth(loaded[0]!), status: (await judge(sig, loaded)).status };
  }

  it("gpg's own certificate (openpgp-revocs.d/<FPR>.rev: prose, the guard colon) revokes the pinned key", async () => {
    const g = await gpgScratch();
    try {
      await g.gpg(['--quick-gen-key', 'TestRev <rev@fixtures.invalid>', 'ed25519', 'sign', '0']);
      const { primary } = await g.describe('rev@fixtures.invalid');
      const pub = await openpgp.readKey({ armoredKey: (await g.gpg(['--armor', '--export', primary])).toString() });
      const sigFile = join(g.home, 'data.asc');
      await writeFile(join(g.home, 'data'), data);
      await g.gpg(['--armor', '--detach-sign', '-u', primary, '-o', sigFile, join(g.home, 'data')]);
      const cert = await readFile(join(g.home, 'openpgp-revocs.d', `${primary}.rev`), 'utf8');
      expect(cert).toMatch(/^:-----BEGIN PGP PUBLIC KEY BLOCK-----$/m); // what gpg writes: the colon is there
      const { r, health, status } = await revokeWith('GpgRev', pub, await readFile(sigFile, 'utf8'), cert);
      expect(r.errors).toEqual([]);
      expect(r.changed[0]!.lines.join('\n')).toMatch(/^GpgRev: key is now revoked/);
      expect(health.parts.find((p) => p.primary)!.state).toBe('revoked');
      expect(status).toBe('revoked-key');
    } finally {
      await g.close();
    }
  });

  it("openpgp.js's revocationCertificate (armored, and binary) revokes the pinned key", async () => {
    for (const binary of [false, true]) {
      const { privateKey, revocationCertificate } = await openpgp.generateKey({
        type: 'ecc',
        userIDs: [{ name: 'OpenpgpRev' }],
        date: new Date(Date.now() - 60_000),
        format: 'object',
      });
      const sig = await signData(data, privateKey);
      const cert = binary
        ? plainBytes(
            (
              await openpgp.readSignature({
                armoredSignature: revocationCertificate.replace(/PUBLIC KEY BLOCK/g, 'SIGNATURE'),
              })
            ).write(),
          )
        : revocationCertificate;
      const { r, status } = await revokeWith(`OpenpgpRev${binary ? 'Bin' : ''}`, privateKey.toPublic(), sig, cert);
      expect(r.changed[0]!.lines.join('\n')).toMatch(/key is now revoked/);
      expect(status).toBe('revoked-key');
    }
  });

  it('a certificate the pinned key did not make changes nothing; one for a key that is not pinned is said and ignored', async () => {
    const victim = await makeKey('Victim');
    const sig = await signData(data, victim);
    // the victim's real certificate with one byte of its signature value changed (the hashed area is untouched)
    const { revocationCertificate } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ name: 'Other' }],
      format: 'object',
    });
    const real = await openpgp.revokeKey({ key: victim, format: 'object' });
    const list = new openpgp.PacketList<openpgp.SignaturePacket>();
    list.push(real.publicKey.revocationSignatures[0]!);
    const bytes = list.write();
    bytes[bytes.length - 3]! ^= 0x01;
    const forged = openpgp.armor(openpgp.enums.armor.publicKey, bytes, undefined, undefined, undefined, true);
    const { r, health, status } = await revokeWith('Victim', victim.toPublic(), sig, forged);
    expect(r.changed).toEqual([]);
    expect(r.notes.join('\n')).toMatch(/Victim: nothing new that the key itself signed/);
    expect(health.parts.find((p) => p.primary)!.state).not.toBe('revoked');
    expect(status).toBe('valid');
    // a genuine certificate, but for a key that is not pinned
    const stray = join(dir, 'stray.rev');
    await writeFile(stray, revocationCertificate);
    const r2 = await refreshKeys([stray], {
      stateDir: join(dir, 'state-stray'),
      keyring: { keys: [trusted('Victim', victim.toPublic())] },
    });
    expect(r2.errors).toEqual([]);
    expect(r2.changed).toEqual([]);
    expect(r2.notes.join('\n')).toMatch(/a revocation certificate for key [0-9A-F]{40}, which is not pinned; ignored/);
  });
});

describe('the state folder, with the real pinned keys', () => {
  const TAGS = join(SHARED, 'electrum-tags');
  const thomas = PINNED_SIGNERS.find((s) => s.name === 'ThomasV')!;

  it('a corrupted state file is ignored with a warning; the pinned keys still work', async () => {
    const state = join(dir, 'state-corrupt');
    await mkdir(join(state, 'keys'), { recursive: true, mode: 0o700 });
    await chmod(state, 0o700);
    await writeFile(refreshedCopyPath(state, thomas.fingerprint), 'this is not a key\n', { mode: 0o600 });
    const warnings: string[] = [];
    const ring2 = await loadPinnedKeyring(undefined, { stateDir: state, onWarning: (m) => warnings.push(m) });
    expect(ring2.keys).toHaveLength(PINNED_SIGNERS.length);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/refreshed copy of ThomasV's key ignored: .* is corrupted .*using the pinned key/);
    const r = await verify(join(TAGS, 'electrum-4.7.1.payload'), {
      signature: join(TAGS, 'electrum-4.7.1.payload.asc'),
      stateDir: state,
    });
    expect(r.exitCode).toBe(0);
    expect(r.signature.signers.map((s) => s.name)).toEqual(['ThomasV']);
    expect(r.warnings.some((w) => /ThomasV's key ignored/.test(w))).toBe(true);
  });

  it('a copy holding another key than its file name says is ignored with a warning', async () => {
    const state = join(dir, 'state-swapped');
    await mkdir(join(state, 'keys'), { recursive: true, mode: 0o700 });
    await writeFile(refreshedCopyPath(state, thomas.fingerprint), emzyPinned.armor(), { mode: 0o600 });
    const warnings: string[] = [];
    await loadPinnedKeyring(undefined, { stateDir: state, onWarning: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/does not hold key 6694D8DE7BE8EE5631BED9502BD5824B7F9470E6/);
  });

  it('a state folder other users can write to is not trusted (warning; pinned keys as shipped)', async () => {
    const state = join(dir, 'state-open');
    await mkdir(join(state, 'keys'), { recursive: true });
    await chmod(state, 0o777);
    await writeFile(refreshedCopyPath(state, thomas.fingerprint), 'x', { mode: 0o600 });
    const warnings: string[] = [];
    const ring3 = await loadPinnedKeyring(undefined, { stateDir: state, onWarning: (m) => warnings.push(m) });
    expect(ring3.keys).toHaveLength(PINNED_SIGNERS.length);
    expect(warnings.join('\n')).toMatch(
      /refreshed key copies ignored: .*state-open can be written by other users \(mode 777\)/,
    );
    // and keys refresh refuses to store into it
    const r = await refreshKeys([files.extended!], { stateDir: state, keyring: ring() });
    expect(r.changed).toEqual([]);
    expect(r.errors.join('\n')).toMatch(
      /Emzy: the refreshed copy cannot be stored .*will not store keys: .*can be written by other users/,
    );
  });

  it('refreshing with the shipped Emzy.asc changes nothing (same packets)', async () => {
    const state = join(dir, 'state-real');
    const r = await refreshKeys(
      [join(SHARED, 'electrum-keys', 'Emzy.asc'), join(SHARED, 'electrum-keys', 'sombernight.asc')],
      { stateDir: state },
    );
    expect(r.errors).toEqual([]);
    expect(r.changed).toEqual([]);
    expect(r.notes.join('\n')).toMatch(/Emzy: nothing new/);
    expect(r.notes.join('\n')).toMatch(
      /sombernight\.asc: key 4AD6…5ED9 \(4AD64339DFA05E20B3F6AD51E7B748CDAF5E5ED9\) is not pinned; ignored/,
    );
  });
});

describe('an Emzy-like key: certify-only primary, signing subkey that expired in our copy', () => {
  it('signature after the subkey expiry → expired-key "its signing subkey"; a renewed binding via keys refresh → counts', async () => {
    const t0 = new Date(Date.now() - 40 * DAY);
    const key = await makeSubkeyKey('TestEmzySub', t0);
    const sig = await signData(data, key, new Date(Date.now() - 20 * DAY));
    const pinned = await withSubkeyExpiry(key, new Date(t0.getTime() + 60_000), 10 * DAY);
    const renewed = await withSubkeyExpiry(key, new Date(t0.getTime() + 120_000), 2 * 365 * DAY);
    const before = await judge(sig, [trusted('Emzy', pinned)]);
    expect(before.status).toBe('expired-key');
    expect(before.signingKey).toBe(key.subkeys[0]!.getFingerprint().toUpperCase());
    // the note the signer policy writes for it
    const { applySignerPolicy, signerRequirement } = await import('../../src/trust/signer-policy.js');
    const report = { signature: { required: 1, signers: [], found: [before] }, warnings: [] as string[] } as never;
    const keys = [trusted('Emzy', pinned)];
    await expect(
      applySignerPolicy(report, [before], signerRequirement('4.8.1', { trust: 'custom' }), {
        keyring: { trust: 'custom', keys },
      }),
    ).rejects.toMatchObject({ code: 'NOT_ENOUGH_SIGNERS' });
    expect(before.note).toMatch(
      /^our copy of Emzy's key says its signing subkey expired on \d{4}-\d\d-\d\d, before this signature/,
    );
    const file = join(dir, 'emzy-sub-renewed.asc');
    await writeFile(file, renewed.armor());
    const state = join(dir, 'state-subkey');
    const r = await refreshKeys([file], { stateDir: state, keyring: { keys } });
    const short = `${before.signingKey!.slice(0, 4)}…${before.signingKey!.slice(-4)}`;
    expect(r.changed[0]!.lines).toEqual([
      expect.stringMatching(
        new RegExp(`^Emzy: signing subkey ${short} now expires \\d{4}-\\d\\d-\\d\\d \\(was \\d{4}-\\d\\d-\\d\\d\\)$`),
      ),
    ]);
    const after = await judge(sig, await withRefreshedCopies(keys, { stateDir: state }));
    expect(after.status).toBe('valid');
  });
});
