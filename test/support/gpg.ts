/**
 * OpenPGP test fixtures made during the test run with real GnuPG (gpg/gpgv 2.2.x) and with openpgp.js.
 *
 * Everything is generated in a fresh temporary directory: a throw-away GNUPGHOME (its agent is killed and the
 * directory, with every secret key in it, is deleted as soon as the fixtures are built), data files, detached
 * signatures and public keyrings. Nothing secret is ever written into the repository.
 *
 * Use `sharedPgpFixtures()` from a `beforeAll` to build the set once per test file (vitest runs each test file
 * in its own worker, so the memo is per file), and `cleanupPgpFixtures()` from `afterAll`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';

const DAY = 86_400;

/** One signing identity. `fingerprint` is always the PRIMARY key's; `signingFingerprint` made the signatures. */
export interface Signer {
  /** short label used in file names */
  label: string;
  /** the user ID written into the key (our tool must NOT show it as the signer's name) */
  userId: string;
  /** primary key fingerprint, 40 upper-case hex */
  fingerprint: string;
  /** fingerprint of the (sub)key that makes signatures; equals `fingerprint` unless a signing subkey is used */
  signingFingerprint: string;
  /** 16 upper-case hex: the signing key's key ID (what an issuer subpacket carries) */
  signingKeyId: string;
  /** armored public key (one block) */
  publicKey: string;
  /** how it was made */
  made: 'gpg' | 'openpgp.js';
  algorithm: string;
}

export type SignerName =
  'rsa4096' | 'ed25519' | 'p256' | 'subkey' | 'expiredBefore' | 'expiredAfter' | 'revoked' | 'openpgpjs' | 'unknown';

/** Detached-signature (or would-be signature) files over `data` unless noted. */
export interface SignatureFiles {
  /** one good signature by each signer alone (over `data`) */
  bySigner: Record<SignerName, string>;
  /** RSA-4096 signer, `--digest-algo SHA1` */
  sha1: string;
  /** ed25519 signer, `--textmode` (signature type 0x01) */
  textMode: string;
  /**
   * text-mode (0x01) signature made over `textLf`. gpg also accepts it over `textCrlf` (different bytes), whose raw
   * bytes ARE the canonical text, so a binary digest of `textCrlf` matches it: only a signature-type check rejects.
   */
  textModeLf: string;
  /** the ed25519 signature block twice (`cat a.asc a.asc`) */
  sameTwice: string;
  /** `cat ed25519.asc p256.asc rsa4096.asc`: three blocks, three signers */
  threeBlocks: string;
  /** `cat unknown.asc ed25519.asc`: a key not in the known keyring, then a good one */
  unknownPlusGood: string;
  /** only the unknown key's signature */
  unknownAlone: string;
  /** random bytes */
  garbage: string;
  /** the RSA armored signature cut in the middle (no END line) */
  truncated: string;
  /** a good ed25519 signature block followed by padding to 2 MiB */
  big: string;
  /** `gpg --clearsign` of a text */
  cleartext: string;
  /** `gpg --armor --sign data` (inline-signed message with literal data) */
  inline: string;
  /** ed25519 signer, signature created one day in the future (`--faked-system-time`) */
  future: string;
  /** RSA-4096 signature over the OTHER file (bad over data) */
  overOther: string;
  /** `cat ed25519.asc p256-over-other.asc`: one good and one bad pinned signature */
  goodPlusBad: string;
  /** P-256 signer variants (the prehashed-ECDSA path): SHA-512 (digest longer than the curve, truncated), a
   *  signature dated one day ahead, and one with a critical notation (`!name=value`) nobody knows */
  p256Sha512: string;
  p256Future: string;
  p256CriticalNotation: string;
  /** RSA-4096 signer with SHA-256 and with SHA-384 (each PKCS #1 DigestInfo prefix; the signer's default is SHA-512) */
  rsaSha256: string;
  rsaSha384: string;
}

