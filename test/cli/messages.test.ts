/**
 * The mistakes people make, and what they read (issue 10): each answer names the problem and the next step,
 * with the contract's exit code. Local files and the loopback servers only.
 */
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCommand, describeRun, runCli } from '../support/cli.js';
import { makeFakeRelease, type FakeRelease } from '../support/fake-release.js';
import {
  proxiedEnv,
  route,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki } from '../support/tls.js';

let rel: FakeRelease;
let dir: string;
let site: FakeServer;
let proxy: ConnectProxy;
let env: NodeJS.ProcessEnv;
let file: string;
let asc: string;

beforeAll(async () => {
  rel = await makeFakeRelease({ version: '4.5.8' });
  dir = await mkdtemp(join(tmpdir(), 'ev-messages-'));
  await chmod(dir, 0o755);
  file = join(dir, 'Electrum-4.5.8.tar.gz');
  asc = `${file}.asc`;
  await writeFile(file, rel.data);
  await writeFile(asc, rel.asc);
  const pki = await getTestPki();
  site = await startFakeElectrumServer({ routes: { '/4.5.8/Electrum-4.5.8.tar.gz.asc': route.status(404) } }, pki);
  proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port, 'electrum.org': site.port } });
  env = proxiedEnv(proxy.url, pki.caCertPath);
});

afterAll(async () => {
  await proxy?.close();
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (rel) await rm(rel.dir, { recursive: true, force: true });
});

const keys = (): string[] => ['--keyring', rel.keyringPath];

describe('a renamed download', () => {
  it.each([['Electrum-4.5.8 (1).tar.gz'], ['electrum-4.5.8.tar.gz'], ['ELECTRUM-4.5.8.TAR.GZ']])(
    '%s: says which official name it looks like, and how to fix it',
    async (name) => {
      const renamed = join(dir, name);
      await copyFile(file, renamed);
      const r = await runCli(['verify', renamed, '--json']);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.json.reason.code).toBe('ARTIFACT_UNRECOGNISED');
      expect(r.json.reason.message).toContain('it looks like Electrum-4.5.8.tar.gz renamed');
      expect(r.json.reason.hint).toBe(
        "Rename it to Electrum-4.5.8.tar.gz, or pass --as Electrum-4.5.8.tar.gz; then its official signature is found and Electrum's rules apply.",
      );
    },
  );

  it('--as NAME judges the file under that name (version rules apply), and verifies it', async () => {
    const renamed = join(dir, 'download.bin');
    await copyFile(file, renamed);
    const r = await runCli([
      'verify',
      renamed,
      '--as',
      'Electrum-4.5.8.tar.gz',
      '--signature',
      asc,
      ...keys(),
      '--json',
    ]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.artifact).toMatchObject({ name: 'Electrum-4.5.8.tar.gz', version: '4.5.8' });
    expect(r.stderr).not.toMatch(/could not be applied/);
  });

  it('--as with a name Electrum never used is a usage error with a suggestion; --as with a URL too', async () => {
    const r = await runCli(['verify', file, '--as', 'electrum-4.5.8.tar.gz', '--json']);
    expect(r.code).toBe(2);
    expect(r.json.reason.message).toBe(
      '--as "electrum-4.5.8.tar.gz" is not an official Electrum file name; did you mean Electrum-4.5.8.tar.gz?',
    );
    const u = await runCli([
      'verify',
      'https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz',
      '--as',
      'Electrum-4.5.8.tar.gz',
      '--json',
    ]);
    expect(u.code).toBe(2);
    expect(u.json.reason.message).toMatch(/--as applies to a local file/);
  });

  it('an unknown name with --signature verifies, with a warning that the version rules could not be applied and how to apply them', async () => {
    const renamed = join(dir, 'electrum.tgz');
    await copyFile(file, renamed);
    const r = await runCli(['verify', renamed, '--signature', asc, ...keys(), '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toMatch(
      /warning: "electrum\.tgz" is not an official Electrum file name, so the rules for its version .* could not be applied from the name\. Pass --as <official file name> to apply them\./,
    );
  });
});

