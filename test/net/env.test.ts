/**
 * The default dispatcher as the CLI uses it, in a child process: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the
 * environment (undici EnvHttpProxyAgent) and NODE_EXTRA_CA_CERTS (read by Node at start-up, so only a child
 * process can test it). The child runs src/net transpiled on the fly (no dependence on a prior build).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FAULT_PATHS,
  proxiedEnv,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki, type TestPki } from '../support/tls.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

let work: string;
let pki: TestPki;
let site: FakeServer;
let untrusted: FakeServer;
let proxy: ConnectProxy;

function transpileTree(): void {
  const files = [
    'src/errors.ts',
    'src/format.ts',
    'src/fs/temp-files.ts',
    'src/fs/durable.ts',
    'src/fs/stale-parts.ts',
    ...readdirSync(join(ROOT, 'src/net')).map((f) => `src/net/${f}`),
  ];
  for (const f of files.filter((x) => x.endsWith('.ts'))) {
    const out = ts.transpileModule(readFileSync(join(ROOT, f), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const dest = join(work, f.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, out);
  }
  writeFileSync(join(work, 'package.json'), '{"type":"module"}');
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
  writeFileSync(
    join(work, 'child.js'),
    `import { createFetcher } from './src/net/index.js';
const [url, timeoutMs] = process.argv.slice(2);
const fetcher = createFetcher();
try {
  const r = await fetcher.fetchBytes(url, { maxBytes: 1e6, timeoutMs: Number(timeoutMs), checkUrl: () => {} });
  console.log(JSON.stringify({ ok: true, body: Buffer.from(r.bytes).toString(), finalUrl: r.finalUrl }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: e.code, message: e.message }));
} finally {
  await fetcher.close();
}
`,
  );
}

interface ChildResult {
  ok: boolean;
  body?: string;
  code?: string;
  message?: string;
}

async function child(url: string, env: NodeJS.ProcessEnv, timeoutMs = 3000): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, [join(work, 'child.js'), url, String(timeoutMs)], {
    env,
    timeout: 20_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ev-env-'));
  transpileTree();
  pki = await getTestPki();
  site = await startFakeElectrumServer({}, pki);
  untrusted = await startFakeElectrumServer({ certificate: 'untrusted' }, pki);
  proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port, 'untrusted.test': untrusted.port } });
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([site?.close(), untrusted?.close()]);
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  proxy.log.length = 0;
});

const OK_URL = `https://download.electrum.org${FAULT_PATHS.ok}`;

describe('environment (child process, default EnvHttpProxyAgent)', () => {
  it('HTTPS_PROXY + NODE_EXTRA_CA_CERTS: reaches the fake site through the proxy', async () => {
    const r = await child(OK_URL, proxiedEnv(proxy.url, pki.caCertPath));
    expect(r).toMatchObject({ ok: true, body: 'ok\n' });
    expect(proxy.log).toEqual(['download.electrum.org']);
  });

  it('the same without NODE_EXTRA_CA_CERTS fails the TLS check (so the test above relied on it)', async () => {
    const env = proxiedEnv(proxy.url, pki.caCertPath);
    delete env.NODE_EXTRA_CA_CERTS;
    const r = await child(OK_URL, env);
    expect(r).toMatchObject({ ok: false, code: 'NETWORK' });
    expect(r.message).toMatch(
      /^TLS check failed for download\.electrum\.org: the certificate is not issued by a trusted/,
    );
  });

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 does not switch verification off', async () => {
    const env = { ...proxiedEnv(proxy.url, pki.caCertPath), NODE_TLS_REJECT_UNAUTHORIZED: '0' };
    const r = await child('https://untrusted.test/__fault/ok', env);
    expect(r).toMatchObject({ ok: false, code: 'NETWORK' });
    expect(r.message).toMatch(/^TLS check failed/);
    expect(untrusted.requests).toEqual([]);
  });

  it('HTTP_PROXY alone is used for https too', async () => {
    const env = proxiedEnv(proxy.url, pki.caCertPath);
    delete env.HTTPS_PROXY;
    expect(await child(OK_URL, env)).toMatchObject({ ok: true });
    expect(proxy.log).toEqual(['download.electrum.org']);
  });

  it('NO_PROXY is honoured: a listed host is reached directly, not through the proxy', async () => {
    const env = { ...proxiedEnv(proxy.url, pki.caCertPath), NO_PROXY: 'localhost' };
    const r = await child(`https://localhost:${site.port}${FAULT_PATHS.ok}`, env);
    expect(r).toMatchObject({ ok: true, body: 'ok\n' });
    expect(proxy.log).toEqual([]);
  });

  it('timeouts work with the default dispatcher too', async () => {
    const t0 = Date.now();
    const r = await child(
      `https://download.electrum.org${FAULT_PATHS.hang}`,
      proxiedEnv(proxy.url, pki.caCertPath),
      500,
    );
    expect(r).toMatchObject({ ok: false, code: 'TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('proxiedEnv', () => {
  it('drops every inherited proxy variable, NO_PROXY included, in either case', () => {
    const env = proxiedEnv('http://127.0.0.1:1', '/ca.pem', {
      PATH: '/bin',
      no_proxy: '*',
      NO_PROXY: 'download.electrum.org',
      https_proxy: 'http://elsewhere:3128',
      Http_Proxy: 'http://elsewhere:3128',
      ALL_PROXY: 'socks5://x',
    });
    expect(env).toEqual({
      PATH: '/bin',
      HTTPS_PROXY: 'http://127.0.0.1:1',
      HTTP_PROXY: 'http://127.0.0.1:1',
      NODE_EXTRA_CA_CERTS: '/ca.pem',
    });
  });
});
