/** The pinned key set must match the code exactly, or the tool refuses to run. */
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { VerifyError } from '../../src/errors.js';
import { PINNED_SIGNERS } from '../../src/trust/pinned.js';
import { DEFAULT_KEYS_DIR, loadCustomKeyring, loadPinnedKeyring } from '../../src/trust/keyring.js';

async function copyOfKeys(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ev-keys-'));
  for (const f of await readdir(DEFAULT_KEYS_DIR)) await copyFile(join(DEFAULT_KEYS_DIR, f), join(dir, f));
  return dir;
}

async function expectTampered(dir: string, pattern: RegExp): Promise<void> {
  const err = await loadPinnedKeyring(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(VerifyError);
  expect((err as VerifyError).code).toBe('INSTALL_TAMPERED');
  expect((err as VerifyError).message).toMatch(pattern);
}

describe('pinned keyring', () => {
  it('loads the five shipped keys, names and fingerprints from the pinned table', async () => {
    const ring = await loadPinnedKeyring();
    expect(ring.trust).toBe('pinned');
    expect(ring.keys.map((k) => [k.name, k.fingerprint])).toEqual(PINNED_SIGNERS.map((s) => [s.name, s.fingerprint]));
    for (const k of ring.keys) expect(k.key.getFingerprint().toUpperCase()).toBe(k.fingerprint);
  });

  it('refuses a key file whose fingerprint is not pinned', async () => {
    const dir = await copyOfKeys();
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'ThomasV' }],
      format: 'armored',
    });
    await writeFile(join(dir, 'ThomasV-new.asc'), publicKey);
    await expectTampered(dir, /not pinned/);
    await rm(dir, { recursive: true });
  });

  it('refuses when a pinned key is missing', async () => {
    const dir = await copyOfKeys();
    await rm(join(dir, 'Emzy.asc'));
    await expectTampered(dir, /Emzy .* missing/);
    await rm(dir, { recursive: true });
  });

  it('refuses a pinned key file that was replaced by garbage', async () => {
    const dir = await copyOfKeys();
    await writeFile(join(dir, 'svanstaa.asc'), 'not a key\n');
    await expectTampered(dir, /svanstaa\.asc/);
    await rm(dir, { recursive: true });
  });

  it('refuses a key file with a second key appended to a pinned one', async () => {
    const dir = await copyOfKeys();
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'x' }],
      format: 'armored',
    });
    const { readFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'ThomasV.asc'), (await readFile(join(dir, 'ThomasV.asc'), 'utf8')) + publicKey);
    await expectTampered(dir, /not pinned/);
    await rm(dir, { recursive: true });
  });
});

describe('custom keyring', () => {
  it('names unpinned keys by key ID, never by user ID, and pinned ones by the table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ev-kr-'));
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'ThomasV' }],
      format: 'armored',
    });
    const { readFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'k.asc'), publicKey + (await readFile(join(DEFAULT_KEYS_DIR, 'svanstaa.asc'), 'utf8')));
    const ring = await loadCustomKeyring(join(dir, 'k.asc'));
    expect(ring.trust).toBe('custom');
    expect(ring.keys).toHaveLength(2);
    expect(ring.keys[0]!.name).toMatch(/^key [0-9A-F]{16}$/);
    expect(ring.keys[1]!.name).toBe('svanstaa');
    await rm(dir, { recursive: true });
  });

  it('reads a binary keyring (gpg --export) like an armored one, and refuses a FIFO at once instead of waiting on it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ev-kr-'));
    const { readFile } = await import('node:fs/promises');
    const armored = await readFile(join(DEFAULT_KEYS_DIR, 'svanstaa.asc'), 'utf8');
    const key = await openpgp.readKey({ armoredKey: armored });
    await writeFile(join(dir, 'k.gpg'), key.write());
    const ring = await loadCustomKeyring(join(dir, 'k.gpg'));
    expect(ring.keys.map((k) => k.name)).toEqual(['svanstaa']);
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const started = Date.now();
    const err = await loadCustomKeyring(join(dir, 'fifo')).catch((e: unknown) => e);
    expect((err as VerifyError).code).toBe('USAGE');
    expect((err as VerifyError).message).toMatch(/not a regular file/);
    expect(Date.now() - started).toBeLessThan(2000);
    await rm(dir, { recursive: true });
  });

  it('refuses a private key and a missing file with a usage error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ev-kr-'));
    const { privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'x' }],
      format: 'armored',
    });
    await writeFile(join(dir, 'secret.asc'), privateKey);
    for (const path of [join(dir, 'secret.asc'), join(dir, 'absent.asc')]) {
      const err = await loadCustomKeyring(path).catch((e: unknown) => e);
      expect((err as VerifyError).code).toBe('USAGE');
    }
    await rm(dir, { recursive: true });
  });
});
