/**
 * Which proxy a request goes through, read from the environment exactly as undici's EnvHttpProxyAgent reads it
 * (https: `https_proxy` ?? `HTTPS_PROXY`, falling back to the http proxy; http: `http_proxy` ?? `HTTP_PROXY`;
 * NO_PROXY exempts hosts), so that messages can name the proxy and the variable it came from instead of the
 * target host. Pure; nothing here connects.
 */
import { VerifyError } from '../errors.js';

export interface ProxySetting {
  /** The variable's name as set: HTTPS_PROXY, https_proxy, HTTP_PROXY or http_proxy. */
  variable: string;
  value: string;
}

function firstSet(env: NodeJS.ProcessEnv, names: readonly string[]): ProxySetting | null {
  for (const variable of names) {
    const value = env[variable];
    if (value !== undefined) return value ? { variable, value } : null; // undici: `??`, then a falsy value means "none"
  }
  return null;
}

function exempt(host: string, env: NodeJS.ProcessEnv): boolean {
  const list = (env.no_proxy ?? env.NO_PROXY ?? '').split(/[,\s]+/).filter(Boolean);
  return list.some((entry) => {
    if (entry === '*') return true;
    const bare = entry
      .replace(/^\*?\./, '')
      .replace(/:\d+$/, '')
      .toLowerCase();
    return host === bare || host.endsWith(`.${bare}`);
  });
}

/** The proxy that a request to `url` uses, or null for a direct connection. */
export function proxyFor(url: string, env: NodeJS.ProcessEnv = process.env): ProxySetting | null {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  if (exempt(target.hostname.toLowerCase(), env)) return null;
  const http = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  if (target.protocol === 'http:') return http;
  return firstSet(env, ['https_proxy', 'HTTPS_PROXY']) ?? http;
}

/** Every proxy variable that is set must be a URL undici can use (http:// or https://, a host): else USAGE, naming it. */
export function checkProxyEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  for (const variable of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) {
    const value = env[variable];
    if (!value) continue;
    let parsed: URL | null;
    try {
      parsed = new URL(value);
    } catch {
      parsed = null;
    }
    if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
      throw new VerifyError('USAGE', `${variable}=${JSON.stringify(value)} is not a proxy URL`, {
        hint: /^[\w.-]+(:\d+)?\/?$/.test(value)
          ? `Give the scheme too: ${variable}=http://${value} (curl assumes http:// when it is missing), or unset it.`
          : `Set it to the proxy's address with its scheme, e.g. ${variable}=http://proxy.example:3128, or unset it.`,
      });
    }
  }
}

/** "HTTPS_PROXY=http://proxy.example:3128" for messages (credentials in the URL are hidden). */
export function describeProxy(p: ProxySetting): string {
  let shown = p.value;
  try {
    const u = new URL(p.value);
    if (u.username || u.password) {
      u.username = u.username ? '***' : '';
      u.password = u.password ? '***' : '';
      shown = u.href.replace(/\/$/, '');
    }
  } catch {
    // shown as given
  }
  return `${p.variable}=${shown}`;
}
