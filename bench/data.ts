/**
 * Benchmark data, made once and cached under .bench-data/ (git-ignored):
 *   - random files of 150 MiB and 1 GiB;
 *   - signing keys made with real GnuPG: 4 × RSA-4096 (SHA-512) and 1 × ECDSA NIST P-256 (SHA-256),
 *     i.e. Electrum's real mix of cosigners (ThomasV, SomberNight, Emzy, svanstaa: RSA/SHA-512; felixb: P-256/SHA-256);
 *   - per file: `.1.asc` (one RSA-4096/SHA-512 block), `.5.asc` (five armored blocks concatenated the Electrum
 *     way: `cat a.asc b.asc …`), `.rsa256.asc` (one RSA-4096/SHA-256 block: the single-lane case);
 *   - `keys.asc` (armored public keys, for `--keyring`) and `keys.gpg` (binary keyring, for `gpgv --keyring`).
 * The GNUPGHOME with the secret keys is deleted once everything is signed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const MiB = 1024 * 1024;

export interface DataFile {
  label: string;
  path: string;
  size: number;
  /** one RSA-4096 / SHA-512 signature */
  sig1: string;
  /** 4 × RSA-4096 / SHA-512 + 1 × ECDSA P-256 / SHA-256, five concatenated armored blocks */
  sig5: string;
  /** one RSA-4096 / SHA-256 signature (only one hash lane is needed) */
  sigRsa256: string;
}

export interface BenchData {
  dir: string;
  keyringArmored: string;
  keyringBinary: string;
  small: DataFile;
  large: DataFile;
  /** seconds spent making what was missing (0 when everything was cached) */
  madeInSeconds: number;
}

const STAMP = 'v2';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Buffer> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', rej);
    child.on('close', (code) =>
      code === 0
        ? res(Buffer.concat(out))
        : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${Buffer.concat(err).toString()}`)),
    );
  });
}

async function randomFile(path: string, size: number): Promise<void> {
  const fh = await open(path, 'w');
  try {
    for (let done = 0; done < size;) {
      const n = Math.min(16 * MiB, size - done);
      await fh.write(randomBytes(n));
      done += n;
    }
  } finally {
    await fh.close();
  }
}

interface Key {
  email: string;
  algo: string;
  digest: string;
}

const KEYS: Key[] = [
  { email: 'rsa-a@bench.invalid', algo: 'rsa4096', digest: 'SHA512' },
  { email: 'rsa-b@bench.invalid', algo: 'rsa4096', digest: 'SHA512' },
  { email: 'rsa-c@bench.invalid', algo: 'rsa4096', digest: 'SHA512' },
  { email: 'rsa-d@bench.invalid', algo: 'rsa4096', digest: 'SHA512' },
  { email: 'p256@bench.invalid', algo: 'nistp256', digest: 'SHA256' },
];

export async function makeBenchData(root: string, log: (s: string) => void): Promise<BenchData> {
  const dir = resolve(root);
  await mkdir(dir, { recursive: true });
  const p = (name: string): string => join(dir, name);
  const t0 = Date.now();
  const files: Array<{ label: string; name: string; size: number }> = [
    { label: '150 MiB', name: 'data-150MiB.bin', size: 150 * MiB },
    { label: '1 GiB', name: 'data-1GiB.bin', size: 1024 * MiB },
  ];
  const describe = (f: { label: string; name: string; size: number }): DataFile => ({
    label: f.label,
    path: p(f.name),
    size: f.size,
    sig1: p(`${f.name}.1.asc`),
    sig5: p(`${f.name}.5.asc`),
    sigRsa256: p(`${f.name}.rsa256.asc`),
  });
  const result = (): BenchData => ({
    dir,
    keyringArmored: p('keys.asc'),
    keyringBinary: p('keys.gpg'),
    small: describe(files[0]!),
    large: describe(files[1]!),
    madeInSeconds: (Date.now() - t0) / 1000,
  });

  const stampPath = p('STAMP');
  if (existsSync(stampPath) && (await readFile(stampPath, 'utf8')) === STAMP) return result();

  log('making benchmark data in .bench-data/ (once; cached for later runs)…');
  await rm(stampPath, { force: true });
  for (const f of files) {
    log(`  ${f.name}: ${f.size} random bytes`);
    await randomFile(p(f.name), f.size);
  }

  const home = await mkdtemp(join(tmpdir(), 'ev-bench-gh-'));
  const env = { ...process.env, GNUPGHOME: home, LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
  const base = ['--batch', '--no-tty', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', ''];
  try {
    const fprs: string[] = [];
    for (const k of KEYS) {
      log(`  gpg --quick-gen-key ${k.algo} (${k.email})`);
      await run(
        'gpg',
        [...base, '--quick-gen-key', `Bench ${k.email.split('@')[0]} <${k.email}>`, k.algo, 'sign', 'never'],
        env,
      );
      const colons = (
        await run('gpg', [...base, '--with-colons', '--fingerprint', '--list-keys', `<${k.email}>`], env)
      ).toString();
      const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(colons)?.[1];
      if (!fpr) throw new Error(`no fingerprint for ${k.email}`);
      fprs.push(fpr);
    }
    // One armored block per key, concatenated (`gpg --armor --export A B` would put every key in ONE block).
    const armored: Buffer[] = [];
    for (const fpr of fprs) armored.push(await run('gpg', [...base, '--armor', '--export', fpr], env));
    await writeFile(p('keys.asc'), Buffer.concat(armored));
    await writeFile(p('keys.gpg'), await run('gpg', [...base, '--export', ...fprs], env));
    const sign = (i: number, file: string, out: string, digest = KEYS[i]!.digest): Promise<Buffer> =>
      run(
        'gpg',
        [
          ...base,
          '--local-user',
          `${fprs[i]}!`,
          '--digest-algo',
          digest,
          '--armor',
          '--detach-sign',
          '--output',
          out,
          file,
        ],
        env,
      );
    for (const f of files) {
      const d = describe(f);
      log(`  signing ${f.name} (5 + 1 signatures)`);
      const parts: string[] = [];
      for (let i = 0; i < KEYS.length; i++) {
        const out = p(`${f.name}.part${i}.asc`);
        await rm(out, { force: true });
        await sign(i, d.path, out);
        parts.push(out);
      }
      const blocks = await Promise.all(parts.map((x) => readFile(x)));
      await writeFile(d.sig5, Buffer.concat(blocks));
      await writeFile(d.sig1, blocks[0]!);
      await rm(d.sigRsa256, { force: true });
      await sign(0, d.path, d.sigRsa256, 'SHA256');
      for (const x of parts) await rm(x, { force: true });
    }
  } finally {
    await run('gpgconf', ['--kill', 'all'], env).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
  await writeFile(stampPath, STAMP);
  return result();
}
