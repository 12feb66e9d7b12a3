/** The platform names of `get --platform` (no imports: the CLI loads this at start-up for its --help). */
export const PLATFORMS = [
  'appimage',
  'windows-setup',
  'windows-portable',
  'windows',
  'macos',
  'source',
  'sourceonly',
  'android-arm64',
  'android-armv7',
  'android-x86_64',
] as const;
export type Platform = (typeof PLATFORMS)[number];
