/**
 * `npm run demo`: electrum-verify end to end, on loopback only (no internet).
 *
 * A fake download.electrum.org (HTTPS, with a certificate from a CA made just now) is reachable only through a
 * local CONNECT proxy. A fake release is signed by two test keys made just now (given to the tool with
 * --keyring, since the real Electrum keys' secrets are, of course, not here). Then the real CLI runs four times.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFakeRelease } from '../test/support/fake-release.js';
import { proxiedEnv, startConnectProxy, startFakeElectrumServer } from '../test/support/servers.js';
import { getTestPki } from '../test/support/tls.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'electrum-verify.js');

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('close', (code) => done(code ?? -1));
  });
}

async function main(): Promise<void> {
  console.log('Setting up: test CA, fake download.electrum.org on 127.0.0.1, CONNECT proxy, two test signing keys…');
  const pki = await getTestPki();
  const rel = await makeFakeRelease({ version: '4.5.8', size: 20 * 1024 * 1024 });
  const site = await startFakeElectrumServer(
    {
      routes: {
        '/4.5.8/Electrum-4.5.8.tar.gz': rel.data,
        '/4.5.8/Electrum-4.5.8.tar.gz.asc': rel.asc,
        '/4.5.9/Electrum-4.5.9.tar.gz': rel.tampered,
        '/4.5.9/Electrum-4.5.9.tar.gz.asc': rel.asc,
      },
    },
    pki,
  );
  const proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port, 'electrum.org': site.port } });
  const env = { ...proxiedEnv(proxy.url, pki.caCertPath), FORCE_COLOR: process.stdout.isTTY ? '1' : '0' };
  const work = await mkdtemp(join(tmpdir(), 'electrum-verify-demo-'));
  const cases: Array<{ title: string; url: string; expect: number }> = [
    {
      title: 'An authentic download (2 signers, SHA-256 shown, file saved only after it verified)',
      url: 'https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz',
      expect: 0,
    },
    {
      title: 'A tampered file (one bit flipped) with the genuine signatures',
      url: 'https://download.electrum.org/4.5.9/Electrum-4.5.9.tar.gz',
      expect: 1,
    },
    {
      title: 'A GitHub "mirror" like the December 2018 phishing link',
      url: 'https://github.com/electrum-wallet/electrum/releases/download/4.5.8/Electrum-4.5.8.tar.gz',
      expect: 3,
    },
    {
      title: 'A lookalike domain (Cyrillic "е" in place of "e")',
      url: 'https://download.\u0435lectrum.org/4.5.8/Electrum-4.5.8.tar.gz',
      expect: 3,
    },
  ];
  let ok = true;
  try {
    for (const [i, c] of cases.entries()) {
      const dir = join(work, `case${i + 1}`);
      await rm(dir, { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(dir));
      console.log(
        `\n── ${i + 1}. ${c.title}\n   $ electrum-verify verify ${c.url} --keyring test-keys.asc --min-signers 2`,
      );
      const before = proxy.log.length;
      const code = await runCli(['verify', c.url, '--keyring', rel.keyringPath, '--min-signers', '2'], dir, env);
      const files = await readdir(dir);
      const contacted = [...new Set(proxy.log.slice(before))];
      console.log(
        `   exit ${code} (expected ${c.expect}); files left in the output folder: ${files.length ? files.join(', ') : 'none'}; hosts contacted: ${contacted.length ? contacted.join(', ') : 'none'}`,
      );
      if (code !== c.expect) ok = false;
    }
  } finally {
    await proxy.close();
    await site.close();
    await rm(work, { recursive: true, force: true });
    await rm(rel.dir, { recursive: true, force: true });
  }
  console.log(
    ok
      ? '\nDemo finished: every case gave the expected verdict.'
      : '\nDemo FAILED: a case gave an unexpected exit code.',
  );
  process.exitCode = ok ? 0 : 1;
}

await main();
