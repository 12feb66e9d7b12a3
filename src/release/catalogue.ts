/**
 * The release catalogue: Electrum's real download file names (2.5.2 → today), where each one and its
 * signatures live on download.electrum.org, and the version policy.
 *
 * Sources: ../shared/notes/electrum-release.md §2 (contrib/make_download, the download-page templates).
 * Everything here is pure and total: hostile input gives null (or a VerifyError where documented), never a crash.
 */
import { VerifyError } from '../errors.js';
import { VERSION_PATTERN, atLeast, compareParsed, parseVersion, type Version } from './version.js';

export { compareVersions } from './version.js';

export type ArtifactKind =
  'tarball' | 'sourceonly' | 'zip' | 'appimage' | 'dmg' | 'exe' | 'setup-exe' | 'portable-exe' | 'apk';

export interface Artifact {
  name: string;
  /** The release version (the download directory). For an APK parsed from its name alone: its numeric X.Y.Z. */
  version: string;
  kind: ArtifactKind;
}

export const OFFICIAL_DOWNLOAD_HOST = 'download.electrum.org';
const DOWNLOAD_BASE = `https://${OFFICIAL_DOWNLOAD_HOST}/`;

/** Human summary of the accepted names, for hints. */
export const SUPPORTED_NAMES_HINT =
  'Recognised names: Electrum-V.tar.gz, Electrum-sourceonly-V.tar.gz (4.3.1+), Electrum-V.zip (up to 3.3.8), ' +
  'electrum-V-x86_64.AppImage (3.3.4+), electrum-V.dmg, electrum-V.exe, electrum-V-setup.exe, ' +
  'electrum-V-portable.exe, Electrum-A-release.apk (3.x), Electrum-A-{arm64-v8a,armeabi-v7a,x86_64}-release.apk (4.x). ' +
  'For any other file, pass its signature with --signature.';

/** The first release with the /<version>/ download directory (commit 69d983fc, Oct 2015). */
const FIRST_VERSIONED = '2.5.2';
const MAX_NAME_LENGTH = 100;
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

interface DesktopPattern {
  kind: Exclude<ArtifactKind, 'apk'>;
  re: RegExp;
  since?: string;
  /** last version (inclusive) */
  until?: string;
}

const V = `(${VERSION_PATTERN})`;
const DESKTOP: readonly DesktopPattern[] = [
  { kind: 'sourceonly', re: new RegExp(`^Electrum-sourceonly-${V}\\.tar\\.gz$`), since: '4.3.1' },
  { kind: 'tarball', re: new RegExp(`^Electrum-${V}\\.tar\\.gz$`) },
  { kind: 'zip', re: new RegExp(`^Electrum-${V}\\.zip$`), until: '3.3.8' },
  { kind: 'appimage', re: new RegExp(`^electrum-${V}-x86_64\\.AppImage$`), since: '3.3.4' },
  { kind: 'dmg', re: new RegExp(`^electrum-${V}\\.dmg$`) },
  { kind: 'setup-exe', re: new RegExp(`^electrum-${V}-setup\\.exe$`) },
  { kind: 'portable-exe', re: new RegExp(`^electrum-${V}-portable\\.exe$`) },
  { kind: 'exe', re: new RegExp(`^electrum-${V}\\.exe$`) },
];

const APK_NUM = '(?:0|[1-9][0-9]{0,3})';
const APK_VERSION = `(${APK_NUM}\\.${APK_NUM}\\.${APK_NUM}(?:\\.${APK_NUM})?)`;
const APK_SINGLE = new RegExp(`^Electrum-${APK_VERSION}-release\\.apk$`);
const APK_SPLIT = new RegExp(`^Electrum-${APK_VERSION}-(arm64-v8a|armeabi-v7a|x86_64)-release\\.apk$`);

function numericBase(v: Version): string {
  return `${v.parts[0]}.${v.parts[1]}.${v.parts[2]}`;
}

/** Versions that exist in the versioned-directory era. Two-component versions were used only in 2.x and 3.x. */
function releaseVersionOk(v: Version): boolean {
  if (v.components > 3) return false;
  if (v.components === 2 && v.parts[0] > 3) return false;
  return atLeast(v, FIRST_VERSIONED);
}

