/**
 * What `verify` (and `get`) say about the arguments a person gives, through the built CLI: `-o DIR/` for a folder
 * that does not exist, a link to a page / a signature / a wrongly cased file, the size limit actually in force, and
 * the size line. Downloads go to a fake download.electrum.org over real TLS, reached only through a local CONNECT
 * proxy (test/support/servers.ts); keys are made in the run (test/support/fake-release.ts).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli, type CliResult } from '../support/cli.js';
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
let small: FakeRelease;
let site: FakeServer;
let proxy: ConnectProxy;
let env: NodeJS.ProcessEnv;
const made: string[] = [];

beforeAll(async () => {
  const pki = await getTestPki();
  [rel, small] = await Promise.all([
    makeFakeRelease({ version: '4.5.8', size: 3 * 1024 * 1024 + 17 }),
    makeFakeRelease({ version: '4.5.8', size: 132 }),
  ]);
  site = await startFakeElectrumServer(
    {
      routes: {
        '/4.5.8/Electrum-4.5.8.tar.gz': rel.data,
        '/4.5.8/Electrum-4.5.8.tar.gz.asc': rel.asc,
        '/4.3.0/Electrum-4.3.0.tar.gz': Buffer.alloc(8 * 1024 * 1024, 7),
        '/4.3.0/Electrum-4.3.0.tar.gz.asc': rel.asc,
      },
    },
    pki,
  );
  proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port, 'electrum.org': site.port } });
  env = proxiedEnv(proxy.url, pki.caCertPath);
});

afterAll(async () => {
  await Promise.all(
    [...made, rel?.dir, small?.dir].filter((d): d is string => !!d).map((d) => rm(d, { recursive: true, force: true })),
  );
  await proxy?.close();
  await site?.close();
});

async function outDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ev-args-'));
  made.push(dir);
  return dir;
}

const run = (args: string[], cwd: string, keyring = rel.keyringPath): Promise<CliResult> =>
  runCli([...args, '--keyring', keyring], { cwd, env });

describe('-o DIR/ names a folder (verify and get decide it in one place)', () => {
  it('verify URL -o newdir/ where newdir does not exist → exit 2, says so, nothing saved or fetched', async () => {
    const cwd = await outDir();
    const before = site.requests.length;
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '-o', 'newdir/', '--json'], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.code).toBe('USAGE');
    expect(r.json.reason.message).toBe('--output newdir/: the folder newdir/ does not exist; create it first');
    expect(r.json.reason.hint).toMatch(/mkdir newdir/);
    expect(r.json.output).toBeNull();
    expect(await readdir(cwd)).toEqual([]);
    expect(site.requests.length).toBe(before);
  });

  it('verify URL -o existing/ saves inside it under the file name', async () => {
    const cwd = await outDir();
    const sub = join(cwd, 'existing');
    await mkdir(sub);
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '-o', 'existing/', '--json'], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.output).toBe(join(sub, 'Electrum-4.5.8.tar.gz'));
    expect(await readdir(sub)).toEqual(['Electrum-4.5.8.tar.gz']);
  });

  it('verify URL -o afile/ where afile is a regular file → exit 2 "not a folder", afile untouched', async () => {
    const cwd = await outDir();
    await writeFile(join(cwd, 'afile'), 'keep me');
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '-o', 'afile/', '--json'], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.message).toBe('--output afile/ names a folder, but afile is not a folder');
    expect(await readFile(join(cwd, 'afile'), 'utf8')).toBe('keep me');
  });

  it('get --release 4.5.8 --platform source -o sub/ (sub missing) → the same exit 2, no file named sub', async () => {
    const cwd = await outDir();
    const r = await run(['get', '--release', '4.5.8', '--platform', 'source', '-o', 'sub/', '--json'], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.message).toBe('--output sub/: the folder sub/ does not exist; create it first');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('get … -o sub/ with sub existing saves sub/Electrum-4.5.8.tar.gz', async () => {
    const cwd = await outDir();
    await mkdir(join(cwd, 'sub'));
    const r = await run(['get', '--release', '4.5.8', '--platform', 'source', '-o', 'sub/', '--json'], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    expect(await readdir(join(cwd, 'sub'))).toEqual(['Electrum-4.5.8.tar.gz']);
  });
});

describe('a URL that is not a release file gets the link to use, never local-file advice', () => {
  it.each([
    ['https://electrum.org/', /^this link is to a web page or folder, not to an Electrum release file$/],
    [`${D}/4.5.8/`, /^this link is to a web page or folder, not to an Electrum release file$/],
    [`${D}/4.5.8`, /^this link is to a web page or folder, not to an Electrum release file$/],
  ])('%s → exit 2, "a page or folder", copy the link of the file itself', async (url, message) => {
    const r = await run(['verify', url, '--json'], await outDir());
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.code).toBe('ARTIFACT_UNRECOGNISED');
    expect(r.json.reason.message).toMatch(message);
    expect(r.json.reason.hint).toMatch(/copy the link of the file itself/);
    expect(r.stdout + r.stderr).not.toMatch(/""|\(1\)|--signature|rename/i);
  });

  it('a wrongly cased file name → the correctly cased URL, nothing fetched', async () => {
    const before = site.requests.length;
    const r = await run(['verify', `${D}/4.5.8/electrum-4.5.8.tar.gz`, '--json'], await outDir());
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.message).toBe(
      '"electrum-4.5.8.tar.gz" is not the name of an Electrum release file; the official name is Electrum-4.5.8.tar.gz (file names on the download site are case-sensitive)',
    );
    expect(r.json.reason.hint).toBe(`Verify ${D}/4.5.8/Electrum-4.5.8.tar.gz`);
    expect(r.stdout + r.stderr).not.toMatch(/\(1\)|--signature|browsers|rename/i);
    expect(site.requests.length).toBe(before);
  });

  it('the link of the .asc → "a signature", with the link of the file it signs', async () => {
    const r = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz.asc`, '--json'], await outDir());
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.message).toBe('this link is to a signature (.asc), not to an Electrum release file');
    expect(r.json.reason.hint).toMatch(
      new RegExp(`^Verify the file it signs: ${D}/4\\.5\\.8/Electrum-4\\.5\\.8\\.tar\\.gz `),
    );
  });

  it('a local file is still told how to rename it (unchanged)', async () => {
    const cwd = await outDir();
    await writeFile(join(cwd, 'electrum-4.5.8 (1).tar.gz'), small.data);
    const r = await run(['verify', 'electrum-4.5.8 (1).tar.gz', '--json'], cwd);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.reason.message).toMatch(/looks like Electrum-4\.5\.8\.tar\.gz renamed/);
    expect(r.json.reason.hint).toMatch(/--as Electrum-4\.5\.8\.tar\.gz/);
  });

  it('a local .asc or per-signer .asc given as the target: named a signature, with the path of the file it signs', async () => {
    const cwd = await outDir();
    await mkdir(join(cwd, 'dl'));
    for (const name of ['Electrum-4.5.8.tar.gz.asc', 'Electrum-4.5.8.tar.gz.ThomasV.asc']) {
      await writeFile(join(cwd, 'dl', name), '-----BEGIN PGP SIGNATURE-----\n');
      const r = await run(['verify', join('dl', name), '--json'], cwd);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.json.reason.message).toBe(`${name} is a signature file (.asc), not an Electrum release file`);
      expect(r.json.reason.hint).toMatch(
        /^Verify the file it signs: electrum-verify verify dl\/Electrum-4\.5\.8\.tar\.gz /,
      );
    }
  });
});

describe('numbers in the report', () => {
  it('TOO_LARGE with --max-size 5M names that limit, not 512 MiB', async () => {
    const cwd = await outDir();
    const r = await run(['verify', `${D}/4.3.0/Electrum-4.3.0.tar.gz`, '--max-size', '5M', '--json'], cwd);
    expect(r.code, describeRun(r)).toBe(4);
    expect(r.json.reason.code).toBe('TOO_LARGE');
    expect(r.json.reason.hint).toMatch(/^The limit was 5\.0 MiB \(--max-size\)/);
    expect(r.json.reason.hint).not.toMatch(/512 MiB/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('the size line: "(132 bytes)" for a small file, "(3.0 MiB, 3145745 bytes)" for a larger one', async () => {
    const cwd = await outDir();
    const file = join(cwd, 'Electrum-4.5.8.tar.gz');
    await writeFile(file, small.data);
    await writeFile(`${file}.asc`, small.asc);
    const local = await run(['verify', file, '--signature', `${file}.asc`], cwd, small.keyringPath);
    expect(local.code, describeRun(local)).toBe(0);
    expect(local.stdout).toMatch(/SHA-256: [0-9a-f]{64} {2}\(132 bytes\)\n/);

    const big = await run(['verify', `${D}/4.5.8/Electrum-4.5.8.tar.gz`, '-o', join(cwd, 'big.tar.gz')], cwd);
    expect(big.code, describeRun(big)).toBe(0);
    expect(big.stdout).toMatch(/\(3\.0 MiB, 3145745 bytes\)\n/);
  });
});
