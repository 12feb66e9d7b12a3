/**
 * Typosquats of the brand label "electrum": the slips dnstwist enumerates (omission, repetition, transposition,
 * insertion, keyboard-neighbour replacement, bit flip, vowel swap, hyphenation, a dot splitting the name), named
 * so that a person sees what changed. Two plain substitutions are not counted: they mostly turn one word into
 * another ("electron", "spectrum") rather than a slip of the finger.
 */
import { editDistance } from './edit-distance.js';
import { BRAND, OFFICIAL_DOMAIN } from './official.js';

const KEYBOARD_ROWS = ['1234567890-', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

function keyboardNeighbours(a: string, b: string): boolean {
  const pos = (c: string): [number, number] | null => {
    for (const [r, row] of KEYBOARD_ROWS.entries()) if (row.includes(c)) return [r, row.indexOf(c)];
    return null;
  };
  const p = pos(a);
  const q = pos(b);
  if (p === null || q === null) return false;
  const dr = p[0] - q[0];
  const dc = p[1] - q[1];
  // Rows are staggered half a key to the right: a key touches the keys above it at the same and the next column.
  return (
    (dr === 0 && Math.abs(dc) === 1) || (dr === 1 && (dc === 0 || dc === -1)) || (dr === -1 && (dc === 0 || dc === 1))
  );
}

function oneBitApart(a: string, b: string): boolean {
  const x = a.charCodeAt(0) ^ b.charCodeAt(0);
  return x !== 0 && (x & (x - 1)) === 0;
}

const isVowel = (c: string): boolean => 'aeiou'.includes(c);

function describeSubstitution(got: string, want: string): string {
  if (isVowel(got) && isVowel(want)) return `vowel "${got}" in place of "${want}"`;
  if (keyboardNeighbours(got, want)) return `neighbouring key "${got}" in place of "${want}"`;
  if (oneBitApart(got, want)) return `"${got}" in place of "${want}", a one-bit error`;
  return `"${got}" in place of "${want}"`;
}

/** The single edit that turns `brand` into `label` (which is at distance 1 from it). */
function describeOneEdit(label: string, brand: string): string {
  if (label.length < brand.length) {
    for (let k = 0; k < brand.length; k++)
      if (brand.slice(0, k) + brand.slice(k + 1) === label) return `"${brand[k]}" left out`;
  }
  if (label.length > brand.length) {
    for (let k = 0; k < label.length; k++) {
      if (label.slice(0, k) + label.slice(k + 1) !== brand) continue;
      const c = label[k] as string;
      if (c === '-') return 'a hyphen inserted';
      if (c === label[k - 1] || c === label[k + 1]) return `"${c}" doubled`;
      return `extra "${c}" inserted`;
    }
  }
  for (let k = 0; k < brand.length; k++) {
    if (label[k] === brand[k]) continue;
    if (label[k] === brand[k + 1] && label[k + 1] === brand[k]) return `"${brand[k]}" and "${brand[k + 1]}" swapped`;
    return describeSubstitution(label[k] as string, brand[k] as string);
  }
  return 'one character changed';
}

function hamming(a: string, b: string): number {
  let n = 0;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) n++;
  return n;
}

/** Why the registrable label `label` (with `subdomain` in front of it, '' if none) is a typo of the brand, or null. */
export function typosquatReason(label: string, subdomain: string): string | null {
  const lastSub = subdomain.split('.').pop() ?? '';
  if (lastSub !== '' && lastSub + label === BRAND)
    return `lookalike of ${OFFICIAL_DOMAIN}: a dot splits the name ("${lastSub}.${label}")`;
  if (label === BRAND || Math.abs(label.length - BRAND.length) > 2) return null;
  if (label.replace(/-/g, '') === BRAND) return `lookalike of ${OFFICIAL_DOMAIN}: "${label}" has hyphens inserted`;
  const d = editDistance(label, BRAND);
  if (d === 1) return `lookalike of ${OFFICIAL_DOMAIN}: "${label}" has ${describeOneEdit(label, BRAND)}`;
  if (d === 2 && !(label.length === BRAND.length && hamming(label, BRAND) === 2)) {
    return `lookalike of ${OFFICIAL_DOMAIN}: "${label}" is two typing slips away from "${BRAND}"`;
  }
  return null;
}