function inEra(v: Version, since?: string, until?: string): boolean {
  if (since !== undefined && !atLeast(v, since)) return false;
  if (until !== undefined && compareParsed(v, parseVersion(until) as Version) > 0) return false;
  return true;
}

/**
 * Android names.
 * - 3.x (and 4.0.x, whose page still linked it): `Electrum-X.Y.Z.0-release.apk`, one APK for all architectures.
 * - 4.x: `Electrum-A-<abi>-release.apk`, A = X.Y.Z.N before 4.5.6, A = X.Y.Z from 4.5.6 on; x86_64 from 4.4.0.
 * Betas' APKs carry the numeric version, so the name alone gives X.Y.Z (see artifactFromUrl for beta directories).
 */
function parseApk(name: string): Artifact | null {
  const single = APK_SINGLE.exec(name);
  if (single !== null) {
    const a = parseVersion(single[1] as string);
    if (a === null || a.components !== 4 || a.parts[3] !== 0) return null;
    const base = parseVersion(numericBase(a)) as Version;
    if (!inEra(base, '3.0.0') || atLeast(base, '4.1.0')) return null;
    return { name, version: numericBase(a), kind: 'apk' };
  }
  const split = APK_SPLIT.exec(name);
  if (split === null) return null;
  const a = parseVersion(split[1] as string);
  if (a === null) return null;
  const abi = split[2] as string;
  const base = parseVersion(numericBase(a)) as Version;
  if (!atLeast(base, '4.0.0')) return null;
  if (abi === 'x86_64' && !atLeast(base, '4.4.0')) return null;
  const fourth = atLeast(base, '4.5.6') ? 3 : 4;
  if (a.components !== fourth) return null;
  return { name, version: numericBase(a), kind: 'apk' };
}

/**
 * Recognise an official Electrum release file name. Strict: exact case, only names that existed in that
 * version's era, a bare file name (no path), at most 100 characters. Anything else → null.
 */
export function parseArtifactName(name: string): Artifact | null {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) return null;
  if (!SAFE_NAME.test(name)) return null;
  if (name.endsWith('.apk')) return parseApk(name);
  for (const p of DESKTOP) {
    const m = p.re.exec(name);
    if (m === null) continue;
    const v = parseVersion(m[1] as string);
    if (v === null || !releaseVersionOk(v) || !inEra(v, p.since, p.until)) return null;
    return { name, version: m[1] as string, kind: p.kind };
  }
  return null;
}

/** https://download.electrum.org/<version>/<name> */
export function officialFileUrl(a: Artifact): string {
  return `${DOWNLOAD_BASE}${a.version}/${a.name}`;
}

/**
 * Where the signatures of `a` live. `aggregate` is `<file>.asc` (one block per signer from 4.2.0 on).
 * For 4.1.3–4.1.5 the per-signer files (`<file>.<signer>.asc`) are the real evidence: the aggregate may be
 * missing or hold ThomasV alone, so both are read and merged where they exist. `SomberNight` is the name 4.1.3's
 * page linked first (the signer was renamed sombernight_releasekey the same day, electrum-web 6a0b00b).
 * Empty for every other version.
 */
/** The per-signer file suffixes of 4.1.3–4.1.5, in the order they are merged. */
export const PER_SIGNER_FILE_NAMES: readonly string[] = Object.freeze([
  'ThomasV',
  'sombernight_releasekey',
  'SomberNight',
  'Emzy',
]);

export function signatureUrls(a: Artifact): { aggregate: string; perSigner: Array<{ signer: string; url: string }> } {
  const file = officialFileUrl(a);
  const v = parseVersion(a.version);
  const perSigner: Array<{ signer: string; url: string }> = [];
  if (v !== null && atLeast(v, '4.1.3') && !atLeast(v, '4.1.6')) {
    for (const signer of PER_SIGNER_FILE_NAMES) {
      perSigner.push({ signer, url: `${file}.${signer}.asc` });
    }
  }
  return { aggregate: `${file}.asc`, perSigner };
}

