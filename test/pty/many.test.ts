/**
 * Several files on a terminal: the built CLI on a real pseudo-terminal (120×30) against the loopback
 * download.electrum.org behind the CONNECT proxy. Before the fix, `verify-release --download` (and `verify` with
 * several targets) showed nothing at all while a large file downloaded: it looked hung.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReleaseFixture, type ReleaseFixture } from '../run/fixture.js';
import { plain, runOnPty } from '../support/pty.js';
import {
  proxiedEnv,
  route,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki } from '../support/tls.js';

/** The summary is on the screen → the process must have ended within this. */
const EXIT_AFTER_SUMMARY_MS = 2000;
const V = '4.5.8';
const D = 'https://download.electrum.org';
const BIG = 'Electrum-4.5.8.tar.gz';
const SMALL = 'electrum-4.5.8.dmg';

let rel: ReleaseFixture;
let site: FakeServer;
let proxy: ConnectProxy;
let env: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  const pki = await getTestPki();
  // The release's first file is 4 MiB (served at ~1.3 MiB/s: about 3 s), the others 32 KiB.
  rel = await makeReleaseFixture(V, (i) => (i === 0 ? 4 * 1024 * 1024 : 32 * 1024));
  // Two files of the release are published; the others 404 ("not published", not a failure without --require-all).
  site = await startFakeElectrumServer(
    {
      routes: {
        [`/${V}/${BIG}`]: route.paced(rel.data[BIG]!, 1300 * 1024, 32 * 1024),
        [`/${V}/${BIG}.asc`]: rel.aggregate[BIG]!,
        [`/${V}/${SMALL}`]: rel.data[SMALL]!,
        [`/${V}/${SMALL}.asc`]: rel.aggregate[SMALL]!,
        // a very slow one, for Ctrl-C
        [`/4.5.7/Electrum-4.5.7.tar.gz`]: route.paced(rel.data[BIG]!, 128 * 1024, 32 * 1024),
        [`/4.5.7/Electrum-4.5.7.tar.gz.asc`]: rel.aggregate[BIG]!,
      } as never,
    },
    pki,
  );
  proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port, 'electrum.org': site.port } });
  env = proxiedEnv(proxy.url, pki.caCertPath);
  work = await mkdtemp(join(tmpdir(), 'ev-pty-many-'));
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await site?.close();
  if (work) await rm(work, { recursive: true, force: true });
  if (rel) await rm(rel.dir, { recursive: true, force: true });
});

async function folders(name: string): Promise<{ out: string; tmp: string }> {
  const out = join(work, name);
  const tmp = join(work, `${name}-tmp`);
  await Promise.all([mkdir(out), mkdir(tmp)]);
  return { out, tmp };
}

describe('several files on a terminal', () => {
  it('verify-release --download: one progress line (which file, n of N, bytes), then the summary, then exit at once', async () => {
    const { out, tmp } = await folders('release');
    const run = runOnPty(
      ['verify-release', V, '--download', '-o', out, '--keyring', rel.keyringPath, '--min-signers', '2'],
      { env: { ...env, TMPDIR: tmp } },
    );
    await run.waitFor(/Verifying 1 of 10 · Electrum-4\.5\.8\.tar\.gz · Downloading [\d.]+ [KM]iB of 4\.0 MiB \(\d+%\)/);
    const summaryAt = await run.waitFor(/2 of 2 verified/, 30_000);
    const end = await run.exited;
    const screen = plain(run.screen());
    expect(end.code, screen).toBe(0);
    expect(end.at - summaryAt, `exit ${end.at - summaryAt} ms after the summary`).toBeLessThan(EXIT_AFTER_SUMMARY_MS);
    expect(screen).not.toMatch(/Multiple concurrent spinners/);
    // after the verdicts, nothing more is drawn; the cursor is shown again
    const verdicts = screen.indexOf('VERIFIED');
    expect(verdicts).toBeGreaterThan(-1);
    expect(screen.slice(verdicts)).not.toMatch(/Verifying \d+ of/);
    const raw = run.screen();
    expect(raw.lastIndexOf('\u001B[?25h')).toBeGreaterThan(raw.lastIndexOf('\u001B[?25l'));
    expect((await readdir(out)).sort()).toEqual([BIG, `${BIG}.asc`, SMALL, `${SMALL}.asc`].sort());
    expect(await readdir(tmp)).toEqual([]);
  });

  // Enabled once src/cli.ts passes `progress` (commands/progress.ts createManyProgress) to verifyTargetsCommand's io;
  // it passed with that one-line wiring applied to a copy of dist/ (EV_CLI).
  it('verify with several URLs: one progress line, then a verdict per file and the summary, then exit at once', async () => {
    const { out, tmp } = await folders('verify');
    const run = runOnPty(
      [
        'verify',
        `${D}/${V}/${SMALL}`,
        `${D}/${V}/${BIG}`,
        '-o',
        out,
        '--keyring',
        rel.keyringPath,
        '--min-signers',
        '2',
        '--concurrency',
        '1',
      ],
      { env: { ...env, TMPDIR: tmp } },
    );
    await run.waitFor(
      /Verifying 2 of 2 · Electrum-4\.5\.8\.tar\.gz · Downloading [\d.]+ [KM]iB of 4\.0 MiB \(\d+%\).* · 1 done/,
    );
    const summaryAt = await run.waitFor(/2 of 2 verified/, 30_000);
    const end = await run.exited;
    const screen = plain(run.screen());
    expect(end.code, screen).toBe(0);
    expect(end.at - summaryAt).toBeLessThan(EXIT_AFTER_SUMMARY_MS);
    expect(screen.slice(screen.indexOf('VERIFIED'))).not.toMatch(/Verifying \d+ of/);
    expect((await readdir(out)).sort()).toEqual([BIG, SMALL].sort());
    expect(await readdir(tmp)).toEqual([]);
  });

  it('--json and --quiet: no progress line on the terminal', async () => {
    for (const flag of ['--json', '--quiet']) {
      const { out, tmp } = await folders(`quiet${flag}`);
      const run = runOnPty(
        ['verify-release', V, '--download', '-o', out, '--keyring', rel.keyringPath, '--min-signers', '2', flag],
        { env: { ...env, TMPDIR: tmp } },
      );
      const end = await run.exited;
      const screen = plain(run.screen());
      expect(end.code, screen).toBe(0);
      expect(screen).not.toMatch(/Verifying|Downloading/);
    }
  });

  it('Ctrl-C during the download: exit 130 within 2 s, nothing partial left, the cursor shown again', async () => {
    const { out, tmp } = await folders('ctrl-c');
    const run = runOnPty(
      ['verify-release', '4.5.7', '--download', '-o', out, '--keyring', rel.keyringPath, '--min-signers', '2'],
      { env: { ...env, TMPDIR: tmp } },
    );
    await run.waitFor(/Verifying 1 of \d+ · Electrum-4\.5\.7\.tar\.gz · Downloading [\d.]+ [KM]iB of/, 20_000);
    const typedAt = Date.now();
    run.type('\u0003');
    const end = await run.exited;
    const raw = run.screen();
    expect(end.code, plain(raw)).toBe(130);
    expect(end.at - typedAt).toBeLessThan(2000);
    expect(plain(raw)).toMatch(/INTERRUPTED|interrupted/);
    expect(await readdir(out)).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);
    expect(raw.lastIndexOf('\u001B[?25h')).toBeGreaterThan(raw.lastIndexOf('\u001B[?25l'));
  });
});