export interface PgpFixtures {
  dir: string;
  /** 64 KiB of random bytes */
  data: string;
  /** 64 KiB of different random bytes */
  other: string;
  /** `data` with one byte changed */
  tamperedData: string;
  /** a text file (for the cleartext-signed case) */
  text: string;
  /** a small text with LF line endings, and the same text with CRLF */
  textLf: string;
  textCrlf: string;
  signers: Record<SignerName, Signer>;
  sigs: SignatureFiles;
  keyrings: {
    /** armored, concatenated public key blocks of every signer except `unknown` (for `--keyring`) */
    known: string;
    /** the same keys exported by gpg as ONE armored block */
    knownOneBlock: string;
    /** the same keys as a binary keyring (for `gpgv --keyring`) */
    knownBinary: string;
    /** armored public key of the unknown signer only */
    unknownOnly: string;
    /** binary keyring with every signer including `unknown` (for gpgv cross-checks) */
    allBinary: string;
  };
  /** when the signatures with faked dates were made (unix seconds) */
  times: {
    now: number;
    expiredBeforeKeyExpires: number;
    expiredBeforeSigned: number;
    expiredAfterKeyExpires: number;
    expiredAfterSigned: number;
    future: number;
  };
  /** wall-clock milliseconds the build took */
  buildMs: number;
  /** milliseconds spent in RSA-4096 key generation alone */
  rsa4096KeygenMs: number;
}

interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: Buffer | string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b)); // stdio 'pipe' above: never null
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the tool may exit before reading all input
      child.stdin.end(input);
    }
  });
}

