/**
 * A whole fake Electrum release, built in the run: every file of the version's release set (random bytes), each
 * signed by two keys made now with openpgp.js (playing ThomasV and sombernight_releasekey), written the Electrum
 * way: `<file>.asc` (both blocks concatenated) and `<file>.<signer>.asc`. Only public keys are written to disk.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { releaseSet } from '../../src/release/release-set.js';

export interface ReleaseFixture {
  version: string;
  /** A folder holding every file, its aggregate .asc and its per-signer .asc files. */
  dir: string;
  names: string[];
  data: Record<string, Buffer>;
  aggregate: Record<string, string>;
  perSigner: Record<string, Record<string, string>>;
  keyringPath: string;
  fingerprints: string[];
  /** Sign arbitrary bytes with both keys (aggregate .asc). */
  sign(data: Buffer): Promise<string>;
  /** A fresh copy of `dir` (tests modify their own copy). */
  copy(): Promise<string>;
}

const SIGNERS = ['ThomasV', 'sombernight_releasekey'];

export async function makeReleaseFixture(
  version = '4.5.8',
  size = (i: number) => 32 * 1024 + i * 977,
): Promise<ReleaseFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ev-relset-'));
  const keys = await Promise.all(
    SIGNERS.map(
      async (name) =>
        (
          await openpgp.generateKey({
            type: 'ecc',
            curve: 'nistP256',
            userIDs: [{ name: `Test ${name}` }],
            format: 'object',
          })
        ).privateKey,
    ),
  );
  const signOne = async (data: Buffer, key: openpgp.PrivateKey): Promise<string> =>
    openpgp.sign({
      message: await openpgp.createMessage({ binary: data }),
      signingKeys: key,
      detached: true,
      format: 'armored',
    });
  const sign = async (data: Buffer): Promise<string> => (await Promise.all(keys.map((k) => signOne(data, k)))).join('');
  const names = releaseSet(version)
    .members.filter((m) => !m.optional)
    .map((m) => m.name);
  const data: Record<string, Buffer> = {};
  const aggregate: Record<string, string> = {};
  const perSigner: Record<string, Record<string, string>> = {};
  for (const [i, name] of names.entries()) {
    const bytes = randomBytes(size(i));
    data[name] = bytes;
    perSigner[name] = {};
    const parts: string[] = [];
    for (const [k, key] of keys.entries()) {
      const asc = await signOne(bytes, key);
      perSigner[name]![SIGNERS[k]!] = asc;
      parts.push(asc);
      await writeFile(join(dir, `${name}.${SIGNERS[k]}.asc`), asc);
    }
    aggregate[name] = parts.join('');
    await writeFile(join(dir, name), bytes);
    await writeFile(join(dir, `${name}.asc`), aggregate[name]!);
  }
  const keyringDir = await mkdtemp(join(tmpdir(), 'ev-relset-keys-'));
  const keyringPath = join(keyringDir, 'keyring.asc');
  await writeFile(keyringPath, keys.map((k) => k.toPublic().armor()).join(''));
  return {
    version,
    dir,
    names,
    data,
    aggregate,
    perSigner,
    keyringPath,
    fingerprints: keys.map((k) => k.getFingerprint().toUpperCase()),
    sign,
    async copy() {
      const to = await mkdtemp(join(tmpdir(), 'ev-relset-copy-'));
      await cp(dir, to, { recursive: true });
      return to;
    },
  };
}

/** A writable stream that keeps what it is given. */
export function sink(): NodeJS.WritableStream & { text: () => string } {
  const chunks: string[] = [];
  const s = {
    write(chunk: string | Uint8Array): boolean {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    },
    text: () => chunks.join(''),
  };
  return s as unknown as NodeJS.WritableStream & { text: () => string };
}

export const plain = {
  ok: (s: string) => s,
  bad: (s: string) => s,
  warn: (s: string) => s,
  dim: (s: string) => s,
  bold: (s: string) => s,
};

export function io(extra: Record<string, unknown> = {}) {
  const stdout = sink();
  const stderr = sink();
  return { stdout, stderr, style: plain, errStyle: plain, env: {} as NodeJS.ProcessEnv, ...extra };
}
