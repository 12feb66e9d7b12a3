import { describe, expect, it } from 'vitest';
import { judgeMirrorHost, judgeSource, judgeUrl, OFFICIAL_HOSTS, type SourceVerdict } from '../../src/policy/origin.js';

type Row = [url: string, verdict: SourceVerdict, category: string, reason: string | RegExp];

const GITHUB =
  'GitHub is not an official Electrum distribution channel; Electrum is only distributed from electrum.org';

function check(rows: Row[]): void {
  it.each(rows)('%s → %s (%s)', (url, verdict, category, reason) => {
    const j = judgeUrl(url);
    expect({ verdict: j.verdict, category: j.category }).toEqual({ verdict, category });
    if (typeof reason === 'string') expect(j.reason).toBe(reason);
    else expect(j.reason).toMatch(reason);
    expect(j.url).toBe(url);
  });
}

describe('issue 4 "Must show"', () => {
  check([
    [
      'https://еlectrum.org',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: Cyrillic "е" (U+0435) in place of "e"',
    ],
    [
      'https://xn--lectrum-6gg.org',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: Cyrillic "е" (U+0435) in place of "e" (xn--lectrum-6gg.org is the encoded form of "еlectrum.org")',
    ],
    ['https://eIectrum.org', 'lookalike', 'homoglyph', 'lookalike of electrum.org: capital "I" in place of "l"'],
    ['https://electrurn.org', 'lookalike', 'homoglyph', 'lookalike of electrum.org: "rn" in place of "m"'],
    [
      'https://electrum.com',
      'lookalike',
      'tld-swap',
      'lookalike of electrum.org: the same name under ".com" instead of ".org" (electrum.com is not Electrum\'s)',
    ],
    [
      'https://electrum-wallet.org',
      'lookalike',
      'combosquat',
      'lookalike of electrum.org: "electrum-wallet.org" adds words to the name "electrum"; it is a different domain, not Electrum\'s',
    ],
    [
      'https://electrum.org.evil.com',
      'lookalike',
      'embedding',
      'lookalike of electrum.org: "electrum.org.evil.com" contains the official name, but the site belongs to evil.com',
    ],
    [
      'https://electrum.org@evil.com/',
      'untrusted',
      'url-trick',
      'the text before "@" is a user name, not the site: this link goes to evil.com',
    ],
    [
      'http://electrum.org',
      'insecure',
      'insecure-scheme',
      '"http:" is not encrypted, so anyone on the network can swap the download; official links use https://',
    ],
    ['https://github.com/spesmilo/electrum/releases', 'github', 'github', GITHUB],
    ['https://objects.githubusercontent.com/x', 'github', 'github', GITHUB],
    [
      'https://download.electrum.org/4.8.1/electrum-4.8.1-x86_64.AppImage',
      'official',
      'official',
      'official Electrum site',
    ],
  ]);
});

describe('official', () => {
  check([
    ['https://electrum.org', 'official', 'official', 'official Electrum site'],
    ['https://www.electrum.org/#download', 'official', 'official', 'official Electrum site'],
    ['https://download.electrum.org/4.5.8/electrum-4.5.8.tar.gz.asc', 'official', 'official', 'official Electrum site'],
    ['HTTPS://Download.Electrum.ORG/4.5.8/', 'official', 'official', 'official Electrum site'],
    ['https://electrum.org./', 'official', 'official', 'official Electrum site'],
    ['https://electrum.org?x=1', 'official', 'official', 'official Electrum site'],
  ]);
  it('exports exactly the three official hosts', () => {
    expect([...OFFICIAL_HOSTS]).toEqual(['electrum.org', 'www.electrum.org', 'download.electrum.org']);
  });
});

describe('insecure scheme', () => {
  check([
    ['http://download.electrum.org/4.8.1/x.exe', 'insecure', 'insecure-scheme', /^"http:" is not encrypted/],
    ['ftp://electrum.org/', 'insecure', 'insecure-scheme', /^"ftp:" is not encrypted/],
    ['ws://electrum.org/', 'insecure', 'insecure-scheme', /^"ws:" is not encrypted/],
    ['HTTP://electrum.org/', 'insecure', 'insecure-scheme', /^"http:" is not encrypted/],
  ]);
});

