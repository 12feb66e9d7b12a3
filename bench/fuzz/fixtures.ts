/**
 * Keys and seed signatures for the fuzzer, made in the run with real GnuPG (as test/support/gpg.ts does for the
 * tests): a throw-away GNUPGHOME (deleted with its secret keys as soon as the seeds are signed), a small data file,
 * and public keyrings (armored for `verify({ keyring })`, binary for gpgv).
 *
 *   rsa      RSA-2048, signs with the primary (SHA-512)
 *   ed       Ed25519 primary (SHA-512)
 *   p256     NIST P-256 primary (SHA-256): the prehashed-ECDSA path
 *   sub      Ed25519 certify-only primary with an Ed25519 signing subkey
 *   revoked  Ed25519, hard-revoked (reason 0) after signing
 *   unknown  Ed25519, NOT in the keyrings
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePackets } from './packets.js';
import { parseEd25519SecretKey, type SecretEd25519 } from './resign.js';

export interface KeyInfo {
  name: string;
  primary: string;
  /** Fingerprint of the key that signs (the subkey for `sub`). */
  signing: string;
}

export interface FuzzFixtures {
  dir: string;
  data: string;
  other: string;
  /** armored public keys of every known signer, one block each, concatenated */
  keysAsc: string;
  /** the same keys, binary (gpgv --keyring) */
  keyringGpg: string;
  keys: KeyInfo[];
  /** seed signature files: name → path; every one is a single armored block over `data` unless noted */
  seeds: Record<string, string>;
  /**
   * Ed25519 secret keys of the Ed25519 signers (ed, sub's signing subkey, revoked, unknown), in memory only, for
   * re-signing mutated packets (resign.ts). Never written to disk, never saved with the corpus.
   */
  secrets: Record<string, SecretEd25519>;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }),
    );
    if (child.stdin) child.stdin.end(input);
  });
}

