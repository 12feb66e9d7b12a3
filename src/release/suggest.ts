/**
 * "Which official name does this file look like?" Browsers and download managers rename files
 * (`Electrum-4.5.8 (1).tar.gz`, `electrum-4.5.8.tar.gz`); the tool then cannot tell the release from the name.
 * This only SUGGESTS a name for the message: nothing is ever verified under a name the user did not give.
 */
import { parseArtifactName } from './catalogue.js';

/** Lower-case shapes of Electrum's names → the official spelling ($1 = the version part, kept as written). */
const SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^electrum-sourceonly-(.+)\.tar\.gz$/, 'Electrum-sourceonly-$1.tar.gz'],
  [/^electrum-(.+)\.tar\.gz$/, 'Electrum-$1.tar.gz'],
  [/^electrum-(.+)\.zip$/, 'Electrum-$1.zip'],
  [/^electrum-(.+)-x86_64\.appimage$/, 'electrum-$1-x86_64.AppImage'],
  [/^electrum-(.+)\.dmg$/, 'electrum-$1.dmg'],
  [/^electrum-(.+)-setup\.exe$/, 'electrum-$1-setup.exe'],
  [/^electrum-(.+)-portable\.exe$/, 'electrum-$1-portable.exe'],
  [/^electrum-(.+)\.exe$/, 'electrum-$1.exe'],
  [/^electrum-(.+)-release\.apk$/, 'Electrum-$1-release.apk'],
];

/** Copy markers that browsers and file managers add: "name (1).ext", "name(2).ext", "name - Copy.ext", "name_1.ext". */
function withoutCopyMarkers(name: string): string {
  return name
    .replace(/\s*\(\d{1,3}\)(?=\.[^.]+$|\.tar\.gz$)/i, '')
    .replace(/\s+-\s+copy(?:\s*\(\d{1,3}\))?(?=\.[^.]+$|\.tar\.gz$)/i, '')
    .replace(/ /g, '');
}

/** The official file name `name` most likely was before it was renamed, or null when there is none. */
export function suggestOfficialName(name: string): string | null {
  if (name.length > 200) return null;
  const plain = withoutCopyMarkers(name.normalize('NFC')).toLowerCase();
  for (const [shape, official] of SHAPES) {
    if (!shape.test(plain)) continue;
    const candidate = plain.replace(shape, official);
    if (candidate !== name && parseArtifactName(candidate) !== null) return candidate;
  }
  return null;
}
