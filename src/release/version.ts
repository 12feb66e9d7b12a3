/**
 * Electrum version strings: parsing and ordering.
 *
 * Grammar (what Electrum has used for ELECTRUM_VERSION since 2.5.2, plus APK_VERSION's 4th component):
 *   MAJOR.MINOR[.PATCH[.BUILD]][bN]   numbers without leading zeros, at most 4 digits each.
 * Missing components count as 0, so `3.0` equals `3.0.0`. A beta sorts before its release: `4.6.0b1 < 4.6.0`.
 */
import { VerifyError } from '../errors.js';

export interface Version {
  /** Always four numbers: missing components are 0. */
  readonly parts: readonly [number, number, number, number];
  /** How many numeric components the string had (2, 3 or 4). */
  readonly components: number;
  /** Beta number, or null for a release. */
  readonly beta: number | null;
}

const NUM = '(?:0|[1-9][0-9]{0,3})';
const VERSION_RE = new RegExp(`^(${NUM})\\.(${NUM})(?:\\.(${NUM}))?(?:\\.(${NUM}))?(?:b(${NUM}))?$`);

/** The version grammar as a regex source fragment (no anchors, no groups): reused by the file-name patterns. */
export const VERSION_PATTERN = `${NUM}\\.${NUM}(?:\\.${NUM})?(?:b${NUM})?`;

/** Parse a version string; null when it does not fit the grammar (never throws). */
export function parseVersion(text: string): Version | null {
  if (typeof text !== 'string' || text.length > 40) return null;
  const m = VERSION_RE.exec(text);
  if (m === null) return null;
  const [, a, b, c, d, beta] = m;
  const components = 2 + (c === undefined ? 0 : 1) + (d === undefined ? 0 : 1);
  return {
    parts: [Number(a), Number(b), Number(c ?? 0), Number(d ?? 0)],
    components,
    beta: beta === undefined ? null : Number(beta),
  };
}

function mustParse(text: string): Version {
  const v = parseVersion(text);
  if (v === null) {
    throw new VerifyError('USAGE', `"${String(text).slice(0, 40)}" is not an Electrum version number.`, {
      hint: 'Use a version like 4.5.8, 3.0 or 4.6.0b1.',
    });
  }
  return v;
}

/** Negative if a < b, 0 if equal, positive if a > b. Throws VerifyError('USAGE') for a string that is not a version. */
export function compareParsed(a: Version, b: Version): number {
  for (let i = 0; i < 4; i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  const ba = a.beta ?? Number.POSITIVE_INFINITY;
  const bb = b.beta ?? Number.POSITIVE_INFINITY;
  return ba === bb ? 0 : ba < bb ? -1 : 1;
}

export function compareVersions(a: string, b: string): number {
  return compareParsed(mustParse(a), mustParse(b));
}

/** True if `v` >= `floor` (both valid version strings; `v` may be a Version). */
export function atLeast(v: string | Version, floor: string): boolean {
  const pv = typeof v === 'string' ? mustParse(v) : v;
  return compareParsed(pv, mustParse(floor)) >= 0;
}
