/**
 * The origin policy: one decision for the candidate URL, every redirect hop, a --signature URL and --allow-host.
 *
 * Allowlist first: a URL is official only if it is https, its host is exactly one of OFFICIAL_HOSTS
 * (ASCII case-insensitive, one trailing dot tolerated), it names no port and no userinfo, and its raw text is
 * plain printable ASCII that the WHATWG parser did not have to repair. Everything else is rejected; only then is
 * the rejection classified, first match wins, to say why:
 *
 *   category            verdict     example
 *   insecure-scheme     insecure    http://electrum.org
 *   invalid             invalid     not a URL; data:, javascript:, file:
 *   url-trick           untrusted   https://electrum.org@evil.com/, backslashes, tabs, %-encoded host, a port on an official host
 *   ip-literal          untrusted   https://3232235777/, https://[::1]/
 *   homoglyph           lookalike   https://еlectrum.org (Cyrillic е), https://eIectrum.org, https://electrurn.org
 *   github              github      https://github.com/…, *.githubusercontent.com, *.github.io
 *   embedding           lookalike   https://electrum.org.evil.com, https://download-electrum.org
 *   typosquat           lookalike   https://electrun.org, https://elcetrum.org
 *   tld-swap            lookalike   https://electrum.com, https://electrum.org.es
 *   combosquat          lookalike   https://electrum-update.org, https://getelectrum.net
 *   unlisted-subdomain  untrusted   https://update.electrum.org (Electrum's own domain, so not an impostor, but no release is served there)
 *   untrusted           untrusted   anything else
 *
 * URL tricks and IP literals are 'untrusted', not 'invalid': browsers follow them, and they lead somewhere that is
 * not Electrum. 'invalid' is kept for what is not a usable web address at all.
 *
 * This module must stay cheap to import (no openpgp, no undici): `check-url` start-up time is measured.
 */
import { parseDomain } from './domain.js';
import { combosquatReason, embeddingReason, tldSwapReason, unlistedSubdomainReason, type Domain } from './brand.js';
import { githubReason } from './github.js';
import { displayHost, homoglyphReason } from './homoglyph.js';
import { isOfficialHost, OFFICIAL_HOSTS, ONLY_SOURCE } from './official.js';
import { isIpLiteral, rawAuthority, rawScheme, stripTrailingDot, urlTrickReason } from './raw-url.js';
import { typosquatReason } from './typosquat.js';
import { describeChar, IGNORABLE } from './unicode.js';

export { OFFICIAL_HOSTS } from './official.js';

export type SourceVerdict = 'official' | 'github' | 'lookalike' | 'untrusted' | 'insecure' | 'invalid';

export interface UrlJudgement {
  /** The input as given. */
  url: string;
  /** The parsed host (ASCII/punycode as WHATWG gives it), null if unparseable. */
  host: string | null;
  verdict: SourceVerdict;
  /** Finer class, see the table above. */
  category: string;
  /** A sentence a person understands. */
  reason: string;
}

/**
 * judgeSource's answer. (Spelled with Omit: the intersection `UrlJudgement & { verdict: SourceVerdict | 'mirror' }`
 * narrows `verdict` back to SourceVerdict, so 'mirror' would be unrepresentable.)
 */
export type SourceJudgement = Omit<UrlJudgement, 'verdict'> & { verdict: SourceVerdict | 'mirror' };

const INSECURE_SCHEMES = new Set(['http', 'ftp', 'ws']);

const OFFICIAL_REASON = 'official Electrum site';

interface Classified {
  judgement: UrlJudgement;
  /** https, raw text clean and unrepaired, no userinfo, no port: the shape an approved mirror URL must have too. */
  clean: boolean;
}

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

function domainOf(host: string): Domain {
  // Only letters, digits and hyphens: what tldts refuses then is hyphen placement or length, which browsers accept.
  const p = parseDomain(host, !/^[a-z0-9.-]+$/.test(host));
  const subdomain = p.subdomain ?? '';
  return { host, domain: p.domain, label: p.domainWithoutSuffix, suffix: p.publicSuffix, subdomain };
}

