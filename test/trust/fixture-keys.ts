/**
 * Keys made during the run with openpgp.js, playing Electrum's signers (the signer-policy table is injected
 * through the library API: the CLI has no such override). Nothing secret is written to the repository: the
 * private keys live in memory only; public copies go to a temporary folder.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import type { SignerPolicyEntry } from '../../src/trust/pinned.js';
import { keyFlags, secretPacket, signPacket } from '../support/openpgp-test-internals.js';

export const DAY = 86_400_000;

export interface TestSigner {
  name: string;
  key: openpgp.PrivateKey;
  /** The copy the verifier trusts ("pinned"): may differ from the key that signed (expired, revoked). */
  pinned: openpgp.PublicKey;
  fingerprint: string;
}

export async function makeKey(name: string, date: Date = new Date(Date.now() - 60_000)): Promise<openpgp.PrivateKey> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ name, email: `${name.toLowerCase()}@fixtures.invalid` }],
    date,
    format: 'object',
  });
  return privateKey;
}

export async function signData(data: Uint8Array, key: openpgp.PrivateKey, date?: Date): Promise<string> {
  const message = await openpgp.createMessage({ binary: data });
  return openpgp.sign({ message, signingKeys: key, detached: true, format: 'armored', ...(date ? { date } : {}) });
}

/** A copy of `key` whose newest self-signatures (made at `at`) say it expires `lifetimeMs` after its creation. */
export async function withExpiry(key: openpgp.PrivateKey, at: Date, lifetimeMs: number): Promise<openpgp.PublicKey> {
  const userIDs = key.users.map((u) => ({ name: u.userID!.name, email: u.userID!.email }));
  const { publicKey } = await openpgp.reformatKey({
    privateKey: key,
    userIDs,
    keyExpirationTime: Math.round(lifetimeMs / 1000),
    date: at,
    format: 'object',
  });
  return publicKey;
}

export async function revoked(key: openpgp.PrivateKey): Promise<openpgp.PublicKey> {
  const { publicKey } = await openpgp.revokeKey({ key, format: 'object' });
  return publicKey;
}

export function table(
  signers: Partial<Record<'ThomasV' | 'sombernight_releasekey' | 'Emzy' | 'felixb_f321x' | 'svanstaa', TestSigner>>,
): SignerPolicyEntry[] {
  const rows: SignerPolicyEntry[] = [];
  const t = signers.ThomasV;
  if (t) rows.push({ name: 'ThomasV', fingerprint: t.fingerprint, role: 'release', requiredFrom: null });
  const s = signers.sombernight_releasekey;
  if (s)
    rows.push({
      name: 'sombernight_releasekey',
      fingerprint: s.fingerprint,
      role: 'release',
      requiredFrom: '4.1.3',
      shownAs: 'SomberNight',
    });
  for (const n of ['Emzy', 'felixb_f321x', 'svanstaa'] as const) {
    const c = signers[n];
    if (c) rows.push({ name: n, fingerprint: c.fingerprint, role: 'cosigner', requiredFrom: null });
  }
  return rows;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeKeyring(
  dir: string,
  keys: readonly openpgp.PublicKey[],
  name = 'keyring.asc',
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, keys.map((k) => k.armor()).join(''));
  return path;
}

/** A key like Emzy's: a primary that only certifies, and a signing subkey. */
export async function makeSubkeyKey(
  name: string,
  date: Date = new Date(Date.now() - 60_000),
): Promise<openpgp.PrivateKey> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ name, email: `${name.toLowerCase()}@fixtures.invalid` }],
    subkeys: [{ sign: true }],
    date,
    format: 'object',
  });
  return privateKey;
}

/**
 * A public copy of `key` with one more binding of its first subkey, made at `at`, saying the subkey expires
 * `lifetimeMs` after its creation (with the back-signature a signing subkey needs). The newest binding rules.
 */
export async function withSubkeyExpiry(
  key: openpgp.PrivateKey,
  at: Date,
  lifetimeMs: number,
): Promise<openpgp.PublicKey> {
  const copy = await openpgp.readKey({ binaryKey: key.toPublic().write() });
  const secretSub = key.subkeys[0]!;
  const sub = copy.subkeys[0]!;
  const data = { key: key.keyPacket, bind: secretSub.keyPacket };
  const back = new openpgp.SignaturePacket();
  back.signatureType = openpgp.enums.signature.keyBinding;
  back.publicKeyAlgorithm = secretSub.keyPacket.algorithm;
  back.hashAlgorithm = openpgp.enums.hash.sha256;
  await signPacket(back, secretPacket(secretSub), data, at, false, openpgp.config);
  const binding = new openpgp.SignaturePacket();
  binding.signatureType = openpgp.enums.signature.subkeyBinding;
  binding.publicKeyAlgorithm = key.keyPacket.algorithm;
  binding.hashAlgorithm = openpgp.enums.hash.sha256;
  binding.keyFlags = keyFlags(openpgp.enums.keyFlags.signData);
  binding.keyExpirationTime = Math.round(lifetimeMs / 1000);
  binding.keyNeverExpires = false;
  binding.embeddedSignature = back;
  await signPacket(binding, secretPacket(key), data, at, false, openpgp.config);
  (sub as unknown as { bindingSignatures: openpgp.SignaturePacket[] }).bindingSignatures.push(binding);
  return openpgp.readKey({ binaryKey: copy.write() });
}
