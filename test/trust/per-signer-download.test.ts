/**
 * 4.1.3–4.1.5 (issue 13): the per-signer files are the real evidence. The combined `<FILE>.asc` (when it exists) is
 * always merged with `<FILE>.ThomasV.asc`, `.sombernight_releasekey.asc`, `.SomberNight.asc` and `.Emzy.asc`,
 * whichever exist. Real CLI, loopback HTTPS with the test CA through the CONNECT proxy (test/support/servers.ts).
 * `--min-signers 2` with the fake release's keyring: it passes only if both signers' blocks were read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../support/cli.js';
import { makeFakeRelease, type FakeRelease } from '../support/fake-release.js';
import {
  proxiedEnv,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki } from '../support/tls.js';

const D = 'https://download.electrum.org';
let rel: FakeRelease;
let site: FakeServer;
let proxy: ConnectProxy;
let env: NodeJS.ProcessEnv;
const dirs: string[] = [];

beforeAll(async () => {
  const pki = await getTestPki();
  rel = await makeFakeRelease({ version: '4.1.4', size: 64 * 1024 });
  const T = rel.perSigner.ThomasV!;
  const S = rel.perSigner.sombernight_releasekey!;
  site = await startFakeElectrumServer(
    {
      routes: {
        // 4.1.4: the combined file holds ThomasV alone; SomberNight's block is only in his per-signer file
        '/4.1.4/Electrum-4.1.4.tar.gz': rel.data,
        '/4.1.4/Electrum-4.1.4.tar.gz.asc': T,
        '/4.1.4/Electrum-4.1.4.tar.gz.ThomasV.asc': T,
        '/4.1.4/Electrum-4.1.4.tar.gz.sombernight_releasekey.asc': S,
        // 4.1.3: no combined file; SomberNight's file under the name 4.1.3's page linked first
        '/4.1.3/electrum-4.1.3.dmg': rel.data,
        '/4.1.3/electrum-4.1.3.dmg.ThomasV.asc': T,
        '/4.1.3/electrum-4.1.3.dmg.SomberNight.asc': S,
        // 4.1.5: only the combined file, with both
        '/4.1.5/electrum-4.1.5.exe': rel.data,
        '/4.1.5/electrum-4.1.5.exe.asc': rel.asc,
        // 4.2.0: no per-signer lookups at all (only 4.1.3–4.1.5 have them)
        '/4.2.0/electrum-4.2.0.exe': rel.data,
        '/4.2.0/electrum-4.2.0.exe.asc': T,
        '/4.2.0/electrum-4.2.0.exe.sombernight_releasekey.asc': S,
      },
    },
    pki,
  );
  proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port } });
  env = proxiedEnv(proxy.url, pki.caCertPath);
});

afterAll(async () => {
  await Promise.all(
    [...dirs, rel?.dir].filter((d): d is string => !!d).map((d) => rm(d, { recursive: true, force: true })),
  );
  await proxy?.close();
  await site?.close();
});

async function get(url: string) {
  const dir = await mkdtemp(join(tmpdir(), 'ev-persigner-'));
  dirs.push(dir);
  const before = site.requests.length;
  const r = await runCli(['verify', url, '--keyring', rel.keyringPath, '--min-signers', '2', '--json'], {
    cwd: dir,
    env,
  });
  return { r, paths: site.requests.slice(before).map((q) => q.path) };
}

describe('4.1.3–4.1.5 per-signer signature files', () => {
  it('4.1.4: combined file (ThomasV alone) + per-signer files → both signers, each block once', async () => {
    const { r, paths } = await get(`${D}/4.1.4/Electrum-4.1.4.tar.gz`);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.signature.signers.map((s: { fingerprint: string }) => s.fingerprint).sort()).toEqual(
      [...rel.fingerprints].sort(),
    );
    expect(r.json.signature.found).toHaveLength(2); // ThomasV's block is in two files, listed once
    expect(r.json.signature.url).toBe(
      [
        `${D}/4.1.4/Electrum-4.1.4.tar.gz.asc`,
        `${D}/4.1.4/Electrum-4.1.4.tar.gz.ThomasV.asc`,
        `${D}/4.1.4/Electrum-4.1.4.tar.gz.sombernight_releasekey.asc`,
      ].join(' + '),
    );
    for (const s of ['asc', 'ThomasV.asc', 'sombernight_releasekey.asc', 'SomberNight.asc', 'Emzy.asc'])
      expect(paths).toContain(`/4.1.4/Electrum-4.1.4.tar.gz.${s}`);
  });

  it('4.1.3: no combined file; <FILE>.SomberNight.asc is read too', async () => {
    const { r } = await get(`${D}/4.1.3/electrum-4.1.3.dmg`);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.signature.url).toBe(
      `${D}/4.1.3/electrum-4.1.3.dmg.ThomasV.asc + ${D}/4.1.3/electrum-4.1.3.dmg.SomberNight.asc`,
    );
    expect(r.json.signature.signers).toHaveLength(2);
  });

  it('4.1.5: the combined file alone when no per-signer file exists', async () => {
    const { r } = await get(`${D}/4.1.5/electrum-4.1.5.exe`);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.signature.url).toBe(`${D}/4.1.5/electrum-4.1.5.exe.asc`);
  });

  it('4.2.0: only the combined file is read (per-signer files are not looked up)', async () => {
    const { r, paths } = await get(`${D}/4.2.0/electrum-4.2.0.exe`);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.json.reason.code).toBe('NOT_ENOUGH_SIGNERS');
    expect(paths.filter((p) => p.endsWith('.asc'))).toEqual(['/4.2.0/electrum-4.2.0.exe.asc']);
  });
});