async function must(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: Buffer | string): Promise<Buffer> {
  const r = await run(cmd, args, env, input);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}`);
  }
  return r.stdout;
}

/** Is a usable gpg + gpgv installed? */
export async function haveGnuPG(): Promise<boolean> {
  try {
    const a = await run('gpg', ['--version'], process.env);
    const b = await run('gpgv', ['--version'], process.env);
    return a.code === 0 && b.code === 0;
  } catch {
    return false;
  }
}

class Gpg {
  readonly env: NodeJS.ProcessEnv;
  constructor(readonly home: string) {
    this.env = { ...process.env, GNUPGHOME: home, LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
  }

  base(fakedTime?: number): string[] {
    const a = ['--batch', '--no-tty', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', ''];
    if (fakedTime !== undefined) a.push('--faked-system-time', `${fakedTime}!`);
    return a;
  }

  async gpg(args: string[], opts: { at?: number; input?: Buffer | string } = {}): Promise<Buffer> {
    return must('gpg', [...this.base(opts.at), ...args], this.env, opts.input);
  }

  /** primary fingerprint and subkeys of the key whose UID contains `email` */
  async describe(email: string): Promise<{ primary: string; subkeys: { fpr: string; usage: string }[] }> {
    const out = (
      await this.gpg(['--with-colons', '--fingerprint', '--fingerprint', '--list-keys', `<${email}>`])
    ).toString();
    let primary = '';
    const subkeys: { fpr: string; usage: string }[] = [];
    let last: 'pub' | 'sub' | '' = '';
    let usage = '';
    for (const line of out.split('\n')) {
      const f = line.split(':');
      if (f[0] === 'pub' || f[0] === 'sub') {
        last = f[0];
        usage = f[11] ?? '';
      } else if (f[0] === 'fpr') {
        const fpr = (f[9] ?? '').toUpperCase();
        if (last === 'pub' && !primary) primary = fpr;
        else if (last === 'sub') subkeys.push({ fpr, usage });
        last = '';
      }
    }
    if (!/^[0-9A-F]{40}$/.test(primary)) throw new Error(`no key for ${email}:\n${out}`);
    return { primary, subkeys };
  }

  async exportArmored(fpr: string): Promise<string> {
    return (await this.gpg(['--armor', '--export', fpr])).toString('utf8');
  }

  async exportBinary(fprs: string[]): Promise<Buffer> {
    return this.gpg(['--export', ...fprs]);
  }

  async detachSign(signer: string, file: string, out: string, extra: string[] = [], at?: number): Promise<void> {
    await this.gpg(
      ['--local-user', `${signer}!`, '--armor', '--detach-sign', ...extra, '--output', out, file],
      at === undefined ? {} : { at },
    );
  }

  async kill(): Promise<void> {
    await run('gpgconf', ['--kill', 'all'], this.env).catch(() => undefined);
  }
}

function hex16(fpr: string): string {
  return fpr.slice(-16);
}

/**
 * Build the whole fixture set. `dir` (created if missing) receives the public files; by default a fresh
 * directory under the OS temp dir. The GNUPGHOME used to make the keys lives in `<dir>/gnupg` only while building.
 */
export async function buildPgpFixtures(dir?: string): Promise<PgpFixtures> {
  const t0 = Date.now();
  const root = dir ?? (await mkdtemp(join(tmpdir(), 'ev-pgp-')));
  await mkdir(root, { recursive: true });
  // keep the agent socket path short: a separate short temp dir for GNUPGHOME
  const home = await mkdtemp(join(tmpdir(), 'ev-gh-'));
  const g = new Gpg(home);
  const p = (name: string) => join(root, name);
  const now = Math.floor(Date.now() / 1000);

  try {
    // ---------- data ----------
    const data = randomBytes(64 * 1024);
    const other = randomBytes(64 * 1024);
    const tampered = Buffer.from(data);
    tampered[12345] = (tampered[12345]! ^ 0x01) & 0xff;
    await writeFile(p('data.bin'), data);
    await writeFile(p('other.bin'), other);
    await writeFile(p('data-tampered.bin'), tampered);
    await writeFile(p('text.txt'), 'Electrum release notes\nline two\n');
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${randomBytes(8).toString('hex')}`);
    await writeFile(p('text-lf.txt'), lines.join('\n') + '\n');
    await writeFile(p('text-crlf.txt'), lines.join('\r\n') + '\r\n');

    // ---------- keys ----------
    const gen = (uid: string, algo: string, usage: string, expire: string, at?: number) =>
      g.gpg(['--quick-gen-key', uid, algo, usage, expire], at === undefined ? {} : { at });

    const tr = Date.now();
    await gen('Test RSA4096 <rsa4096@fixtures.invalid>', 'rsa4096', 'sign', 'never');
    const rsa4096KeygenMs = Date.now() - tr;
    await gen('Test Ed25519 <ed25519@fixtures.invalid>', 'ed25519', 'sign', 'never');
    await gen('Test P256 <p256@fixtures.invalid>', 'nistp256', 'sign', 'never');
    // certify-only primary with a separate signing subkey (and an encryption subkey), like Emzy's key
    await gen('Test Subkey <subkey@fixtures.invalid>', 'rsa3072', 'cert', 'never');
    const subPrimary = (await g.describe('subkey@fixtures.invalid')).primary;
    await g.gpg(['--quick-add-key', subPrimary, 'cv25519', 'encr', 'never']);
    await g.gpg(['--quick-add-key', subPrimary, 'rsa3072', 'sign', 'never']);
    // "ThomasV" in the user ID of an unpinned key: the tool must never show this name
    await gen('ThomasV <unknown@fixtures.invalid>', 'ed25519', 'sign', 'never');
    await gen('Test Revoked <revoked@fixtures.invalid>', 'ed25519', 'sign', 'never');

    // expired AFTER signing: created 30 days ago, expires 10 days later, signed 1 day after creation
    const eaCreated = now - 30 * DAY;
    const eaSigned = eaCreated + DAY;
    await gen('Test ExpiredAfter <expired-after@fixtures.invalid>', 'ed25519', 'sign', '10d', eaCreated);
    const eaExpires = eaCreated + 10 * DAY;

    // expired BEFORE signing: gpg refuses to sign with an expired key, so: create it without expiry 40 days ago,
    // sign 20 days ago, then add (with a self-signature dated right after creation) an expiry 10 days after
    // creation. The newest self-signature rules, so the key was expired when it signed.
    const ebCreated = now - 40 * DAY;
    const ebSigned = now - 20 * DAY;
    await gen('Test ExpiredBefore <expired-before@fixtures.invalid>', 'ed25519', 'sign', 'never', ebCreated);

    const desc = {
      rsa4096: await g.describe('rsa4096@fixtures.invalid'),
      ed25519: await g.describe('ed25519@fixtures.invalid'),
      p256: await g.describe('p256@fixtures.invalid'),
      subkey: await g.describe('subkey@fixtures.invalid'),
      unknown: await g.describe('unknown@fixtures.invalid'),
      revoked: await g.describe('revoked@fixtures.invalid'),
      expiredAfter: await g.describe('expired-after@fixtures.invalid'),
      expiredBefore: await g.describe('expired-before@fixtures.invalid'),
    };
    const signSub = desc.subkey.subkeys.find((s) => s.usage.includes('s'));
    if (!signSub) throw new Error('signing subkey missing');

    // ---------- signatures by each gpg signer ----------
    const D = p('data.bin');
    const sigPath = (n: string) => p(`data.bin.${n}.asc`);
    const sha512 = ['--digest-algo', 'SHA512'];
    const sha256 = ['--digest-algo', 'SHA256'];
    await g.detachSign(desc.rsa4096.primary, D, sigPath('rsa4096'), sha512);
    await g.detachSign(desc.ed25519.primary, D, sigPath('ed25519'), sha512);
    await g.detachSign(desc.p256.primary, D, sigPath('p256'), sha256);
    // sign with the subkey explicitly (the `!` suffix forces exactly that key)
    await g.detachSign(signSub.fpr, D, sigPath('subkey'), sha512);
    await g.detachSign(desc.unknown.primary, D, sigPath('unknown'), sha512);
    await g.detachSign(desc.revoked.primary, D, sigPath('revoked'), sha512);
    await g.detachSign(desc.expiredAfter.primary, D, sigPath('expiredAfter'), sha512, eaSigned);
    await g.detachSign(desc.expiredBefore.primary, D, sigPath('expiredBefore'), sha512, ebSigned);
    const ebExpires = ebCreated + 10 * DAY;
    await g.gpg(['--quick-set-expire', desc.expiredBefore.primary, `seconds=${10 * DAY - 60}`], { at: ebCreated + 60 });

    // hard revocation (reason 0 "no reason specified", as gpg's auto-generated certificate): import it
    const revFile = join(home, 'openpgp-revocs.d', `${desc.revoked.primary}.rev`);
    const revText = (await readFile(revFile, 'utf8')).replace(/^:-----BEGIN/m, '-----BEGIN');
    await g.gpg(['--import'], { input: revText });

    // special cases
    await g.detachSign(desc.rsa4096.primary, D, p('data.bin.sha1.asc'), ['--digest-algo', 'SHA1']);
    await g.detachSign(desc.ed25519.primary, D, p('data.bin.textmode.asc'), ['--textmode', ...sha512]);
    await g.detachSign(desc.rsa4096.primary, p('text-lf.txt'), p('text-lf.txt.textmode.asc'), [
      '--textmode',
      ...sha512,
    ]);
    const future = now + DAY;
    await g.detachSign(desc.ed25519.primary, D, p('data.bin.future.asc'), sha512, future);
    await g.detachSign(desc.rsa4096.primary, p('other.bin'), p('other.bin.rsa4096.asc'), sha512);
    await g.detachSign(desc.p256.primary, D, p('data.bin.p256-sha512.asc'), sha512);
    await g.detachSign(desc.rsa4096.primary, D, p('data.bin.rsa-sha256.asc'), sha256);
    await g.detachSign(desc.rsa4096.primary, D, p('data.bin.rsa-sha384.asc'), ['--digest-algo', 'SHA384']);
    await g.detachSign(desc.p256.primary, D, p('data.bin.p256-future.asc'), sha256, future);
    await g.detachSign(desc.p256.primary, D, p('data.bin.p256-critical.asc'), [
      ...sha256,
      '--sig-notation',
      '!unknown@fixtures.invalid=1',
    ]);
    await g.detachSign(desc.p256.primary, p('other.bin'), p('other.bin.p256.asc'), sha256);
    await g.gpg([
      '--local-user',
      desc.rsa4096.primary,
      '--clearsign',
      '--output',
      p('text.txt.clearsigned.asc'),
      p('text.txt'),
    ]);
    await g.gpg(['--local-user', desc.rsa4096.primary, '--armor', '--sign', '--output', p('data.bin.inline.asc'), D]);

    // ---------- openpgp.js key and signature ----------
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Test openpgp.js', email: 'openpgpjs@fixtures.invalid' }],
      format: 'object',
    });
    const jsSig = await openpgp.sign({
      message: await openpgp.createMessage({ binary: data }),
      signingKeys: privateKey,
      detached: true,
      format: 'armored',
    });
    await writeFile(sigPath('openpgpjs'), jsSig);
    const jsArmored = publicKey.armor();
    const jsSigning = await publicKey.getSigningKey();
    const jsFpr = publicKey.getFingerprint().toUpperCase();
    const jsSignFpr = jsSigning.getFingerprint().toUpperCase();
    // import into gpg too, so gpgv can check the openpgp.js signature (interop the other way)
    await g.gpg(['--import'], { input: jsArmored });

    // ---------- signer records ----------
    const mk = async (
      label: SignerName,
      d: { primary: string },
      signing: string,
      userId: string,
      algorithm: string,
    ): Promise<Signer> => ({
      label,
      userId,
      fingerprint: d.primary,
      signingFingerprint: signing,
      signingKeyId: hex16(signing),
      publicKey: await g.exportArmored(d.primary),
      made: 'gpg',
      algorithm,
    });
    const signers: Record<SignerName, Signer> = {
      rsa4096: await mk(
        'rsa4096',
        desc.rsa4096,
        desc.rsa4096.primary,
        'Test RSA4096 <rsa4096@fixtures.invalid>',
        'rsa4096',
      ),
      ed25519: await mk(
        'ed25519',
        desc.ed25519,
        desc.ed25519.primary,
        'Test Ed25519 <ed25519@fixtures.invalid>',
        'ed25519',
      ),
      p256: await mk('p256', desc.p256, desc.p256.primary, 'Test P256 <p256@fixtures.invalid>', 'nistp256'),
      subkey: await mk('subkey', desc.subkey, signSub.fpr, 'Test Subkey <subkey@fixtures.invalid>', 'rsa3072'),
      expiredBefore: await mk(
        'expiredBefore',
        desc.expiredBefore,
        desc.expiredBefore.primary,
        'Test ExpiredBefore <expired-before@fixtures.invalid>',
        'ed25519',
      ),
      expiredAfter: await mk(
        'expiredAfter',
        desc.expiredAfter,
        desc.expiredAfter.primary,
        'Test ExpiredAfter <expired-after@fixtures.invalid>',
        'ed25519',
      ),
      revoked: await mk(
        'revoked',
        desc.revoked,
        desc.revoked.primary,
        'Test Revoked <revoked@fixtures.invalid>',
        'ed25519',
      ),
      unknown: await mk('unknown', desc.unknown, desc.unknown.primary, 'ThomasV <unknown@fixtures.invalid>', 'ed25519'),
      openpgpjs: {
        label: 'openpgpjs',
        userId: 'Test openpgp.js <openpgpjs@fixtures.invalid>',
        fingerprint: jsFpr,
        signingFingerprint: jsSignFpr,
        signingKeyId: hex16(jsSignFpr),
        publicKey: jsArmored,
        made: 'openpgp.js',
        algorithm: 'ed25519Legacy',
      },
    };

    // ---------- keyrings ----------
    const knownNames: SignerName[] = [
      'rsa4096',
      'ed25519',
      'p256',
      'subkey',
      'expiredBefore',
      'expiredAfter',
      'revoked',
      'openpgpjs',
    ];
    for (const n of Object.keys(signers) as SignerName[]) {
      await writeFile(p(`key-${n}.asc`), signers[n].publicKey);
    }
    await writeFile(p('keyring-known.asc'), knownNames.map((n) => signers[n].publicKey).join(''));
    await writeFile(p('keyring-unknown.asc'), signers.unknown.publicKey);
    await writeFile(
      p('keyring-known-oneblock.asc'),
      await g.gpg(['--armor', '--export', ...knownNames.map((n) => signers[n].fingerprint)]),
    );
    await writeFile(p('keyring-known.gpg'), await g.exportBinary(knownNames.map((n) => signers[n].fingerprint)));
    await writeFile(
      p('keyring-all.gpg'),
      await g.exportBinary([...knownNames, 'unknown' as const].map((n) => signers[n as SignerName].fingerprint)),
    );

    // ---------- composite .asc files ----------
    const read = (f: string) => readFile(f);
    const cat = async (out: string, parts: string[]) =>
      writeFile(out, Buffer.concat(await Promise.all(parts.map(read))));
    await cat(p('data.bin.twice.asc'), [sigPath('ed25519'), sigPath('ed25519')]);
    await cat(p('data.bin.three.asc'), [sigPath('ed25519'), sigPath('p256'), sigPath('rsa4096')]);
    await cat(p('data.bin.unknown-plus-good.asc'), [sigPath('unknown'), sigPath('ed25519')]);
    await cat(p('data.bin.good-plus-bad.asc'), [sigPath('ed25519'), p('other.bin.p256.asc')]);
    await writeFile(p('data.bin.garbage.asc'), randomBytes(4096));
    const rsaText = await readFile(sigPath('rsa4096'), 'utf8');
    await writeFile(p('data.bin.truncated.asc'), rsaText.slice(0, Math.floor(rsaText.length / 2)));
    const good = await readFile(sigPath('ed25519'));
    const pad = Buffer.alloc(2 * 1024 * 1024 - good.length, 0x0a); // newlines after the block: 2 MiB total
    await writeFile(p('data.bin.big.asc'), Buffer.concat([good, pad]));

    const fixtures: PgpFixtures = {
      dir: root,
      data: D,
      other: p('other.bin'),
      tamperedData: p('data-tampered.bin'),
      text: p('text.txt'),
      textLf: p('text-lf.txt'),
      textCrlf: p('text-crlf.txt'),
      signers,
      sigs: {
        bySigner: {
          rsa4096: sigPath('rsa4096'),
          ed25519: sigPath('ed25519'),
          p256: sigPath('p256'),
          subkey: sigPath('subkey'),
          expiredBefore: sigPath('expiredBefore'),
          expiredAfter: sigPath('expiredAfter'),
          revoked: sigPath('revoked'),
          openpgpjs: sigPath('openpgpjs'),
          unknown: sigPath('unknown'),
        },
        sha1: p('data.bin.sha1.asc'),
        textMode: p('data.bin.textmode.asc'),
        textModeLf: p('text-lf.txt.textmode.asc'),
        sameTwice: p('data.bin.twice.asc'),
        threeBlocks: p('data.bin.three.asc'),
        unknownPlusGood: p('data.bin.unknown-plus-good.asc'),
        unknownAlone: sigPath('unknown'),
        garbage: p('data.bin.garbage.asc'),
        truncated: p('data.bin.truncated.asc'),
        big: p('data.bin.big.asc'),
        cleartext: p('text.txt.clearsigned.asc'),
        inline: p('data.bin.inline.asc'),
        future: p('data.bin.future.asc'),
        overOther: p('other.bin.rsa4096.asc'),
        goodPlusBad: p('data.bin.good-plus-bad.asc'),
        p256Sha512: p('data.bin.p256-sha512.asc'),
        p256Future: p('data.bin.p256-future.asc'),
        p256CriticalNotation: p('data.bin.p256-critical.asc'),
        rsaSha256: p('data.bin.rsa-sha256.asc'),
        rsaSha384: p('data.bin.rsa-sha384.asc'),
      },
      keyrings: {
        known: p('keyring-known.asc'),
        knownOneBlock: p('keyring-known-oneblock.asc'),
        knownBinary: p('keyring-known.gpg'),
        unknownOnly: p('keyring-unknown.asc'),
        allBinary: p('keyring-all.gpg'),
      },
      times: {
        now,
        expiredBeforeKeyExpires: ebExpires,
        expiredBeforeSigned: ebSigned,
        expiredAfterKeyExpires: eaExpires,
        expiredAfterSigned: eaSigned,
        future,
      },
      buildMs: 0,
      rsa4096KeygenMs,
    };
    fixtures.buildMs = Date.now() - t0;
    return fixtures;
  } catch (e) {
    // a failed build leaves nothing behind in a directory we created
    if (dir === undefined) await rm(root, { recursive: true, force: true });
    throw e;
  } finally {
    await g.kill();
    // the secret keys go with the GNUPGHOME
    await rm(home, { recursive: true, force: true });
  }
}

