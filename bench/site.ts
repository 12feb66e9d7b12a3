/**
 * The download case's loopback site: a fake download.electrum.org over real TLS (test/support/servers.ts, with a
 * certificate from the throw-away CA of test/support/tls.ts), reached through a loopback CONNECT proxy, so that the
 * URL is the real https://download.electrum.org/… one for both electrum-verify and curl.
 *
 * Two kinds of site: unlimited (the file is sent as fast as the loopback and the 2 cores allow, so the clients'
 * CPU decides), and link-limited (`bytesPerSecond`: the server paces the body like a network link would, so the
 * transfer decides and the question is whether the client keeps up while it hashes and saves).
 */
import { readFile } from 'node:fs/promises';
import {
  route,
  startConnectProxy,
  startFakeElectrumServer,
  proxiedEnv,
  type RouteSpec,
} from '../test/support/servers.js';
import { getTestPki } from '../test/support/tls.js';
import type { DataFile } from './data.js';

export interface LoopbackSite {
  fileName: string;
  fileUrl: string;
  proxyUrl: string;
  caCertPath: string;
  /** environment for electrum-verify: HTTPS_PROXY + NODE_EXTRA_CA_CERTS */
  env: NodeJS.ProcessEnv;
  /** environment for curl: no proxy variables (the proxy is given with --proxy) */
  curlEnv: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export const DOWNLOAD_VERSION = '4.5.8';

/**
 * Sends `body` at `bytesPerSecond` (256 KiB writes on a schedule, respecting back-pressure), like a network link
 * of that speed: a client that stops reading loses the time, as on a real link, and afterwards gets at most
 * BURST bytes faster than the rate (what the link's buffers would hold), not the whole lag made up at once.
 */
function paced(body: Buffer, bytesPerSecond: number): RouteSpec {
  const CHUNK = 256 * 1024;
  const BURST = 1024 * 1024;
  const burstMs = (BURST / bytesPerSecond) * 1000;
  return route.custom((_req, res) => {
    res.writeHead(200, { 'content-length': String(body.length) });
    let sent = 0;
    let due = performance.now(); // when the next write may leave
    const pump = (): void => {
      while (sent < body.length) {
        const now = performance.now();
        due = Math.max(due, now - burstMs);
        if (due - now > 1) {
          setTimeout(pump, due - now);
          return;
        }
        const n = Math.min(CHUNK, body.length - sent);
        const more = res.write(body.subarray(sent, sent + n));
        sent += n;
        due += (n / bytesPerSecond) * 1000;
        if (!more) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
}

export async function startLoopbackSite(
  file: DataFile,
  log: (s: string) => void,
  opts: { bytesPerSecond?: number } = {},
): Promise<LoopbackSite> {
  const pki = await getTestPki();
  const fileName = `Electrum-${DOWNLOAD_VERSION}.tar.gz`;
  const path = `/${DOWNLOAD_VERSION}/${fileName}`;
  const body = await readFile(file.path);
  const asc = await readFile(file.sig5);
  const served = opts.bytesPerSecond === undefined ? body : paced(body, opts.bytesPerSecond);
  const site = await startFakeElectrumServer({ routes: { [path]: served, [`${path}.asc`]: asc } }, pki);
  const proxy = await startConnectProxy({
    map: { 'download.electrum.org': site.port, 'electrum.org': site.port, 'www.electrum.org': site.port },
  });
  log(`  https://download.electrum.org${path} → 127.0.0.1:${site.port} via proxy ${proxy.url}`);
  const env = proxiedEnv(proxy.url, pki.caCertPath);
  const curlEnv = proxiedEnv(proxy.url, pki.caCertPath);
  for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'NODE_EXTRA_CA_CERTS']) delete curlEnv[k];
  return {
    fileName,
    fileUrl: `https://download.electrum.org${path}`,
    proxyUrl: proxy.url,
    caCertPath: pki.caCertPath,
    env,
    curlEnv,
    close: async () => {
      await proxy.close();
      await site.close();
    },
  };
}