describe('invalid', () => {
  check([
    [
      'data:text/html,<script>alert(1)</script>',
      'invalid',
      'invalid',
      'a "data:" link is not a download address; official links start with https://electrum.org',
    ],
    [
      'javascript:alert(1)',
      'invalid',
      'invalid',
      'a "javascript:" link is not a download address; official links start with https://electrum.org',
    ],
    [
      'file:///etc/passwd',
      'invalid',
      'invalid',
      'a "file:" link is not a download address; official links start with https://electrum.org',
    ],
    ['electrum.org', 'invalid', 'invalid', 'not a web address (an official link starts with https://electrum.org)'],
    ['', 'invalid', 'invalid', 'not a web address (an official link starts with https://electrum.org)'],
    ['https://', 'invalid', 'invalid', 'not a valid web address (browsers refuse it)'],
    ['https://elec\u200dtrum.org/', 'invalid', 'invalid', 'not a valid web address (browsers refuse it)'],
    ['https://[::1', 'invalid', 'invalid', 'not a valid web address (browsers refuse it)'],
  ]);
});

// Review finding 16: library callers pass anything; a non-string is judged, not a TypeError.
describe('a value that is not a string', () => {
  it.each([
    [undefined, 'undefined', 'undefined'],
    [null, 'null', 'null'],
    [42, '42', 'a number'],
    [['https://electrum.org/'], '(an array)', 'an array'],
    [{ href: 'https://electrum.org/' }, '(an object)', 'an object'],
  ])('judgeUrl(%s) is invalid', (value, url, kind) => {
    const j = judgeUrl(value as unknown as string);
    expect(j).toEqual({
      url,
      host: null,
      verdict: 'invalid',
      category: 'invalid',
      reason: `not a web address: ${kind} was given where a URL (text) was expected`,
    });
    expect(judgeSource(value as unknown as string, new Set(['mirror.example.net'])).verdict).toBe('invalid');
  });
  it('judgeMirrorHost refuses a non-string (String(undefined) would pass as the host "undefined")', () => {
    expect(judgeMirrorHost(undefined as unknown as string).ok).toBe(false);
    expect(judgeMirrorHost(42 as unknown as string).ok).toBe(false);
  });
});

describe('URL tricks', () => {
  check([
    [
      'https://download.electrum.org\\@evil.example/',
      'untrusted',
      'url-trick',
      /^contains a backslash, which browsers read as "\/"/,
    ],
    ['https://evil.example\\@download.electrum.org/', 'untrusted', 'url-trick', /^contains a backslash/],
    ['https:\\\\electrum.org/', 'untrusted', 'url-trick', /^contains a backslash/],
    [
      'https://elec\ttrum.org/',
      'untrusted',
      'url-trick',
      'contains a tab, which browsers silently remove: the address is disguised',
    ],
    [
      'https://electrum.org\n/',
      'untrusted',
      'url-trick',
      'contains a line break, which browsers silently remove: the address is disguised',
    ],
    [
      ' https://electrum.org/',
      'untrusted',
      'url-trick',
      'contains a space, which browsers silently remove: the address is disguised',
    ],
    [
      'https://download%2Eelectrum.org/',
      'untrusted',
      'url-trick',
      'the host is percent-encoded ("download%2Eelectrum.org" decodes to "download.electrum.org"), which hides where the link goes',
    ],
    ['https://%65lectrum.org/', 'untrusted', 'url-trick', /^the host is percent-encoded/],
    ['https:electrum.org/x', 'untrusted', 'url-trick', /^malformed: "https:" must be followed by exactly "\/\/"/],
    ['https:/electrum.org/x', 'untrusted', 'url-trick', /^malformed/],
    ['https:///electrum.org/x', 'untrusted', 'url-trick', /^malformed/],
    // Review finding 17: an "@" before an official host must not read as an all-clear ("this link goes to electrum.org").
    [
      'https://@electrum.org/',
      'untrusted',
      'url-trick',
      'contains an "@" with nothing before it; official links never contain "@", so this link was altered: it leads to electrum.org, but type https://electrum.org/ yourself rather than use it',
    ],
    [
      'https://:@download.electrum.org/',
      'untrusted',
      'url-trick',
      /^contains an "@" with nothing before it; official links never contain "@", so this link was altered: it leads to download\.electrum\.org/,
    ],
    [
      'https://evil.com@electrum.org/',
      'untrusted',
      'url-trick',
      'the text before "@" is a user name; official links never contain "@", so this link was altered: it leads to electrum.org, but type https://electrum.org/ yourself rather than use it',
    ],
    [
      'https://@evil.com/',
      'untrusted',
      'url-trick',
      'contains an "@" with nothing before it, a way to disguise links: this link goes to evil.com',
    ],
    [
      'https://electrum.org:443/',
      'untrusted',
      'url-trick',
      'names port "443" after electrum.org; official links never name a port',
    ],
    [
      'https://electrum.org:8443/',
      'untrusted',
      'url-trick',
      'names port "8443" after electrum.org; official links never name a port',
    ],
    [
      'https://electrum.org:/',
      'untrusted',
      'url-trick',
      'has a ":" with no port number after electrum.org; official links never have one, so this link was altered: type https://electrum.org/ yourself rather than use it',
    ],
    ['https://electrum.org:/x', 'untrusted', 'url-trick', /^has a ":" with no port number after electrum\.org;/],
    ['https://electrum.org../', 'untrusted', 'url-trick', 'the host "electrum.org.." has an empty name between dots'],
    [
      'https://electrum.org/\u202eexe.txt',
      'untrusted',
      'url-trick',
      'contains characters outside plain ASCII (invisible right-to-left override (U+202E)); official links are plain ASCII',
    ],
  ]);
});