let shared: Promise<PgpFixtures> | undefined;

/** Build once per test file (per vitest worker); later calls get the same object. */
export function sharedPgpFixtures(): Promise<PgpFixtures> {
  shared ??= buildPgpFixtures();
  return shared;
}

/** Remove the shared fixture directory (call from afterAll). */
export async function cleanupPgpFixtures(): Promise<void> {
  if (!shared) return;
  const f = await shared.catch(() => undefined);
  shared = undefined;
  if (f) await rm(f.dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------
// gpgv as an independent oracle

export interface GpgvSignature {
  /** the status keyword that decided this signature */
  status: 'GOODSIG' | 'EXPSIG' | 'EXPKEYSIG' | 'REVKEYSIG' | 'BADSIG' | 'ERRSIG' | 'NONE';
  keyId?: string;
  /** primary fingerprint from VALIDSIG (field 10), when the signature is good */
  primaryFingerprint?: string;
  /** signing key fingerprint from VALIDSIG (field 1) */
  signingFingerprint?: string;
  /** VALIDSIG's signature class in hex ("00" binary, "01" text) */
  sigClass?: string;
  /** VALIDSIG's hash algorithm number (2 SHA-1, 8 SHA-256, 10 SHA-512) */
  hashAlgo?: string;
  /** ERRSIG rc: 9 = no public key, 4 = unknown algorithm, 5 = bad/rejected digest */
  errRc?: string;
}

export interface GpgvResult {
  code: number;
  statusText: string;
  stderr: string;
  sigs: GpgvSignature[];
}

/**
 * `gpgv --status-fd 1 --keyring <binary keyring> <sig> <data>`, with each NEWSIG section parsed.
 * gpgv's exit code is not the whole story (0 for EXPKEYSIG/REVKEYSIG, 2 when any key is missing): use `sigs`.
 */
export async function gpgv(
  keyringBinary: string,
  sig: string,
  data: string,
  extra: string[] = [],
): Promise<GpgvResult> {
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  // gpgv wants a home for its (unused) trustedkeys default; give it an empty temp one
  const home = await mkdtemp(join(tmpdir(), 'ev-gv-'));
  try {
    const r = await run(
      'gpgv',
      ['--homedir', home, '--status-fd', '1', ...extra, '--keyring', keyringBinary, sig, data],
      env,
    );
    const text = r.stdout.toString('utf8');
    const sigs: GpgvSignature[] = [];
    let cur: GpgvSignature | undefined;
    for (const line of text.split('\n')) {
      const m = /^\[GNUPG:\] (\S+)(?: (.*))?$/.exec(line);
      if (!m) continue;
      const kw = m[1]!;
      const rest = (m[2] ?? '').split(' ');
      if (kw === 'NEWSIG') {
        cur = { status: 'NONE' };
        sigs.push(cur);
        continue;
      }
      if (!cur) {
        cur = { status: 'NONE' };
        sigs.push(cur);
      }
      switch (kw) {
        case 'GOODSIG':
        case 'EXPSIG':
        case 'EXPKEYSIG':
        case 'REVKEYSIG':
        case 'BADSIG':
          cur.status = kw;
          cur.keyId = rest[0];
          break;
        case 'ERRSIG':
          cur.status = 'ERRSIG';
          cur.keyId = rest[0];
          cur.errRc = rest[5];
          break;
        case 'VALIDSIG':
          cur.signingFingerprint = rest[0];
          cur.hashAlgo = rest[7];
          cur.sigClass = rest[8];
          cur.primaryFingerprint = rest[9];
          break;
        default:
          break;
      }
    }
    return { code: r.code, statusText: text, stderr: r.stderr, sigs };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Did gpgv find the data intact under every signature it could check (no BADSIG, at least one checked)? */
export function gpgvDataGood(r: GpgvResult): boolean {
  const checked = r.sigs.filter((s) => s.status !== 'ERRSIG' && s.status !== 'NONE');
  return checked.length > 0 && checked.every((s) => s.status !== 'BADSIG');
}

/** List files in the fixture dir (debug aid). */
export async function listFixtureFiles(f: PgpFixtures): Promise<string[]> {
  return (await readdir(f.dir)).sort();
}

// ---------------------------------------------------------------------------------------------------------
// A scratch GnuPG home for tests that make their own keys (added for the OpenPGP hardening tests)

export interface GpgScratch {
  readonly home: string;
  /** gpg with --batch, loopback pinentry and an empty passphrase; `at` fakes the system time (unix seconds) */
  gpg(args: string[], opts?: { at?: number; input?: Buffer | string }): Promise<Buffer>;
  /** primary fingerprint and subkeys of the key whose UID contains `<email>` */
  describe(email: string): Promise<{ primary: string; subkeys: { fpr: string; usage: string }[] }>;
  /** kill the agent and delete the home, secret keys included */
  close(): Promise<void>;
}

export async function gpgScratch(): Promise<GpgScratch> {
  const home = await mkdtemp(join(tmpdir(), 'ev-gs-'));
  const g = new Gpg(home);
  return {
    home,
    gpg: (args, opts = {}) => g.gpg(args, opts),
    describe: (email) => g.describe(email),
    close: async () => {
      await g.kill();
      await rm(home, { recursive: true, force: true });
    },
  };
}
