/**
 * The Fetcher against real TLS through a real CONNECT proxy (no mocking of undici). In-process: the test CA is
 * given to an injected ProxyAgent; the env-proxy + NODE_EXTRA_CA_CERTS path is covered in env.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VerifyError } from '../../src/errors.js';
import { HttpStatusError, createFetcher, type FetchOptions, type Fetcher } from '../../src/net/index.js';
import {
  FAULT_PATHS,
  GITHUB_URL,
  route,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki } from '../support/tls.js';

const OFFICIAL = new Set(['download.electrum.org', 'electrum.org', 'www.electrum.org']);
const D = 'https://download.electrum.org';
const FILE = new Uint8Array(300_000).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The origin policy a caller would supply: official hosts only, refused with REDIRECT_OFF_ORIGIN after hop 0. */
function officialOnly(calls: Array<[string, number]> = []): FetchOptions['checkUrl'] {
  return (url, hop) => {
    calls.push([url.href, hop]);
    if (!OFFICIAL.has(url.hostname)) {
      throw new VerifyError(hop === 0 ? 'SOURCE_UNTRUSTED' : 'REDIRECT_OFF_ORIGIN', `refused ${url.hostname}`);
    }
  };
}

let site: FakeServer;
let wrongName: FakeServer;
let untrusted: FakeServer;
let proxy: ConnectProxy;
let agent: ProxyAgent;
let fetcher: Fetcher;
let dest: string;
let caPem: string;

beforeAll(async () => {
  const pki = await getTestPki();
  site = await startFakeElectrumServer(
    {
      routes: {
        '/4.5.8/Electrum-4.5.8.tar.gz': FILE,
        '/4.5.8/Electrum-4.5.8.tar.gz.asc': '-----BEGIN PGP SIGNATURE-----\n...\n',
        '/exact': route.body(Buffer.alloc(1000, 1)),
        '/chunked': route.custom((_req, res) => {
          res.writeHead(200); // no Content-Length: chunked
          res.write(Buffer.alloc(700, 2));
          res.end(Buffer.alloc(300, 3));
        }),
        '/truncated-chunked': route.custom((_req, res) => {
          res.writeHead(200);
          res.write(Buffer.alloc(700, 2), () => res.socket?.destroy());
        }),
        '/no-location': route.custom((_req, res) => {
          res.writeHead(302, { 'content-length': 0 });
          res.end();
        }),
        '/to-mirror': route.redirect('https://mirror.example.test/__fault/ok'),
        '/relative': route.redirect('../__fault/ok'),
        // host-specific routes: the Host header must follow the redirect to the other host
        'download.electrum.org/cross': route.redirect('https://electrum.org/only-on-electrum.org'),
        'electrum.org/only-on-electrum.org': 'right host\n',
      },
    },
    pki,
  );
  wrongName = await startFakeElectrumServer({ certificate: 'wrong-name' }, pki);
  untrusted = await startFakeElectrumServer({ certificate: 'untrusted' }, pki);
  proxy = await startConnectProxy({
    map: {
      'download.electrum.org': site.port,
      'electrum.org': site.port,
      'www.electrum.org': site.port,
      'mirror.example.test': site.port,
      'wrong-name.test': wrongName.port, // served the wrong.example.test certificate
      'untrusted.test': untrusted.port,
    },
  });
  caPem = pki.caPem;
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([site?.close(), wrongName?.close(), untrusted?.close()]);
});

// A fresh agent per test: a kept-alive tunnel would hide CONNECTs from the proxy log.
beforeEach(() => {
  dest = mkdtempSync(join(tmpdir(), 'ev-net-'));
  proxy.log.length = 0;
  proxy.entries.length = 0;
  agent = new ProxyAgent({ uri: proxy.url, requestTls: { ca: caPem } });
  fetcher = createFetcher({ dispatcher: agent });
  return async () => {
    await agent.destroy();
    rmSync(dest, { recursive: true, force: true });
  };
});

function opts(extra: Partial<FetchOptions> = {}): FetchOptions {
  return { maxBytes: 10 * 1024 * 1024, timeoutMs: 2000, checkUrl: officialOnly(), ...extra };
}

