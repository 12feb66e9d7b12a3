/**
 * Which release file is "Electrum for this computer": the platform names of `get --platform`, detection from the
 * running OS and CPU, and the file name for a version (Electrum's real names, checked against the catalogue's
 * parser, so a name this module makes is always one `verify` recognises).
 *
 * Android: before 4.5.6 the APK names carried an extra build number (Electrum-4.5.0.1-…) that the version alone
 * does not give, so `get` offers APKs from 4.5.6 on (betas' APKs use the numeric version: not offered either).
 */
import { VerifyError } from '../errors.js';
import { officialFileUrl, parseArtifactName, type Artifact } from './catalogue.js';
import { atLeast, parseVersion } from './version.js';

import { PLATFORMS, type Platform } from './platforms.js';

export { PLATFORMS, type Platform };

const DESCRIPTION: Record<Platform, string> = {
  appimage: 'Linux x86_64 AppImage',
  'windows-setup': 'Windows installer',
  'windows-portable': 'Windows portable',
  windows: 'Windows standalone executable',
  macos: 'macOS disk image',
  source: 'source tarball (Python)',
  sourceonly: 'source-only tarball (no bundled libraries)',
  'android-arm64': 'Android APK, arm64-v8a',
  'android-armv7': 'Android APK, armeabi-v7a',
  'android-x86_64': 'Android APK, x86_64',
};

export function describePlatform(p: Platform): string {
  return DESCRIPTION[p];
}

export function isPlatform(s: string): s is Platform {
  return (PLATFORMS as readonly string[]).includes(s);
}

function candidateName(p: Platform, v: string): string | null {
  switch (p) {
    case 'appimage':
      return `electrum-${v}-x86_64.AppImage`;
    case 'windows-setup':
      return `electrum-${v}-setup.exe`;
    case 'windows-portable':
      return `electrum-${v}-portable.exe`;
    case 'windows':
      return `electrum-${v}.exe`;
    case 'macos':
      return `electrum-${v}.dmg`;
    case 'source':
      return `Electrum-${v}.tar.gz`;
    case 'sourceonly':
      return `Electrum-sourceonly-${v}.tar.gz`;
    case 'android-arm64':
    case 'android-armv7':
    case 'android-x86_64': {
      const parsed = parseVersion(v);
      if (parsed === null || parsed.beta !== null || parsed.components !== 3 || !atLeast(parsed, '4.5.6')) return null;
      const abi = p === 'android-arm64' ? 'arm64-v8a' : p === 'android-armv7' ? 'armeabi-v7a' : 'x86_64';
      return `Electrum-${v}-${abi}-release.apk`;
    }
  }
}

/** The artifact for this platform in release `version`, or null when that release has no such file. */
export function artifactFor(platform: Platform, version: string): Artifact | null {
  const name = candidateName(platform, version);
  if (name === null) return null;
  const a = parseArtifactName(name);
  if (a === null) return null;
  return { ...a, version };
}

/** Every platform's file in release `version`. */
export function filesFor(version: string): Array<{ platform: Platform; name: string }> {
  const out: Array<{ platform: Platform; name: string }> = [];
  for (const p of PLATFORMS) {
    const a = artifactFor(p, version);
    if (a !== null) out.push({ platform: p, name: a.name });
  }
  return out;
}

/** The file for `platform` in `version`, with its official URL; PLATFORM_UNAVAILABLE (listing what exists) if none. */
export function chooseFile(platform: Platform, version: string): { artifact: Artifact; url: string } {
  const a = artifactFor(platform, version);
  if (a !== null) return { artifact: a, url: officialFileUrl(a) };
  const available = filesFor(version);
  const why =
    platform.startsWith('android-') && available.length > 0
      ? ' (get offers APKs from 4.5.6 on: older APK names carry a build number; take the link from https://electrum.org/#download and use verify)'
      : '';
  if (available.length === 0) {
    throw new VerifyError(
      'PLATFORM_UNAVAILABLE',
      `Electrum ${version} has no downloadable files that get knows of (releases before 2.5.2 used another layout).`,
      {
        hint: 'Choose a newer release with --release, or run electrum-verify latest.',
      },
    );
  }
  throw new VerifyError(
    'PLATFORM_UNAVAILABLE',
    `Electrum ${version} has no ${describePlatform(platform)} file${why}. Files in ${version}: ` +
      available.map((f) => `${f.name} (--platform ${f.platform})`).join(', '),
    { hint: 'Choose one of those with --platform.' },
  );
}

/** The platform for the running computer; PLATFORM_UNAVAILABLE when Electrum publishes nothing for it. */
export function detectPlatform(os: string = process.platform, arch: string = process.arch): Platform {
  if (os === 'linux' && arch === 'x64') return 'appimage';
  if (os === 'win32') return 'windows-setup';
  if (os === 'darwin') return 'macos';
  if (os === 'android') {
    if (arch === 'arm64') return 'android-arm64';
    if (arch === 'arm') return 'android-armv7';
    if (arch === 'x64') return 'android-x86_64';
  }
  throw new VerifyError('PLATFORM_UNAVAILABLE', `Electrum publishes no ready-made build for ${os} on ${arch}.`, {
    hint: `Choose a file with --platform (${PLATFORMS.join(', ')}); "source" runs anywhere Python does.`,
  });
}
