/**
 * Every link and bare domain name in a pasted message, in order: URLs with a scheme, Markdown `[text](url)`,
 * HTML `<a href="url">text</a>`, bare names such as `electrum-update.org/download`, and the defanged forms
 * security write-ups use (`hxxps://`, `electrum[.]org`, `[:]//`). The target is what a click (or a person
 * re-typing the name) would open; `text` is what the reader sees when that differs: the link text of a
 * Markdown/HTML link, or the name as written for a defanged or bare one. A bare name is judged as the https
 * site it names.
 */
import { parseDomain } from './domain.js';
import { judgeUrl } from './origin.js';

export interface ExtractedLink {
  text: string | null;
  target: string;
}

const NAME = String.raw`[\p{L}\p{N}\p{M}\p{Cf}]`;
const DOT = String.raw`(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|。|．|｡)`;
const URL_TAIL = String.raw`[^\s<>"'\x60]`;

const MARKDOWN = /!?\[([^\]\n]{0,500})\]\(\s*<?([^)\s<>]+)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/gu;
const HTML_ANCHOR = /<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))[^>]*>([\s\S]{0,2000}?)<\/a\s*>/giu;
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/giu;
const SCHEME_URL = new RegExp(
  String.raw`(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*(?::\/\/|\[:\]\/\/|\[:\/\/\])${URL_TAIL}+`,
  'gu',
);
const OPAQUE_URL = new RegExp(String.raw`(?<![A-Za-z0-9+.-])(?:javascript|vbscript|data|file):${URL_TAIL}+`, 'giu');
const BARE = new RegExp(
  String.raw`(?<![\p{L}\p{N}\p{M}\p{Cf}_.\/\\-])(?:[\p{L}\p{N}\p{M}\p{Cf}-]+${DOT})+(?:xn--[A-Za-z0-9-]+|\p{L}{2,})(?!${NAME}|-)(?::\d{1,5})?(?:[/?#]${URL_TAIL}*)?`,
  'gu',
);

interface Match {
  start: number;
  end: number;
  link: ExtractedLink;
}

/** Undo defanging: hxxp → http, [.] → ., [:] → :. */
export function refang(s: string): string {
  return s
    .replace(/^h[xX]{2}p/i, 'http')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[:\]/g, ':');
}

/** Prose punctuation after a link is not part of it; a closing bracket is, if the link opened one. */
function trimTrailing(s: string): string {
  let out = s;
  for (;;) {
    const last = out.slice(-1);
    const unbalanced = (open: string, close: string): boolean =>
      last === close && out.split(close).length > out.split(open).length;
    const punctuation = last !== '' && '.,;:!?*_~\'"'.includes(last);
    if (!punctuation && !unbalanced('(', ')') && !unbalanced('[', ']') && !unbalanced('{', '}')) return out;
    out = out.slice(0, -1);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function visible(s: string): string | null {
  const t = s.replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}

/** A link target as a browser would take it, with a scheme-less domain read as https. */
function normaliseTarget(raw: string): string {
  const target = refang(raw.trim());
  if (target.startsWith('//')) return `https:${target}`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(target) && /^[^\s/?#:]+\.[^\s/?#:]+/.test(target)) return `https://${target}`;
  return target;
}

/**
 * Whether a bare name is worth judging as a domain. Release file names ("electrum-4.8.1.tar.gz") have
 * all-digit labels, which host names practically never do; other names count if their suffix is a real one
 * or if they imitate the official site anyway ("electrum.ogr").
 */
function isDomainLike(written: string, target: string): boolean {
  let host: string;
  try {
    host = new URL(target).hostname;
  } catch {
    return true;
  }
  if (
    refang(written)
      .split(/[/?#:]/, 1)[0]
      ?.split('.')
      .some((label) => /^\d+$/.test(label))
  )
    return false;
  if (parseDomain(host).isIcann === true) return true;
  return judgeUrl(target).verdict !== 'untrusted';
}

/**
 * Record each match of `re` that does not overlap one already taken. With `trim`, prose punctuation at the end
 * of the match is not part of it.
 */
function collect(
  re: RegExp,
  text: string,
  taken: Match[],
  toLink: (m: RegExpMatchArray, matched: string) => ExtractedLink | null,
  trim = false,
): void {
  for (const m of text.matchAll(re)) {
    const start = m.index ?? 0;
    const matched = trim ? trimTrailing(m[0]) : m[0];
    const end = start + matched.length;
    if (taken.some((t) => start < t.end && t.start < end)) continue;
    const link = toLink(m, matched);
    if (link !== null) taken.push({ start, end, link });
  }
}

export function extractLinks(text: string): ExtractedLink[] {
  const taken: Match[] = [];
  const href = (m: RegExpMatchArray): string => normaliseTarget(decodeEntities(m[1] ?? m[2] ?? m[3] ?? ''));
  collect(MARKDOWN, text, taken, (m) => ({ text: visible(m[1] ?? ''), target: normaliseTarget(m[2] ?? '') }));
  collect(HTML_ANCHOR, text, taken, (m) => ({
    text: visible(decodeEntities((m[4] ?? '').replace(/<[^>]*>/g, ' '))),
    target: href(m),
  }));
  collect(HREF, text, taken, (m) => ({ text: null, target: href(m) }));
  const asWritten =
    (bare: boolean) =>
    (_m: RegExpMatchArray, written: string): ExtractedLink | null => {
      const target = bare ? `https://${refang(written)}` : refang(written);
      if (bare && !isDomainLike(written, target)) return null;
      return { text: written === target ? null : written, target };
    };
  collect(SCHEME_URL, text, taken, asWritten(false), true);
  collect(OPAQUE_URL, text, taken, asWritten(false), true);
  collect(BARE, text, taken, asWritten(true), true);
  return taken.sort((a, b) => a.start - b.start).map((t) => t.link);
}