async function dl(url: string, extra: Partial<FetchOptions> & { onChunk?: (c: Uint8Array) => void } = {}) {
  // The temp file's handle is left open for the caller's sync (fs/durable.ts): close it, the tests only read the file.
  const r = await fetcher.download(url, { ...opts(extra), destDir: dest, onChunk: extra.onChunk ?? (() => undefined) });
  await r.durable.abandon();
  return r;
}

async function rejection(p: Promise<unknown>): Promise<VerifyError> {
  const e = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VerifyError);
  const v = e as VerifyError;
  expect(v.message).not.toMatch(/\n/);
  return v;
}

describe('download: the good path', () => {
  it('streams every byte once, in order, to onChunk and to a 0600 temp file beside the output', async () => {
    const chunks: Uint8Array[] = [];
    const progress: Array<[number, number | null]> = [];
    const r = await fetcher.download(`${D}/4.5.8/Electrum-4.5.8.tar.gz`, {
      ...opts(),
      destDir: dest,
      onChunk: (c) => chunks.push(new Uint8Array(c)),
      onProgress: (n, total) => progress.push([n, total]),
    });
    await r.durable.abandon();
    const seen = Buffer.concat(chunks);
    expect(sha256(seen)).toBe(sha256(FILE));
    expect(r.size).toBe(FILE.length);
    expect(r.finalUrl).toBe(`${D}/4.5.8/Electrum-4.5.8.tar.gz`);
    expect(r.redirects).toEqual([]);
    expect(r.tempPath.startsWith(dest)).toBe(true);
    expect(sha256(readFileSync(r.tempPath))).toBe(sha256(FILE));
    expect(statSync(r.tempPath).mode & 0o777).toBe(0o600);
    expect(readdirSync(dest)).toHaveLength(1);
    expect(progress.at(-1)).toEqual([FILE.length, FILE.length]);
    expect(chunks.length).toBeGreaterThan(1);
    expect(proxy.log).toEqual(['download.electrum.org']);
  });

  it('fetchBytes returns the body and follows a redirect to another official host', async () => {
    const calls: Array<[string, number]> = [];
    const r = await fetcher.fetchBytes(`${D}${FAULT_PATHS.toOfficial}`, opts({ checkUrl: officialOnly(calls) }));
    expect(Buffer.from(r.bytes).toString()).toBe('ok\n');
    expect(r.finalUrl).toBe('https://electrum.org/__fault/ok');
    expect(r.redirects).toEqual(['https://electrum.org/__fault/ok']);
    expect(calls).toEqual([
      [`${D}${FAULT_PATHS.toOfficial}`, 0],
      ['https://electrum.org/__fault/ok', 1],
    ]);
    expect(proxy.log).toEqual(['download.electrum.org', 'electrum.org']);
  });

  it('sends the right Host after a redirect to another host (no header leaks between hops or calls)', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await fetcher.fetchBytes(`${D}/cross`, opts());
      expect(Buffer.from(r.bytes).toString()).toBe('right host\n');
    }
    expect(site.requests.filter((q) => q.path === '/only-on-electrum.org').map((q) => q.host)).toEqual([
      'electrum.org',
      'electrum.org',
    ]);
  });

  it('resolves a relative Location against the current URL', async () => {
    const r = await fetcher.fetchBytes(`${D}/relative`, opts());
    expect(r.redirects).toEqual([`${D}/__fault/ok`]);
  });

  it('follows exactly 5 redirects, refuses the 6th', async () => {
    const r = await fetcher.fetchBytes(`${D}${FAULT_PATHS.chain(5)}`, opts());
    expect(r.redirects).toHaveLength(5);
    expect(Buffer.from(r.bytes).toString()).toBe('end of chain\n');
    const e = await rejection(fetcher.fetchBytes(`${D}${FAULT_PATHS.chain(6)}`, opts()));
    expect(e.code).toBe('NETWORK');
    expect(e.message).toMatch(/More than 5 redirects/);
    expect(site.requests.filter((q) => q.path === FAULT_PATHS.chain(0))).toHaveLength(1); // only the first run got there
  });

  it('accepts a chunked body without Content-Length', async () => {
    const r = await fetcher.fetchBytes(`${D}/chunked`, opts());
    expect(r.bytes.length).toBe(1000);
  });
});

