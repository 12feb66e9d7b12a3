/**
 * Loopback servers for tests and the demo: a fake download.electrum.org over real TLS, and a CONNECT proxy
 * that routes the official host names to it and logs every host anything tried to reach.
 *
 * Typical end-to-end use (the real CLI as a child process):
 *
 *   const pki = await getTestPki();                                   // ./tls.ts
 *   const site = await startFakeElectrumServer({ routes: {
 *     '/4.5.8/Electrum-4.5.8.tar.gz': tarball,                        // any host, this path
 *     '/4.5.8/Electrum-4.5.8.tar.gz.asc': asc,
 *     'electrum.org/moved': route.redirect('https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz'),
 *   } }, pki);
 *   const proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port, 'electrum.org': site.port } });
 *   spawn('node', ['bin/electrum-verify.js', 'verify', url], { env: proxiedEnv(proxy.url, pki.caCertPath) });
 *   expect(proxy.log).not.toContain('github.com');                    // never even asked for
 *   await proxy.close(); await site.close();
 *
 * Built-in fault routes (served on every fake server, any host), see FAULT_PATHS:
 *   /__fault/truncate       Content-Length 100000, sends 1000 bytes, then closes the connection
 *   /__fault/drip           Content-Length 1 MiB, 16 bytes every 50 ms (≈ 320 B/s)
 *   /__fault/endless        chunked body that never ends (64 KiB chunks as fast as the client reads)
 *   /__fault/huge-length    declares Content-Length 10 GiB (sends a few bytes)
 *   /__fault/hang           accepts the request, never answers
 *   /__fault/stall          headers + 10 bytes of a 1000-byte body, then silence
 *   /__fault/reset          destroys the connection without an answer
 *   /__fault/loop-a         302 → /__fault/loop-b → 302 → /__fault/loop-a …
 *   /__fault/chain/N        302 → /__fault/chain/N-1 … → /__fault/chain/0 serves "end of chain"
 *   /__fault/to-github      302 → https://github.com/spesmilo/electrum/releases/download/4.5.8/Electrum-4.5.8.tar.gz
 *   /__fault/to-http        302 → http://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz
 *   /__fault/to-official    302 → https://electrum.org/__fault/ok   (another official host, same server)
 *   /__fault/ok             200 "ok\n"
 *   /__fault/404, /__fault/500
 * Put any fault at a real-looking path with the `route.*` helpers instead, e.g.
 *   routes: { '/4.5.8/Electrum-4.5.8.tar.gz': route.truncate(tarball, 1000) }.
 * A certificate for the wrong name: startFakeElectrumServer({ routes, certificate: 'wrong-name' }, pki) and map
 * download.electrum.org to that server's port in the proxy.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import type { TestPki } from './tls.js';

export type Body = string | Uint8Array;
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A route: a plain body (200 + Content-Length), or one of the behaviours built by `route.*`. */
export type Route = Body | RouteSpec;
export type RouteSpec =
  | { kind: 'body'; body: Body; status?: number; headers?: Record<string, string> }
  | { kind: 'redirect'; location: string; status: number }
  | { kind: 'truncate'; body: Body; sendBytes: number }
  | { kind: 'drip'; size: number; chunkBytes: number; intervalMs: number }
  | { kind: 'endless'; chunkBytes: number }
  | { kind: 'declare'; contentLength: number; body: Body }
  | { kind: 'hang' }
  | { kind: 'stall'; size: number; sendBytes: number }
  | { kind: 'reset' }
  | { kind: 'custom'; handler: Handler };

/** Route builders: plain data, so routes can be listed in tables. */
export const route = {
  /** 200 (or `status`) with this body and a correct Content-Length. */
  body: (body: Body, status = 200, headers: Record<string, string> = {}): RouteSpec => ({
    kind: 'body',
    body,
    status,
    headers,
  }),
  status: (status: number, body: Body = `${status}\n`): RouteSpec => ({ kind: 'body', body, status }),
  redirect: (location: string, status = 302): RouteSpec => ({ kind: 'redirect', location, status }),
  /** Declares the full length, sends the first `sendBytes`, then closes the connection. */
  truncate: (body: Body, sendBytes: number): RouteSpec => ({ kind: 'truncate', body, sendBytes }),
  /** Declares `size` bytes, sends `chunkBytes` every `intervalMs`. */
  drip: (size = 1 << 20, chunkBytes = 16, intervalMs = 50): RouteSpec => ({
    kind: 'drip',
    size,
    chunkBytes,
    intervalMs,
  }),
  /** Chunked body that never ends. */
  endless: (chunkBytes = 64 * 1024): RouteSpec => ({ kind: 'endless', chunkBytes }),
  /** Sends `body` under an arbitrary (usually false) Content-Length, then closes. */
  declare: (contentLength: number, body: Body = 'x'): RouteSpec => ({ kind: 'declare', contentLength, body }),
  hang: (): RouteSpec => ({ kind: 'hang' }),
  /** Headers for `size` bytes, sends `sendBytes`, then keeps the connection open silently. */
  stall: (size = 1000, sendBytes = 10): RouteSpec => ({ kind: 'stall', size, sendBytes }),
  reset: (): RouteSpec => ({ kind: 'reset' }),
  custom: (handler: Handler): RouteSpec => ({ kind: 'custom', handler }),
  /** Serves `body` at about `bytesPerSecond` in `chunkBytes` pieces, with its Content-Length: slow but honest. */
  paced: (body: Buffer, bytesPerSecond: number, chunkBytes = 64 * 1024): RouteSpec => {
    const interval = Math.max(1, Math.round((chunkBytes / bytesPerSecond) * 1000));
    return route.custom((_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        const next = body.subarray(sent, sent + chunkBytes);
        sent += next.length;
        if (sent >= body.length) {
          clearInterval(timer);
          res.end(next);
        } else res.write(next);
      }, interval);
      res.on('close', () => clearInterval(timer));
    });
  },
};