export async function buildFuzzFixtures(dir: string): Promise<FuzzFixtures> {
  const home = await mkdtemp(join(tmpdir(), 'ev-fz-gh-'));
  const env = { ...process.env, GNUPGHOME: home, LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
  const base = ['--batch', '--no-tty', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', ''];
  const gpg = async (args: string[], input?: string): Promise<Buffer> => {
    const r = await run('gpg', [...base, ...args], env, input);
    if (r.code !== 0) throw new Error(`gpg ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const describe = async (email: string): Promise<{ primary: string; subs: { fpr: string; usage: string }[] }> => {
    const out = (
      await gpg(['--with-colons', '--fingerprint', '--fingerprint', '--list-keys', `<${email}>`])
    ).toString();
    let primary = '';
    let last = '';
    let usage = '';
    const subs: { fpr: string; usage: string }[] = [];
    for (const line of out.split('\n')) {
      const f = line.split(':');
      if (f[0] === 'pub' || f[0] === 'sub') {
        last = f[0];
        usage = f[11] ?? '';
      } else if (f[0] === 'fpr') {
        if (last === 'pub' && primary === '') primary = (f[9] ?? '').toUpperCase();
        else if (last === 'sub') subs.push({ fpr: (f[9] ?? '').toUpperCase(), usage });
        last = '';
      }
    }
    return { primary, subs };
  };
  try {
    const data = join(dir, 'data.bin');
    const other = join(dir, 'other.bin');
    await writeFile(data, randomBytes(512));
    await writeFile(other, randomBytes(512));
    const gen = (uid: string, algo: string, usage: string) => gpg(['--quick-gen-key', uid, algo, usage, 'never']);
    await gen('Fuzz RSA <rsa@fuzz.invalid>', 'rsa2048', 'sign');
    await gen('Fuzz Ed <ed@fuzz.invalid>', 'ed25519', 'sign');
    await gen('Fuzz P256 <p256@fuzz.invalid>', 'nistp256', 'sign');
    await gen('Fuzz Sub <sub@fuzz.invalid>', 'ed25519', 'cert');
    const subPrimary = (await describe('sub@fuzz.invalid')).primary;
    await gpg(['--quick-add-key', subPrimary, 'ed25519', 'sign', 'never']);
    await gen('Fuzz Revoked <revoked@fuzz.invalid>', 'ed25519', 'sign');
    await gen('Fuzz Unknown <unknown@fuzz.invalid>', 'ed25519', 'sign');
    const d = {
      rsa: await describe('rsa@fuzz.invalid'),
      ed: await describe('ed@fuzz.invalid'),
      p256: await describe('p256@fuzz.invalid'),
      sub: await describe('sub@fuzz.invalid'),
      revoked: await describe('revoked@fuzz.invalid'),
      unknown: await describe('unknown@fuzz.invalid'),
    };
    const signSub = d.sub.subs.find((s) => s.usage.includes('s'));
    if (!signSub) throw new Error('no signing subkey');
    const keys: KeyInfo[] = [
      { name: 'rsa', primary: d.rsa.primary, signing: d.rsa.primary },
      { name: 'ed', primary: d.ed.primary, signing: d.ed.primary },
      { name: 'p256', primary: d.p256.primary, signing: d.p256.primary },
      { name: 'sub', primary: d.sub.primary, signing: signSub.fpr },
      { name: 'revoked', primary: d.revoked.primary, signing: d.revoked.primary },
      { name: 'unknown', primary: d.unknown.primary, signing: d.unknown.primary },
    ];
    const seeds: Record<string, string> = {};
    const sign = async (name: string, signer: string, file: string, extra: string[] = []): Promise<void> => {
      const out = join(dir, `seed-${name}.asc`);
      await gpg(['--local-user', `${signer}!`, '--armor', '--detach-sign', ...extra, '--output', out, file]);
      seeds[name] = out;
    };
    await sign('rsa', d.rsa.primary, data, ['--digest-algo', 'SHA512']);
    await sign('ed', d.ed.primary, data, ['--digest-algo', 'SHA512']);
    await sign('p256', d.p256.primary, data, ['--digest-algo', 'SHA256']);
    await sign('sub', signSub.fpr, data, ['--digest-algo', 'SHA512']);
    await sign('revoked', d.revoked.primary, data, ['--digest-algo', 'SHA512']);
    await sign('unknown', d.unknown.primary, data, ['--digest-algo', 'SHA512']);
    await sign('rsa-other', d.rsa.primary, other, ['--digest-algo', 'SHA512']); // bad over data
    await sign('ed-sha256', d.ed.primary, data, ['--digest-algo', 'SHA256']);
    const secrets: Record<string, SecretEd25519> = {};
    for (const [name, fpr, sub] of [
      ['ed', d.ed.primary, false],
      ['revoked', d.revoked.primary, false],
      ['unknown', d.unknown.primary, false],
      ['sub', signSub.fpr, true],
    ] as const) {
      const exported = await gpg([sub ? '--export-secret-subkeys' : '--export-secret-keys', `${fpr}!`]);
      const wanted = sub ? 7 : 5;
      for (const p of parsePackets(exported).packets) {
        if (p.tag !== wanted) continue;
        const k = parseEd25519SecretKey(Buffer.concat([Buffer.from([0xc5]), Buffer.from([p.body.length]), p.body]));
        if (k) secrets[name] = k;
      }
    }
    // hard revocation (gpg's auto-generated certificate, reason 0)
    const rev = (await readFile(join(home, 'openpgp-revocs.d', `${d.revoked.primary}.rev`), 'utf8')).replace(
      /^:-----BEGIN/m,
      '-----BEGIN',
    );
    await gpg(['--import'], rev);
    const known = [d.rsa.primary, d.ed.primary, d.p256.primary, d.sub.primary, d.revoked.primary];
    const armored: string[] = [];
    for (const fpr of known) armored.push((await gpg(['--armor', '--export', fpr])).toString());
    const keysAsc = join(dir, 'keys.asc');
    await writeFile(keysAsc, armored.join(''));
    const keyringGpg = join(dir, 'keyring.gpg');
    await writeFile(keyringGpg, await gpg(['--export', ...known]));
    return { dir, data, other, keysAsc, keyringGpg, keys, seeds, secrets };
  } finally {
    await run('gpgconf', ['--kill', 'all'], env).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}
