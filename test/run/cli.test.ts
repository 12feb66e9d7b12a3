/**
 * verify-release and check-receipt through the real CLI (node bin/electrum-verify.js, or $EV_CLI).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, cliBuilt, describeRun, parseSingleJsonObject, runCli } from '../support/cli.js';
import { proxiedEnv, route, startConnectProxy, startFakeElectrumServer } from '../support/servers.js';
import { getTestPki } from '../support/tls.js';
import { makeReleaseFixture, type ReleaseFixture } from './fixture.js';

const wired = cliBuilt();

let rel: ReleaseFixture;
beforeAll(async () => {
  if (wired) rel = await makeReleaseFixture('4.5.8');
});

describe.skipIf(!wired)('verify-release and check-receipt via the CLI', () => {
  it('verify-release --dir --offline --json: one JSON object, exit 0; --receipt then check-receipt', async () => {
    const receipt = join(await mkdtemp(join(tmpdir(), 'ev-cli-r-')), 'r.json');
    const r = await runCli([
      'verify-release',
      '4.5.8',
      '--dir',
      rel.dir,
      '--offline',
      '--keyring',
      rel.keyringPath,
      '--receipt',
      receipt,
      '--json',
    ]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json).toMatchObject({ schema: 'electrum-verify/v1', verdict: 'verified', summary: { verified: 10 } });
    const c = await runCli(['check-receipt', receipt, '--keyring', rel.keyringPath, '--json']);
    expect(c.code, describeRun(c)).toBe(0);
    const t = await runCli(['check-receipt', receipt, '--keyring', rel.keyringPath]);
    expect(t.stdout).toMatch(/RECEIPT CONFIRMED/);
  });

  it('usage errors are exit 2, with one JSON object under --json', async () => {
    const r = await runCli(['verify-release', '4.5.8', '--dir', rel.dir, '--format', 'github', '--json']);
    expect(r.code).toBe(2);
    expect(r.json.reason.code).toBe('USAGE');
    expect((await runCli(['verify-release', '4.5.8'])).code).toBe(2);
    expect((await runCli(['verify-release', 'not-a-version', '--dir', rel.dir])).code).toBe(2);
  });

  it('Ctrl-C mid-download: exit 130, the JSON report says INTERRUPTED, no receipt, nothing partial left', async () => {
    const pki = await getTestPki();
    const routes: Record<string, unknown> = {};
    for (const n of rel.names) {
      routes[`/4.5.8/${n}`] = n === 'electrum-4.5.8.dmg' ? route.drip(1 << 20, 1024, 50) : rel.data[n]!;
      routes[`/4.5.8/${n}.asc`] = rel.aggregate[n]!;
    }
    const site = await startFakeElectrumServer({ routes: routes as never }, pki);
    const proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port } });
    try {
      const dir = await mkdtemp(join(tmpdir(), 'ev-cli-int-'));
      const receipt = join(dir, 'receipt.json');
      const child = spawn(
        process.execPath,
        [
          BIN,
          'verify-release',
          '4.5.8',
          '--download',
          '-o',
          join(dir, 'out'),
          '--keyring',
          rel.keyringPath,
          '--receipt',
          receipt,
          '--json',
        ],
        {
          cwd: REPO_ROOT,
          env: { ...proxiedEnv(proxy.url, pki.caCertPath), NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (err += b));
      // wait until the slow file is being downloaded
      for (let i = 0; i < 200 && !site.requests.some((q) => q.path === '/4.5.8/electrum-4.5.8.dmg'); i++)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      expect(code, `${out}\n${err}`).toBe(130);
      const json = parseSingleJsonObject(out);
      expect(json).toMatchObject({ verdict: 'error', exitCode: 130, reason: { code: 'INTERRUPTED' } });
      expect(existsSync(receipt)).toBe(false);
      const left = await readdir(join(dir, 'out'));
      expect(left.filter((n) => !rel.names.includes(n) && !n.endsWith('.asc'))).toEqual([]); // no temp or partial file
      expect(left).not.toContain('electrum-4.5.8.dmg');
    } finally {
      await proxy.close();
      await site.close();
    }
  });
});
