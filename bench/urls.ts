/**
 * A deterministic list of URLs for the check-url batch case: official release links, GitHub, lookalikes
 * (homoglyphs, Punycode, extra labels, typos), plain http, userinfo and port tricks, and junk.
 */
const FILES = [
  'electrum-{v}-x86_64.AppImage',
  'electrum-{v}.dmg',
  'electrum-{v}-setup.exe',
  'Electrum-{v}.tar.gz',
  'electrum-{v}-portable.exe',
];
const VERSIONS = ['4.5.8', '4.5.5', '4.4.6', '4.3.4', '4.6.2', '4.2.2', '4.1.5'];
const TEMPLATES: Array<(f: string, v: string, i: number) => string> = [
  (f, v) => `https://download.electrum.org/${v}/${f}`,
  (f, v) => `https://download.electrum.org/${v}/${f}.asc`,
  () => 'https://electrum.org/#download',
  (f, v) => `https://www.electrum.org/${v}/${f}`,
  (f, v) => `https://github.com/spesmilo/electrum/releases/download/${v}/${f}`,
  (f, v) => `https://objects.githubusercontent.com/${v}/${f}`,
  (f, v) => `https://download.e1ectrum.org/${v}/${f}`,
  (f, v) => `https://download.еlectrum.org/${v}/${f}`, // Cyrillic е
  (f, v) => `https://download.xn--lectrum-2fg.org/${v}/${f}`,
  (f, v) => `https://download.electrum.org.evil.example/${v}/${f}`,
  (f, v) => `https://electrum-org.com/${v}/${f}`,
  (f, v) => `https://electrurn.org/${v}/${f}`,
  (f, v) => `http://download.electrum.org/${v}/${f}`,
  (f, v) => `https://download.electrum.org@evil.example/${v}/${f}`,
  (f, v) => `https://user:pw@download.electrum.org/${v}/${f}`,
  (f, v) => `https://download.electrum.org:8443/${v}/${f}`,
  (f, v, i) => `https://mirror${i % 97}.example.net/electrum/${v}/${f}`,
  (_f, _v, i) => `not a url ${i}`,
  (f, v) => `https://DOWNLOAD.ELECTRUM.ORG./${v}/${f}`,
  (f, v) => `https://electrum.org.\u200b/${v}/${f}`,
];

export function makeUrlList(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = FILES[i % FILES.length]!;
    const v = VERSIONS[(i >> 3) % VERSIONS.length]!;
    out.push(TEMPLATES[i % TEMPLATES.length]!(f.replace('{v}', v), v, i));
  }
  return out;
}
