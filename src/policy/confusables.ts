/**
 * A Unicode TS #39-style confusable skeleton, trimmed to what can imitate the official names
 * (electrum, org, www, download): NFKD, drop default-ignorable code points and combining marks, map each
 * character to its prototype, lower-case, then expand the letters that two ASCII letters imitate
 * (m → rn, w → vv, d → cl), so "electrurn" and "electrum" share a skeleton.
 *
 * The table is a hand-picked slice of confusables.txt plus Chromium's extra Cyrillic map (г т м п ш …);
 * compatibility forms (full-width, mathematical, circled, ℓ, ℯ) need no entry because NFKD already folds them.
 */
import { IGNORABLE, MARK, asciiLower } from './unicode.js';

const LOOKALIKES: Record<string, string> = {
  a: 'аɑαᴀАΑ',
  c: 'сϲᴄСϹᏟҫ',
  d: 'ԁᏧᑯꓒᴅԃđᎠ',
  e: 'еєҽҿᴇЕΕᎬε',
  g: 'ɡցԍɢᏀ',
  i: 'іıɩι',
  l: 'Iӏ|ǀІӀΙ1łƚɫɭʟ',
  m: 'мМΜᴍϻӎ',
  n: 'пոηɴΝ',
  o: '0оοօᴏОΟσø',
  r: 'гᴦʀ',
  t: 'тτᴛТΤᎢŧ',
  u: 'սυᴜʋμ',
  w: 'ԝѡɯաᴡωшᎳԜ',
  '.': '。｡․',
  '-': '‐‑‒–—―−﹣',
};

const PROTOTYPE = new Map<string, string>();
for (const [proto, chars] of Object.entries(LOOKALIKES)) for (const ch of chars) PROTOTYPE.set(ch, proto);

const EXPAND: Record<string, string> = { m: 'rn', w: 'vv', d: 'cl' };

const cache = new Map<string, string>();

/** The skeleton of one code point ('' for invisible characters and combining marks). */
export function prototypeOf(ch: string): string {
  const hit = cache.get(ch);
  if (hit !== undefined) return hit;
  let out = '';
  for (const c of ch.normalize('NFKD')) {
    if (IGNORABLE.test(c) || MARK.test(c)) continue;
    out += PROTOTYPE.get(c) ?? c;
  }
  out = out.toLowerCase().replace(/[mwd]/g, (c) => EXPAND[c] ?? c);
  cache.set(ch, out);
  return out;
}

export function skeleton(s: string): string {
  let out = '';
  for (const ch of s) out += prototypeOf(ch);
  return out;
}

interface Segment {
  text: string;
  proto: string;
}

function segments(s: string): Segment[] {
  return Array.from(s, (text) => ({ text, proto: prototypeOf(text) }));
}

/**
 * If `candidate` is confusable with `official` (equal skeletons), the substitutions that make it differ,
 * as pairs of candidate text and the official text it stands in for (`{ from: 'е', to: 'e' }`, `{ from: 'rn', to: 'm' }`;
 * `to: ''` for an invisible insertion). ASCII case differences are not substitutions. null if not confusable.
 */
export function confusableSubstitutions(
  candidate: string,
  official: string,
): Array<{ from: string; to: string }> | null {
  if (skeleton(candidate) !== skeleton(official)) return null;
  const a = segments(candidate);
  const b = segments(official);
  const subs: Array<{ from: string; to: string }> = [];
  let i = 0;
  let j = 0;
  let adjacent = false;
  while (i < a.length) {
    const first = a[i++] as Segment;
    if (first.proto === '') {
      subs.push({ from: first.text, to: '' });
      continue;
    }
    // Grow a block on both sides until their skeletons end at the same offset.
    let from = first.text;
    let lenA = first.proto.length;
    let to = '';
    let lenB = 0;
    while (lenA !== lenB || to === '') {
      if (lenB < lenA || to === '') {
        const next = b[j++];
        if (next === undefined) return subs;
        to += next.text;
        lenB += next.proto.length;
      } else {
        const next = a[i++];
        if (next === undefined) return subs;
        from += next.text;
        lenA += next.proto.length;
      }
    }
    if (asciiLower(from) === to) {
      adjacent = false;
      continue;
    }
    const last = subs[subs.length - 1];
    // A run of substitutions with nothing official in between is reported as one ("ＥＬＥＣＴＲＵＭ" for "electrum").
    if (adjacent && last !== undefined && last.to !== '') {
      last.from += from;
      last.to += to;
    } else subs.push({ from, to });
    adjacent = true;
  }
  return subs;
}