describe('size bounds', () => {
  it('Content-Length equal to maxBytes is fine, one byte over is TOO_LARGE before the body is read', async () => {
    expect((await dl(`${D}/exact`, { maxBytes: 1000 })).size).toBe(1000);
    const e = await rejection(dl(`${D}/exact`, { maxBytes: 999 }));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toMatch(/announced 1000 B, more than the limit of 999 B/);
    expect(readdirSync(dest)).toEqual([expect.stringMatching(/\.part$/)]); // only the first download's file
  });

  it('counts a chunked body as it arrives', async () => {
    const e = await rejection(fetcher.fetchBytes(`${D}/chunked`, opts({ maxBytes: 999 })));
    expect(e.code).toBe('TOO_LARGE');
  });

  it('a lying Content-Length (10 GiB) is refused up front, no temp file', async () => {
    const e = await rejection(dl(`${D}${FAULT_PATHS.hugeLength}`));
    expect(e.code).toBe('TOO_LARGE');
    expect(readdirSync(dest)).toEqual([]);
  });

  it('an endless body is cut off at maxBytes and the temp file removed', async () => {
    let seen = 0;
    const e = await rejection(
      dl(`${D}${FAULT_PATHS.endless}`, { maxBytes: 1 << 20, onChunk: (c) => (seen += c.length) }),
    );
    expect(e.code).toBe('TOO_LARGE');
    expect(seen).toBeLessThanOrEqual(1 << 20);
    expect(readdirSync(dest)).toEqual([]);
  });
});