describe('bad local input: exit 2, in words', () => {
  it('a 0-byte file: the download probably failed', async () => {
    const empty = join(dir, 'empty', 'Electrum-4.5.8.tar.gz');
    await mkdir(join(dir, 'empty'));
    await writeFile(empty, '');
    const r = await runCli(['verify', empty, '--json']);
    expect(r.code).toBe(2);
    expect(r.json.reason.message).toMatch(/is empty \(0 bytes\); the download probably failed/);
  });

  it.each([
    [
      'a missing target',
      () => join(dir, 'nope.tar.gz'),
      [] as string[],
      /cannot read the file .*nope\.tar\.gz: no such file/,
    ],
    ['a folder as target', () => dir, [], /: it is a folder, not a regular file/],
    [
      '/dev/zero as target (never read forever)',
      () => '/dev/zero',
      [],
      /cannot read the file \/dev\/zero: it is a device, not a regular file/,
    ],
    [
      'a missing --signature',
      () => file,
      () => ['--signature', join(dir, 'nope.asc')],
      /cannot read the signature file .*nope\.asc: no such file/,
    ],
    [
      'a folder as --signature',
      () => file,
      () => ['--signature', dir],
      /cannot read the signature file .*: it is a folder, not a regular file/,
    ],
    [
      'a missing --keyring',
      () => file,
      () => ['--signature', asc, '--keyring', join(dir, 'nope.asc')],
      /^cannot read the keyring file .*nope\.asc: no such file$/,
    ],
    [
      'a folder as --keyring',
      () => file,
      () => ['--signature', asc, '--keyring', dir],
      /^cannot read the keyring file .*: it is a folder, not a regular file$/,
    ],
  ])('%s', async (_t, target, extra, message) => {
    const r = await runCli(['verify', target(), ...(typeof extra === 'function' ? extra() : extra), '--json'], {
      timeoutMs: 20_000,
    });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.code).toBe('USAGE');
    expect(r.json.reason.message).toMatch(message);
  });

  it('a FIFO as target is refused at once (the open does not wait for a writer)', async () => {
    const fifo = join(dir, 'Electrum-4.5.9.tar.gz');
    execFileSync('mkfifo', [fifo]);
    const r = await runCli(['verify', fifo, '--json'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.json.reason.message).toMatch(/it is a pipe, not a regular file/);
  });

  it('unreadable files (run as an unprivileged user): target and --signature are exit 2, never INTERNAL_ERROR', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o755);
    const target = join(locked, 'Electrum-4.5.8.tar.gz');
    const sig = join(locked, 'sig.asc');
    await copyFile(file, target);
    await copyFile(asc, sig);
    await chmod(target, 0o000);
    await chmod(sig, 0o000);
    const readable = join(locked, 'readable-Electrum-4.5.8.tar.gz');
    await copyFile(file, readable);
    await chmod(readable, 0o644);
    const cli = cliCommand([]);
    const asNobody = (args: string[]): { code: number; out: string } => {
      try {
        const out = execFileSync(
          'setpriv',
          ['--reuid=65534', '--regid=65534', '--clear-groups', cli.command, ...cli.args, ...args],
          { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
        );
        return { code: 0, out };
      } catch (e) {
        const err = e as { status: number; stdout: string };
        return { code: err.status, out: err.stdout };
      }
    };
    const a = asNobody(['verify', target, '--json']);
    expect(a.code, a.out).toBe(2);
    expect(JSON.parse(a.out).reason.message).toMatch(/cannot read the file .*: permission denied/);
    const b = asNobody(['verify', readable, '--signature', sig, '--json']);
    expect(b.code, b.out).toBe(2);
    expect(JSON.parse(b.out).reason.message).toMatch(/cannot read the signature file .*: permission denied/);
  });
});

describe('options that cannot work say so', () => {
  it('--min-signers above the number of trusted keys is a usage error, not NOT AUTHENTIC', async () => {
    const r = await runCli(['verify', file, '--signature', asc, ...keys(), '--min-signers', '3', '--json']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.message).toBe(
      `--min-signers 3 asks for more signers than there are trusted keys (2 in ${rel.keyringPath})`,
    );
  });

  it("a refused --signature URL says that it was the signature's source, and the JSON names it", async () => {
    const url = 'https://github.com/spesmilo/electrum/releases/download/4.5.8/Electrum-4.5.8.tar.gz.asc';
    const r = await runCli(['verify', file, '--signature', url, '--json']);
    expect(r.code).toBe(3);
    expect(r.json.reason.code).toBe('SOURCE_GITHUB');
    expect(r.json.reason.message).toMatch(/^the signature's source was refused \(--signature https:\/\/github\.com\//);
    expect(r.json.signature.url).toBe(url);
  });

  it('with --keyring, the warning lists each key by fingerprint and its user ID, marked as not verified', async () => {
    const r = await runCli(['verify', file, '--signature', asc, ...keys()]);
    expect(r.code, describeRun(r)).toBe(0);
    for (const fpr of rel.fingerprints) expect(r.stderr).toContain(fpr);
    expect(r.stderr).toMatch(/"TestThomas <testthomas@example\.test>" \(user ID not verified\)/);
  });

  it('the official .asc cannot be fetched for a local file: the hint says --signature verifies offline', async () => {
    const r = await runCli(['verify', file, '--json'], { env });
    expect(r.code, describeRun(r)).toBe(4);
    expect(r.json.reason.code).toBe('SIGNATURE_NOT_FOUND');
    expect(r.json.reason.hint).toContain(`--signature ${asc} verifies offline`);
  });
});
