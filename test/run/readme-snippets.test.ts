/**
 * The README's CI and packager snippets (between <!-- snippets:start --> and <!-- snippets:end -->), run for
 * real: each snippet's shell lines (a GitHub Actions `run:`, GitLab `script:` items, Dockerfile `RUN`, plain sh, a
 * PKGBUILD's `source` + `prepare()`) in bash, with `electrum-verify` and curl reaching a fake download.electrum.org
 * over loopback TLS through the CONNECT proxy. Install lines (npm install) are skipped: the tool is on PATH.
 * Then the same snippets against a tampered release must all fail.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cliBuilt } from '../support/cli.js';
import {
  proxiedEnv,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki, type TestPki } from '../support/tls.js';
import { makeReleaseFixture, type ReleaseFixture } from './fixture.js';

interface Snippet {
  lang: string;
  body: string;
}

/** The fenced code blocks of the README's snippet section, in order. */
export function readmeSnippets(readme: string): Snippet[] {
  const section = /<!-- snippets:start -->([\s\S]*?)<!-- snippets:end -->/.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

const isInstall = (line: string): boolean => /^\s*npm (install|i|ci)\b/.test(line);

/** The shell a CI system or a builder would run for this snippet. */
export function shellOf(s: Snippet, kind: 'github' | 'gitlab' | 'docker' | 'sh' | 'pkgbuild'): string {
  const lines = s.body.split('\n');
  const out: string[] = [];
  if (kind === 'github') {
    for (let i = 0; i < lines.length; i++) {
      const m = /^(\s*)(?:- )?run: (.*)$/.exec(lines[i]!);
      if (!m) continue;
      if (m[2] !== '|') {
        out.push(m[2]!);
        continue;
      }
      const indent = (lines[i + 1] ?? '').search(/\S/);
      while (
        i + 1 < lines.length &&
        (lines[i + 1]!.search(/\S/) >= indent || lines[i + 1]!.trim() === '') &&
        lines[i + 1]!.search(/\S/) > m[1]!.length
      )
        out.push(lines[++i]!.slice(indent));
    }
  } else if (kind === 'gitlab') {
    let inScript = false;
    for (const line of lines) {
      if (/^\s*script:\s*$/.test(line)) inScript = true;
      else if (inScript && /^\s*- /.test(line)) out.push(line.replace(/^\s*- /, ''));
      else if (inScript && /^\s*#/.test(line)) continue;
      else if (inScript && /^\s*\w+:/.test(line)) inScript = false;
    }
  } else if (kind === 'docker') {
    const joined = s.body.replace(/\\\n/g, ' ');
    for (const line of joined.split('\n')) {
      const m = /^RUN (.*)$/.exec(line);
      if (m) out.push(m[1]!);
    }
  } else if (kind === 'pkgbuild') {
    out.push(
      'pkgver=4.5.8',
      'srcdir="$PWD/src"',
      'mkdir -p "$srcdir"',
      '. ./PKGBUILD',
      '(cd "$srcdir" && for s in "${source[@]}"; do curl -fsSLO "$s"; done)',
      'prepare',
    );
  } else {
    out.push(...lines);
  }
  return out.filter((l) => !isInstall(l)).join('\n');
}

let pki: TestPki;
let rel: ReleaseFixture;
let site: FakeServer;
let proxy: ConnectProxy;
let bin: string;
let snippets: Snippet[];
const V = '4.5.8';

function serveRelease(tampered: boolean): void {
  for (const n of rel.names) {
    const data = Buffer.from(rel.data[n]!);
    if (tampered) data[7] = data[7]! ^ 0x20;
    site.routes[`/${V}/${n}`] = data;
    site.routes[`/${V}/${n}.asc`] = rel.aggregate[n]!;
  }
}

beforeAll(async () => {
  pki = await getTestPki();
  rel = await makeReleaseFixture(V);
  site = await startFakeElectrumServer({ routes: {} }, pki);
  serveRelease(false);
  proxy = await startConnectProxy({
    map: { 'download.electrum.org': site.port, 'electrum.org': site.port, 'www.electrum.org': site.port },
  });
  bin = await mkdtemp(join(tmpdir(), 'ev-shim-'));
  const shim = join(bin, 'electrum-verify');
  await writeFile(
    shim,
    `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, 'test', 'run', 'cli-shim.mjs')}" "$@"\n`,
  );
  await chmod(shim, 0o755);
  snippets = readmeSnippets(await readFile(join(REPO_ROOT, 'README.md'), 'utf8'));
});

afterAll(async () => {
  await proxy?.close();
  await site?.close();
});

async function runShell(
  script: string,
  extraEnv: Record<string, string> = {},
  prelude = '',
): Promise<{ code: number; out: string; cwd: string }> {
  const cwd = await mkdtemp(join(tmpdir(), 'ev-snippet-'));
  if (prelude) await writeFile(join(cwd, 'PKGBUILD'), prelude);
  const env = {
    ...proxiedEnv(proxy.url, pki.caCertPath),
    CURL_CA_BUNDLE: pki.caCertPath,
    PATH: `${bin}:${process.env.PATH}`,
    EV_TEST_KEYRING: rel.keyringPath,
    NO_COLOR: '1',
    ...extraEnv,
  };
  delete (env as Record<string, string | undefined>).GITHUB_ACTIONS;
  Object.assign(env, extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, cwd }));
  });
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe.skipIf(!cliBuilt())('README snippets run against the loopback servers', () => {
  it('the section has the six flows (GitHub, GitLab, Dockerfile, debian/watch, PKGBUILD, Nix) in order', () => {
    expect(snippets.map((s) => s.lang)).toEqual(['yaml', 'yaml', 'dockerfile', 'text', 'sh', 'bash', 'sh']);
    expect(shellOf(snippets[0]!, 'github')).toMatch(
      /^electrum-verify verify-release 4\.5\.8 --download .*\nelectrum-verify check-receipt /,
    );
    expect(shellOf(snippets[2]!, 'docker')).toMatch(
      /^electrum-verify verify https:.* -o electrum\.AppImage\s+&& chmod \+x electrum\.AppImage$/,
    );
  });

  const cases: Array<[string, number, 'github' | 'gitlab' | 'docker' | 'sh' | 'pkgbuild']> = [
    ['GitHub Actions', 0, 'github'],
    ['GitLab CI', 1, 'gitlab'],
    ['Dockerfile RUN', 2, 'docker'],
    ['debian/watch-style', 4, 'sh'],
    ['PKGBUILD prepare()', 5, 'pkgbuild'],
    ['Nix-style', 6, 'sh'],
  ];

  it.each(cases)('%s: passes on the authentic release', async (name, index, kind) => {
    serveRelease(false);
    const s = snippets[index]!;
    const summary = join(await mkdtemp(join(tmpdir(), 'ev-ghs-')), 'summary.md');
    const extra: Record<string, string> =
      kind === 'github' ? { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } : {};
    const r = await runShell(shellOf(s, kind), extra, kind === 'pkgbuild' ? s.body : '');
    expect(r.code, `${name}\n${r.out}`).toBe(0);
    if (kind === 'github') {
      expect(existsSync(join(r.cwd, 'mirror', 'receipt-4.5.8.json'))).toBe(true);
      for (const n of rel.names) expect(existsSync(join(r.cwd, 'mirror', '4.5.8', n))).toBe(true);
      expect(await readFile(summary, 'utf8')).toContain('| File | Verdict | Signers | SHA-256 |');
    }
    if (kind === 'gitlab') {
      expect(JSON.parse(await readFile(join(r.cwd, 'electrum-4.5.8.json'), 'utf8'))).toMatchObject({
        verdict: 'verified',
        summary: { verified: 10 },
      });
      expect(existsSync(join(r.cwd, 'receipt-4.5.8.json'))).toBe(true);
    }
    if (kind === 'docker') expect((await stat(join(r.cwd, 'electrum.AppImage'))).mode & 0o111).not.toBe(0);
    if (name === 'Nix-style') {
      expect(await readFile(join(r.cwd, 'electrum-src.nix'), 'utf8')).toContain(
        `sha256 = "${sha256(rel.data['Electrum-4.5.8.tar.gz']!)}"`,
      );
    }
  });

  it.each(cases)('%s: fails on a tampered release, leaving no unverified file', async (name, index, kind) => {
    serveRelease(true);
    try {
      const s = snippets[index]!;
      const r = await runShell(
        shellOf(s, kind),
        kind === 'github' ? { GITHUB_ACTIONS: 'true' } : {},
        kind === 'pkgbuild' ? s.body : '',
      );
      expect(r.code, `${name}\n${r.out}`).not.toBe(0);
      if (kind === 'github') expect(r.out).toMatch(/::error title=electrum-verify%3A SIGNATURE_INVALID::/);
      if (kind === 'docker') expect(existsSync(join(r.cwd, 'electrum.AppImage'))).toBe(false);
      if (name === 'Nix-style') expect(existsSync(join(r.cwd, 'electrum-src.nix'))).toBe(false);
    } finally {
      serveRelease(false);
    }
  });
});
