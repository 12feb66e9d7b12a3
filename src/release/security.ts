/**
 * Releases that carried security fixes, and what that means for an installed (or downloaded) version.
 *
 * Source: ../shared/notes/electrum-release.md §5.3 (Electrum's RELEASE-NOTES and electrum-docs `security_issues/`,
 * GitHub advisories). A version below 3.3.4 is refused outright (catalogue.ts vulnerableReason, exit 5); the rows
 * here describe fixes after that floor, whose severity depends on the features used. Pure; never throws on a
 * string that is not a version (it is simply not older than anything).
 */
import { RELEASE_DATES } from './dates.js';
import { compareParsed, parseVersion, type Version } from './version.js';

export interface SecurityRelease {
  /** The release that carried the fix. */
  version: string;
  /** The first affected version, when the advisory says. */
  affectedFrom?: string;
  summary: string;
  advisories: readonly string[];
}

export const SECURITY_RELEASES: readonly SecurityRelease[] = Object.freeze([
  {
    version: '4.2.2',
    affectedFrom: '2.1',
    summary: 'BIP70 payment requests could open file:// URIs',
    advisories: ['GHSA-4fh4-hx35-r355', 'sec_202206'],
  },
  {
    version: '4.4.0',
    affectedFrom: '4.0.0',
    summary: 'Android: Lightning payment preimages were not validated',
    advisories: ['sec_202306'],
  },
  {
    version: '4.4.6',
    affectedFrom: '4.1.0',
    summary: 'Lightning: partial multi-part payments were accepted',
    advisories: ['GHSA-9gpc-prj9-89x7', 'GHSA-8r85-vp7r-hjxf'],
  },
  { version: '4.7.2', summary: 'two security advisories', advisories: ['GHSA-vw94-r84p-66qf', 'GHSA-q7m2-785w-r585'] },
  { version: '4.8.0', summary: 'SPV verification fix (low severity)', advisories: ['CVE-2012-2459'] },
  { version: '4.8.1', summary: '"important security fixes", details to be disclosed', advisories: [] },
]);

function parsed(text: string): Version | null {
  return parseVersion(text);
}

/** Security releases newer than `version` (and, if given, not newer than `upTo`), oldest first. */
export function securityFixesAfter(version: string, upTo?: string): SecurityRelease[] {
  const v = parsed(version);
  if (v === null) return [];
  const top = upTo === undefined ? null : parsed(upTo);
  return SECURITY_RELEASES.filter((s) => {
    const sv = parsed(s.version) as Version;
    if (compareParsed(sv, v) <= 0) return false;
    if (top !== null && compareParsed(sv, top) > 0) return false;
    if (s.affectedFrom !== undefined && compareParsed(v, parsed(s.affectedFrom) as Version) < 0) return false;
    return true;
  });
}

/** Releases in the tool's release table (no betas) with from < version ≤ to, oldest first. */
export function releasesBetween(from: string, to: string): string[] {
  const a = parsed(from);
  const b = parsed(to);
  if (a === null || b === null) return [];
  const seen = new Set<string>();
  const out: Array<[string, Version]> = [];
  for (const [text] of RELEASE_DATES) {
    const v = parsed(text);
    if (v === null || v.beta !== null || seen.has(text)) continue;
    if (compareParsed(v, a) > 0 && compareParsed(v, b) <= 0) {
      // 3.0 and 3.0.0 are the same release: keep one.
      if (out.some(([, o]) => compareParsed(o, v) === 0)) continue;
      seen.add(text);
      out.push([text, v]);
    }
  }
  return out.sort((x, y) => compareParsed(x[1], y[1])).map(([t]) => t);
}

/** The newest release (no beta) in the tool's release table. */
export function newestKnownRelease(): { version: string; date: string } {
  let best: { version: string; date: string; v: Version } | null = null;
  for (const [text, date] of RELEASE_DATES) {
    const v = parsed(text);
    if (v === null || v.beta !== null) continue;
    if (best === null || compareParsed(v, best.v) > 0) best = { version: text, date, v };
  }
  return { version: (best as { version: string }).version, date: (best as { date: string }).date };
}

/**
 * A warning for an authentic file (verify, get) whose version is older than a release with security fixes, or null.
 * E.g. "Electrum 4.7.1 is older than 4.7.2, 4.8.0, 4.8.1, which carried security fixes (…): prefer the newest release."
 */
export function securityWarning(version: string): string | null {
  const fixes = securityFixesAfter(version);
  if (fixes.length === 0) return null;
  const list = fixes
    .map((f) => `${f.version} (${f.summary}${f.advisories.length ? `; ${f.advisories.join(', ')}` : ''})`)
    .join('; ');
  return `Electrum ${version} is older than ${fixes.length === 1 ? 'a release' : 'releases'} with security fixes: ${list}. Prefer the newest release.`;
}