function classify(raw: string): Classified {
  if (typeof raw !== 'string') {
    const value: unknown = raw;
    const kind = kindOf(value);
    return {
      judgement: {
        url: value !== null && (typeof value === 'object' || typeof value === 'function') ? `(${kind})` : String(value),
        host: null,
        verdict: 'invalid',
        category: 'invalid',
        reason: `not a web address: ${kind} was given where a URL (text) was expected`,
      },
      clean: false,
    };
  }
  const verdictOf = (
    verdict: SourceVerdict,
    category: string,
    reason: string,
    host: string | null,
    clean = false,
  ): Classified => ({
    judgement: { url: raw, host, verdict, category, reason },
    clean,
  });

  const scheme = rawScheme(raw);
  const url = parseUrl(raw);
  const parsedHost = url !== null && url.hostname !== '' ? url.hostname : null;
  if (scheme === null)
    return verdictOf(
      'invalid',
      'invalid',
      'not a web address (an official link starts with https://electrum.org)',
      null,
    );
  if (INSECURE_SCHEMES.has(scheme)) {
    return verdictOf(
      'insecure',
      'insecure-scheme',
      `"${scheme}:" is not encrypted, so anyone on the network can swap the download; official links use https://`,
      parsedHost,
    );
  }
  if (scheme !== 'https')
    return verdictOf(
      'invalid',
      'invalid',
      `a "${scheme}:" link is not a download address; official links start with https://electrum.org`,
      parsedHost,
    );
  if (url === null || parsedHost === null)
    return verdictOf('invalid', 'invalid', 'not a valid web address (browsers refuse it)', parsedHost);

  const auth = rawAuthority(raw);
  const host = stripTrailingDot(parsedHost);
  const trick = urlTrickReason(raw, auth, url);
  const ascii = /^[\x21-\x7e]*$/.test(raw);
  const clean =
    trick === null &&
    auth !== null &&
    auth.port === null &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    ascii;

  if (isOfficialHost(host) && clean) return verdictOf('official', 'official', OFFICIAL_REASON, parsedHost, true);
  if (trick !== null || auth === null)
    return verdictOf('untrusted', 'url-trick', trick ?? 'malformed address', parsedHost);
  if (isIpLiteral(host)) {
    const written = stripTrailingDot(auth.host) === host ? '' : `, written as "${auth.host}"`;
    return verdictOf(
      'untrusted',
      'ip-literal',
      `an IP address (${host}${written}) instead of a domain name; ${ONLY_SOURCE}`,
      parsedHost,
      clean && written === '',
    );
  }
  // Unicode that the parser folds into an official host ("ＥＬＥＣＴＲＵＭ.org", "download。electrum。org") is a homoglyph too.
  const homoglyph = homoglyphReason(displayHost(auth.host), auth.host);
  if (homoglyph !== null) return verdictOf('lookalike', 'homoglyph', homoglyph, parsedHost);
  if (isOfficialHost(host)) {
    const reason =
      auth.port === ''
        ? `has a ":" with no port number after ${host}; official links never have one, so this link was altered: type https://${host}/ yourself rather than use it`
        : auth.port !== null
          ? `names port "${auth.port}" after ${host}; official links never name a port`
          : `contains characters outside plain ASCII (${[...new Set(raw.replace(/[\x21-\x7e]/g, ''))].map(describeChar).join(', ')}); official links are plain ASCII`;
    return verdictOf('untrusted', 'url-trick', reason, parsedHost);
  }

  // Invisible characters the parser dropped from the host ("electrum.org\u200b.evil.com") are said beside the reason.
  const hidden = [...new Set(Array.from(auth.host).filter((ch) => IGNORABLE.test(ch)))];
  const also =
    hidden.length === 0 ? '' : `; the address also hides ${hidden.map(describeChar).join(', ')} in the host name`;

  const d = domainOf(host);
  const github = githubReason(host, d.domain, url);
  if (github !== null) return verdictOf('github', 'github', github + also, parsedHost);

  const squats: Array<[string, string | null]> = [
    ['embedding', embeddingReason(d)],
    ['typosquat', d.label === null ? null : typosquatReason(d.label, d.subdomain)],
    ['tld-swap', tldSwapReason(d)],
    ['combosquat', combosquatReason(d)],
  ];
  for (const [category, reason] of squats)
    if (reason !== null) return verdictOf('lookalike', category, reason + also, parsedHost);

  const unlisted = unlistedSubdomainReason(d);
  if (unlisted !== null) return verdictOf('untrusted', 'unlisted-subdomain', unlisted + also, parsedHost);
  return verdictOf(
    'untrusted',
    'untrusted',
    `${host} is not an official Electrum site; ${ONLY_SOURCE}${also}`,
    parsedHost,
    clean,
  );
}

