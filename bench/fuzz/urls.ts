/**
 * URL cases: deterministic mutations of official, mirror and lookalike links, and an independent reference for
 * "official" and "approved mirror" (written from CONTRACT.md, sharing no code with src/policy).
 */
import type { Rng } from './rng.js';

export const OFFICIAL = ['electrum.org', 'www.electrum.org', 'download.electrum.org'];
export const MIRROR = 'mirror.example.net';

const SEEDS = [
  'https://download.electrum.org/4.5.8/electrum-4.5.8-x86_64.AppImage',
  'https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz.asc',
  'https://electrum.org/#download',
  'https://www.electrum.org/',
  'https://electrum.org/4.8.1/electrum-4.8.1.dmg',
  `https://${MIRROR}/electrum/4.5.8/electrum-4.5.8-setup.exe`,
  'https://github.com/spesmilo/electrum/releases/download/4.5.8/Electrum-4.5.8.tar.gz',
  'https://download.electrum.org.evil.example/4.5.8/x',
  'https://electrurn.org/4.5.8/x',
  'http://download.electrum.org/4.5.8/x',
  'https://user:pw@download.electrum.org/4.5.8/x',
  'https://download.electrum.org:443/4.5.8/x',
  'https://xn--lectrum-2fg.org/',
  'https://DOWNLOAD.ELECTRUM.ORG./4.5.8/x',
  'https://127.0.0.1/electrum',
];

const CHARS = [
  '@',
  ':',
  '/',
  '\\',
  '%',
  '.',
  '#',
  '?',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '[',
  ']',
  '%2e',
  '%40',
  '%2f',
  '%00',
  'е',
  'ο',
  'ı',
  'ｅ',
  '。',
  '．',
  '\u200b',
  '\u00ad',
  '\u202e',
  'ℯ',
  'Ｅ',
  'ѕ',
  'ԁ',
  'ո',
  'rn',
  'l',
  '1',
  'I',
  '0',
  'O',
  '-',
  '_',
  '~',
  '..',
  '//',
  'xn--',
  ';',
  ',',
  '!',
  '$',
  '&',
  "'",
  '(',
  '*',
  '+',
  '=',
  '"',
  '<',
  '>',
  '^',
  '`',
  '{',
  '|',
  '}',
];

function insertAt(s: string, i: number, t: string): string {
  return s.slice(0, i) + t + s.slice(i);
}

function hostSpan(u: string): [number, number] {
  const a = u.indexOf('//');
  if (a < 0) return [0, u.length];
  const start = a + 2;
  const rest = u.slice(start);
  const m = /[/?#]/.exec(rest);
  return [start, start + (m ? m.index : rest.length)];
}

export function mutateUrl(rng: Rng): { url: string; mutator: string } {
  let u = rng.pick(SEEDS);
  const names: string[] = [];
  const rounds = rng.range(1, 3);
  if (rng.bool(0.3)) {
    // only after the host (path, query, fragment): the verdict must not change, and tricks there must not fool it
    for (let r = 0; r < rounds; r++) {
      const [, he] = hostSpan(u);
      const pos = rng.range(he, u.length);
      const t = rng.pick([
        ...CHARS,
        '/@evil.example',
        '?u=https://evil.example',
        '#@evil.example',
        '/%2e%2e/',
        '/..%2f..%2fevil',
        'https://evil.example/',
      ]);
      u = rng.bool(0.8) ? insertAt(u, pos, t) : u.slice(0, pos) + u.slice(pos + rng.range(1, 4));
    }
    return { url: u, mutator: 'after-host' };
  }
  for (let r = 0; r < rounds; r++) {
    const [hs, he] = hostSpan(u);
    const inHost = rng.bool(0.7) && he > hs;
    const pos = inHost ? rng.range(hs, he) : rng.int(u.length + 1);
    const op = rng.pick([
      'insert',
      'delete',
      'replace',
      'case',
      'scheme',
      'userinfo',
      'port',
      'dots',
      'label',
      'percent',
      'ip',
      'punycode',
      'slashes',
    ]);
    names.push(op);
    switch (op) {
      case 'insert':
        u = insertAt(u, pos, rng.pick(CHARS));
        break;
      case 'delete':
        u = u.slice(0, pos) + u.slice(pos + rng.range(1, 3));
        break;
      case 'replace':
        u = u.slice(0, pos) + rng.pick(CHARS) + u.slice(pos + 1);
        break;
      case 'case':
        u = [...u]
          .map((c) => (rng.bool(0.3) ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c))
          .join('');
        break;
      case 'scheme':
        u = u.replace(
          /^[a-zA-Z]+:\/*/,
          rng.pick([
            'https://',
            'HTTPS://',
            'https:/',
            'https:',
            'https:\\\\',
            'https:///',
            'http://',
            ' https://',
            'hxxps://',
            'https//',
            'https://\t',
            'javascript:',
            'file://',
            'ftp://',
            'wss://',
          ]),
        );
        break;
      case 'userinfo':
        u = insertAt(
          u,
          hs,
          rng.pick(['user@', 'download.electrum.org@', ':@', '@', 'a:b@', 'electrum.org%40', 'x@y@']),
        );
        break;
      case 'port':
        u = insertAt(u, he, rng.pick([':443', ':', ':0443', ':8443', ':80', ':65536', ':-1', ':443abc']));
        break;
      case 'dots':
        u = insertAt(u, he, rng.pick(['.', '..', '。', '.%2e']));
        break;
      case 'label':
        u = insertAt(
          u,
          rng.bool() ? hs : he,
          rng.pick(['download.', 'www.', 'evil.', '.evil.example', '.com', '-update', '.org', 'electrum.org.']),
        );
        break;
      case 'percent': {
        const i = rng.range(hs, Math.max(hs, he - 1));
        const c = u[i];
        if (c !== undefined) u = u.slice(0, i) + '%' + c.charCodeAt(0).toString(16).padStart(2, '0') + u.slice(i + 1);
        break;
      }
      case 'ip':
        u =
          u.slice(0, hs) +
          rng.pick(['127.0.0.1', '0x7f.1', '2130706433', '[::1]', '[::ffff:127.0.0.1]', '1.2.3', '999.1.1.1']) +
          u.slice(he);
        break;
      case 'punycode':
        u =
          u.slice(0, hs) +
          rng.pick([
            'xn--electrum-xyz.org',
            'download.xn--lectrum-2fg.org',
            'xn--.org',
            'xn--electrum.org',
            'download.electrum.xn--org',
          ]) +
          u.slice(he);
        break;
      default:
        u = insertAt(u, pos, rng.pick(['/', '//', '\\', '/./', '/../']));
    }
  }
  return { url: u, mutator: names.join('+') };
}

/** The reference: is `raw` a clean https link to `hosts`? Independent of src/policy. */
export function referenceClean(raw: string, hosts: readonly string[]): boolean {
  if (!/^[\x21-\x7e]+$/.test(raw)) return false;
  if (raw.includes('\\')) return false;
  const m = /^https:\/\/([^/?#]*)(?:[/?#].*)?$/i.exec(raw);
  if (!m) return false;
  const authority = m[1] as string;
  if (/[@:%[\]]/.test(authority)) return false;
  const host = authority.toLowerCase().replace(/\.$/, '');
  if (!hosts.includes(host)) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    url.hostname.replace(/\.$/, '') === host &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

export const referenceOfficial = (raw: string): boolean => referenceClean(raw, OFFICIAL);
