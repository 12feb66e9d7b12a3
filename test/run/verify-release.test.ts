/**
 * verify-release over a release folder built in the run (keys made now, --keyring), in-process through the
 * command function; --download through the loopback HTTPS server and CONNECT proxy (an injected ProxyAgent with
 * the test CA, as test/net/fetcher.test.ts does; no mocking of undici).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReleaseCommand, type VerifyReleaseOptions } from '../../src/commands/verify-release.js';
import { exitSeverity, mostSevereExit } from '../../src/errors.js';
import { createFetcher } from '../../src/net/index.js';
import { classifyFolderEntry, releaseSet } from '../../src/release/release-set.js';
import {
  route,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki } from '../support/tls.js';
import { io, makeReleaseFixture, type ReleaseFixture } from './fixture.js';

let rel: ReleaseFixture;
const V = '4.5.8';

beforeAll(async () => {
  rel = await makeReleaseFixture(V);
});

async function run(opts: VerifyReleaseOptions, extraIo: Record<string, unknown> = {}) {
  const o = io(extraIo);
  const code = await verifyReleaseCommand(V, { keyring: rel.keyringPath, json: true, ...opts }, o as never);
  const out = o.stdout.text();
  const json = opts.json === false || opts.format !== undefined ? null : JSON.parse(out);
  return { code, json, stdout: out, stderr: o.stderr.text() };
}

describe('release set (from the catalogue)', () => {
  it('4.5.8 has the ten files Electrum publishes; eras add and drop kinds', () => {
    expect(releaseSet('4.5.8').members.map((m) => m.name)).toEqual([
      'Electrum-4.5.8.tar.gz',
      'Electrum-sourceonly-4.5.8.tar.gz',
      'electrum-4.5.8-x86_64.AppImage',
      'electrum-4.5.8.dmg',
      'electrum-4.5.8.exe',
      'electrum-4.5.8-setup.exe',
      'electrum-4.5.8-portable.exe',
      'Electrum-4.5.8-arm64-v8a-release.apk',
      'Electrum-4.5.8-armeabi-v7a-release.apk',
      'Electrum-4.5.8-x86_64-release.apk',
    ]);
    const names = (v: string) => releaseSet(v).members.map((m) => m.name);
    expect(names('3.3.8')).toContain('Electrum-3.3.8.zip');
    expect(names('4.0.1')).not.toContain('Electrum-4.0.1.zip');
    expect(names('4.3.0')).not.toContain('Electrum-sourceonly-4.3.0.tar.gz');
    expect(names('4.3.1')).toContain('Electrum-sourceonly-4.3.1.tar.gz');
    expect(names('4.3.4')).not.toContain('Electrum-4.3.4.0-x86_64-release.apk');
    expect(names('4.5.0')).toContain('Electrum-4.5.0.1-arm64-v8a-release.apk');
    expect(names('4.6.0b1')).toContain('Electrum-4.6.0-arm64-v8a-release.apk');
    expect(() => releaseSet('3.0')).not.toThrow();
    expect(() => releaseSet('4.5')).toThrow(/not the version of any release file/);
    expect(() => releaseSet('2.0')).toThrow(/older than 2.5.2/);
    expect(() => releaseSet('latest')).toThrow(/not an Electrum version/);
  });

  it('classifies a folder: members, .asc files, another version, strangers', () => {
    const set = releaseSet(V);
    expect(classifyFolderEntry(set, 'Electrum-4.5.8.tar.gz').kind).toBe('member');
    expect(classifyFolderEntry(set, 'Electrum-4.5.8.tar.gz.asc')).toEqual({
      kind: 'signature',
      of: 'Electrum-4.5.8.tar.gz',
    });
    expect(classifyFolderEntry(set, 'Electrum-4.5.8.tar.gz.ThomasV.asc')).toEqual({
      kind: 'signature',
      of: 'Electrum-4.5.8.tar.gz',
    });
    expect(classifyFolderEntry(set, 'Electrum-4.5.7.tar.gz').kind).toBe('other-version');
    expect(classifyFolderEntry(set, 'electrum-4.5.8.DMG').kind).toBe('stranger');
    expect(classifyFolderEntry(set, 'SHA256SUMS').kind).toBe('stranger');
  });

  it('orders exit codes by severity: 130/143, then 1, 3, 5, 2, 4, 0', () => {
    expect([0, 4, 2, 5, 3, 1, 143, 130].sort((a, b) => exitSeverity(a) - exitSeverity(b))).toEqual([
      130, 143, 1, 3, 5, 2, 4, 0,
    ]);
    expect(mostSevereExit([0, 4, 2])).toBe(2);
    expect(mostSevereExit([4, 5, 0])).toBe(5);
    expect(mostSevereExit([2, 3])).toBe(3);
    expect(mostSevereExit([3, 1])).toBe(1);
    expect(mostSevereExit([1, 130])).toBe(130);
    expect(mostSevereExit([])).toBe(0);
  });
});

describe('verify-release --dir --offline', () => {
  it('all ten files good: exit 0, one report per file, the several-target JSON object', async () => {
    const r = await run({ dir: rel.dir, offline: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json).toMatchObject({ schema: 'electrum-verify/v1', verdict: 'verified', exitCode: 0, reason: null });
    expect(r.json.results).toHaveLength(10);
    expect(r.json.summary).toMatchObject({ targets: 10, verified: 10, rejected: 0, errors: 0 });
    expect(r.json.release).toMatchObject({ version: V, missing: [], strangers: [], otherVersions: [] });
    // the custom-keyring warning once on stderr, not once per file
    expect(r.stderr.match(/warning: using the keys in /g)).toHaveLength(1);
    for (const res of r.json.results) {
      expect(res.verdict).toBe('verified');
      expect(res.signature.signers.map((s: { fingerprint: string }) => s.fingerprint).sort()).toEqual(
        [...rel.fingerprints].sort(),
      );
      // aggregate + per-signer files merged: each distinct block once
      expect(res.signature.found).toHaveLength(2);
      expect(res.signature.url).toContain(`${res.artifact.name}.asc`);
      expect(res.signature.url).not.toMatch(/ev-sigs-/);
    }
  });

  it('one tampered file: exit 1, that file NOT AUTHENTIC, the nine others verified', async () => {
    const dir = await rel.copy();
    const name = 'electrum-4.5.8.dmg';
    const bad = Buffer.from(rel.data[name]!);
    bad[100] = bad[100]! ^ 1;
    await writeFile(join(dir, name), bad);
    const r = await run({ dir, offline: true });
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ verdict: 'rejected', exitCode: 1, reason: { code: 'SIGNATURE_INVALID' } });
    const failed = r.json.results.filter((x: { exitCode: number }) => x.exitCode !== 0);
    expect(failed.map((x: { artifact: { name: string } }) => x.artifact.name)).toEqual([name]);
    expect(r.json.summary).toMatchObject({ verified: 9, rejected: 1 });
  });

  it('one missing file: listed, exit 0; with --require-all exit 1 (RELEASE_INCOMPLETE)', async () => {
    const dir = await rel.copy();
    await unlink(join(dir, 'Electrum-4.5.8-x86_64-release.apk'));
    const loose = await run({ dir, offline: true });
    expect(loose.code).toBe(0);
    expect(loose.json.release.missing).toEqual(['Electrum-4.5.8-x86_64-release.apk']);
    expect(loose.json.summary.verified).toBe(9);
    const strict = await run({ dir, offline: true, requireAll: true });
    expect(strict.code).toBe(1);
    expect(strict.json).toMatchObject({ verdict: 'rejected', reason: { code: 'RELEASE_INCOMPLETE' } });
    expect(strict.json.reason.message).toContain('Electrum-4.5.8-x86_64-release.apk');
  });

  it('a stranger and a file of another version are reported, not verified, and .asc files are not strangers', async () => {
    const dir = await rel.copy();
    await writeFile(join(dir, 'README.txt'), 'hello');
    const other = Buffer.from('an older release');
    await writeFile(join(dir, 'Electrum-4.5.7.tar.gz'), other);
    await writeFile(join(dir, 'Electrum-4.5.7.tar.gz.asc'), await rel.sign(other));
    const r = await run({ dir, offline: true });
    expect(r.code).toBe(0);
    expect(r.json.release.strangers).toEqual(['README.txt']);
    expect(r.json.release.otherVersions).toEqual(['Electrum-4.5.7.tar.gz']);
    expect(r.json.results).toHaveLength(10);
    expect(r.json.results.some((x: { target: { input: string } }) => x.target.input.includes('4.5.7'))).toBe(false);
    // text output names them
    const t = await run({ dir, offline: true, json: false });
    expect(t.stdout).toMatch(/not part of 4\.5\.8.*Electrum-4\.5\.7\.tar\.gz/);
    expect(t.stdout).toMatch(/not Electrum release files.*README\.txt/);
  });

  it("a file of another version renamed into the release is NOT AUTHENTIC (its .asc is the release file's)", async () => {
    const dir = await rel.copy();
    await writeFile(join(dir, 'Electrum-4.5.8.tar.gz'), Buffer.from('an older release'));
    const r = await run({ dir, offline: true });
    expect(r.code).toBe(1);
  });

  it('an empty folder (or one with strangers only) is exit 2, never a pass', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ev-empty-'));
    const r = await run({ dir, offline: true });
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ verdict: 'error', exitCode: 2, reason: { code: 'RELEASE_EMPTY' }, results: [] });
    await writeFile(join(dir, 'Electrum-4.5.7.tar.gz'), 'x');
    expect((await run({ dir, offline: true })).code).toBe(2);
    expect((await run({ dir: join(dir, 'nope'), offline: true })).code).toBe(2);
  });

  it('--offline: per-signer .asc files alone are merged (both signers count); no .asc at all is an error', async () => {
    const dir = await rel.copy();
    for (const n of rel.names) await unlink(join(dir, `${n}.asc`));
    const r = await run({ dir, offline: true, minSigners: 2 });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.results[0].signature.url).toMatch(/\.ThomasV\.asc \+ .*\.sombernight_releasekey\.asc$/);
    // only one signer's file left for one file: 1 of 2 required
    await unlink(join(dir, 'electrum-4.5.8.exe.sombernight_releasekey.asc'));
    const one = await run({ dir, offline: true, minSigners: 2 });
    expect(one.code).toBe(1);
    expect(one.json.reason.code).toBe('NOT_ENOUGH_SIGNERS');
    await unlink(join(dir, 'electrum-4.5.8.exe.ThomasV.asc'));
    const none = await run({ dir, offline: true });
    // nothing was fetched: bad local input (exit 2), as for a --signature file that does not exist
    expect(none.json.reason.code).toBe('USAGE');
    expect(none.json.exitCode).toBe(2);
    expect(none.json.reason.message).toMatch(
      /--offline: no signature file beside .*looked for electrum-4\.5\.8\.exe\.asc/,
    );
    expect(none.json.reason.hint).toContain('https://download.electrum.org/4.5.8/');
  });

  it('usage errors: both or neither of --dir/--download, --offline with --download, --format with --json', async () => {
    expect((await run({})).code).toBe(2);
    expect((await run({ dir: rel.dir, download: true })).code).toBe(2);
    expect((await run({ download: true, offline: true })).code).toBe(2);
    const both = await run({ dir: rel.dir, format: 'github', json: true });
    expect(both.code).toBe(2);
    expect(JSON.parse(both.stdout).reason.code).toBe('USAGE');
    const badVersion = await verifyReleaseCommand('latest', { dir: rel.dir, json: true }, io() as never);
    expect(badVersion).toBe(2);
  });

  it('concurrency 1 and the default give the same verdicts', async () => {
    const a = await run({ dir: rel.dir, offline: true, concurrency: 1 });
    const b = await run({ dir: rel.dir, offline: true });
    expect(a.json.results.map((x: { sha256: string }) => x.sha256)).toEqual(
      b.json.results.map((x: { sha256: string }) => x.sha256),
    );
  });
});

describe('--format github', () => {
  it('annotations on stderr for failures, a Markdown step summary appended, text on stdout', async () => {
    const dir = await rel.copy();
    const name = 'electrum-4.5.8-setup.exe';
    await writeFile(join(dir, name), Buffer.from('not it'));
    await writeFile(join(dir, 'notes, v2.txt'), 'x');
    const summary = join(await mkdtemp(join(tmpdir(), 'ev-gh-')), 'summary.md');
    await writeFile(summary, '# earlier step\n');
    const o = io({ env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    const code = await verifyReleaseCommand(V, { dir, offline: true, keyring: rel.keyringPath }, o as never);
    expect(code).toBe(1);
    const err = o.stderr.text();
    expect(err).toContain(
      `::error file=${join(dir, name).replace(/:/g, '%3A').replace(/,/g, '%2C')},title=electrum-verify%3A SIGNATURE_INVALID::${name}: `,
    );
    expect(err).toMatch(/::warning file=[^\n]*notes%2C v2\.txt,title=electrum-verify%3A stranger::/);
    expect(o.stdout.text()).toMatch(/NOT AUTHENTIC/);
    expect(o.stdout.text()).not.toContain('::error');
    const md = await readFile(summary, 'utf8');
    expect(md.startsWith('# earlier step\n')).toBe(true);
    expect(md).toContain('| File | Verdict | Signers | SHA-256 |');
    expect(md).toContain(`| \`${name}\` | ❌ SIGNATURE_INVALID |`);
    // --json under GITHUB_ACTIONS: nothing but JSON on stdout
    const j = io({ env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    await verifyReleaseCommand(V, { dir, offline: true, keyring: rel.keyringPath, json: true }, j as never);
    expect(() => JSON.parse(j.stdout.text())).not.toThrow();
    expect(j.stderr.text()).toContain('::error file=');
    // an explicit --format text: no annotations
    const t = io({ env: { GITHUB_ACTIONS: 'true' } });
    await verifyReleaseCommand(V, { dir, offline: true, keyring: rel.keyringPath, format: 'text' }, t as never);
    expect(t.stderr.text()).not.toContain('::');
  });
});

describe('verify-release --download (loopback HTTPS through the CONNECT proxy)', () => {
  let site: FakeServer;
  let proxy: ConnectProxy;
  let agent: ProxyAgent;
  const FAILING = 'electrum-4.5.8-x86_64.AppImage';
  const UNPUBLISHED = 'Electrum-4.5.8-x86_64-release.apk';

  beforeAll(async () => {
    const pki = await getTestPki();
    const routes: Record<string, unknown> = {};
    for (const n of rel.names) {
      if (n === UNPUBLISHED) continue; // neither file nor .asc: not published
      routes[`/${V}/${n}`] = n === FAILING ? route.truncate(rel.data[n]!, 10_000) : rel.data[n]!;
      routes[`/${V}/${n}.asc`] = rel.aggregate[n]!;
    }
    site = await startFakeElectrumServer({ routes: routes as never }, pki);
    proxy = await startConnectProxy({
      map: { 'download.electrum.org': site.port, 'electrum.org': site.port, 'www.electrum.org': site.port },
    });
    agent = new ProxyAgent({ uri: proxy.url, requestTls: { ca: pki.caPem } });
  });
  afterAll(async () => {
    await agent?.destroy();
    await proxy?.close();
    await site?.close();
  });

  it('fetches and verifies every published file into DIR; one failing mid-way leaves nothing of it; a 404 is "not published"', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ev-dl-'));
    const fetcher = createFetcher({ dispatcher: agent });
    const r = await run({ download: true, output: out, timeoutMs: 5000 }, { fetcher });
    expect(r.json.exitCode, JSON.stringify(r.json.reason)).toBe(4);
    expect(r.json.release.notPublished).toEqual([UNPUBLISHED]);
    const failed = r.json.results.filter((x: { exitCode: number }) => x.exitCode !== 0);
    expect(failed).toHaveLength(1);
    expect(failed[0].artifact.name).toBe(FAILING);
    const saved = rel.names.filter((n) => n !== FAILING && n !== UNPUBLISHED);
    const files = (await readdir(out)).sort();
    // each verified file and its .asc; nothing of the failed one (no partial, no temp file)
    expect(files).toEqual(saved.flatMap((n) => [n, `${n}.asc`]).sort());
    for (const n of saved) {
      expect((await readFile(join(out, n))).equals(rel.data[n]!)).toBe(true);
      expect(await readFile(join(out, `${n}.asc`), 'utf8')).toBe(rel.aggregate[n]);
    }
    // the mirror re-checked offline: complete but for the two files
    const again = await run({ dir: out, offline: true });
    expect(again.code).toBe(0);
    expect(again.json.release.missing.sort()).toEqual([FAILING, UNPUBLISHED].sort());
    // the official site only; nothing else was asked for
    expect(new Set(proxy.log)).toEqual(new Set(['download.electrum.org']));
    // --require-all: the unpublished file is now a failure too (1 outranks 4)
    const out2 = await mkdtemp(join(tmpdir(), 'ev-dl-'));
    const strict = await run({ download: true, output: out2, requireAll: true, timeoutMs: 5000 }, { fetcher });
    expect(strict.code).toBe(1);
    expect(strict.json.reason.code).toBe('RELEASE_INCOMPLETE');
    await rm(out, { recursive: true, force: true });
    await rm(out2, { recursive: true, force: true });
  });

  it('a re-run into the same folder resumes: files already there are verified in place, not downloaded again; one that fails is reported and left untouched; --force downloads again (review #15)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ev-dl-'));
    const fetcher = createFetcher({ dispatcher: agent });
    const first = await run({ download: true, output: out, timeoutMs: 5000 }, { fetcher });
    expect(first.code).toBe(4); // the truncated one
    const saved = rel.names.filter((n) => n !== FAILING && n !== UNPUBLISHED);
    const fileRequests = () =>
      site.requests.filter((q) => saved.some((n) => q.path === `/${V}/${n}`)).map((q) => q.path);
    const before = fileRequests().length;
    // the same command again: no "already exists", nothing downloaded again, every file verified where it is
    const again = await run({ download: true, output: out, timeoutMs: 5000 }, { fetcher });
    expect(again.code, JSON.stringify(again.json.reason)).toBe(4); // still only the truncated one
    expect(fileRequests().length).toBe(before);
    expect(again.json.release.alreadyPresent.sort()).toEqual([...saved].sort());
    const byName = new Map(again.json.results.map((x: any) => [x.artifact.name, x]));
    for (const n of saved) expect((byName.get(n) as any).exitCode, n).toBe(0);
    expect(JSON.stringify(again.json.results)).not.toMatch(/OUTPUT_EXISTS/);
    // a file already there that does not verify: reported (exit 1), left exactly as it was, its .asc not rewritten
    const victim = saved[0]!;
    await writeFile(join(out, victim), 'not the release');
    await unlink(join(out, `${victim}.asc`));
    const text = await run({ download: true, output: out, timeoutMs: 5000, json: false }, { fetcher });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/left as they were \(not replaced, not deleted\), and NOT verified: /);
    expect(await readFile(join(out, victim), 'utf8')).toBe('not the release');
    expect(existsSync(join(out, `${victim}.asc`))).toBe(false);
    expect(fileRequests().length).toBe(before);
    // --force: downloaded again, and the verified copy replaces it
    const forced = await run({ download: true, output: out, timeoutMs: 5000, force: true }, { fetcher });
    expect(forced.code).toBe(4);
    expect(forced.json.release.alreadyPresent).toEqual([]);
    expect((await readFile(join(out, victim))).equals(rel.data[victim]!)).toBe(true);
    expect(await readFile(join(out, `${victim}.asc`), 'utf8')).toBe(rel.aggregate[victim]);
    await rm(out, { recursive: true, force: true });
  });

  it('--dir without --offline fetches each .asc from the official site', async () => {
    const dir = await rel.copy();
    for (const n of rel.names)
      for (const f of [`${n}.asc`, `${n}.ThomasV.asc`, `${n}.sombernight_releasekey.asc`]) await unlink(join(dir, f));
    await unlink(join(dir, UNPUBLISHED));
    const fetcher = createFetcher({ dispatcher: agent });
    const r = await run({ dir }, { fetcher });
    expect(r.code, JSON.stringify(r.json.reason)).toBe(0);
    expect(r.json.results[0].signature.url).toMatch(/^https:\/\/download\.electrum\.org\/4\.5\.8\/.*\.asc$/);
    expect(existsSync(join(dir, 'Electrum-4.5.8.tar.gz.asc'))).toBe(false);
  });
});
