/** Naming characters for people: which script a letter comes from and how to show it in a reason. */

export const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
export const MARK = /\p{M}/u;

const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Cherokee',
  'Georgian',
  'Coptic',
  'Lisu',
  'Canadian_Aboriginal',
] as const;
const SCRIPT_RE = SCRIPTS.map((name) => [name.replace('_', ' '), new RegExp(`\\p{Script=${name}}`, 'u')] as const);

/** The script of a letter ('Latin', 'Cyrillic', …), 'other' for a letter of any other script, null for a non-letter. */
export function scriptOf(ch: string): string | null {
  if (!/\p{L}/u.test(ch)) return null;
  for (const [name, re] of SCRIPT_RE) if (re.test(ch)) return name;
  return 'other';
}

export function codePointLabel(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function kindOf(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 0xff01 && cp <= 0xff5e) return 'full-width';
  if (cp >= 0x1d400 && cp <= 0x1d7ff) return 'mathematical';
  if (cp >= 0x2460 && cp <= 0x24ff) return 'circled';
  const script = scriptOf(ch);
  if (script !== null && script !== 'Latin' && script !== 'other') return script;
  if (MARK.test(ch.normalize('NFD'))) return 'accented';
  if (ch.normalize('NFKD') !== ch) return 'look-alike';
  return script ?? 'Unicode';
}

/** Characters better known by name than by script. */
const INVISIBLE_NAMES: Record<string, string> = {
  '\u00ad': 'invisible soft hyphen',
  '\u200b': 'invisible zero-width space',
  '\u200c': 'invisible zero-width non-joiner',
  '\u200d': 'invisible zero-width joiner',
  '\u2060': 'invisible word joiner',
  '\ufeff': 'invisible zero-width no-break space',
  '\u202e': 'invisible right-to-left override',
  '\u202d': 'invisible left-to-right override',
};
const VISIBLE_NAMES: Record<string, string> = {
  '\u3002': 'ideographic full stop',
  '\uff61': 'half-width ideographic full stop',
  '\uff0e': 'full-width full stop',
  '\u2024': 'one dot leader',
};

/** `Cyrillic "е" (U+0435)`, `capital "I"`, `digit "1"`, `invisible zero-width space (U+200B)`. */
export function describeChar(ch: string): string {
  const invisible = INVISIBLE_NAMES[ch];
  if (invisible !== undefined) return `${invisible} (${codePointLabel(ch)})`;
  const visible = VISIBLE_NAMES[ch];
  if (visible !== undefined) return `${visible} "${ch}" (${codePointLabel(ch)})`;
  if (IGNORABLE.test(ch)) return `invisible character ${codePointLabel(ch)}`;
  if (MARK.test(ch)) return `combining mark ${codePointLabel(ch)}`;
  if (/^[0-9]$/.test(ch)) return `digit "${ch}"`;
  if (/^[A-Z]$/.test(ch)) return `capital "${ch}"`;
  if (/^[\x21-\x7e]$/.test(ch)) return `"${ch}"`;
  return `${kindOf(ch)} "${ch}" (${codePointLabel(ch)})`;
}

/** One character as describeChar does; several as one quoted run, with code points if any is not plain ASCII. */
export function describeText(text: string): string {
  const chars = Array.from(text);
  const [only] = chars;
  if (chars.length === 1 && only !== undefined) return describeChar(only);
  if (/^[\x21-\x7e]*$/.test(text)) return `"${text}"`;
  const kinds = new Set(chars.map(kindOf));
  const [kind] = kinds;
  if (kinds.size === 1 && kind !== undefined && kind !== 'Unicode') return `${kind} "${text}"`;
  return `"${text}" (${chars.map(codePointLabel).join(' ')})`;
}

/** Lower-cases ASCII letters only: the case folding the URL parser applies to a host without other changes. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
