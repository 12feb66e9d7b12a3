/**
 * A fake Electrum release signed the Electrum way (one armored block per signer, concatenated), by keys made
 * with openpgp.js during the run. Used by the end-to-end download tests and by `npm run demo`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';

export interface FakeRelease {
  dir: string;
  version: string;
  name: string;
  data: Buffer;
  /** The aggregate .asc: every signer's block concatenated. */
  asc: string;
  /** Per-signer .asc blocks, by signer label. */
  perSigner: Record<string, string>;
  /** Armored public keys of the signers, several blocks (for --keyring). */
  keyringPath: string;
  fingerprints: string[];
  /** A copy of `data` with one byte changed. */
  tampered: Buffer;
  /** A signature by a key that is NOT in the keyring. */
  foreignAsc: string;
}

async function makeKey(name: string, type: 'ecc' | 'rsa'): Promise<openpgp.PrivateKey> {
  const { privateKey } = await openpgp.generateKey({
    type,
    ...(type === 'rsa' ? { rsaBits: 3072 } : { curve: 'nistP256' as const }),
    userIDs: [{ name, email: `${name.toLowerCase()}@example.test` }],
    format: 'object',
  });
  return privateKey;
}

async function sign(data: Buffer, key: openpgp.PrivateKey): Promise<string> {
  const message = await openpgp.createMessage({ binary: data });
  return openpgp.sign({ message, signingKeys: key, detached: true, format: 'armored' });
}

export async function makeFakeRelease(
  options: { version?: string; name?: string; size?: number } = {},
): Promise<FakeRelease> {
  const version = options.version ?? '4.5.8';
  const name = options.name ?? `Electrum-${version}.tar.gz`;
  const dir = await mkdtemp(join(tmpdir(), 'ev-release-'));
  const data = randomBytes(options.size ?? 256 * 1024);
  const signers = await Promise.all([makeKey('TestThomas', 'ecc'), makeKey('TestSomber', 'ecc')]);
  const foreign = await makeKey('Mallory', 'ecc');
  const perSigner: Record<string, string> = {};
  const labels = ['ThomasV', 'sombernight_releasekey'];
  for (const [i, key] of signers.entries()) perSigner[labels[i]!] = await sign(data, key);
  const asc = Object.values(perSigner).join('');
  const keyringPath = join(dir, 'test-keyring.asc');
  await writeFile(keyringPath, signers.map((k) => k.toPublic().armor()).join(''));
  const tampered = Buffer.from(data);
  tampered[1000] = (tampered[1000] ?? 0) ^ 0x01;
  return {
    dir,
    version,
    name,
    data,
    asc,
    perSigner,
    keyringPath,
    fingerprints: signers.map((k) => k.getFingerprint().toUpperCase()),
    tampered,
    foreignAsc: await sign(data, foreign),
  };
}