/** What a library caller passed instead of a string, for the reason. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/** `raw` may be anything (the library is called from JavaScript too): a non-string is judged 'invalid'. */
export function judgeUrl(raw: string): UrlJudgement {
  return classify(raw).judgement;
}

/**
 * For --allow-host: an exact host a user wants to approve as a mirror. Refused: anything but a plain host name
 * (no scheme, port, path, userinfo or Unicode — give punycode), the official hosts (already accepted, and naming
 * one suggests a misunderstanding), GitHub, lookalikes of the official names, and unlisted electrum.org hosts
 * (Electrum runs no mirrors there). IP literals are allowed, written canonically: an air-gapped LAN mirror is a
 * legitimate set-up, and the file must still carry valid signatures fetched from the official site.
 */
export function judgeMirrorHost(host: string): { ok: true; host: string } | { ok: false; reason: string } {
  if (typeof host !== 'string' || !/^(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+\.?$|^\[[0-9A-Fa-f:.]+\]$/.test(host)) {
    return {
      ok: false,
      reason:
        'not a plain host name (give only the host, e.g. mirror.example.net: no scheme, port, path or non-ASCII letters)',
    };
  }
  const j = judgeUrl(`https://${host}/`);
  const parsed = j.host === null ? null : stripTrailingDot(j.host);
  if (j.verdict === 'official')
    return {
      ok: false,
      reason: `${parsed} is an official host and is always accepted; --allow-host is only for mirrors`,
    };
  if (j.verdict === 'github')
    return { ok: false, reason: `GitHub hosts can never be approved as mirrors: ${j.reason}` };
  if (j.verdict === 'lookalike')
    return { ok: false, reason: `a lookalike of the official site can never be approved as a mirror: ${j.reason}` };
  if (j.category === 'unlisted-subdomain')
    return {
      ok: false,
      reason: `electrum.org hosts other than ${OFFICIAL_HOSTS.join(', ')} can never be approved as mirrors`,
    };
  if ((j.category !== 'untrusted' && j.category !== 'ip-literal') || parsed === null)
    return { ok: false, reason: j.reason };
  if (stripTrailingDot(host.toLowerCase()) !== parsed) return { ok: false, reason: `write the host as ${parsed}` };
  return { ok: true, host: parsed };
}

/**
 * Every redirect hop and the candidate URL pass this: official, or https with the default port, no userinfo,
 * unrepaired raw text and a host exactly in `mirrors` (compared lower-case) → 'mirror'. Hosts that are GitHub,
 * lookalikes or unlisted electrum.org names are never mirrors, whatever `mirrors` holds. Anything else → the
 * judgeUrl verdict and reason.
 */
export function judgeSource(raw: string, mirrors: ReadonlySet<string>): SourceJudgement {
  const { judgement, clean } = classify(raw);
  if (judgement.verdict === 'official' || !clean || judgement.host === null) return judgement;
  const host = stripTrailingDot(judgement.host);
  const approved = [...mirrors].some((m) => stripTrailingDot(m.toLowerCase()) === host);
  if (!approved) return judgement;
  return {
    ...judgement,
    verdict: 'mirror',
    category: 'mirror',
    reason: `${host} is a mirror approved with --allow-host; the file must still carry valid signatures`,
  };
}
