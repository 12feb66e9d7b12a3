import { describe, expect, it } from 'vitest';
import {
  artifactFromUrl,
  compareVersions,
  defaultMinSigners,
  officialFileUrl,
  parseArtifactName,
  signatureUrls,
  vulnerableReason,
  type Artifact,
} from '../../src/release/catalogue.js';
import { VerifyError } from '../../src/errors.js';

type Row = [name: string, kind: Artifact['kind'], version: string];

// Real names from every era (see ../shared/notes/electrum-release.md §2.2).
const ACCEPTED: Row[] = [
  // tarball, every era, two-component versions, betas
  ['Electrum-2.5.2.tar.gz', 'tarball', '2.5.2'],
  ['Electrum-2.9.tar.gz', 'tarball', '2.9'],
  ['Electrum-3.0.tar.gz', 'tarball', '3.0'],
  ['Electrum-3.3.8.tar.gz', 'tarball', '3.3.8'],
  ['Electrum-4.5.8.tar.gz', 'tarball', '4.5.8'],
  ['Electrum-4.6.0b1.tar.gz', 'tarball', '4.6.0b1'],
  ['Electrum-4.8.1.tar.gz', 'tarball', '4.8.1'],
  ['Electrum-4.10.0.tar.gz', 'tarball', '4.10.0'],
  // source-only from 4.3.1
  ['Electrum-sourceonly-4.3.1.tar.gz', 'sourceonly', '4.3.1'],
  ['Electrum-sourceonly-4.5.0b1.tar.gz', 'sourceonly', '4.5.0b1'],
  ['Electrum-sourceonly-4.8.1.tar.gz', 'sourceonly', '4.8.1'],
  // zip up to 3.3.8
  ['Electrum-2.5.2.zip', 'zip', '2.5.2'],
  ['Electrum-3.0.zip', 'zip', '3.0'],
  ['Electrum-3.3.8.zip', 'zip', '3.3.8'],
  // AppImage from 3.3.4
  ['electrum-3.3.4-x86_64.AppImage', 'appimage', '3.3.4'],
  ['electrum-4.5.8-x86_64.AppImage', 'appimage', '4.5.8'],
  ['electrum-4.6.0b1-x86_64.AppImage', 'appimage', '4.6.0b1'],
  // macOS, Windows: every era
  ['electrum-2.5.2.dmg', 'dmg', '2.5.2'],
  ['electrum-2.9.dmg', 'dmg', '2.9'],
  ['electrum-4.8.1.dmg', 'dmg', '4.8.1'],
  ['electrum-2.5.2.exe', 'exe', '2.5.2'],
  ['electrum-4.5.0b1.exe', 'exe', '4.5.0b1'],
  ['electrum-4.8.1.exe', 'exe', '4.8.1'],
  ['electrum-3.0-setup.exe', 'setup-exe', '3.0'],
  ['electrum-4.8.1-setup.exe', 'setup-exe', '4.8.1'],
  ['electrum-2.5.2-portable.exe', 'portable-exe', '2.5.2'],
  ['electrum-4.8.1-portable.exe', 'portable-exe', '4.8.1'],
  // Android 3.x: one APK, A = V.0 (and 4.0.x's page still linked one)
  ['Electrum-3.2.3.0-release.apk', 'apk', '3.2.3'],
  ['Electrum-3.3.8.0-release.apk', 'apk', '3.3.8'],
  ['Electrum-4.0.1.0-release.apk', 'apk', '4.0.1'],
  // Android 4.x split APKs, A = V.N up to 4.5.5
  ['Electrum-4.0.1.0-arm64-v8a-release.apk', 'apk', '4.0.1'],
  ['Electrum-4.0.1.0-armeabi-v7a-release.apk', 'apk', '4.0.1'],
  ['Electrum-4.4.0.0-x86_64-release.apk', 'apk', '4.4.0'],
  ['Electrum-4.5.0.1-arm64-v8a-release.apk', 'apk', '4.5.0'],
  ['Electrum-4.5.5.0-x86_64-release.apk', 'apk', '4.5.5'],
  // ... then A = V from 4.5.6
  ['Electrum-4.5.6-arm64-v8a-release.apk', 'apk', '4.5.6'],
  ['Electrum-4.8.1-armeabi-v7a-release.apk', 'apk', '4.8.1'],
  ['Electrum-4.8.1-x86_64-release.apk', 'apk', '4.8.1'],
];