/**
 * How many signers the first release required: 2 from 4.1.3 on, else 1 (also unknown versions).
 * @deprecated since 0.1.0: verify() applies Electrum's own signer policy (trust/signer-policy.ts:
 * signerRequirement — ThomasV and sombernight_releasekey by name from 4.1.3, ThomasV before). Kept for the
 * library API's semver; it equals `signerRequirement(version, {trust: 'pinned'}).required` for known versions.
 */
export function defaultMinSigners(version: string | null): number {
  if (version === null) return 1;
  const v = parseVersion(version);
  return v !== null && atLeast(v, '4.1.3') ? 2 : 1;
}

/** Version policy: releases before 3.3.4 are refused (exit 5) even when authentic. */
export function vulnerableReason(version: string): string | null {
  const v = parseVersion(version);
  if (v === null || atLeast(v, '3.3.4')) return null;
  return (
    `Electrum ${version} is older than 3.3.4: those versions displayed messages from malicious servers, which ` +
    'were used in the December 2018 phishing attacks ("security update required" links to fake Electrum builds ' +
    'that stole coins), and versions before 3.3 can no longer connect to the network. ' +
    'Do not run it: get the current release from https://electrum.org/#download and verify it.'
  );
}

function decodeSegment(seg: string): string {
  let out: string;
  try {
    out = decodeURIComponent(seg);
  } catch {
    throw new VerifyError('SOURCE_INVALID', 'The URL path contains a malformed %-escape.', {
      hint: 'Copy the link again from https://electrum.org/#download.',
    });
  }
  // An escaped separator or control character in a path segment is never part of a real download link.
  if (/[/\\\u0000-\u001f\u007f]/.test(out)) {
    throw new VerifyError('SOURCE_INVALID', 'The URL path hides a path separator or control character in an escape.', {
      hint: 'Copy the link again from https://electrum.org/#download.',
    });
  }
  return out;
}

function directoryAgrees(dir: string, a: Artifact): boolean {
  if (a.kind !== 'apk') return dir === a.version;
  // APKs: the numeric APK version; a beta's directory (4.6.0b1) holds APKs named with its numeric version.
  const d = parseVersion(dir);
  return d !== null && d.components === 3 && numericBase(d) === a.version;
}

/**
 * The artifact a URL points at, or null if its file name is not a recognised release name.
 * Mix-and-match guard: on download.electrum.org the path must be exactly /<version>/<file> with the directory
 * equal to the file name's version; on other (mirror) hosts every path segment that looks like a version must
 * agree with it. Disagreement throws VerifyError('ARTIFACT_UNRECOGNISED'); a hidden separator in an escape
 * throws VerifyError('SOURCE_INVALID'). The returned version is the directory's (e.g. 4.6.0b1 for a beta's APK).
 */
export function artifactFromUrl(url: URL): Artifact | null {
  const segments = url.pathname.split('/').slice(1).map(decodeSegment);
  const name = segments[segments.length - 1] ?? '';
  const parsed = parseArtifactName(name);
  if (parsed === null) return null;
  const dirs = segments.slice(0, -1);
  const official = url.hostname.toLowerCase() === OFFICIAL_DOWNLOAD_HOST;
  const mismatch = (detail: string): VerifyError =>
    new VerifyError('ARTIFACT_UNRECOGNISED', `${name}: ${detail}`, {
      hint: `Official release files live at ${DOWNLOAD_BASE}<version>/<file>, in the directory of their own version.`,
    });

  if (official) {
    const [dir] = dirs;
    if (dirs.length !== 1 || dir === undefined || parseVersion(dir) === null) {
      throw mismatch(`not at the official location ${DOWNLOAD_BASE}<version>/${name}.`);
    }
    if (!directoryAgrees(dir, parsed)) {
      throw mismatch(
        `the version directory "${dir}" does not match the file name's version ${parsed.version} (a file from one release presented as another).`,
      );
    }
    return { ...parsed, version: dir };
  }
  let version = parsed.version;
  for (const dir of dirs) {
    if (parseVersion(dir) === null) continue;
    if (!directoryAgrees(dir, parsed)) {
      throw mismatch(
        `the path's version "${dir}" does not match the file name's version ${parsed.version} (a file from one release presented as another).`,
      );
    }
    version = dir;
  }
  return { ...parsed, version };
}
