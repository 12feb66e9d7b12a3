/**
 * `latest` in process: strict parsing, the high-water mark (replay, betas, corrupted state), --installed, the release
 * table warning, platforms, and fetching https://electrum.org/version from the loopback site through a real proxy
 * (a ProxyAgent given to the project's fetcher; the CLI's env-proxy path is in get-e2e.test.ts).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLatest, type LatestOptions } from '../../src/announce/latest.js';
import { MARK_FILE, readMark } from '../../src/announce/mark.js';
import { MAX_ANNOUNCEMENT_BYTES, parseAnnouncement } from '../../src/announce/parse.js';
import { createFetcher } from '../../src/net/index.js';
import { artifactFor, chooseFile, detectPlatform, filesFor, PLATFORMS } from '../../src/release/platform.js';
import { parseArtifactName, officialFileUrl } from '../../src/release/catalogue.js';
import { securityFixesAfter, securityWarning } from '../../src/release/security.js';
import {
  route,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki, type TestPki } from '../support/tls.js';

const THOMASV = '13xjmVAB1EATPP8RshTE8S8sNwwSUM9p1P';
/** Real announcements, byte-for-byte copies of ../shared/electrum-version/version-{4.7.2,4.5.8}.json (so these tests run without ../shared). */
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

const made: string[] = [];
async function tempDir(prefix = 'ev-latest-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
async function annFile(text: string): Promise<string> {
  const p = join(await tempDir(), 'version');
  await writeFile(p, text);
  return p;
}

let pki: TestPki;
let site: FakeServer;
let proxy: ConnectProxy;

beforeAll(async () => {
  pki = await getTestPki();
  site = await startFakeElectrumServer(
    {
      routes: {
        'electrum.org/version': A472,
        'www.electrum.org/version': A472,
      },
    },
    pki,
  );
  proxy = await startConnectProxy({
    map: { 'electrum.org': site.port, 'www.electrum.org': site.port, 'download.electrum.org': site.port },
  });
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await site?.close();
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

async function latest(o: LatestOptions & { state: string }) {
  const { state, ...rest } = o;
  return checkLatest({ ...rest, stateDir: state, now: new Date('2026-12-01T12:00:00Z') });
}

describe('strict parsing', () => {
  const ok = { version: '4.7.2', signatures: { [THOMASV]: 'x' } };
  it.each([
    ['an HTML page', '<!DOCTYPE html><html><body>Electrum</body></html>', /HTML page/],
    ['whitespace then HTML', '\n  <html>', /HTML page/],
    ['not JSON', 'version=4.7.2', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['JSON null', 'null', /not a JSON object/],
    ['no version', '{"signatures":{}}', /no "version"/],
    ['a numeric version', '{"version": 4.7}', /no "version"/],
    ['a version that is not one', '{"version": "latest"}', /not an Electrum version/],
    ['signatures as a list', '{"version": "4.7.2", "signatures": ["a"]}', /"signatures" is not an object/],
    ['a non-string signature', '{"version": "4.7.2", "signatures": {"1abc": 5}}', /is not a string/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /not UTF-8/],
  ])('%s → ANNOUNCEMENT_INVALID', (_name, body, message) => {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    expect(() => parseAnnouncement(bytes, 'x')).toThrow(message);
    try {
      parseAnnouncement(bytes, 'x');
    } catch (e) {
      expect((e as { code: string }).code).toBe('ANNOUNCEMENT_INVALID');
      expect((e as { exitCode: number }).exitCode).toBe(4);
    }
  });

  it('more than 64 KiB → ANNOUNCEMENT_INVALID; exactly at the limit is parsed', () => {
    const pad = (n: number) => JSON.stringify({ ...ok, extradata: { p: 'x'.repeat(n) } });
    const base = pad(0).length;
    expect(() => parseAnnouncement(new TextEncoder().encode(pad(MAX_ANNOUNCEMENT_BYTES - base + 1)), 'x')).toThrow(
      /limit 65536/,
    );
    expect(parseAnnouncement(new TextEncoder().encode(pad(MAX_ANNOUNCEMENT_BYTES - base)), 'x').version).toBe('4.7.2');
  });

  it('too many signatures, overlong signatures → ANNOUNCEMENT_INVALID', () => {
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`1addr${i}`, 'x']));
    expect(() =>
      parseAnnouncement(new TextEncoder().encode(JSON.stringify({ version: '4.7.2', signatures: many })), 'x'),
    ).toThrow(/17 signatures/);
    expect(() =>
      parseAnnouncement(
        new TextEncoder().encode(JSON.stringify({ version: '4.7.2', signatures: { [THOMASV]: 'A'.repeat(201) } })),
        'x',
      ),
    ).toThrow(/201 characters/);
  });

  it('unknown fields are carried as unsigned and ignored', () => {
    const a = parseAnnouncement(
      new TextEncoder().encode(
        JSON.stringify({ ...ok, extradata: {}, channel: 'beta', download: 'https://evil.example' }),
      ),
      'x',
    );
    expect(a.otherFields).toEqual(['channel', 'download']);
  });
});

describe('latest from a file: verdicts and exit codes', () => {
  it('4.7.2 → verified, signed by ThomasV, extradata reported unsigned, mark raised (file 0600, folder 0700)', async () => {
    const state = join(await tempDir(), 'nested', 'state');
    const r = await latest({ announcement: await annFile(A472), state });
    expect(r).toMatchObject({
      schema: 'electrum-verify/v1',
      verdict: 'verified',
      exitCode: 0,
      reason: null,
      latest: '4.7.2',
    });
    expect(r.announcement).toMatchObject({
      version: '4.7.2',
      signer: { name: 'ThomasV', address: THOMASV },
      unsignedFields: ['extradata'],
    });
    expect(r.highWaterMark).toMatchObject({ version: '4.7.2', updated: true, signer: 'ThomasV' });
    expect((await stat(join(state, MARK_FILE))).mode & 0o777).toBe(0o600);
    expect((await stat(state)).mode & 0o777).toBe(0o700);
    expect(r.newerKnown?.version).toBe('4.8.1');
    expect(r.warnings.join('\n')).toMatch(/knows Electrum 4\.8\.1/);
  });

  it('an unreadable --announcement file → exit 2; a directory → exit 2', async () => {
    const state = await tempDir();
    const r = await latest({ announcement: join(state, 'missing'), state });
    expect(r).toMatchObject({ exitCode: 2, verdict: 'error', reason: { code: 'USAGE' } });
    expect((await latest({ announcement: state, state })).exitCode).toBe(2);
  });

  it('an HTML file → exit 4; an oversized file → exit 4; an unsigned announcement → exit 1', async () => {
    const state = await tempDir();
    expect((await latest({ announcement: await annFile('<html></html>'), state })).reason?.code).toBe(
      'ANNOUNCEMENT_INVALID',
    );
    const big = await latest({ announcement: await annFile(' '.repeat(MAX_ANNOUNCEMENT_BYTES + 1)), state });
    expect(big).toMatchObject({ exitCode: 4, reason: { code: 'ANNOUNCEMENT_INVALID' } });
    const unsigned = await latest({ announcement: await annFile('{"version": "9.0.0", "signatures": {}}'), state });
    expect(unsigned).toMatchObject({
      exitCode: 1,
      verdict: 'rejected',
      reason: { code: 'ANNOUNCEMENT_UNSIGNED' },
      latest: null,
    });
    // nothing unverified ever reaches the mark
    expect((await readMark(state)).mark).toBeNull();
  });

  it('a version changed by one character → exit 1, and the mark is not raised', async () => {
    const state = await tempDir();
    const r = await latest({ announcement: await annFile(A472.replace('"4.7.2"', '"4.7.3"')), state });
    expect(r).toMatchObject({ exitCode: 1, reason: { code: 'ANNOUNCEMENT_UNSIGNED' } });
    expect(r.announcement?.signatures[0]?.status).toBe('bad');
    expect((await readMark(state)).mark).toBeNull();
  });
});

describe('high-water mark', () => {
  it('replay: 4.7.2 then 4.5.8 → the mark holds at 4.7.2, exit 0 with a warning naming both', async () => {
    const state = await tempDir();
    await latest({ announcement: await annFile(A472), state });
    const r = await latest({ announcement: await annFile(A458), state });
    expect(r).toMatchObject({ exitCode: 0, verdict: 'verified', latest: '4.7.2' });
    expect(r.announcement?.version).toBe('4.5.8');
    expect(r.replay).toEqual({ announced: '4.5.8', mark: '4.7.2', markVerifiedAt: '2026-12-01T12:00:00.000Z' });
    expect(r.warnings.join('\n')).toContain(
      'the server announced 4.5.8, but 4.7.2 was verified on 2026-12-01: possible replay',
    );
    expect(r.highWaterMark).toMatchObject({ version: '4.7.2', updated: false });
    expect((await readMark(state)).mark?.version).toBe('4.7.2');
  });

  it('4.5.8 then 4.7.2 → the mark rises; the same version again leaves it', async () => {
    const state = await tempDir();
    expect((await latest({ announcement: await annFile(A458), state })).highWaterMark).toMatchObject({
      version: '4.5.8',
      updated: true,
    });
    expect((await latest({ announcement: await annFile(A472), state })).highWaterMark).toMatchObject({
      version: '4.7.2',
      updated: true,
    });
    const again = await latest({ announcement: await annFile(A472), state });
    expect(again.highWaterMark).toMatchObject({ version: '4.7.2', updated: false });
    expect(again.replay).toBeNull();
  });

  it('a corrupted state file is ignored with a warning, then replaced', async () => {
    const state = await tempDir();
    await writeFile(join(state, MARK_FILE), '{"schema": "electrum-verify/announcement-mark/v1", "version": "4.7');
    const r = await latest({ announcement: await annFile(A458), state });
    expect(r.exitCode).toBe(0);
    expect(r.warnings.join('\n')).toMatch(/ignored the high-water mark .*not valid JSON/);
    expect(r.highWaterMark).toMatchObject({ version: '4.5.8', updated: true });
    expect((await readMark(state)).mark?.version).toBe('4.5.8');
  });

  it('a hand-edited mark (version raised to 99.0 without a signature for it) is not trusted', async () => {
    const state = await tempDir();
    await latest({ announcement: await annFile(A472), state });
    const path = join(state, MARK_FILE);
    await writeFile(path, (await readFile(path, 'utf8')).replace('"version": "4.7.2"', '"version": "99.0.0"'));
    const read = await readMark(state);
    expect(read.mark).toBeNull();
    expect(read.warning).toMatch(/signature does not verify/);
    const r = await latest({ announcement: await annFile(A472), state });
    expect(r.replay).toBeNull();
    expect(r.latest).toBe('4.7.2');
  });

  it('betas never raise the mark (an announcement of a beta is reported, the mark stays)', async () => {
    // No real beta announcement exists (Electrum never announced one), so the mark logic is tested directly.
    const { decide } = await import('../../src/announce/mark.js');
    const mark = {
      version: '4.7.2',
      signer: 'ThomasV',
      address: THOMASV,
      signature: '',
      verifiedAt: '2026-12-01T00:00:00Z',
    };
    expect(decide('4.8.0b1', mark).kind).toBe('beta');
    expect(decide('4.8.0b1', null).kind).toBe('beta');
    expect(decide('4.7.2b1', mark).kind).toBe('replay');
    expect(decide('4.8.0', mark).kind).toBe('raise');
    expect(decide('4.7.2', mark).kind).toBe('same');
    expect(decide('4.5.8', mark).kind).toBe('replay');
  });

  it('an unwritable state folder: verified anyway, with a warning', async () => {
    const base = await tempDir();
    const blocker = join(base, 'file');
    await writeFile(blocker, 'x');
    const r = await latest({ announcement: await annFile(A472), state: join(blocker, 'state') });
    expect(r.exitCode).toBe(0);
    expect(r.warnings.join('\n')).toMatch(/could not save the high-water mark/);
  });
});

describe('--installed', () => {
  it('up to date (equal or newer than the announcement)', async () => {
    const state = await tempDir();
    const f = await annFile(A472);
    expect((await latest({ announcement: f, state, installed: '4.7.2' })).installed).toMatchObject({
      status: 'up-to-date',
      behind: [],
    });
    expect((await latest({ announcement: f, state, installed: '4.8.1' })).installed?.status).toBe('up-to-date');
  });

  it('outdated: exit 0, how far, and which releases in between carried security fixes', async () => {
    const state = await tempDir();
    const r = await latest({ announcement: await annFile(A472), state, installed: '4.4.5' });
    expect(r).toMatchObject({ exitCode: 0, verdict: 'verified' });
    expect(r.installed?.status).toBe('outdated');
    expect(r.installed?.behind[0]).toBe('4.4.6');
    expect(r.installed?.behind.at(-1)).toBe('4.7.2');
    expect(r.installed?.behind).not.toContain('4.5.0b0');
    expect(r.installed?.securityReleases.map((s) => s.version)).toEqual(['4.4.6', '4.7.2']);
  });

  it('below 3.3.4 → exit 5 (VERSION_VULNERABLE), even when the announcement is unusable', async () => {
    const state = await tempDir();
    const r = await latest({ announcement: await annFile(A472), state, installed: '3.3.3' });
    expect(r).toMatchObject({
      exitCode: 5,
      verdict: 'rejected',
      reason: { code: 'VERSION_VULNERABLE' },
      latest: '4.7.2',
    });
    expect(r.installed?.status).toBe('vulnerable');
    const offline = await latest({ announcement: join(state, 'missing'), state, installed: '2.9.4' });
    expect(offline).toMatchObject({ exitCode: 5, installed: { status: 'vulnerable' } });
    expect(offline.warnings.join('\n')).toMatch(/could not be used/);
  });

  it('not a version → exit 2, before anything is read', async () => {
    const state = await tempDir();
    expect(await latest({ announcement: join(state, 'missing'), state, installed: 'latest' })).toMatchObject({
      exitCode: 2,
      reason: { code: 'USAGE' },
    });
  });

  it('replay + installed: compared against the mark, not the replayed version', async () => {
    const state = await tempDir();
    await latest({ announcement: await annFile(A472), state });
    const r = await latest({ announcement: await annFile(A458), state, installed: '4.5.8' });
    expect(r.installed?.status).toBe('outdated');
    expect(r.latest).toBe('4.7.2');
  });
});

describe('security table', () => {
  it('names 4.4.6, 4.7.2, 4.8.1 and respects "affected from"', () => {
    expect(securityFixesAfter('4.7.1').map((s) => s.version)).toEqual(['4.7.2', '4.8.0', '4.8.1']);
    expect(securityFixesAfter('4.1.0').map((s) => s.version)).toEqual([
      '4.2.2',
      '4.4.0',
      '4.4.6',
      '4.7.2',
      '4.8.0',
      '4.8.1',
    ]);
    // the partial-MPP fix (4.4.6) concerns 4.1.0 and later only
    expect(securityFixesAfter('4.0.9').map((s) => s.version)).toEqual(['4.2.2', '4.4.0', '4.7.2', '4.8.0', '4.8.1']);
    expect(securityFixesAfter('4.5.8', '4.7.2').map((s) => s.version)).toEqual(['4.7.2']);
    expect(securityFixesAfter('4.8.1')).toEqual([]);
    expect(securityWarning('4.8.1')).toBeNull();
    expect(securityWarning('4.7.1')).toMatch(/4\.7\.2 .*GHSA-vw94-r84p-66qf/);
  });
});

describe('platforms and file names', () => {
  it('detection: Linux x86_64 → AppImage, Windows → setup.exe, macOS → dmg; others refused', () => {
    expect(detectPlatform('linux', 'x64')).toBe('appimage');
    expect(detectPlatform('win32', 'x64')).toBe('windows-setup');
    expect(detectPlatform('win32', 'arm64')).toBe('windows-setup');
    expect(detectPlatform('darwin', 'arm64')).toBe('macos');
    expect(() => detectPlatform('linux', 'arm64')).toThrow(/no ready-made build for linux on arm64/);
    expect(() => detectPlatform('freebsd', 'x64')).toThrow(expect.objectContaining({ code: 'PLATFORM_UNAVAILABLE' }));
  });

  it('every file get can choose is a name the catalogue recognises, at the official URL', () => {
    for (const v of ['3.3.4', '4.0.9', '4.3.1', '4.5.6', '4.7.2', '4.8.1', '4.6.0b1']) {
      for (const f of filesFor(v)) {
        const a = parseArtifactName(f.name);
        expect(a, f.name).not.toBeNull();
        expect(officialFileUrl({ ...a!, version: v })).toBe(`https://download.electrum.org/${v}/${f.name}`);
      }
    }
    expect(filesFor('4.7.2').map((f) => f.name)).toEqual([
      'electrum-4.7.2-x86_64.AppImage',
      'electrum-4.7.2-setup.exe',
      'electrum-4.7.2-portable.exe',
      'electrum-4.7.2.exe',
      'electrum-4.7.2.dmg',
      'Electrum-4.7.2.tar.gz',
      'Electrum-sourceonly-4.7.2.tar.gz',
      'Electrum-4.7.2-arm64-v8a-release.apk',
      'Electrum-4.7.2-armeabi-v7a-release.apk',
      'Electrum-4.7.2-x86_64-release.apk',
    ]);
    expect(PLATFORMS).toHaveLength(10);
  });

  it('a platform without a file: PLATFORM_UNAVAILABLE listing what exists for that version', () => {
    expect(artifactFor('appimage', '3.3.3')).toBeNull();
    expect(artifactFor('sourceonly', '4.3.0')).toBeNull();
    let err: { code?: string; message?: string; exitCode?: number } = {};
    try {
      chooseFile('sourceonly', '4.2.0');
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('PLATFORM_UNAVAILABLE');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('Electrum 4.2.0 has no source-only tarball');
    expect(err.message).toContain('Electrum-4.2.0.tar.gz (--platform source)');
    expect(() => chooseFile('android-arm64', '4.5.5')).toThrow(/APKs from 4\.5\.6 on/);
  });
});

describe('fetching https://electrum.org/version (loopback site, real TLS, CONNECT proxy)', () => {
  async function fetched(
    path: Record<string, Parameters<typeof route.body>[0] | ReturnType<typeof route.body>>,
    o: Partial<LatestOptions> = {},
  ) {
    Object.assign(site.routes, path);
    const agent = new ProxyAgent({ uri: proxy.url, requestTls: { ca: pki.caPem } });
    try {
      return await latest({
        fetcher: createFetcher({ dispatcher: agent }),
        timeoutMs: 2000,
        ...o,
        state: o.stateDir ?? (await tempDir()),
      });
    } finally {
      await agent.destroy();
    }
  }

  it('the real 4.7.2 announcement → verified, source electrum.org', async () => {
    const r = await fetched({ 'electrum.org/version': A472 });
    expect(r).toMatchObject({
      exitCode: 0,
      latest: '4.7.2',
      source: { kind: 'url', url: 'https://electrum.org/version', redirects: [] },
    });
  });

  it('a redirect to www.electrum.org (official) is followed and reported', async () => {
    const r = await fetched({ 'electrum.org/version': route.redirect('https://www.electrum.org/version') });
    expect(r).toMatchObject({
      exitCode: 0,
      latest: '4.7.2',
      source: { redirects: ['https://www.electrum.org/version'] },
    });
  });

  it.each([
    ['GitHub', 'https://github.com/spesmilo/electrum-web/raw/master/version'],
    ['a lookalike', 'https://electrum-update.org/version'],
    ['plain http', 'http://electrum.org/version'],
  ])('a redirect to %s → exit 3, REDIRECT_OFF_ORIGIN, never contacted', async (_n, to) => {
    proxy.log.length = 0;
    const r = await fetched({ 'electrum.org/version': route.redirect(to) });
    expect(r).toMatchObject({ exitCode: 3, verdict: 'rejected', reason: { code: 'REDIRECT_OFF_ORIGIN' } });
    expect(r.source.redirects).toEqual([to]);
    expect(r.source.verdict).toBe(_n === 'GitHub' ? 'github' : _n === 'a lookalike' ? 'lookalike' : 'insecure');
    const target = new URL(to);
    if (target.protocol === 'https:') expect(proxy.log).not.toContain(target.hostname);
    expect(proxy.entries.filter((e) => e.target.startsWith('http:'))).toEqual([]);
  });

  it('HTML instead of JSON → exit 4 ANNOUNCEMENT_INVALID', async () => {
    const r = await fetched({
      'electrum.org/version': route.body('<!doctype html><title>Just a moment...</title>', 200, {
        'content-type': 'text/html',
      }),
    });
    expect(r).toMatchObject({ exitCode: 4, verdict: 'error', reason: { code: 'ANNOUNCEMENT_INVALID' } });
    expect(r.reason?.message).toMatch(/HTML page/);
  });

  it('oversized (> 64 KiB, no Content-Length check needed: the endless body is cut) → exit 4 TOO_LARGE', async () => {
    const r = await fetched({ 'electrum.org/version': route.endless() });
    expect(r).toMatchObject({ exitCode: 4, reason: { code: 'TOO_LARGE' } });
    const declared = await fetched({ 'electrum.org/version': route.body('x'.repeat(MAX_ANNOUNCEMENT_BYTES + 1)) });
    expect(declared).toMatchObject({ exitCode: 4, reason: { code: 'TOO_LARGE' } });
  });

  it('slow (never answers, or trickles) → exit 4 TIMEOUT', async () => {
    const t0 = Date.now();
    expect(await fetched({ 'electrum.org/version': route.hang() }, { timeoutMs: 500 })).toMatchObject({
      exitCode: 4,
      reason: { code: 'TIMEOUT' },
    });
    expect(await fetched({ 'electrum.org/version': route.drip(60_000, 8, 100) }, { timeoutMs: 500 })).toMatchObject({
      exitCode: 4,
      reason: { code: 'TIMEOUT' },
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('404 → exit 4 NETWORK', async () => {
    expect(await fetched({ 'electrum.org/version': route.status(404) })).toMatchObject({
      exitCode: 4,
      reason: { code: 'NETWORK' },
    });
  });

  it('a served replay: 4.7.2, then 4.5.8 from the server → the mark holds', async () => {
    const state = await tempDir();
    expect((await fetched({ 'electrum.org/version': A472 }, { stateDir: state })).latest).toBe('4.7.2');
    const r = await fetched({ 'electrum.org/version': A458 }, { stateDir: state });
    expect(r).toMatchObject({ exitCode: 0, latest: '4.7.2', replay: { announced: '4.5.8', mark: '4.7.2' } });
  });
});
