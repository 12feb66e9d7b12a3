/**
 * End to end through the real CLI binary: a fake download.electrum.org over real TLS (test CA via
 * NODE_EXTRA_CA_CERTS), reached only through a local CONNECT proxy (HTTPS_PROXY). No mocking of undici.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCommand, describeRun, runCli, type CliResult } from '../support/cli.js';
import { makeFakeRelease, type FakeRelease } from '../support/fake-release.js';
import {
  proxiedEnv,
  route,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki, type TestPki } from '../support/tls.js';

let pki: TestPki;
let rel: FakeRelease;
let site: FakeServer;
let wrongName: FakeServer;
let proxy: ConnectProxy;
let env: NodeJS.ProcessEnv;

const D = 'https://download.electrum.org';
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  pki = await getTestPki();
  rel = await makeFakeRelease({ version: '4.5.8', size: 3 * 1024 * 1024 + 17 });
  const asc = rel.asc;
  const big = Buffer.alloc(8 * 1024 * 1024, 7);
  site = await startFakeElectrumServer(
    {
      routes: {
        '/4.5.8/Electrum-4.5.8.tar.gz': rel.data,
        '/4.5.8/Electrum-4.5.8.tar.gz.asc': asc,
        // the same release on an approved mirror, with its own path layout
        'mirror.example.test/pub/electrum/4.5.8/Electrum-4.5.8.tar.gz': rel.data,
        // tampered file, genuine signature
        '/4.5.9/Electrum-4.5.9.tar.gz': rel.tampered,
        '/4.5.9/Electrum-4.5.9.tar.gz.asc': asc,
        // a signature by a key that is not trusted
        '/4.6.0/electrum-4.6.0.dmg': rel.data,
        '/4.6.0/electrum-4.6.0.dmg.asc': rel.foreignAsc,
        // faults on the data, each with a signature in place so the data is what fails
        '/4.4.0/Electrum-4.4.0.tar.gz': route.truncate(rel.data, 1000),
        '/4.4.0/Electrum-4.4.0.tar.gz.asc': asc,
        '/4.4.1/Electrum-4.4.1.tar.gz': route.drip(1 << 20, 16, 200),
        '/4.4.1/Electrum-4.4.1.tar.gz.asc': asc,
        '/4.4.2/Electrum-4.4.2.tar.gz': route.endless(),
        '/4.4.2/Electrum-4.4.2.tar.gz.asc': asc,
        'download.electrum.org/4.4.3/Electrum-4.4.3.tar.gz': route.redirect(
          'https://www.electrum.org/4.4.3/Electrum-4.4.3.tar.gz',
        ),
        'www.electrum.org/4.4.3/Electrum-4.4.3.tar.gz': route.redirect(
          'https://download.electrum.org/4.4.3/Electrum-4.4.3.tar.gz',
        ),
        // an official redirect to ANOTHER release file (a signature does not cover the file name)
        '/4.4.5/Electrum-4.4.5.tar.gz': route.redirect('/4.5.8/Electrum-4.5.8.tar.gz'),
        '/4.4.5/Electrum-4.4.5.tar.gz.asc': asc,
        '/4.4.3/Electrum-4.4.3.tar.gz.asc': asc,
        '/4.4.4/Electrum-4.4.4.tar.gz': route.redirect(
          'https://github.com/spesmilo/electrum/releases/download/4.4.4/Electrum-4.4.4.tar.gz',
        ),
        '/4.4.4/Electrum-4.4.4.tar.gz.asc': asc,
        '/4.3.0/Electrum-4.3.0.tar.gz': big,
        '/4.3.0/Electrum-4.3.0.tar.gz.asc': asc,
        // redirect between official hosts stays on the official origin
        'download.electrum.org/4.3.1/Electrum-4.3.1.tar.gz': route.redirect(
          'https://electrum.org/files/4.3.1/Electrum-4.3.1.tar.gz',
        ),
        'electrum.org/files/4.3.1/Electrum-4.3.1.tar.gz': rel.data,
        '/4.3.1/Electrum-4.3.1.tar.gz.asc': asc,
        // signature faults
        '/4.3.2/Electrum-4.3.2.tar.gz': rel.data,
        '/4.3.2/Electrum-4.3.2.tar.gz.asc': route.status(404),
        '/4.3.3/Electrum-4.3.3.tar.gz': rel.data,
        '/4.3.3/Electrum-4.3.3.tar.gz.asc': route.status(500),
        // 4.1.3-4.1.5: no aggregate; per-signer files (one of the three missing)
        '/4.1.4/Electrum-4.1.4.tar.gz': rel.data,
        '/4.1.4/Electrum-4.1.4.tar.gz.ThomasV.asc': rel.perSigner.ThomasV!,
        '/4.1.4/Electrum-4.1.4.tar.gz.sombernight_releasekey.asc': rel.perSigner.sombernight_releasekey!,
        // a known-vulnerable (2018) version, authentic
        '/3.3.2/electrum-3.3.2.exe': rel.data,
        '/3.3.2/electrum-3.3.2.exe.asc': asc,
      },
    },
    pki,
  );
  wrongName = await startFakeElectrumServer(
    { routes: { '/4.5.8/Electrum-4.5.8.tar.gz.asc': asc }, certificate: 'wrong-name' },
    pki,
  );
  proxy = await startConnectProxy({
    map: {
      'download.electrum.org': site.port,
      'electrum.org': site.port,
      'www.electrum.org': site.port,
      'mirror.example.test': site.port,
    },
  });
  env = proxiedEnv(proxy.url, pki.caCertPath);
});

const made: string[] = [];

afterAll(async () => {
  await Promise.all(
    [...made, rel?.dir].filter((d): d is string => !!d).map((d) => rm(d, { recursive: true, force: true })),
  );
  await proxy?.close();
  await site?.close();
  await wrongName?.close();
});

async function outDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ev-out-'));
  made.push(dir);
  return dir;
}

async function run(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli([...args, '--keyring', rel.keyringPath, '--json'], { cwd, env: { ...env, ...extraEnv } });
}

describe('download and verify through the proxy', () => {
  it('accepts an authentic download: exit 0, saved, right SHA-256, two signers', async () => {
    const dir = await outDir();
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '--min-signers', '2'], dir);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.verdict).toBe('verified');
    expect(r.json.sha256).toBe(sha256(rel.data));
    expect(r.json.size).toBe(rel.data.length);
    expect(r.json.signature.signers.map((s: { fingerprint: string }) => s.fingerprint).sort()).toEqual(
      [...rel.fingerprints].sort(),
    );
    expect(r.json.signature.url).toBe(`${D}/4.5.8/Electrum-4.5.8.tar.gz.asc`);
    expect(r.json.source).toMatchObject({ verdict: 'official', redirects: [] });
    expect(await readdir(dir)).toEqual(['Electrum-4.5.8.tar.gz']);
    expect(sha256(await readFile(join(dir, 'Electrum-4.5.8.tar.gz')))).toBe(sha256(rel.data));
    expect(r.stderr).toMatch(/instead of the pinned/); // --keyring warning goes to stderr, not stdout
  });

  it('refuses to overwrite an existing output without --force, replaces it with --force', async () => {
    const dir = await outDir();
    await writeFile(join(dir, 'Electrum-4.5.8.tar.gz'), 'keep me');
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`], dir);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.code).toBe('OUTPUT_EXISTS');
    expect(await readFile(join(dir, 'Electrum-4.5.8.tar.gz'), 'utf8')).toBe('keep me');
    const forced = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '--force'], dir);
    expect(forced.code, describeRun(forced)).toBe(0);
    expect(sha256(await readFile(join(dir, 'Electrum-4.5.8.tar.gz')))).toBe(sha256(rel.data));
  });

  it('--force never replaces something that is not a regular file (a FIFO, a folder where the file would go)', async () => {
    const dir = await outDir();
    const { mkdir } = await import('node:fs/promises');
    const { execFileSync } = await import('node:child_process');
    await mkdir(join(dir, 'folder', 'Electrum-4.5.8.tar.gz'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    for (const target of [join(dir, 'folder'), join(dir, 'fifo')]) {
      const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '-o', target, '--force'], dir);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.json.reason.code).toBe('OUTPUT_EXISTS');
    }
    expect((await readdir(dir)).sort()).toEqual(['fifo', 'folder']);
  });

  it('-o DIR (an existing folder) saves DIR/<name>, as curl --output-dir and wget -P do', async () => {
    const dir = await outDir();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'downloads'));
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '-o', join(dir, 'downloads')], dir);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.output).toBe(join(dir, 'downloads', 'Electrum-4.5.8.tar.gz'));
    expect(await readdir(join(dir, 'downloads'))).toEqual(['Electrum-4.5.8.tar.gz']);
  });

  it('-o - is refused with a reason: nothing is streamed out before it verified', async () => {
    const dir = await outDir();
    const before = site.requests.length;
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '-o', '-'], dir);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.message).toMatch(/standard output.*never passed on before it has verified/);
    expect(site.requests.length).toBe(before);
  });

  it('a missing output folder is a usage error before anything is downloaded', async () => {
    const dir = await outDir();
    const before = site.requests.length;
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '-o', join(dir, 'nope', 'x.tgz')], dir);
    expect(r.code, describeRun(r)).toBe(2);
    expect(site.requests.length).toBe(before);
  });

  it('fetches the .asc and the file over one connection (one proxy CONNECT, not two)', async () => {
    const dir = await outDir();
    const [connects, requests] = [proxy.log.length, site.requests.length];
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`], dir);
    expect(r.code, describeRun(r)).toBe(0);
    expect(site.requests.slice(requests).map((q) => q.path)).toEqual([
      '/4.5.8/Electrum-4.5.8.tar.gz.asc',
      '/4.5.8/Electrum-4.5.8.tar.gz',
    ]);
    expect(proxy.log.slice(connects)).toEqual(['download.electrum.org']);
  });

  it('a malformed proxy variable is a usage error (exit 2) that names the variable; nothing is left behind', async () => {
    const dir = await outDir();
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`], dir, {
      HTTPS_PROXY: 'http://[bad',
      https_proxy: 'http://[bad',
    });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.code).toBe('USAGE');
    expect(r.json.reason.message).toMatch(/^https_proxy="http:\/\/\[bad" is not a proxy URL/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a proxy that cannot be resolved is named, with the variable it came from (not the target host)', async () => {
    const dir = await outDir();
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`], dir, {
      HTTPS_PROXY: 'http://proxy.corp.invalid:3128',
      https_proxy: undefined,
    });
    expect(r.code, describeRun(r)).toBe(4);
    expect(r.json.reason.message).toMatch(
      /^The proxy HTTPS_PROXY=http:\/\/proxy\.corp\.invalid:3128 could not be resolved/,
    );
    expect(r.json.reason.hint).toMatch(/Check HTTPS_PROXY/);
  });

  it('an https:// proxy URL for a plain-HTTP proxy: the proxy is named (not the site), with the http:// fix', async () => {
    const dir = await outDir();
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`], dir, {
      HTTPS_PROXY: proxy.url.replace(/^http:/, 'https:'),
      https_proxy: undefined,
    });
    expect(r.code, describeRun(r)).toBe(4);
    expect(r.json.reason.message).toMatch(
      /^The TLS handshake with the proxy HTTPS_PROXY=https:\/\/127\.0\.0\.1:\d+ failed \(wrong version number\): the proxy probably speaks plain HTTP/,
    );
    expect(r.json.reason.hint).toMatch(/set HTTPS_PROXY=http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).not.toMatch(/DeprecationWarning|DEP0123/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a proxy variable without a scheme: the usage error shows it with http:// in front', async () => {
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`], await outDir(), {
      HTTPS_PROXY: 'proxy.corp.example:3128',
      https_proxy: undefined,
    });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.hint).toMatch(/HTTPS_PROXY=http:\/\/proxy\.corp\.example:3128/);
  });

  it('--output puts the verified file at that path', async () => {
    const dir = await outDir();
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '-o', join(dir, 'x.tgz')], dir);
    expect(r.code, describeRun(r)).toBe(0);
    expect(await readdir(dir)).toEqual(['x.tgz']);
    // Private while unverified (0600 temp file); once saved, the usual mode under the umask, as curl would leave it.
    expect((await stat(join(dir, 'x.tgz'))).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('follows a redirect between official hosts and reports it', async () => {
    const dir = await outDir();
    const r = await run(['verify', `${D}/4.3.1/Electrum-4.3.1.tar.gz`], dir);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.source.redirects).toEqual(['https://electrum.org/files/4.3.1/Electrum-4.3.1.tar.gz']);
  });

  it('uses the 4.1.3–4.1.5 per-signer files when the aggregate is missing', async () => {
    const dir = await outDir();
    const r = await run(['verify', `${D}/4.1.4/Electrum-4.1.4.tar.gz`, '--min-signers', '2'], dir);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.signature.signers).toHaveLength(2);
    expect(r.json.signature.url).toContain('Electrum-4.1.4.tar.gz.ThomasV.asc');
  });

  it('accepts an approved mirror for the file but takes the signature from the official site', async () => {
    const dir = await outDir();
    const before = site.requests.length;
    const r = await run(
      [
        'verify',
        'https://mirror.example.test/pub/electrum/4.5.8/Electrum-4.5.8.tar.gz',
        '--allow-host',
        'mirror.example.test',
      ],
      dir,
    );
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.source.verdict).toBe('mirror');
    const hosts = site.requests.slice(before).map((q) => `${q.host}${q.path}`);
    expect(hosts).toContain('download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz.asc');
    expect(hosts).toContain('mirror.example.test/pub/electrum/4.5.8/Electrum-4.5.8.tar.gz');
  });

  it('refuses GitHub as an --allow-host (usage error, nothing contacted)', async () => {
    const dir = await outDir();
    const before = proxy.log.length;
    const r = await run(
      ['verify', 'https://github.com/spesmilo/electrum/x/Electrum-4.5.8.tar.gz', '--allow-host', 'github.com'],
      dir,
    );
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.code).toBe('USAGE');
    expect(proxy.log.slice(before)).toEqual([]);
  });

  it('a local file fetches only its official .asc, nothing else', async () => {
    const dir = await outDir();
    await writeFile(join(dir, 'Electrum-4.5.8.tar.gz'), rel.data);
    const before = site.requests.length;
    const r = await run(['verify', join(dir, 'Electrum-4.5.8.tar.gz')], dir);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json).toMatchObject({ target: { kind: 'file' }, source: { verdict: 'local' }, output: null });
    expect(site.requests.slice(before).map((q) => `${q.host}${q.path}`)).toEqual([
      'download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz.asc',
    ]);
  });

  it('--expect-sha256 that does not match: exit 1 HASH_MISMATCH, nothing saved', async () => {
    const dir = await outDir();
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '--expect-sha256', 'ab'.repeat(32)], dir);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.json.reason.code).toBe('HASH_MISMATCH');
    expect(await readdir(dir)).toEqual([]);
    const ok = await run(
      ['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '--expect-sha256', sha256(rel.data).toUpperCase()],
      dir,
    );
    expect(ok.code, describeRun(ok)).toBe(0);
  });

  it('a --signature URL must itself be official: GitHub and mirrors are refused before any connection', async () => {
    const dir = await outDir();
    const before = proxy.log.length;
    for (const sig of [
      'https://raw.githubusercontent.com/spesmilo/electrum-signatures/master/x.asc',
      'https://mirror.example.test/x.asc',
    ]) {
      const r = await run(
        ['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '--signature', sig, '--allow-host', 'mirror.example.test'],
        dir,
      );
      expect(r.code, describeRun(r)).toBe(3);
    }
    expect(proxy.log.slice(before)).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('authentic but vulnerable (< 3.3.4): exit 5, not saved', async () => {
    const dir = await outDir();
    const r = await run(['verify', `${D}/3.3.2/electrum-3.3.2.exe`], dir);
    expect(r.code, describeRun(r)).toBe(5);
    expect(r.json).toMatchObject({ verdict: 'rejected', reason: { code: 'VERSION_VULNERABLE' } });
    expect(r.json.signature.signers.length).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('every fault ends with the contract exit code, nothing in the output directory, GitHub never contacted', () => {
  const cases: Array<[string, string, number, string, string[]?]> = [
    ['tampered file', `${D}/4.5.9/Electrum-4.5.9.tar.gz`, 1, 'SIGNATURE_INVALID'],
    ['untrusted signer only', `${D}/4.6.0/electrum-4.6.0.dmg`, 1, 'SIGNER_UNKNOWN'],
    ['truncated body', `${D}/4.4.0/Electrum-4.4.0.tar.gz`, 4, 'NETWORK'],
    ['slow drip', `${D}/4.4.1/Electrum-4.4.1.tar.gz`, 4, 'TIMEOUT', ['--timeout', '1']],
    ['endless body', `${D}/4.4.2/Electrum-4.4.2.tar.gz`, 4, 'TOO_LARGE', ['--max-size', '2M']],
    ['body over --max-size', `${D}/4.3.0/Electrum-4.3.0.tar.gz`, 4, 'TOO_LARGE', ['--max-size', '1M']],
    ['redirect loop', `${D}/4.4.3/Electrum-4.4.3.tar.gz`, 4, 'NETWORK'],
    ['redirect to github.com', `${D}/4.4.4/Electrum-4.4.4.tar.gz`, 3, 'REDIRECT_OFF_ORIGIN'],
    ['redirect to another release file', `${D}/4.4.5/Electrum-4.4.5.tar.gz`, 3, 'REDIRECT_OFF_ORIGIN'],
    ['signature 404', `${D}/4.3.2/Electrum-4.3.2.tar.gz`, 4, 'SIGNATURE_NOT_FOUND'],
    ['signature 500', `${D}/4.3.3/Electrum-4.3.3.tar.gz`, 4, 'NETWORK'],
    [
      'GitHub URL',
      'https://github.com/spesmilo/electrum/releases/download/4.5.8/Electrum-4.5.8.tar.gz',
      3,
      'SOURCE_GITHUB',
    ],
    ['githubusercontent URL', 'https://objects.githubusercontent.com/4.5.8/Electrum-4.5.8.tar.gz', 3, 'SOURCE_GITHUB'],
    ['lookalike (capital I)', 'https://download.eIectrum.org/4.5.8/Electrum-4.5.8.tar.gz', 3, 'SOURCE_LOOKALIKE'],
    ['plain http', 'http://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz', 3, 'SOURCE_INSECURE'],
    ['userinfo trick', 'https://download.electrum.org@evil.example/4.5.8/Electrum-4.5.8.tar.gz', 3, 'SOURCE_UNTRUSTED'],
    ['mix-and-match version', `${D}/4.5.9/Electrum-4.5.8.tar.gz`, 2, 'ARTIFACT_UNRECOGNISED'],
    ['unrecognised name', `${D}/4.5.8/wallet-update.exe`, 2, 'ARTIFACT_UNRECOGNISED'],
  ];

  it.each(cases)('%s', async (_label, url, code, reason, extra = []) => {
    const dir = await outDir();
    const before = proxy.log.length;
    const r = await run(['verify', url, ...extra], dir);
    expect(r.code, describeRun(r)).toBe(code);
    if (reason === 'SOURCE_UNTRUSTED')
      expect(['SOURCE_UNTRUSTED', 'SOURCE_INVALID', 'SOURCE_LOOKALIKE']).toContain(r.json.reason.code);
    else expect(r.json.reason.code).toBe(reason);
    expect(r.json.exitCode).toBe(code);
    const sourceVerdict = { SOURCE_GITHUB: 'github', SOURCE_LOOKALIKE: 'lookalike', SOURCE_INSECURE: 'insecure' }[
      reason as string
    ];
    if (sourceVerdict) expect(r.json.source.verdict).toBe(sourceVerdict);
    expect(await readdir(dir)).toEqual([]);
    const contacted = proxy.log.slice(before);
    expect(contacted.filter((h) => /github|evil|eiectrum|eIectrum/i.test(h))).toEqual([]);
    if (code === 3 && reason !== 'REDIRECT_OFF_ORIGIN') expect(contacted).toEqual([]);
  });

  it('a certificate for the wrong name is a network error, not a success', async () => {
    const p = await startConnectProxy({ map: { 'download.electrum.org': wrongName.port } });
    try {
      const dir = await outDir();
      const r = await runCli(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '--keyring', rel.keyringPath, '--json'], {
        cwd: dir,
        env: proxiedEnv(p.url, pki.caCertPath),
      });
      expect(r.code, describeRun(r)).toBe(4);
      expect(r.json.reason.code).toBe('NETWORK');
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it.each([
    ['expired', /certificate has expired/],
    ['untrusted', /not issued by a trusted certificate authority/],
  ] as const)('a certificate that is %s is a network error that says so, not a success', async (certificate, says) => {
    const server = await startFakeElectrumServer(
      { routes: { '/4.5.8/Electrum-4.5.8.tar.gz.asc': 'x' }, certificate },
      pki,
    );
    const p = await startConnectProxy({ map: { 'download.electrum.org': server.port } });
    try {
      const dir = await outDir();
      const r = await runCli(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '--keyring', rel.keyringPath, '--json'], {
        cwd: dir,
        env: proxiedEnv(p.url, pki.caCertPath),
      });
      expect(r.code, describeRun(r)).toBe(4);
      expect(r.json.reason.code).toBe('NETWORK');
      expect(r.json.reason.message).toMatch(says);
      expect(server.requests).toEqual([]); // the TLS check failed before any request was sent
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await p.close();
      await server.close();
    }
  });

  it('Ctrl-C during a download exits 130 and leaves no temporary file', async () => {
    const dir = await outDir();
    const cli = cliCommand([
      'verify',
      `${D}/4.4.1/Electrum-4.4.1.tar.gz`,
      '--keyring',
      rel.keyringPath,
      '--timeout',
      '60',
    ]);
    const child = spawn(cli.command, cli.args, {
      cwd: dir,
      env: { ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Wait until the temp file exists (the download has started), then interrupt.
    const deadline = Date.now() + 15_000;
    while ((await readdir(dir)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await readdir(dir)).length).toBe(1);
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(await readdir(dir)).toEqual([]);
  });
});
