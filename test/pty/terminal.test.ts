/**
 * A person at a terminal: the built CLI on a real pseudo-terminal (120×30), against the loopback
 * download.electrum.org behind the CONNECT proxy. Before the fix, the first case never exited (a spinner
 * left turning after the verdict) and Ctrl-C was a byte in a raw-mode terminal instead of a signal.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFakeRelease, type FakeRelease } from '../support/fake-release.js';
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

/** The verdict line is on the screen → the process must have ended within this (it was "never" before). */
const EXIT_AFTER_VERDICT_MS = 2000;
const D = 'https://download.electrum.org';
const SUPPORT = join(dirname(fileURLToPath(import.meta.url)), '..', 'support');

let rel: FakeRelease;
let site: FakeServer;
let proxy: ConnectProxy;
let env: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  const pki = await getTestPki();
  rel = await makeFakeRelease({ version: '4.5.8', size: 30 * 1024 * 1024 });
  site = await startFakeElectrumServer(
    {
      routes: {
        '/4.5.8/Electrum-4.5.8.tar.gz': rel.data,
        '/4.5.8/Electrum-4.5.8.tar.gz.asc': rel.asc,
        '/4.5.7/Electrum-4.5.7.tar.gz': route.paced(rel.data, 6 * 1024 * 1024),
        '/4.5.7/Electrum-4.5.7.tar.gz.asc': rel.asc,
        '/4.5.6/Electrum-4.5.6.tar.gz': rel.tampered,
        '/4.5.6/Electrum-4.5.6.tar.gz.asc': rel.asc,
        '/4.5.5/Electrum-4.5.5.tar.gz': route.paced(rel.data, 512 * 1024),
        '/4.5.5/Electrum-4.5.5.tar.gz.asc': rel.asc,
      },
    },
    pki,
  );
  proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port, 'electrum.org': site.port } });
  env = proxiedEnv(proxy.url, pki.caCertPath);
  work = await mkdtemp(join(tmpdir(), 'ev-pty-'));
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await site?.close();
  if (work) await rm(work, { recursive: true, force: true });
  if (rel) await rm(rel.dir, { recursive: true, force: true });
});

/** A fresh output folder and TMPDIR per case. */
async function folders(name: string): Promise<{ out: string; tmp: string }> {
  const out = join(work, name);
  const tmp = join(work, `${name}-tmp`);
  await import('node:fs/promises').then((fs) => Promise.all([fs.mkdir(out), fs.mkdir(tmp)]));
  return { out, tmp };
}

const base = (keyring: string): string[] => ['--keyring', keyring, '--min-signers', '2'];

