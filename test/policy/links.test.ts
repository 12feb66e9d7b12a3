import { describe, expect, it } from 'vitest';
import { extractLinks, refang } from '../../src/policy/links.js';

describe('refang', () => {
  it.each([
    ['hxxps://electrum[.]org', 'https://electrum.org'],
    ['hXXp[:]//electrum(.)org', 'http://electrum.org'],
    ['hxxps[://]electrum[dot]org', 'https://electrum.org'],
    ['electrum{.}org', 'electrum.org'],
  ])('%s → %s', (input, out) => expect(refang(input)).toBe(out));
});

describe('extractLinks', () => {
  it('finds URLs, defanged URLs and bare names in input order', () => {
    const text = [
      'Update now at hxxps://electrum[.]org/update or https://electrum-update.org/download.',
      'Also electrum.org/download, www.electrum.org and getelectrum.net; mail support@electrum-support.com',
      'Defanged: hxxp[:]//electrurn[.]org and electrum(.)com.',
    ].join('\n');
    expect(extractLinks(text)).toEqual([
      { text: 'hxxps://electrum[.]org/update', target: 'https://electrum.org/update' },
      { text: null, target: 'https://electrum-update.org/download' },
      { text: 'electrum.org/download', target: 'https://electrum.org/download' },
      { text: 'www.electrum.org', target: 'https://www.electrum.org' },
      { text: 'getelectrum.net', target: 'https://getelectrum.net' },
      { text: 'electrum-support.com', target: 'https://electrum-support.com' },
      { text: 'hxxp[:]//electrurn[.]org', target: 'http://electrurn.org' },
      { text: 'electrum(.)com', target: 'https://electrum.com' },
    ]);
  });

  it('keeps the visible text of Markdown links and judges the target', () => {
    expect(
      extractLinks(
        'Get it [https://download.electrum.org/4.8.1/](https://github.com/x/electrum/releases "Electrum") now',
      ),
    ).toEqual([{ text: 'https://download.electrum.org/4.8.1/', target: 'https://github.com/x/electrum/releases' }]);
    expect(extractLinks('[download](hxxps://electrum[.]org)')).toEqual([
      { text: 'download', target: 'https://electrum.org' },
    ]);
    expect(extractLinks('[site](electrum-update.org)')).toEqual([
      { text: 'site', target: 'https://electrum-update.org' },
    ]);
  });

  it('keeps the visible text of HTML links, with tags and entities resolved', () => {
    const html =
      '<p>Click <a class="btn" href="https://electrum.org@evil.com/x?a=1&amp;b=2">the <b>official</b> download</a>.</p>';
    expect(extractLinks(html)).toEqual([
      { text: 'the official download', target: 'https://electrum.org@evil.com/x?a=1&b=2' },
    ]);
    expect(extractLinks("<a href='https&#58;//evil.com/'>x</a>")).toEqual([{ text: 'x', target: 'https://evil.com/' }]);
    expect(extractLinks('<a href=https://electrum.org/>home</a>')).toEqual([
      { text: 'home', target: 'https://electrum.org/' },
    ]);
  });

  it('finds an href without a closing tag', () => {
    expect(extractLinks('<a href="https://electrum-wallet.org/">')).toEqual([
      { text: null, target: 'https://electrum-wallet.org/' },
    ]);
  });

  it('trims prose punctuation but keeps balanced brackets', () => {
    expect(extractLinks('(see https://electrum.org/download).')).toEqual([
      { text: null, target: 'https://electrum.org/download' },
    ]);
    expect(extractLinks('https://en.wikipedia.org/wiki/Electrum_(wallet), ok')).toEqual([
      { text: null, target: 'https://en.wikipedia.org/wiki/Electrum_(wallet)' },
    ]);
    expect(extractLinks('"https://electrum.org/"!')).toEqual([{ text: null, target: 'https://electrum.org/' }]);
  });

  it('finds non-web schemes and Unicode hosts', () => {
    expect(extractLinks('run javascript:alert(1) or visit https://еlectrum.org')).toEqual([
      { text: null, target: 'javascript:alert(1)' },
      { text: null, target: 'https://еlectrum.org' },
    ]);
    expect(extractLinks('visit еlectrum.org today')).toEqual([
      { text: 'еlectrum.org', target: 'https://еlectrum.org' },
    ]);
  });

  it('ignores version numbers, abbreviations and file names that are no domain', () => {
    expect(
      extractLinks('Version 4.8.1 (e.g. electrum-4.8.1.tar.gz, i.e. the source) fixes file.txt handling.'),
    ).toEqual([]);
  });

  it('still reports a lookalike with an unknown suffix', () => {
    expect(extractLinks('go to electrum.ogr')).toEqual([{ text: 'electrum.ogr', target: 'https://electrum.ogr' }]);
  });

  it('returns nothing for a message without links', () => {
    expect(extractLinks('Please restart your wallet.')).toEqual([]);
    expect(extractLinks('')).toEqual([]);
  });

  it('stays fast on hostile input', () => {
    const hostile = '<a href="x">'.repeat(20_000) + '['.repeat(50_000) + 'a-'.repeat(100_000) + 'a.'.repeat(100_000);
    const started = performance.now();
    extractLinks(hostile);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
