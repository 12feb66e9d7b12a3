/**
 * The default dispatcher: undici's EnvHttpProxyAgent, which honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either
 * case). Loaded lazily so `--help` never pays for undici.
 *
 * TLS: certificate verification is forced on for direct connections, tunnelled connections and https proxies,
 * so even NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch it off. No `ca` is passed, so Node's default trust store
 * applies, which includes the certificates named by NODE_EXTRA_CA_CERTS.
 */
import type { Dispatcher } from 'undici';

export async function createDefaultDispatcher(timeoutMs: number): Promise<Dispatcher> {
  const { EnvHttpProxyAgent } = await import('undici');
  return new EnvHttpProxyAgent({
    connect: { timeout: timeoutMs, rejectUnauthorized: true },
    requestTls: { rejectUnauthorized: true },
    proxyTls: { rejectUnauthorized: true },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}
