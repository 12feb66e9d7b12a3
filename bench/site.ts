/**
 * The download case's loopback site: a fake download.electrum.org over real TLS (test/support/servers.ts, with a
 * certificate from the throw-away CA of test/support/tls.ts), reached through a loopback CONNECT proxy, so that the
 * URL is the real https://download.electrum.org/… one for both electrum-verify and curl.
 */
import { readFile } from 'node:fs/promises';
import { startConnectProxy, startFakeElectrumServer, proxiedEnv } from '../test/support/servers.js';
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

export async function startLoopbackSite(file: DataFile, log: (s: string) => void): Promise<LoopbackSite> {
  const pki = await getTestPki();
  const fileName = `Electrum-${DOWNLOAD_VERSION}.tar.gz`;
  const path = `/${DOWNLOAD_VERSION}/${fileName}`;
  const body = await readFile(file.path);
  const asc = await readFile(file.sig5);
  const site = await startFakeElectrumServer({ routes: { [path]: body, [`${path}.asc`]: asc } }, pki);
  const proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port, 'electrum.org': site.port, 'www.electrum.org': site.port } });
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