describe('faults → reason codes, temp file gone', () => {
  it.each([
    ['truncated (Content-Length, then close)', FAULT_PATHS.truncate, 'NETWORK', /closed before|truncated/],
    ['truncated chunked body', '/truncated-chunked', 'NETWORK', /closed before|truncated/],
    ['connection reset', FAULT_PATHS.reset, 'NETWORK', /closed before/],
    ['redirect loop', FAULT_PATHS.loop, 'NETWORK', /Redirect loop/],
    ['redirect without Location', '/no-location', 'NETWORK', /without a usable Location/],
    ['404', FAULT_PATHS.notFound, 'NETWORK', /HTTP 404 \(Not Found\)/],
    ['500', FAULT_PATHS.serverError, 'NETWORK', /HTTP 500/],
  ])('%s', async (_name, path, code, message) => {
    const e = await rejection(dl(`${D}${path}`));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(readdirSync(dest)).toEqual([]);
  });

  it('404 is an HttpStatusError carrying the status (the caller maps a signature 404)', async () => {
    const e = await rejection(fetcher.fetchBytes(`${D}/4.5.8/missing.asc`, opts()));
    expect(e).toBeInstanceOf(HttpStatusError);
    expect((e as HttpStatusError).status).toBe(404);
  });

  it.each([
    ['slow drip (≈320 B/s)', FAULT_PATHS.drip],
    ['body stalls after 10 bytes', FAULT_PATHS.stall],
    ['no response at all', FAULT_PATHS.hang],
  ])('%s → TIMEOUT within about timeoutMs', async (_name, path) => {
    const t0 = Date.now();
    const e = await rejection(dl(`${D}${path}`, { timeoutMs: 400 }));
    const elapsed = Date.now() - t0;
    expect(e.code).toBe('TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2000);
    expect(readdirSync(dest)).toEqual([]);
  });

  it('a fast-enough trickle is not cut off', async () => {
    site.routes['/steady'] = route.drip(6000, 600, 50); // ≈ 12 KiB/s for 0.5 s
    const r = await dl(`${D}/steady`, { timeoutMs: 300 });
    expect(r.size).toBe(6000);
  });

  it('a certificate for another name → NETWORK, says TLS', async () => {
    const e = await rejection(dl('https://wrong-name.test/__fault/ok', { checkUrl: () => undefined }));
    expect(e.code).toBe('NETWORK');
    expect(e.message).toMatch(/^TLS check failed for wrong-name\.test: the certificate is for a different name/);
    expect(wrongName.requests).toEqual([]);
  });

  it('a certificate from an unknown CA → NETWORK, says TLS', async () => {
    const e = await rejection(dl('https://untrusted.test/__fault/ok', { checkUrl: () => undefined }));
    expect(e.code).toBe('NETWORK');
    expect(e.message).toMatch(/^TLS check failed for untrusted\.test: the certificate is not issued by a trusted/);
    expect(untrusted.requests).toEqual([]);
  });

  it('a host the proxy refuses → NETWORK naming the proxy', async () => {
    const e = await rejection(dl('https://nowhere.example.test/x', { checkUrl: () => undefined }));
    expect(e.code).toBe('NETWORK');
    expect(e.message).toMatch(/proxy refused the connection to nowhere\.example\.test \(HTTP 403\)/);
    expect(proxy.entries).toEqual([expect.objectContaining({ host: 'nowhere.example.test', allowed: false })]);
  });
});

describe('the origin policy runs before any connection', () => {
  it('a redirect to github.com is refused by checkUrl; github.com is never contacted', async () => {
    const calls: Array<[string, number]> = [];
    const e = await rejection(dl(`${D}${FAULT_PATHS.toGithub}`, { checkUrl: officialOnly(calls) }));
    expect(e.code).toBe('REDIRECT_OFF_ORIGIN');
    expect(calls).toEqual([
      [`${D}${FAULT_PATHS.toGithub}`, 0],
      [GITHUB_URL, 1],
    ]);
    expect(proxy.log).toEqual(['download.electrum.org']);
    expect(readdirSync(dest)).toEqual([]);
  });

  it('a redirect to an approved mirror passes when the policy allows it', async () => {
    const r = await fetcher.fetchBytes(`${D}/to-mirror`, opts({ checkUrl: () => undefined }));
    expect(r.finalUrl).toBe('https://mirror.example.test/__fault/ok');
    expect(proxy.log).toEqual(['download.electrum.org', 'mirror.example.test']);
  });

  it('a redirect to plain http is refused even by a permissive policy, without connecting', async () => {
    const e = await rejection(dl(`${D}${FAULT_PATHS.toHttp}`, { checkUrl: () => undefined }));
    expect(e.code).toBe('REDIRECT_OFF_ORIGIN');
    expect(proxy.log).toEqual(['download.electrum.org']);
  });

  it('a refused first URL makes no connection at all', async () => {
    const e = await rejection(dl(GITHUB_URL));
    expect(e.code).toBe('SOURCE_UNTRUSTED');
    expect(proxy.log).toEqual([]);
  });

  it('http:// and non-URLs are refused before connecting', async () => {
    expect((await rejection(dl('http://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz'))).code).toBe(
      'SOURCE_INSECURE',
    );
    expect((await rejection(dl('not a url'))).code).toBe('SOURCE_INVALID');
    expect(proxy.log).toEqual([]);
  });
});

describe('callers and cancellation', () => {
  it('an error thrown by onChunk is passed through unchanged and the temp file removed', async () => {
    const mine = new VerifyError('HASH_MISMATCH', 'stop');
    const e = await rejection(
      dl(`${D}/4.5.8/Electrum-4.5.8.tar.gz`, {
        onChunk: () => {
          throw mine;
        },
      }),
    );
    expect(e).toBe(mine);
    expect(readdirSync(dest)).toEqual([]);
  });

  it('an aborted signal → INTERRUPTED, temp file removed', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const e = await rejection(dl(`${D}${FAULT_PATHS.drip}`, { signal: ac.signal, timeoutMs: 5000 }));
    expect(e.code).toBe('INTERRUPTED');
    expect(readdirSync(dest)).toEqual([]);
  });

  it('an unwritable destination → IO_ERROR (exit 4), nothing left', async () => {
    const e = await rejection(
      fetcher.download(`${D}/exact`, { ...opts(), destDir: join(dest, 'missing'), onChunk: () => undefined }),
    );
    expect(e.code).toBe('IO_ERROR');
    expect(e.message).toMatch(/Could not write the temporary file/);
    expect(readdirSync(dest)).toEqual([]);
  });

  it('rejects nonsensical limits as USAGE', async () => {
    expect((await rejection(dl(`${D}/exact`, { timeoutMs: 0 }))).code).toBe('USAGE');
    expect((await rejection(dl(`${D}/exact`, { maxBytes: -1 }))).code).toBe('USAGE');
  });
});