export const FAULT_PATHS = {
  truncate: '/__fault/truncate',
  drip: '/__fault/drip',
  endless: '/__fault/endless',
  hugeLength: '/__fault/huge-length',
  hang: '/__fault/hang',
  stall: '/__fault/stall',
  reset: '/__fault/reset',
  loop: '/__fault/loop-a',
  chain: (n: number) => `/__fault/chain/${n}`,
  toGithub: '/__fault/to-github',
  toHttp: '/__fault/to-http',
  toOfficial: '/__fault/to-official',
  ok: '/__fault/ok',
  notFound: '/__fault/404',
  serverError: '/__fault/500',
} as const;

export const GITHUB_URL = 'https://github.com/spesmilo/electrum/releases/download/4.5.8/Electrum-4.5.8.tar.gz';

function builtInFaults(): Record<string, Route> {
  const faults: Record<string, Route> = {
    [FAULT_PATHS.truncate]: route.truncate(Buffer.alloc(100_000, 0x61), 1000),
    [FAULT_PATHS.drip]: route.drip(),
    [FAULT_PATHS.endless]: route.endless(),
    [FAULT_PATHS.hugeLength]: route.declare(10 * 1024 ** 3, 'tiny'),
    [FAULT_PATHS.hang]: route.hang(),
    [FAULT_PATHS.stall]: route.stall(),
    [FAULT_PATHS.reset]: route.reset(),
    '/__fault/loop-a': route.redirect('/__fault/loop-b'),
    '/__fault/loop-b': route.redirect('/__fault/loop-a'),
    [FAULT_PATHS.toGithub]: route.redirect(GITHUB_URL),
    [FAULT_PATHS.toHttp]: route.redirect('http://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz'),
    [FAULT_PATHS.toOfficial]: route.redirect('https://electrum.org/__fault/ok'),
    [FAULT_PATHS.ok]: route.body('ok\n'),
    [FAULT_PATHS.notFound]: route.status(404),
    [FAULT_PATHS.serverError]: route.status(500),
  };
  for (let n = 0; n <= 10; n++) {
    faults[FAULT_PATHS.chain(n)] = n === 0 ? route.body('end of chain\n') : route.redirect(FAULT_PATHS.chain(n - 1));
  }
  return faults;
}

function toBuffer(b: Body): Buffer {
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function serve(input: Route, req: IncomingMessage, res: ServerResponse): void {
  const r: RouteSpec = typeof input === 'string' || input instanceof Uint8Array ? route.body(input) : input;
  const timers = new Set<NodeJS.Timeout>();
  res.on('close', () => timers.forEach((t) => clearInterval(t)));
  switch (r.kind) {
    case 'body': {
      const body = toBuffer(r.body);
      res.writeHead(r.status ?? 200, { 'content-length': body.length, ...r.headers });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    case 'redirect':
      res.writeHead(r.status, { location: r.location, 'content-length': 0 });
      res.end();
      return;
    case 'truncate': {
      const body = toBuffer(r.body);
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, r.sendBytes), () => res.socket?.destroy());
      return;
    }
    case 'declare': {
      res.writeHead(200, { 'content-length': r.contentLength });
      res.write(toBuffer(r.body), () => res.socket?.destroy());
      return;
    }
    case 'drip': {
      res.writeHead(200, { 'content-length': r.size });
      let sent = 0;
      const t = setInterval(() => {
        const n = Math.min(r.chunkBytes, r.size - sent);
        res.write(Buffer.alloc(n, 0x62));
        sent += n;
        if (sent >= r.size) {
          clearInterval(t);
          res.end();
        }
      }, r.intervalMs);
      timers.add(t);
      return;
    }
    case 'endless': {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(r.chunkBytes, 0x63);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) {
          /* keep writing until the socket buffer is full */
        }
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
      return;
    }
    case 'hang':
      return;
    case 'stall':
      res.writeHead(200, { 'content-length': r.size });
      res.write(Buffer.alloc(r.sendBytes, 0x64));
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'custom':
      r.handler(req, res);
      return;
  }
}

export interface RequestRecord {
  host: string;
  path: string;
  method: string;
}