const REJECTED: Array<[name: string, why: string]> = [
  ['electrum-3.3.3-x86_64.AppImage', 'AppImage before 3.3.4'],
  ['electrum-2.9-x86_64.AppImage', 'AppImage before 3.3.4'],
  ['Electrum-sourceonly-4.3.0.tar.gz', 'sourceonly before 4.3.1'],
  ['Electrum-sourceonly-3.3.8.tar.gz', 'sourceonly before 4.3.1'],
  ['Electrum-4.0.1.zip', 'zip after 3.3.8'],
  ['Electrum-4.5.8.zip', 'zip after 3.3.8'],
  ['Electrum-2.5.1.tar.gz', 'before the versioned download directory (2.5.2)'],
  ['Electrum-1.9.8.tar.gz', 'before the versioned download directory'],
  ['electrum-4.5.tar.gz', 'two-component 4.x version does not exist; also wrong case'],
  ['Electrum-4.5.tar.gz', 'two-component 4.x version does not exist'],
  // wrong case
  ['electrum-4.5.8.tar.gz', 'tarball is Electrum-'],
  ['Electrum-4.5.8.TAR.GZ', 'extension case'],
  ['Electrum-4.5.8.dmg', 'dmg is electrum-'],
  ['Electrum-4.5.8.exe', 'exe is electrum-'],
  ['Electrum-4.5.8-setup.exe', 'exe is electrum-'],
  ['electrum-4.5.8-x86_64.appimage', 'AppImage case'],
  ['Electrum-4.5.8-x86_64.AppImage', 'AppImage is electrum-'],
  ['electrum-4.5.8-arm64-v8a-release.apk', 'APK is Electrum-'],
  ['Electrum-sourceOnly-4.5.8.tar.gz', 'sourceonly case'],
  // APK eras
  ['Electrum-4.5.6.0-arm64-v8a-release.apk', 'from 4.5.6 the APK version has no 4th component'],
  ['Electrum-4.5.5-arm64-v8a-release.apk', 'before 4.5.6 the APK version has a 4th component'],
  ['Electrum-4.3.0.0-x86_64-release.apk', 'x86_64 APK before 4.4.0'],
  ['Electrum-3.3.8.0-arm64-v8a-release.apk', 'split APKs from 4.x only'],
  ['Electrum-4.1.0.0-release.apk', 'single APK only in 3.x / 4.0.x'],
  ['Electrum-3.3.8.1-release.apk', '3.x APK version is V.0'],
  ['Electrum-3.3.8-release.apk', '3.x APK version is V.0'],
  ['Electrum-4.6.0b1-arm64-v8a-release.apk', 'beta APKs use the numeric version'],
  ['Electrum-4.5.8-mips-release.apk', 'unknown ABI'],
  ['Electrum-4.5.8-arm64-v8a.apk', 'missing -release'],
  // malformed versions
  ['Electrum-04.5.8.tar.gz', 'leading zero'],
  ['Electrum-4.5.8.1.tar.gz', 'four components outside APKs'],
  ['Electrum-4.5.8rc1.tar.gz', 'rc is not an Electrum version suffix'],
  ['Electrum-4.5.8b.tar.gz', 'beta without number'],
  ['Electrum-4..8.tar.gz', 'empty component'],
  ['Electrum-.tar.gz', 'no version'],
  ['Electrum-4.5.8.tar.gz.asc', 'signature, not a release file'],
  ['Electrum-4.5.8.tar', 'not gzipped'],
  ['Electrum-4.5.8.tar.gz ', 'trailing space'],
  [' Electrum-4.5.8.tar.gz', 'leading space'],
  ['Electrum-4.5.8.tar.gz\n', 'trailing newline'],
  // paths and hostile input
  ['../Electrum-4.5.8.tar.gz', 'path'],
  ['4.5.8/Electrum-4.5.8.tar.gz', 'path'],
  ['dir\\Electrum-4.5.8.tar.gz', 'windows path'],
  ['Electrum-4.5.8.tar.gz\u0000.exe', 'NUL'],
  ['Еlectrum-4.5.8.tar.gz', 'Cyrillic Е'],
  ['Electrum‐4.5.8.tar.gz', 'Unicode hyphen'],
  ['', 'empty'],
  [`Electrum-${'9'.repeat(200)}.tar.gz`, 'overlong'],
  ['Electrum-99999.5.8.tar.gz', 'component too long'],
];

