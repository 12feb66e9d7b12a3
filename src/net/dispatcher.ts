/**
 * The default dispatcher: undici's EnvHttpProxyAgent, which honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either
 * case). Loaded lazily so `--help` never pays for undici.
 *
 * Only the undici modules needed are loaded: EnvHttpProxyAgent (its agents, clients and TLS connector), the
 * Dispatcher base class and the request API, not undici's index, which also builds fetch, WebSocket, EventSource,
 * caches and mocks: ~26 ms instead of ~60 ms on every download (BENCHMARKS.md). The index does one thing besides
 * exporting: it puts the request API (request, stream, pipeline, upgrade, connect) on Dispatcher's prototype, which
 * undici's own proxy agent needs (`connect`) and so do we (`request`). `loadEnvHttpProxyAgent` does the same, with
 * the same functions. undici is pinned to one version in package.json; test/net/imports.test.ts checks that version,
 * that these modules are the very ones the index uses, and the e2e tests download through them (the CLI never loads
 * the index). If an update moved them, downloads would fail (never pass) until this list is mended.
 *
 * TLS: certificate verification is forced on for direct connections, tunnelled connections and https proxies,
 * so even NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch it off. No `ca` is passed, so Node's default trust store
 * applies, which includes the certificates named by NODE_EXTRA_CA_CERTS.
 */
import type { Dispatcher, EnvHttpProxyAgent } from 'undici';
import { checkProxyEnvironment } from './proxy-env.js';

/** The undici modules loaded (CommonJS: each one's export is its default). */
export const UNDICI_MODULES = {
  envHttpProxyAgent: 'undici/lib/dispatcher/env-http-proxy-agent.js',
  dispatcher: 'undici/lib/dispatcher/dispatcher.js',
  api: 'undici/lib/api/index.js',
} as const;

async function importDefault<T>(specifier: string): Promise<T> {
  return ((await import(specifier)) as { default: T }).default;
}

let loaded: Promise<typeof EnvHttpProxyAgent> | null = null;

/**
 * undici's EnvHttpProxyAgent, ready to use: the request API on Dispatcher's prototype, as undici's index leaves it.
 * Loaded and assigned once per process, as the index does (a caller's later wrapper of `request` is left alone).
 */
export function loadEnvHttpProxyAgent(): Promise<typeof EnvHttpProxyAgent> {
  if (loaded === null) {
    loaded = (async () => {
      const [agent, dispatcher, api] = await Promise.all([
        importDefault<typeof EnvHttpProxyAgent>(UNDICI_MODULES.envHttpProxyAgent),
        importDefault<{ prototype: object }>(UNDICI_MODULES.dispatcher),
        importDefault<Record<string, unknown>>(UNDICI_MODULES.api),
      ]);
      Object.assign(dispatcher.prototype, api); // what undici's index.js does (line 30), with the same functions
      return agent;
    })();
    loaded.catch(() => (loaded = null)); // a failed load is tried again next time
  }
  return loaded;
}

export async function createDefaultDispatcher(timeoutMs: number): Promise<Dispatcher> {
  checkProxyEnvironment(); // a proxy variable undici cannot use is a usage error that names it
  const EnvHttpProxyAgent = await loadEnvHttpProxyAgent();
  return new EnvHttpProxyAgent({
    connect: { timeout: timeoutMs, rejectUnauthorized: true },
    requestTls: { rejectUnauthorized: true },
    proxyTls: { rejectUnauthorized: true },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}
