/**
 * Network failures as VerifyErrors: one line saying what happened and what to do next.
 * Low-level errors (undici, Node's net/tls) are classified by their code, searched along the `cause` chain.
 */
import { VerifyError } from '../errors.js';
import { formatBytes } from '../format.js';
import { describeProxy, proxyFor } from './proxy-env.js';

// A few names inline: node:http's STATUS_CODES would load the http module at start-up.
const STATUS_TEXT: Record<number, string> = {
  204: 'No Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  410: 'Gone',
  429: 'Too Many Requests',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A response other than 200 (redirects are followed, not reported). Code NETWORK; the caller may refine it. */
export class HttpStatusError extends VerifyError {
  readonly status: number;
  readonly url: string;

  constructor(status: number, url: string) {
    const text = STATUS_TEXT[status] ?? 'unexpected status';
    const next =
      status === 404 || status === 410
        ? 'Check the link: the file does not exist there.'
        : status >= 500
          ? 'The server has a problem; try again later.'
          : 'Check the link, or try again later.';
    super('NETWORK', `${hostOf(url)} answered HTTP ${status} (${text}) for ${url}. ${next}`);
    this.name = 'HttpStatusError';
    this.status = status;
    this.url = url;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

const TLS_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'EPROTO',
]);

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const CLOSED_CODES = new Set([
  'UND_ERR_SOCKET',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNABORTED',
]);

interface Described {
  code: string | undefined;
  message: string;
}

/** Codes and messages along the cause chain (bounded). */
function chain(e: unknown): Described[] {
  const out: Described[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur !== null && cur !== undefined; i++) {
    const obj = cur as { code?: unknown; message?: unknown; cause?: unknown };
    out.push({
      code: typeof obj.code === 'string' ? obj.code : undefined,
      message: typeof obj.message === 'string' ? obj.message : String(cur),
    });
    cur = obj.cause;
  }
  return out;
}

function tlsDetail(code: string, message: string): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH')
    return 'the certificate is for a different name';
  if (code === 'CERT_HAS_EXPIRED') return 'the certificate has expired';
  if (code === 'CERT_NOT_YET_VALID') return 'the certificate is not valid yet (check the system clock)';
  if (code === 'EPROTO') return `the TLS handshake failed (${oneLine(message)})`;
  if (code.startsWith('ERR_SSL_')) return `the TLS handshake failed (${sslReason(code)})`;
  return 'the certificate is not issued by a trusted certificate authority';
}

/** ERR_SSL_WRONG_VERSION_NUMBER → "wrong version number". */
function sslReason(code: string): string {
  return code
    .replace(/^ERR_SSL_/, '')
    .replace(/_/g, ' ')
    .toLowerCase();
}