export interface FakeServer {
  port: number;
  /** https://127.0.0.1:<port> — connect to it by name through the proxy, not directly. */
  url: string;
  /** Every request served, in order (host header without port, path with query). */
  requests: RequestRecord[];
  /** Live route table: add or replace routes while the server runs. */
  routes: Record<string, Route>;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /**
   * Path → route. A key starting with "/" matches that path on any host; "host/path" only on that host
   * (e.g. "electrum.org/4.5.8/x"). Host-specific keys win. The query string is ignored for matching.
   * Unknown paths get 404.
   */
  routes?: Record<string, Route>;
  /** Which certificate to present. Default 'official'. */
  certificate?: 'official' | 'wrong-name' | 'untrusted' | 'expired';
}

/** An HTTPS server on 127.0.0.1 (random port) playing download.electrum.org and the other official hosts. */
export async function startFakeElectrumServer(options: FakeServerOptions, pki: TestPki): Promise<FakeServer> {
  const pair = pki[options.certificate === 'wrong-name' ? 'wrongName' : (options.certificate ?? 'official')];
  const routes: Record<string, Route> = { ...builtInFaults(), ...options.routes };
  const requests: RequestRecord[] = [];
  const server = createHttpsServer({ key: pair.key, cert: pair.cert }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const path = req.url ?? '/';
    requests.push({ host, path, method: req.method ?? 'GET' });
    const pathname = path.split('?')[0] ?? '/';
    const r = routes[`${host}${pathname}`] ?? routes[pathname];
    serve(r ?? route.status(404, 'not found\n'), req, res);
  });
  server.on('tlsClientError', () => undefined); // wrong-name / unknown-CA clients hang up mid-handshake: expected
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface ProxyLogEntry {
  /** The request target as sent: "host:port" for CONNECT, the absolute URL for a plain proxy request. */
  target: string;
  host: string;
  port: number;
  allowed: boolean;
}

export interface ConnectProxy {
  port: number;
  /** http://127.0.0.1:<port> — the value for HTTPS_PROXY / HTTP_PROXY. */
  url: string;
  /**
   * Every host anything asked the proxy for (lower case, no port), in order, allowed or refused. One entry per
   * CONNECT, i.e. per new connection: a client that keeps a tunnel alive and sends several requests through it
   * appears once. (The CLI keeps one connection per host for a whole verification: the .asc and the file share
   * it; in-process tests should use a fresh dispatcher per test.) A host never in the log was never contacted
   * through this proxy.
   */
  log: string[];
  /** The same, with details. */
  entries: ProxyLogEntry[];
  close(): Promise<void>;
}

export interface ConnectProxyOptions {
  /**
   * "host" (port 443) or "host:port" → local port on 127.0.0.1. CONNECT requests for anything else are answered
   * 403 and logged; nothing is ever dialled except 127.0.0.1 ports listed here. Plain (non-CONNECT) proxy
   * requests, e.g. for http:// URLs, are always refused with 403 and logged.
   */
  map: Record<string, number>;
}

function splitTarget(target: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(target);
  if (m === null) return { host: target.toLowerCase(), port: 443 };
  return { host: (m[1] ?? '').toLowerCase(), port: Number(m[2]) };
}

/** A CONNECT proxy on 127.0.0.1 (random port) that maps host names to local ports. */
export async function startConnectProxy(options: ConnectProxyOptions): Promise<ConnectProxy> {
  const map = new Map<string, number>();
  for (const [key, port] of Object.entries(options.map)) {
    const k = key.includes(':') ? key.toLowerCase() : `${key.toLowerCase()}:443`;
    map.set(k, port);
  }
  const log: string[] = [];
  const entries: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  const record = (target: string, host: string, port: number, allowed: boolean): void => {
    log.push(host);
    entries.push({ target, host, port, allowed });
  };

  const server = createHttpServer((req, res) => {
    let host: string;
    let port = 80;
    try {
      const u = new URL(req.url ?? '');
      host = u.hostname.toLowerCase();
      port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    } catch {
      host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    }
    record(req.url ?? '', host, port, false);
    res.writeHead(403, { 'content-length': 0 });
    res.end();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const { host, port } = splitTarget(target);
    const local = map.get(`${host}:${port}`);
    record(target, host, port, local !== undefined);
    client.on('error', () => undefined);
    if (local === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = netConnect(local, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    entries,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const PROXY_VARS = [
  'http_proxy',
  'HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'no_proxy',
  'NO_PROXY',
  'all_proxy',
  'ALL_PROXY',
];

/**
 * Environment for a child process that must reach the fake servers only through the proxy: every inherited
 * proxy variable (either case, NO_PROXY included) is removed, then HTTPS_PROXY and HTTP_PROXY point at the
 * proxy and NODE_EXTRA_CA_CERTS at the test CA.
 */
export function proxiedEnv(
  proxyUrl: string,
  caCertPath: string,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of Object.keys(env)) {
    if (PROXY_VARS.includes(name.toLowerCase()) || PROXY_VARS.includes(name)) delete env[name];
  }
  env.HTTPS_PROXY = proxyUrl;
  env.HTTP_PROXY = proxyUrl;
  env.NODE_EXTRA_CA_CERTS = caCertPath;
  return env;
}
