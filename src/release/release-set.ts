/**
 * The set of files Electrum publishes for one version, derived from the release catalogue (catalogue.ts): every
 * kind of file whose name the catalogue accepts for that version's era (../shared/notes/electrum-release.md §2.2).
 * Pure: no I/O. Used by `verify-release` to say which files of a folder belong to the release, which are
 * missing, and which are strangers.
 */
import { VerifyError } from '../errors.js';
import { parseArtifactName, type Artifact, type ArtifactKind } from './catalogue.js';
import { atLeast, parseVersion } from './version.js';

export interface ReleaseMember {
  /** The file name to download (and the usual name in a folder). */
  name: string;
  kind: ArtifactKind;
  /**
   * Android files only: the ABI ('universal' for the single 3.x APK). Before 4.5.6 an APK's name carries a build
   * number (X.Y.Z.N) that is not derivable from the version; `name` uses the usual one and `matches` accepts any.
   */
  abi?: string;
  /** Not every release of the era had it (e.g. 4.0.x's single APK): never "missing", even with --require-all. */
  optional: boolean;
}

export interface ReleaseSet {
  version: string;
  members: ReleaseMember[];
}

/** How a file found in a release folder relates to the release. */
export type FolderEntry =
  | { kind: 'member'; member: ReleaseMember; artifact: Artifact }
  | { kind: 'signature'; of: string }
  | { kind: 'other-version'; artifact: Artifact }
  | { kind: 'stranger' };

const FIRST_VERSIONED = '2.5.2';
/** APK build numbers that were not 0 (APK_VERSION in electrum/version.py). */
const APK_BUILD: Readonly<Record<string, number>> = { '4.5.0': 1 };

const DESKTOP_NAMES: ReadonlyArray<[ArtifactKind, (v: string) => string]> = [
  ['tarball', (v) => `Electrum-${v}.tar.gz`],
  ['sourceonly', (v) => `Electrum-sourceonly-${v}.tar.gz`],
  ['zip', (v) => `Electrum-${v}.zip`],
  ['appimage', (v) => `electrum-${v}-x86_64.AppImage`],
  ['dmg', (v) => `electrum-${v}.dmg`],
  ['exe', (v) => `electrum-${v}.exe`],
  ['setup-exe', (v) => `electrum-${v}-setup.exe`],
  ['portable-exe', (v) => `electrum-${v}-portable.exe`],
];

function usage(version: string, why: string): VerifyError {
  return new VerifyError('USAGE', `"${version.slice(0, 40)}" ${why}`, {
    hint: 'Give a release version as Electrum writes it, e.g. 4.5.8 or 4.6.0b1 (the folder name on download.electrum.org).',
  });
}

/** The files of `version`. Throws VerifyError('USAGE') for a string that is not a version of the versioned-download era. */
export function releaseSet(version: string): ReleaseSet {
  const v = parseVersion(version);
  if (v === null) throw usage(version, 'is not an Electrum version number');
  if (!atLeast(v, FIRST_VERSIONED))
    throw usage(version, `is older than ${FIRST_VERSIONED}, the first release published in a /<version>/ folder`);
  const members: ReleaseMember[] = [];
  for (const [kind, make] of DESKTOP_NAMES) {
    const name = make(version);
    const a = parseArtifactName(name);
    if (a !== null && a.kind === kind && a.version === version) members.push({ name, kind, optional: false });
  }
  if (members.length === 0) throw usage(version, 'is not the version of any release file Electrum published');
  // Android: the numeric X.Y.Z (betas' APKs carry it too).
  const base = `${v.parts[0]}.${v.parts[1]}.${v.parts[2]}`;
  const build = `${base}.${APK_BUILD[base] ?? 0}`;
  const apk = (name: string, abi: string, optional: boolean): void => {
    if (parseArtifactName(name)?.kind === 'apk') members.push({ name, kind: 'apk', abi, optional });
  };
  const baseV = parseVersion(base)!;
  if (atLeast(baseV, '3.0.0') && !atLeast(baseV, '4.0.0'))
    apk(`Electrum-${build}-release.apk`, 'universal', !atLeast(baseV, '3.2.0'));
  if (atLeast(baseV, '4.0.0') && !atLeast(baseV, '4.1.0')) apk(`Electrum-${build}-release.apk`, 'universal', true);
  const tag = atLeast(baseV, '4.5.6') ? base : build;
  for (const abi of ['arm64-v8a', 'armeabi-v7a', 'x86_64']) apk(`Electrum-${tag}-${abi}-release.apk`, abi, false);
  return { version, members };
}

/** The numeric X.Y.Z of an APK name (with any build number), or null. */
function apkAbi(name: string): string | null {
  const m = /-(arm64-v8a|armeabi-v7a|x86_64)-release\.apk$/.exec(name);
  return m ? (m[1] as string) : /^Electrum-[0-9.]+-release\.apk$/.test(name) ? 'universal' : null;
}

/** The member a file name stands for, if it is one of the release's files. */
export function memberFor(set: ReleaseSet, name: string): { member: ReleaseMember; artifact: Artifact } | null {
  const artifact = parseArtifactName(name);
  if (artifact === null) return null;
  const exact = set.members.find((m) => m.name === name);
  if (exact) return { member: exact, artifact };
  if (artifact.kind !== 'apk') return null;
  // An APK with another build number of the same X.Y.Z (e.g. Electrum-4.4.0.1-...): the same slot.
  const v = parseVersion(set.version)!;
  if (artifact.version !== `${v.parts[0]}.${v.parts[1]}.${v.parts[2]}`) return null;
  const abi = apkAbi(name);
  const member = set.members.find((m) => m.kind === 'apk' && m.abi === abi);
  return member ? { member, artifact } : null;
}

/**
 * Classify one file name of a release folder. `.asc` files are signatures (`<file>.asc`, `<file>.<signer>.asc`),
 * never strangers; a release file of another version is reported as such (mix-and-match); anything else is a stranger.
 */
export function classifyFolderEntry(set: ReleaseSet, name: string): FolderEntry {
  if (name.endsWith('.asc')) {
    const stem = name.slice(0, -4);
    const signed = parseArtifactName(stem) !== null ? stem : stem.replace(/\.[A-Za-z0-9_-]+$/, '');
    return { kind: 'signature', of: signed };
  }
  const found = memberFor(set, name);
  if (found) return { kind: 'member', ...found };
  const artifact = parseArtifactName(name);
  if (artifact !== null) return { kind: 'other-version', artifact };
  return { kind: 'stranger' };
}