describe('IP literals', () => {
  check([
    [
      'https://192.168.1.1/electrum.exe',
      'untrusted',
      'ip-literal',
      'an IP address (192.168.1.1) instead of a domain name; Electrum is only distributed from electrum.org',
    ],
    [
      'https://3232235777/',
      'untrusted',
      'ip-literal',
      'an IP address (192.168.1.1, written as "3232235777") instead of a domain name; Electrum is only distributed from electrum.org',
    ],
    ['https://0xC0A80101/', 'untrusted', 'ip-literal', /written as "0xC0A80101"/],
    ['https://0300.0250.01.01/', 'untrusted', 'ip-literal', /^an IP address \(192\.168\.1\.1, written as/],
    ['https://127.1/', 'untrusted', 'ip-literal', /^an IP address \(127\.0\.0\.1, written as "127\.1"\)/],
    [
      'https://[::1]/',
      'untrusted',
      'ip-literal',
      'an IP address ([::1]) instead of a domain name; Electrum is only distributed from electrum.org',
    ],
    ['https://[2001:db8::1]:8443/', 'untrusted', 'ip-literal', /^an IP address \(\[2001:db8::1\]\)/],
  ]);
});

describe('homoglyphs and IDN', () => {
  check([
    [
      'https://elеctrum.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: Cyrillic "е" (U+0435) in place of "e"',
    ],
    [
      'https://electrսm.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: Armenian "ս" (U+057D) in place of "u"',
    ],
    [
      'https://еlеctrum.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: Cyrillic "е" (U+0435) in place of "e"',
    ],
    ['https://e1ectrum.org/', 'lookalike', 'homoglyph', 'lookalike of electrum.org: digit "1" in place of "l"'],
    ['https://electrum.0rg/', 'lookalike', 'homoglyph', 'lookalike of electrum.org: digit "0" in place of "o"'],
    [
      'https://dоwnload.electrum.org/',
      'lookalike',
      'homoglyph',
      'lookalike of download.electrum.org: Cyrillic "о" (U+043E) in place of "o"',
    ],
    [
      'https://clownload.electrum.org/',
      'lookalike',
      'homoglyph',
      'lookalike of download.electrum.org: "cl" in place of "d"',
    ],
    ['https://vvww.electrum.org/', 'lookalike', 'homoglyph', 'lookalike of www.electrum.org: "vv" in place of "w"'],
    [
      'https://ＥＬＥＣＴＲＵＭ.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: full-width "ＥＬＥＣＴＲＵＭ" in place of "electrum"',
    ],
    [
      'https://𝐞lectrum.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: mathematical "𝐞" (U+1D41E) in place of "e"',
    ],
    [
      'https://ⓔlectrum.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: circled "ⓔ" (U+24D4) in place of "e"',
    ],
    [
      'https://download。electrum。org/',
      'lookalike',
      'homoglyph',
      'lookalike of download.electrum.org: ideographic full stop "。" (U+3002) in place of "."',
    ],
    [
      'https://elec\u200btrum.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: invisible zero-width space (U+200B) hidden in the name',
    ],
    [
      'https://électrum.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: accented "é" (U+00E9) in place of "e"',
    ],
    [
      'https://еlectrum-wallet.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: Cyrillic "е" (U+0435) in place of "e" in "еlectrum-wallet.org"',
    ],
    [
      'https://elec\u200btrum-update.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: invisible zero-width space (U+200B) hidden in the name in "elec\u200btrum-update.org"',
    ],
    // Review finding 9: the Unicode is outside the "electrum" token, so the reason is where the link goes (it used to
    // read `"electrum" imitates "electrum" using ` with an empty list).
    [
      'https://electrum.org\u200b.evil.com/x',
      'lookalike',
      'embedding',
      'lookalike of electrum.org: "electrum.org.evil.com" contains the official name, but the site belongs to evil.com; the address also hides invisible zero-width space (U+200B) in the host name',
    ],
    [
      'https://www.electrum.org\u3002/',
      'untrusted',
      'url-trick',
      'contains characters outside plain ASCII (ideographic full stop "。" (U+3002)); official links are plain ASCII',
    ],
    // A label starting with "-" (browsers open it; the public suffix parser used to give up on it).
    [
      'https://-\uff25updatewww.eectrum.org/',
      'lookalike',
      'typosquat',
      'lookalike of electrum.org: "eectrum" has "l" left out',
    ],
    [
      'https://ėlectrun.org/',
      'lookalike',
      'homoglyph',
      'lookalike of electrum.org: "ėlectrun" imitates "electrum" using accented "ė" (U+0117)',
    ],
    [
      'https://pаypal.com/',
      'lookalike',
      'homoglyph',
      'mixes Latin and Cyrillic letters in "pаypal", a common disguise; Electrum is only distributed from electrum.org',
    ],
  ]);
  it('judges punycode by what it displays as', () => {
    const j = judgeUrl('https://XN--LECTRUM-6GG.ORG/');
    expect(j.verdict).toBe('lookalike');
    expect(j.host).toBe('xn--lectrum-6gg.org');
    expect(j.reason).toContain('is the encoded form of "еlectrum.ORG"');
  });
  it('leaves an unrelated single-script IDN as untrusted', () => {
    expect(judgeUrl('https://пример.рф/').category).toBe('untrusted');
  });
});

describe('GitHub', () => {
  check([
    ['https://github.com/spesmilo/electrum/releases/download/4.8.1/electrum-4.8.1.tar.gz', 'github', 'github', GITHUB],
    ['https://codeload.github.com/spesmilo/electrum/zip/refs/heads/master', 'github', 'github', GITHUB],
    ['https://gist.github.com/x/y', 'github', 'github', GITHUB],
    ['https://raw.githubusercontent.com/spesmilo/electrum/master/pubkeys/ThomasV.asc', 'github', 'github', GITHUB],
    ['https://release-assets.githubusercontent.com/x', 'github', 'github', GITHUB],
    ['https://electrum-wallet.github.io/', 'github', 'github', GITHUB],
    ['https://github.dev/spesmilo/electrum', 'github', 'github', GITHUB],
    ['https://GitHub.com./spesmilo', 'github', 'github', GITHUB],
    ['https://github-production-release-asset-2e65be.s3.amazonaws.com/x', 'github', 'github', GITHUB],
    [
      'https://cdn.jsdelivr.net/gh/spesmilo/electrum@4.8.1/x',
      'github',
      'github',
      `cdn.jsdelivr.net serves files from GitHub, and ${GITHUB}`,
    ],
    [
      'https://ghproxy.example/https://github.com/spesmilo/electrum/x',
      'github',
      'github',
      `ghproxy.example serves files from GitHub, and ${GITHUB}`,
    ],
  ]);
});

describe('embedding', () => {
  check([
    [
      'https://download.electrum.org.evil.com/x',
      'lookalike',
      'embedding',
      'lookalike of download.electrum.org: "download.electrum.org.evil.com" contains the official name, but the site belongs to evil.com',
    ],
    [
      'https://download-electrum.org/',
      'lookalike',
      'embedding',
      'lookalike of download.electrum.org: "download-electrum.org" is a different domain that spells out the official name',
    ],
    [
      'https://electrum-org.com/',
      'lookalike',
      'embedding',
      'lookalike of electrum.org: "electrum-org.com" is a different domain that spells out the official name',
    ],
    [
      'https://electrumorg.com/',
      'lookalike',
      'embedding',
      'lookalike of electrum.org: "electrumorg.com" is a different domain that spells out the official name',
    ],
    ['https://www-electrum-org.xyz/', 'lookalike', 'embedding', /^lookalike of www\.electrum\.org:/],
    [
      'https://electrum.evil.com/',
      'lookalike',
      'embedding',
      'lookalike of electrum.org: "electrum" is only a subdomain here; the site belongs to evil.com',
    ],
    [
      'https://electrum.com.ru/',
      'lookalike',
      'embedding',
      /"electrum" is only a subdomain here; the site belongs to com\.ru$/,
    ],
  ]);
});

describe('typosquats', () => {
  check([
    ['https://lectrum.org/', 'lookalike', 'typosquat', 'lookalike of electrum.org: "lectrum" has "e" left out'],
    ['https://electum.org/', 'lookalike', 'typosquat', 'lookalike of electrum.org: "electum" has "r" left out'],
    ['https://electrrum.org/', 'lookalike', 'typosquat', 'lookalike of electrum.org: "electrrum" has "r" doubled'],
    [
      'https://eletcrum.org/',
      'lookalike',
      'typosquat',
      'lookalike of electrum.org: "eletcrum" has "c" and "t" swapped',
    ],
    [
      'https://electrjum.org/',
      'lookalike',
      'typosquat',
      'lookalike of electrum.org: "electrjum" has extra "j" inserted',
    ],
    [
      'https://wlectrum.org/',
      'lookalike',
      'typosquat',
      'lookalike of electrum.org: "wlectrum" has neighbouring key "w" in place of "e"',
    ],
    [
      'https://elektrum.org/',
      'lookalike',
      'typosquat',
      'lookalike of electrum.org: "elektrum" has "k" in place of "c", a one-bit error',
    ],
    [
      'https://electrom.org/',
      'lookalike',
      'typosquat',
      'lookalike of electrum.org: "electrom" has vowel "o" in place of "u"',
    ],
    ['https://elec-trum.org/', 'lookalike', 'typosquat', 'lookalike of electrum.org: "elec-trum" has hyphens inserted'],
    [
      'https://elec.trum.org/',
      'lookalike',
      'typosquat',
      'lookalike of electrum.org: a dot splits the name ("elec.trum")',
    ],
    [
      'https://elctrm.org/',
      'lookalike',
      'typosquat',
      'lookalike of electrum.org: "elctrm" is two typing slips away from "electrum"',
    ],
    ['https://electrun.net/', 'lookalike', 'typosquat', /^lookalike of electrum\.org: "electrun" has/],
  ]);
});

describe('TLD swaps', () => {
  check([
    [
      'https://electrum.net/',
      'lookalike',
      'tld-swap',
      'lookalike of electrum.org: the same name under ".net" instead of ".org" (electrum.net is not Electrum\'s)',
    ],
    [
      'https://electrum.org.es/',
      'lookalike',
      'tld-swap',
      'lookalike of electrum.org: the same name under ".org.es" instead of ".org" (electrum.org.es is not Electrum\'s)',
    ],
    ['https://download.electrum.co.uk/', 'lookalike', 'tld-swap', /under "\.co\.uk" instead of "\.org"/],
    ['https://electrum.ogr/', 'lookalike', 'tld-swap', /under "\.ogr" instead of "\.org"/],
  ]);
});

describe('combosquats', () => {
  check([
    [
      'https://electrum-update.org/',
      'lookalike',
      'combosquat',
      'lookalike of electrum.org: "electrum-update.org" adds words to the name "electrum"; it is a different domain, not Electrum\'s',
    ],
    ['https://getelectrum.net/', 'lookalike', 'combosquat', /"getelectrum\.net" adds words to the name "electrum"/],
    ['https://electrumwallet.io/', 'lookalike', 'combosquat', /"electrumwallet\.io" adds words/],
    ['https://electrun-wallet.com/', 'lookalike', 'combosquat', /"electrun-wallet\.com" adds words/],
  ]);
});

describe('unlisted electrum.org subdomains', () => {
  check([
    [
      'https://update.electrum.org/',
      'untrusted',
      'unlisted-subdomain',
      'update.electrum.org is under electrum.org but is not one of its download hosts; releases come only from electrum.org, www.electrum.org, download.electrum.org',
    ],
    [
      'https://downlaod.electrum.org/',
      'untrusted',
      'unlisted-subdomain',
      /^downlaod\.electrum\.org is under electrum\.org but is not one of its download hosts \(it resembles download\.electrum\.org\)/,
    ],
    ['https://ww.electrum.org/', 'untrusted', 'unlisted-subdomain', /\(it resembles www\.electrum\.org\)/],
    [
      'https://a.download.electrum.org/',
      'untrusted',
      'unlisted-subdomain',
      /^a\.download\.electrum\.org is under electrum\.org/,
    ],
  ]);
});

describe('anything else', () => {
  check([
    [
      'https://example.com/electrum-4.8.1.exe',
      'untrusted',
      'untrusted',
      'example.com is not an official Electrum site; Electrum is only distributed from electrum.org',
    ],
    ['https://electron.org/', 'untrusted', 'untrusted', /^electron\.org is not an official Electrum site/],
    ['https://localhost/', 'untrusted', 'untrusted', /^localhost is not an official Electrum site/],
  ]);
});