describe('parseArtifactName', () => {
  it.each(ACCEPTED)('accepts %s as %s %s', (name, kind, version) => {
    expect(parseArtifactName(name)).toEqual({ name, kind, version });
  });

  it.each(REJECTED)('rejects %j (%s)', (name) => {
    expect(parseArtifactName(name)).toBeNull();
  });

  it('covers every kind', () => {
    const kinds = new Set(ACCEPTED.map(([, k]) => k));
    expect([...kinds].sort()).toEqual([
      'apk',
      'appimage',
      'dmg',
      'exe',
      'portable-exe',
      'setup-exe',
      'sourceonly',
      'tarball',
      'zip',
    ]);
  });

  it('survives non-string and pathological input', () => {
    expect(parseArtifactName(undefined as unknown as string)).toBeNull();
    expect(parseArtifactName(42 as unknown as string)).toBeNull();
    const t0 = Date.now();
    expect(parseArtifactName('Electrum-' + '1.'.repeat(50_000) + 'tar.gz')).toBeNull();
    expect(parseArtifactName('electrum-' + '1'.repeat(99))).toBeNull();
    expect(Date.now() - t0).toBeLessThan(200);
  });
});

describe('compareVersions', () => {
  const ordered = [
    '2.5.2',
    '2.9',
    '2.9.1',
    '3.0',
    '3.3.3',
    '3.3.4',
    '4.0.0b0',
    '4.5.0b1',
    '4.5.0',
    '4.5.8',
    '4.6.0b0',
    '4.6.0b1',
    '4.6.0',
    '4.9.9',
    '4.10.0',
  ];
  it('orders a real sequence', () => {
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const a = ordered[i] as string;
        const b = ordered[j] as string;
        expect(Math.sign(compareVersions(a, b)), `${a} vs ${b}`).toBe(Math.sign(i - j));
      }
    }
  });
  it.each([
    ['3.0', '3.0.0', 0],
    ['4.5.0', '4.5.0.0', 0],
    ['4.6.0b1', '4.6.0', -1],
    ['4.6.0', '4.6.0b1', 1],
    ['4.6.0b2', '4.6.0b10', -1],
    ['4.10.0', '4.9.9', 1],
  ])('%s vs %s → %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
  it('throws a USAGE VerifyError for garbage', () => {
    expect(() => compareVersions('4.5.x', '4.5.8')).toThrow(VerifyError);
    expect(() => compareVersions('4.5.8', '')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('URLs', () => {
  it('builds the official file URL and its aggregate signature', () => {
    const a = parseArtifactName('Electrum-4.5.8.tar.gz') as Artifact;
    expect(officialFileUrl(a)).toBe('https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz');
    expect(signatureUrls(a)).toEqual({
      aggregate: 'https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz.asc',
      perSigner: [],
    });
  });
  it.each(['4.1.3', '4.1.4', '4.1.5'])('lists split signatures for %s', (v) => {
    const a = parseArtifactName(`electrum-${v}-setup.exe`) as Artifact;
    const base = `https://download.electrum.org/${v}/electrum-${v}-setup.exe`;
    expect(signatureUrls(a)).toEqual({
      aggregate: `${base}.asc`,
      perSigner: [
        { signer: 'ThomasV', url: `${base}.ThomasV.asc` },
        { signer: 'sombernight_releasekey', url: `${base}.sombernight_releasekey.asc` },
        // 4.1.3's page linked this name first (renamed sombernight_releasekey the same day, electrum-web 6a0b00b)
        { signer: 'SomberNight', url: `${base}.SomberNight.asc` },
        { signer: 'Emzy', url: `${base}.Emzy.asc` },
      ],
    });
  });
  it.each(['4.1.2', '4.2.0', '3.3.8'])('no split signatures for %s', (v) => {
    expect(signatureUrls(parseArtifactName(`electrum-${v}.dmg`) as Artifact).perSigner).toEqual([]);
  });
});

describe('policy', () => {
  it.each([
    [null, 1],
    ['2.9', 1],
    ['4.1.2', 1],
    ['4.1.3b0', 1],
    ['4.1.3', 2],
    ['4.5.8', 2],
    ['4.6.0b1', 2],
    ['nonsense', 1],
  ] as const)('defaultMinSigners(%j) = %i', (v, n) => {
    expect(defaultMinSigners(v)).toBe(n);
  });
  it.each(['2.5.2', '3.0', '3.2.4', '3.3.2', '3.3.3', '3.3.4b1'])('%s is vulnerable', (v) => {
    const r = vulnerableReason(v);
    expect(r).toMatch(/phishing/);
    expect(r).toMatch(/https:\/\/electrum\.org\/#download/);
  });
  it.each(['3.3.4', '3.3.8', '4.5.8', '4.6.0b1'])('%s is not vulnerable', (v) => {
    expect(vulnerableReason(v)).toBeNull();
  });
});

describe('artifactFromUrl', () => {
  const u = (s: string): URL => new URL(s);
  it.each([
    ['https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz', 'Electrum-4.5.8.tar.gz', '4.5.8'],
    ['https://download.electrum.org/3.0/electrum-3.0-setup.exe', 'electrum-3.0-setup.exe', '3.0'],
    ['https://download.electrum.org/4.6.0b1/electrum-4.6.0b1.dmg', 'electrum-4.6.0b1.dmg', '4.6.0b1'],
    [
      'https://download.electrum.org/4.5.0b1/Electrum-4.5.0.0-arm64-v8a-release.apk',
      'Electrum-4.5.0.0-arm64-v8a-release.apk',
      '4.5.0b1',
    ],
    [
      'https://download.electrum.org/4.6.0b1/Electrum-4.6.0-x86_64-release.apk',
      'Electrum-4.6.0-x86_64-release.apk',
      '4.6.0b1',
    ],
    [
      'https://download.electrum.org/4.5.0/Electrum-4.5.0.1-arm64-v8a-release.apk',
      'Electrum-4.5.0.1-arm64-v8a-release.apk',
      '4.5.0',
    ],
    ['https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz?x=1#y', 'Electrum-4.5.8.tar.gz', '4.5.8'],
    ['https://download.electrum.org/4.5.8/Electrum%2D4.5.8.tar.gz', 'Electrum-4.5.8.tar.gz', '4.5.8'],
    ['https://mirror.example.test/pub/electrum/4.5.8/Electrum-4.5.8.tar.gz', 'Electrum-4.5.8.tar.gz', '4.5.8'],
    ['https://mirror.example.test/files/Electrum-4.5.8.tar.gz', 'Electrum-4.5.8.tar.gz', '4.5.8'],
  ])('%s', (url, name, version) => {
    expect(artifactFromUrl(u(url))).toMatchObject({ name, version });
  });

  it.each([
    'https://download.electrum.org/4.5.8/',
    'https://download.electrum.org/4.5.8/README.txt',
    'https://download.electrum.org/4.5.8/electrum-4.5.8.tar.gz',
    'https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz.asc',
  ])('unrecognised name → null: %s', (url) => {
    expect(artifactFromUrl(u(url))).toBeNull();
  });

  it.each([
    ['https://download.electrum.org/4.6.0/electrum-4.4.0.exe', 'ARTIFACT_UNRECOGNISED'],
    ['https://download.electrum.org/4.5.8/Electrum-4.5.7.tar.gz', 'ARTIFACT_UNRECOGNISED'],
    ['https://download.electrum.org/3.0.0/Electrum-3.0.tar.gz', 'ARTIFACT_UNRECOGNISED'],
    ['https://download.electrum.org/4.6.0/electrum-4.6.0b1.exe', 'ARTIFACT_UNRECOGNISED'],
    ['https://download.electrum.org/4.5.9/Electrum-4.5.8-arm64-v8a-release.apk', 'ARTIFACT_UNRECOGNISED'],
    ['https://download.electrum.org/Electrum-4.5.8.tar.gz', 'ARTIFACT_UNRECOGNISED'],
    ['https://download.electrum.org/latest/Electrum-4.5.8.tar.gz', 'ARTIFACT_UNRECOGNISED'],
    ['https://download.electrum.org/4.5.8/x/Electrum-4.5.8.tar.gz', 'ARTIFACT_UNRECOGNISED'],
    ['https://download.electrum.org//4.5.8/Electrum-4.5.8.tar.gz', 'ARTIFACT_UNRECOGNISED'],
    ['https://mirror.example.test/4.4.0/Electrum-4.5.8.tar.gz', 'ARTIFACT_UNRECOGNISED'],
    ['https://mirror.example.test/4.5.8/old/4.4.0/Electrum-4.5.8.tar.gz', 'ARTIFACT_UNRECOGNISED'],
    ['https://download.electrum.org/4.5.8%2FElectrum-4.5.8.tar.gz', 'SOURCE_INVALID'],
    ['https://download.electrum.org/4.5.8/..%2FElectrum-4.5.8.tar.gz', 'SOURCE_INVALID'],
    ['https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz%00', 'SOURCE_INVALID'],
    ['https://download.electrum.org/4.5.8/%E0%A4%A', 'SOURCE_INVALID'],
  ])('mix-and-match / hostile: %s → %s', (url, code) => {
    expect(() => artifactFromUrl(u(url))).toThrow(expect.objectContaining({ code }));
  });
});