/** Map any error raised while fetching `url` to a VerifyError (VerifyErrors pass through unchanged). */
export function toNetworkError(e: unknown, url: string): VerifyError {
  if (e instanceof VerifyError) return e;
  const host = hostOf(url);
  const links = chain(e);
  const find = (set: Set<string>): Described | undefined => links.find((l) => l.code !== undefined && set.has(l.code));
  const top = links[0] ?? { code: undefined, message: 'unknown error' };

  const tls = find(TLS_CODES) ?? links.find((l) => l.code?.startsWith('ERR_SSL_') || l.code?.startsWith('ERR_TLS_'));
  const via = proxyFor(url);
  // An https:// proxy URL for a proxy that speaks plain HTTP: the handshake with the PROXY fails, not with the site.
  if (tls?.code === 'ERR_SSL_WRONG_VERSION_NUMBER' && via !== null && /^https:/i.test(via.value)) {
    return new VerifyError(
      'NETWORK',
      `The TLS handshake with the proxy ${describeProxy(via)} failed (wrong version number): the proxy probably speaks plain HTTP, so ${host} could not be reached.`,
      {
        hint: `Most proxies take http:// even for https downloads (the download itself stays end-to-end TLS): set ${describeProxy(via).replace('=https:', '=http:')}`,
        cause: e,
      },
    );
  }
  if (tls !== undefined) {
    return new VerifyError(
      'NETWORK',
      `TLS check failed for ${host}: ${tlsDetail(tls.code ?? '', tls.message)}. The connection may be intercepted; nothing was downloaded. Try again from a trusted network.`,
      {
        hint: 'Certificate verification is never disabled. Behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at its CA certificate.',
        cause: e,
      },
    );
  }
  const timeout = find(TIMEOUT_CODES);
  if (timeout !== undefined) {
    return new VerifyError('TIMEOUT', `${host} did not respond in time. Check your connection, or allow more time.`, {
      cause: e,
    });
  }
  const proxy = links.find(
    (l) => /^Proxy response \((\d+)\)/.test(l.message) || l.message.includes('Proxy Authentication'),
  );
  if (proxy !== undefined) {
    const status = /\((\d+)\)/.exec(proxy.message)?.[1] ?? '?';
    return new VerifyError(
      'NETWORK',
      `The proxy${via ? ` (${describeProxy(via)})` : ''} refused the connection to ${host} (HTTP ${status}). Check the proxy variable and NO_PROXY, or ask your network administrator.`,
      { cause: e },
    );
  }
  // Through a proxy, the client connects to (and resolves) only the proxy: these failures are the proxy's.
  if (via !== null) {
    const failed = links.find(
      (l) =>
        l.code === 'ENOTFOUND' ||
        l.code === 'EAI_AGAIN' ||
        l.code === 'ECONNREFUSED' ||
        l.code === 'EHOSTUNREACH' ||
        l.code === 'ENETUNREACH',
    );
    if (failed !== undefined) {
      const what =
        failed.code === 'ENOTFOUND' || failed.code === 'EAI_AGAIN'
          ? 'could not be resolved'
          : failed.code === 'ECONNREFUSED'
            ? 'refused the connection'
            : 'cannot be reached';
      return new VerifyError('NETWORK', `The proxy ${describeProxy(via)} ${what}, so ${host} could not be reached.`, {
        hint: `Check ${via.variable} (and NO_PROXY), or unset ${via.variable} to connect directly.`,
        cause: e,
      });
    }
  }
  const closed = find(CLOSED_CODES);
  if (closed !== undefined) {
    return new VerifyError(
      'NETWORK',
      `The connection to ${host} was closed before the transfer completed (${oneLine(closed.message)}). Nothing was saved; try again.`,
      { cause: e },
    );
  }
  const refused = links.find((l) => l.code === 'ECONNREFUSED');
  if (refused !== undefined) {
    return new VerifyError(
      'NETWORK',
      `Could not connect to ${host} (connection refused). Check your connection or proxy settings.`,
      { cause: e },
    );
  }
  const dns = links.find((l) => l.code === 'ENOTFOUND' || l.code === 'EAI_AGAIN');
  if (dns !== undefined) {
    return new VerifyError('NETWORK', `Could not resolve ${host}. Check your internet connection or DNS.`, {
      cause: e,
    });
  }
  return new VerifyError(
    'NETWORK',
    `Fetching ${url} failed: ${oneLine(top.message)}. Check your connection and try again.`,
    { cause: e },
  );
}

export function timeoutError(url: string, timeoutMs: number, what: 'response' | 'slow'): VerifyError {
  const secs = Math.round(timeoutMs / 100) / 10;
  return what === 'response'
    ? new VerifyError(
        'TIMEOUT',
        `${hostOf(url)} did not respond within ${secs} s. Check your connection, or allow more time.`,
      )
    : new VerifyError(
        'TIMEOUT',
        `The download from ${hostOf(url)} stalled or slowed below 1 KiB/s for ${secs} s. Nothing was saved; try again later, or allow more time.`,
      );
}

export function tooLargeError(url: string, maxBytes: number, announced: number | null): VerifyError {
  const what = announced === null ? 'sent more than' : `announced ${formatBytes(announced)}, more than`;
  return new VerifyError(
    'TOO_LARGE',
    `${hostOf(url)} ${what} the limit of ${formatBytes(maxBytes)}; the transfer was stopped. A real Electrum file is smaller; if this one is genuinely that large, raise the size limit.`,
  );
}

export function truncatedError(url: string, received: number, expected: number): VerifyError {
  return new VerifyError(
    'NETWORK',
    `The transfer from ${hostOf(url)} ended after ${formatBytes(received)} of ${formatBytes(expected)} (truncated). Nothing was saved; try again.`,
  );
}

export function interruptedError(signal: AbortSignal): VerifyError {
  const reason: unknown = signal.reason;
  if (reason instanceof VerifyError) return reason;
  return new VerifyError('INTERRUPTED', 'Interrupted; nothing was saved.');
}