describe('verify on a terminal', () => {
  it.each([
    ['a fast download', '4.5.8'],
    ['a slow download (about 5 s)', '4.5.7'],
  ])('%s: one progress line, then the verdict, then the process exits at once', async (_title, version) => {
    const { out, tmp } = await folders(`ok-${version}`);
    // As on a busy machine: loading the spinner library takes 400 ms (see support/slow-imports.mjs).
    const slowImports = { NODE_OPTIONS: `--import=${pathToFileURL(join(SUPPORT, 'slow-imports.mjs')).href}` };
    const run = runOnPty(['verify', `${D}/${version}/Electrum-${version}.tar.gz`, ...base(rel.keyringPath)], {
      env: { ...env, ...slowImports, TMPDIR: tmp },
      cwd: out,
    });
    const verdictAt = await run.waitFor(/VERIFIED/, 30_000);
    const end = await run.exited;
    const screen = plain(run.screen());
    expect(end.code, screen).toBe(0);
    expect(end.at - verdictAt, `exit ${end.at - verdictAt} ms after the verdict`).toBeLessThan(EXIT_AFTER_VERDICT_MS);
    expect(screen).not.toMatch(/Multiple concurrent spinners/);
    expect(await readdir(out)).toEqual([`Electrum-${version}.tar.gz`]);
    expect(await readdir(tmp)).toEqual([]);
    // after the verdict, nothing more is drawn (no spinner left turning)
    expect(screen.slice(screen.indexOf('VERIFIED'))).not.toMatch(/Downloading/);
  });

  it('a slow download shows bytes, total, percent, rate and time left', async () => {
    const { out, tmp } = await folders('progress');
    const run = runOnPty(['verify', `${D}/4.5.5/Electrum-4.5.5.tar.gz`, ...base(rel.keyringPath)], {
      env: { ...env, TMPDIR: tmp },
      cwd: out,
    });
    await run.waitFor(/Downloading [\d.]+ [KM]iB of 30\.0 MiB \(\d+%\) · [\d.]+ [KM]iB\/s · \d+ (s|min)/, 20_000);
    run.type('\u0003');
    const end = await run.exited;
    expect(end.code).toBe(130);
  });

  it('a tampered download: NOT AUTHENTIC, exit 1, promptly, nothing saved', async () => {
    const { out, tmp } = await folders('tampered');
    const run = runOnPty(['verify', `${D}/4.5.6/Electrum-4.5.6.tar.gz`, ...base(rel.keyringPath)], {
      env: { ...env, TMPDIR: tmp },
      cwd: out,
    });
    const verdictAt = await run.waitFor(/NOT AUTHENTIC/, 30_000);
    const end = await run.exited;
    expect(end.code, plain(run.screen())).toBe(1);
    expect(end.at - verdictAt).toBeLessThan(EXIT_AFTER_VERDICT_MS);
    expect(await readdir(out)).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('Ctrl-C in the middle of a download: exit 130 within 2 s, no partial file, TMPDIR empty, terminal sane', async () => {
    const { out, tmp } = await folders('ctrl-c');
    const run = runOnPty(['verify', `${D}/4.5.5/Electrum-4.5.5.tar.gz`, ...base(rel.keyringPath)], {
      env: { ...env, TMPDIR: tmp },
      cwd: out,
    });
    await run.waitFor(/Downloading [\d.]+ [KM]iB of/, 20_000);
    const typedAt = Date.now();
    run.type('\u0003');
    const end = await run.exited;
    const screen = run.screen();
    expect(end.code, plain(screen)).toBe(130);
    expect(end.at - typedAt).toBeLessThan(2000);
    expect(plain(screen)).toMatch(/INTERRUPTED/);
    expect(await readdir(out)).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);
    // the cursor was hidden for the spinner: it is shown again
    const hidden = screen.lastIndexOf('\u001B[?25l');
    expect(screen.lastIndexOf('\u001B[?25h')).toBeGreaterThan(hidden);
  });

  it('Ctrl-C under --json still prints one JSON report: verdict error, reason INTERRUPTED, exit 130', async () => {
    const { out, tmp } = await folders('ctrl-c-json');
    const run = runOnPty(['verify', `${D}/4.5.5/Electrum-4.5.5.tar.gz`, '--json', ...base(rel.keyringPath)], {
      env: { ...env, TMPDIR: tmp },
      cwd: out,
    });
    // no progress under --json: wait until the download is surely under way
    await new Promise((r) => setTimeout(r, 2500));
    run.type('\u0003');
    const end = await run.exited;
    expect(end.code).toBe(130);
    const text = plain(run.screen()).replace(/\r/g, '');
    const json = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
    expect(json).toMatchObject({
      schema: 'electrum-verify/v1',
      verdict: 'error',
      exitCode: 130,
      reason: { code: 'INTERRUPTED' },
    });
    expect(await readdir(out)).toEqual([]);
  });

  it('a local 200 MiB file: progress while it is read, then the verdict, then exit; Ctrl-C while it is read → 130', async () => {
    const big = await makeFakeRelease({ version: '4.5.8', size: 200 * 1024 * 1024 });
    try {
      const file = join(big.dir, 'Electrum-4.5.8.tar.gz');
      await writeFile(file, big.data);
      await writeFile(`${file}.asc`, big.asc);
      const run = runOnPty(['verify', file, '--signature', `${file}.asc`, ...base(big.keyringPath)], { env });
      await run.waitFor(/Reading [\d.]+ [KMG]iB of 200\.0 MiB/, 20_000);
      const verdictAt = await run.waitFor(/VERIFIED/, 60_000);
      const end = await run.exited;
      expect(end.code, plain(run.screen())).toBe(0);
      expect(end.at - verdictAt).toBeLessThan(EXIT_AFTER_VERDICT_MS);
      // Ctrl-C while it is read: 130 within 2 s (the read stops between chunks)
      const again = runOnPty(['verify', file, '--signature', `${file}.asc`, ...base(big.keyringPath)], { env });
      await again.waitFor(/Reading [\d.]+ [KMG]iB of 200\.0 MiB/, 20_000);
      const typedAt = Date.now();
      again.type('\u0003');
      const stopped = await again.exited;
      expect(stopped.code, plain(again.screen())).toBe(130);
      expect(stopped.at - typedAt).toBeLessThan(2000);
    } finally {
      await rm(big.dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('commands that read a terminal', () => {
  it('check-message waiting on the terminal says how to finish, and reads until Ctrl-D', async () => {
    const run = runOnPty(['check-message']);
    await run.waitFor(/Paste the message.*Ctrl-D/, 10_000);
    run.type('Please update: https://electrum-update.example/download\n');
    run.type('\u0004');
    const end = await run.exited;
    expect(end.code, plain(run.screen())).toBe(3);
    expect(plain(run.screen())).toMatch(/electrum-update\.example/);
  });

  it('check-url with no URL on a terminal says so; Ctrl-C ends it with 130', async () => {
    const run = runOnPty(['check-url']);
    await run.waitFor(/one URL per line.*Ctrl-D/i, 10_000);
    run.type('\u0003');
    const end = await run.exited;
    expect(end.code === 130 || end.signal === 'SIGINT').toBe(true);
  });
});
