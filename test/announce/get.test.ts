/**
 * `get` end to end against the loopback electrum.org + download.electrum.org (real TLS, CONNECT proxy):
 * the real 4.7.2 announcement at /version, and at the 4.7.2 URL of the chosen platform a fixture file signed by
 * keys made in this run (verified with --keyring).
 *
 * Two layers: getCommand/latestCommand in process (a ProxyAgent-backed fetcher), and the real CLI as a child
 * process with HTTPS_PROXY + NODE_EXTRA_CA_CERTS (needs src/cli.ts to call registerLatestAndGet, and dist/ built).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCommand, type GetCommandOptions } from '../../src/commands/get.js';
import { latestCommand } from '../../src/commands/latest.js';
import { createFetcher } from '../../src/net/index.js';
import { SHARED, cliBuilt, describeRun, runCli } from '../support/cli.js';
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

const A472 = `{
    "version": "4.7.2",
    "signatures": {"13xjmVAB1EATPP8RshTE8S8sNwwSUM9p1P": "IGSeeaAx7oNnIdufq4YbBkZg6Aa4Pn6OTDIDcjh+lTnMRgBRiKq84s4kTXMxOa2CwQbHEnKnkNHQ2Rn/MNliXN0="},
    "extradata": {
        "android_versioncode_nullarch": 45407020
    }
}
`;
const A458 = `{
    "version": "4.5.8",
    "signatures": {"13xjmVAB1EATPP8RshTE8S8sNwwSUM9p1P": "IFlg1weKquMa2B9d91UWoaD4Cl5D1GxtQAlmkLpX12djRZemQXDh+Z1IBIumRIGgJ6gP2OZ0xFJWH0FN0brCLu0="},
    "extradata": {
        "android_versioncode_nullarch": 45405080
    }
}
`;
const APPIMAGE = 'electrum-4.7.2-x86_64.AppImage';
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let pki: TestPki;
let rel: FakeRelease;
let site: FakeServer;
let proxy: ConnectProxy;
let env: NodeJS.ProcessEnv;
const made: string[] = [];

async function tempDir(prefix = 'ev-get-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

beforeAll(async () => {
  pki = await getTestPki();
  rel = await makeFakeRelease({ version: '4.7.2', name: APPIMAGE, size: 200 * 1024 + 3 });
  site = await startFakeElectrumServer(
    {
      routes: {
        'electrum.org/version': A472,
        [`/4.7.2/${APPIMAGE}`]: rel.data,
        [`/4.7.2/${APPIMAGE}.asc`]: rel.asc,
        '/4.7.2/Electrum-4.7.2.tar.gz': rel.data,
        '/4.7.2/Electrum-4.7.2.tar.gz.asc': rel.asc,
        // a tampered file under the Windows installer's name
        '/4.7.2/electrum-4.7.2-setup.exe': rel.tampered,
        '/4.7.2/electrum-4.7.2-setup.exe.asc': rel.asc,
        // the release the replayed 4.5.8 announcement would lead to (must never be fetched)
        '/4.5.8/electrum-4.5.8-x86_64.AppImage': rel.data,
        '/4.5.8/electrum-4.5.8-x86_64.AppImage.asc': rel.asc,
        'lookalike.example/version': A472,
      },
    },
    pki,
  );
  proxy = await startConnectProxy({
    map: {
      'electrum.org': site.port,
      'www.electrum.org': site.port,
      'download.electrum.org': site.port,
      'electrum-org.example': site.port,
    },
  });
  env = proxiedEnv(proxy.url, pki.caCertPath);
}, 300_000);

afterAll(async () => {
  await proxy?.close();
  await site?.close();
  await Promise.all(
    [...made, rel?.dir].filter((d): d is string => !!d).map((d) => rm(d, { recursive: true, force: true })),
  );
});

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}
const plain = {
  ok: (s: string) => s,
  bad: (s: string) => s,
  warn: (s: string) => s,
  dim: (s: string) => s,
  bold: (s: string) => s,
};

async function inProcess(
  opts: GetCommandOptions,
): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const agent = new ProxyAgent({ uri: proxy.url, requestTls: { ca: pki.caPem } });
  try {
    const code = await getCommand(
      { keyring: rel.keyringPath, timeoutMs: 3000, ...opts, fetcher: createFetcher({ dispatcher: agent }) },
      {
        stdout,
        stderr,
        style: plain,
        errStyle: plain,
      },
    );
    return { code, stdout: stdout.text, stderr: stderr.text, json: opts.json ? JSON.parse(stdout.text) : undefined };
  } finally {
    await agent.destroy();
  }
}

describe('get in process (getCommand → checkLatest → verifyCommand)', () => {
  it('latest 4.7.2, --platform appimage: the fixture is downloaded, verified and saved under its official name', async () => {
    const out = await tempDir();
    site.routes['electrum.org/version'] = A472;
    const r = await inProcess({ platform: 'appimage', output: out, stateDir: await tempDir(), json: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ verdict: 'verified', exitCode: 0, artifact: { name: APPIMAGE, version: '4.7.2' } });
    expect(r.json.source.url).toBe(`https://download.electrum.org/4.7.2/${APPIMAGE}`);
    expect(await readdir(out)).toEqual([APPIMAGE]);
    expect(sha256(await readFile(join(out, APPIMAGE)))).toBe(sha256(rel.data));
    expect(r.stderr).toMatch(
      /Electrum 4\.7\.2: the latest release \(announced at https:\/\/electrum\.org\/version, signed by ThomasV\)/,
    );
    // 4.7.2 is older than releases with security fixes the tool knows of (4.8.0, 4.8.1)
    expect(r.stderr).toMatch(/warning: Electrum 4\.7\.2 is older than releases with security fixes: 4\.8\.0/);
  });

  it('a tampered file (Windows installer) → exit 1, nothing saved: exactly the verify path', async () => {
    const out = await tempDir();
    const r = await inProcess({ platform: 'windows-setup', output: out, stateDir: await tempDir(), json: true });
    expect(r.code).toBe(1);
    expect(r.json.verdict).toBe('rejected');
    expect(await readdir(out)).toEqual([]);
  });

  it('a platform without a file in that release → exit 2 PLATFORM_UNAVAILABLE, listing what exists; nothing fetched', async () => {
    const before = site.requests.length;
    const r = await inProcess({ release: '4.2.0', platform: 'sourceonly', json: true });
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({
      verdict: 'error',
      reason: { code: 'PLATFORM_UNAVAILABLE' },
      version: '4.2.0',
      platform: 'sourceonly',
    });
    expect(r.json.available.map((f: { name: string }) => f.name)).toContain('Electrum-4.2.0.tar.gz');
    expect(site.requests.length).toBe(before);
  });

  it('an announcement that is not signed → exit 1, and no release file is requested', async () => {
    site.routes['electrum.org/version'] = A472.replace('"4.7.2"', '"4.7.3"');
    const before = site.requests.length;
    try {
      const r = await inProcess({
        platform: 'appimage',
        output: await tempDir(),
        stateDir: await tempDir(),
        json: true,
      });
      expect(r.code).toBe(1);
      expect(r.json).toMatchObject({ command: 'get', reason: { code: 'ANNOUNCEMENT_UNSIGNED' } });
      expect(site.requests.slice(before).map((q) => q.path)).toEqual(['/version']);
    } finally {
      site.routes['electrum.org/version'] = A472;
    }
  });

  it('replay: after 4.7.2 was verified, a served 4.5.8 → get still downloads 4.7.2 (the mark)', async () => {
    const state = await tempDir();
    const io = { stdout: new Sink(), stderr: new Sink(), style: plain, errStyle: plain };
    expect(await latestCommand({ announcement: await writeTemp(A472), stateDir: state }, io)).toBe(0);
    site.routes['electrum.org/version'] = A458;
    const before = site.requests.length;
    try {
      const out = await tempDir();
      const r = await inProcess({ platform: 'appimage', output: out, stateDir: state, json: true });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.artifact.version).toBe('4.7.2');
      expect(r.stderr).toMatch(/the server announced 4\.5\.8, but 4\.7\.2 was verified on .*possible replay/);
      expect(site.requests.slice(before).some((q) => q.path.startsWith('/4.5.8/'))).toBe(false);
    } finally {
      site.routes['electrum.org/version'] = A472;
    }
  });

  it('a --keyring that cannot be used → exit 2 before any network (the announcement is not fetched)', async () => {
    const before = site.requests.length;
    const missing = await inProcess({
      keyring: join(await tempDir(), 'missing.asc'),
      platform: 'appimage',
      json: true,
    });
    expect(missing).toMatchObject({ code: 2, json: { verdict: 'error', reason: { code: 'USAGE' } } });
    const notKeys = await inProcess({ keyring: await writeTemp('not a key'), platform: 'appimage' });
    expect(notKeys.code).toBe(2);
    expect(notKeys.stderr).toMatch(/^ERROR: --keyring .*cannot use it as a public keyring/m);
    expect(site.requests.length).toBe(before);
  });

  it('--release with a string that is not a version → exit 2 before any network', async () => {
    const r = await inProcess({ release: 'latest', json: true });
    expect(r).toMatchObject({ code: 2, json: { reason: { code: 'USAGE' } } });
  });
});

async function writeTemp(text: string): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const p = join(await tempDir(), 'version');
  await writeFile(p, text);
  return p;
}

describe.skipIf(!cliBuilt())('the CLI: electrum-verify get / latest (child process, HTTPS_PROXY)', () => {
  async function cli(args: string[], extra: { cwd?: string; state?: string } = {}) {
    const state = extra.state ?? (await tempDir('ev-get-state-'));
    return runCli(args, { cwd: extra.cwd ?? (await tempDir()), env: { ...env, ELECTRUM_VERIFY_STATE: state } });
  }

  it('get --platform appimage: saves the verified file in the current directory (exit 0)', async () => {
    site.routes['electrum.org/version'] = A472;
    const cwd = await tempDir();
    const r = await cli(['get', '--platform', 'appimage', '--keyring', rel.keyringPath, '--json'], { cwd });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json).toMatchObject({ schema: 'electrum-verify/v1', verdict: 'verified', artifact: { name: APPIMAGE } });
    expect(await readdir(cwd)).toEqual([APPIMAGE]);
    expect(sha256(await readFile(join(cwd, APPIMAGE)))).toBe(sha256(rel.data));
    expect(proxy.log.filter((h) => !['electrum.org', 'download.electrum.org'].includes(h))).toEqual([]);
  });

  it.skipIf(process.platform !== 'linux' || process.arch !== 'x64')(
    'get with no --platform on Linux x86_64 picks the AppImage',
    async () => {
      const cwd = await tempDir();
      const r = await cli(['get', '--keyring', rel.keyringPath, '--json', '-o', cwd]);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.json.artifact.name).toBe(APPIMAGE);
    },
  );

  it('get --release 4.7.2 --platform source -o DIR: no announcement needed', async () => {
    const out = await tempDir();
    const before = site.requests.length;
    const r = await cli([
      'get',
      '--release',
      '4.7.2',
      '--platform',
      'source',
      '-o',
      out,
      '--keyring',
      rel.keyringPath,
      '--json',
    ]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(await readdir(out)).toEqual(['Electrum-4.7.2.tar.gz']);
    expect(site.requests.slice(before).map((q) => q.path)).not.toContain('/version');
  });

  it('a platform without a file → exit 2 listing the files of that release', async () => {
    const r = await cli(['get', '--release', '3.3.3', '--platform', 'appimage', '--keyring', rel.keyringPath]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(
      /Electrum 3\.3\.3 has no Linux x86_64 AppImage file.*electrum-3\.3\.3-setup\.exe \(--platform windows-setup\)/s,
    );
  });

  it.each([
    ['GitHub', 'https://github.com/spesmilo/electrum-web/raw/master/version', 3],
    ['a lookalike', 'https://electrum-org.example/version', 3],
  ])('/version redirected to %s (%s) → exit %s, never contacted, nothing downloaded', async (_n, to, exit) => {
    site.routes['electrum.org/version'] = route.redirect(to);
    proxy.log.length = 0;
    try {
      const cwd = await tempDir();
      const r = await cli(['get', '--platform', 'appimage', '--keyring', rel.keyringPath, '--json'], { cwd });
      expect(r.code, describeRun(r)).toBe(exit);
      expect(r.json.reason.code).toBe('REDIRECT_OFF_ORIGIN');
      expect(proxy.log).not.toContain(new URL(to).hostname);
      expect(await readdir(cwd)).toEqual([]);
    } finally {
      site.routes['electrum.org/version'] = A472;
    }
  });

  it.each([
    ['oversized', 'TOO_LARGE', route.endless()],
    [
      'HTML instead of JSON',
      'ANNOUNCEMENT_INVALID',
      route.body('<html><body>Electrum Bitcoin Wallet</body></html>', 200, { 'content-type': 'text/html' }),
    ],
    ['slow', 'TIMEOUT', route.hang()],
  ])('/version %s → exit 4 (%s)', async (_n, code, body) => {
    site.routes['electrum.org/version'] = body;
    try {
      const cwd = await tempDir();
      const r = await cli(['get', '--platform', 'appimage', '--keyring', rel.keyringPath, '--timeout', '1', '--json'], {
        cwd,
      });
      expect(r.code, describeRun(r)).toBe(4);
      expect(r.json).toMatchObject({ verdict: 'error', reason: { code } });
      expect(await readdir(cwd)).toEqual([]);
    } finally {
      site.routes['electrum.org/version'] = A472;
    }
  });

  it('latest --announcement (real 4.7.2 file) → 4.7.2, signed by ThomasV; then the 4.5.8 file → replay warning, exit 0', async () => {
    const dir = join(SHARED, 'electrum-version');
    const f472 = existsSync(dir) ? join(dir, 'version-4.7.2.json') : await writeTemp(A472);
    const f458 = existsSync(dir) ? join(dir, 'version-4.5.8.json') : await writeTemp(A458);
    const state = await tempDir('ev-get-state-');
    const a = await cli(['latest', '--announcement', f472], { state });
    expect(a.code, describeRun(a)).toBe(0);
    expect(a.stdout).toMatch(/VERIFIED: the latest Electrum release is 4\.7\.2/);
    expect(a.stdout).toMatch(/signed by ThomasV \(13xjmVAB1EATPP8RshTE8S8sNwwSUM9p1P\)/);
    const b = await cli(['latest', '--announcement', f458, '--json'], { state });
    expect(b.code, describeRun(b)).toBe(0);
    expect(b.json).toMatchObject({ latest: '4.7.2', replay: { announced: '4.5.8', mark: '4.7.2' } });
    expect(b.stderr).toMatch(/possible replay/);
  });

  it('latest --installed 3.3.2 → exit 5; --installed 4.5.8 → exit 0 with status "outdated"', async () => {
    const f = await writeTemp(A472);
    const v = await cli(['latest', '--announcement', f, '--installed', '3.3.2', '--json']);
    expect(v.code, describeRun(v)).toBe(5);
    expect(v.json).toMatchObject({
      verdict: 'rejected',
      reason: { code: 'VERSION_VULNERABLE' },
      installed: { status: 'vulnerable' },
    });
    const o = await cli(['latest', '--announcement', f, '--installed', '4.5.8', '--json']);
    expect(o.code, describeRun(o)).toBe(0);
    expect(o.json.installed).toMatchObject({ status: 'outdated', securityReleases: [{ version: '4.7.2' }] });
  });

  it('latest with an unreadable --announcement → exit 2; get --release is not the global --version', async () => {
    const r = await cli(['latest', '--announcement', '/nonexistent/version', '--json']);
    expect(r.code).toBe(2);
    const h = await cli(['get', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/--release <version>/);
    expect(h.stdout).toMatch(/Examples:/);
    // `--version` after `get` is not the global version flag and not --release: a usage error, nothing fetched
    const before = site.requests.length;
    const v = await cli(['get', '--version', '4.7.2']);
    expect(v.code, describeRun(v)).toBe(2);
    expect(v.stdout).not.toMatch(/^\d+\.\d+\.\d+\s*$/);
    expect(site.requests.length).toBe(before);
  });

  it("the global --json before the command: latest and get print the same single JSON object as the command's own --json", async () => {
    const f = await writeTemp(A472);
    const strip = (j: any) => ({ ...j, highWaterMark: { ...j.highWaterMark, verifiedAt: 0, file: 0 } });
    const before = await cli(['--json', 'latest', '--announcement', f, '--installed', '4.7.2']);
    const after = await cli(['latest', '--announcement', f, '--installed', '4.7.2', '--json']);
    for (const r of [before, after]) {
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.json).toMatchObject({
        schema: 'electrum-verify/v1',
        verdict: 'verified',
        installed: { status: 'up-to-date' },
      });
    }
    expect(strip(before.json)).toEqual(strip(after.json));
    const g = await cli([
      '--json',
      'get',
      '--platform',
      'appimage',
      '--keyring',
      rel.keyringPath,
      '-o',
      await tempDir(),
    ]);
    expect(g.code, describeRun(g)).toBe(0);
    expect(g.json).toMatchObject({
      schema: 'electrum-verify/v1',
      verdict: 'verified',
      artifact: { name: APPIMAGE },
    });
    // a failure under the global --json is JSON too
    const bad = await cli(['--json', 'get', '--release', 'banana']);
    expect(bad.code).toBe(2);
    expect(bad.json).toMatchObject({ verdict: 'error', reason: { code: 'USAGE' } });
  });

  it('latest --installed 4.7.2 (the announced version): up to date with the announcement, and the newer releases this tool knows are said on that line', async () => {
    const f = await writeTemp(A472);
    const r = await cli(['latest', '--announcement', f, '--installed', '4.7.2']);
    expect(r.code, describeRun(r)).toBe(0);
    // the table is a warning only (issue 14): the announced version stays the latest
    expect(r.stdout).toMatch(/^VERIFIED: the latest Electrum release is 4\.7\.2$/m);
    expect(r.stderr).toMatch(
      /^warning: this tool knows Electrum 4\.8\.1 \(released 2026-08-10\), newer than the announced 4\.7\.2/m,
    );
    expect(r.stdout).toMatch(
      /installed 4\.7\.2: up to date with the announcement; this tool knows 4\.8\.1 \(security fixes in 4\.8\.0, 4\.8\.1\)/,
    );
    const j = await cli(['latest', '--announcement', f, '--installed', '4.7.2', '--json']);
    expect(j.json).toMatchObject({
      exitCode: 0,
      latest: '4.7.2',
      newerKnown: { version: '4.8.1' },
      installed: { status: 'up-to-date' },
    });
  });

  it('latest --installed banana: a usage error (exit 2) before any network access, and nothing else printed', async () => {
    site.routes['electrum.org/version'] = A472;
    const before = site.requests.length;
    proxy.log.length = 0;
    const r = await cli(['latest', '--installed', 'banana']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'ERROR: --installed "banana" is not an Electrum version number\n' +
        "  next: Use the version shown in Electrum's Help → About, e.g. 4.5.8.\n",
    );
    const j = await cli(['--json', 'latest', '--installed', 'banana']);
    expect(j.json).toMatchObject({ exitCode: 2, reason: { code: 'USAGE' } });
    expect(j.stderr).toBe('');
    expect(site.requests.length).toBe(before);
    expect(proxy.log).toEqual([]);
  });

  it('latest --installed 3.3.3: the reason is shown whole (wrapped, never cut with "…")', async () => {
    const f = await writeTemp(A472);
    const r = await cli(['latest', '--announcement', f, '--installed', '3.3.3']);
    expect(r.code, describeRun(r)).toBe(5);
    expect(r.stdout).not.toContain('…');
    const { vulnerableReason } = await import('../../src/release/catalogue.js');
    const reason = vulnerableReason('3.3.3') as string;
    const shown = r.stdout.slice(r.stdout.indexOf('KNOWN-VULNERABLE: ') + 'KNOWN-VULNERABLE: '.length);
    expect(shown.replace(/\n {4}/g, ' ').trim()).toBe(reason);
    for (const line of r.stdout.split('\n'))
      if (line.includes('KNOWN-VULNERABLE')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
