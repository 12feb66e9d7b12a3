/**
 * The default dispatcher: undici's EnvHttpProxyAgent, which honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either
 * case). Loaded lazily so `--help` never pays for undici.
 *
 * Only the undici modules needed are loaded (EnvHttpProxyAgent, Dispatcher, the request API), not undici's index,
 * which also builds fetch, WebSocket and mocks (BENCHMARKS.md has the cost). The index's one side effect, the
 * request API on Dispatcher's prototype, is repeated by `loadEnvHttpProxyAgent` with the same functions. undici is
 * pinned exactly; test/net/imports.test.ts fails when an update moves these modules (downloads would fail, never pass).
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
