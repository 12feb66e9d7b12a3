import { describe, expect, it } from 'vitest';
import { judgeMirrorHost, judgeSource } from '../../src/policy/origin.js';

describe('judgeMirrorHost (--allow-host)', () => {
  it.each([
    ['mirror.example.net', 'mirror.example.net'],
    ['MIRROR.Example.NET.', 'mirror.example.net'],
    ['192.168.1.10', '192.168.1.10'],
    ['[::1]', '[::1]'],
  ])('approves %s as %s', (input, host) => {
    expect(judgeMirrorHost(input)).toEqual({ ok: true, host });
  });

  it.each([
    ['github.com', /^GitHub hosts can never be approved as mirrors: GitHub is not an official/],
    ['objects.githubusercontent.com', /^GitHub hosts can never be approved/],
    ['spesmilo.github.io', /^GitHub hosts can never be approved/],
    [
      'electrum.com',
      /^a lookalike of the official site can never be approved as a mirror: lookalike of electrum\.org: the same name under "\.com"/,
    ],
    ['electrum-mirror.net', /^a lookalike of the official site can never be approved/],
    ['xn--lectrum-6gg.org', /^a lookalike of the official site can never be approved.*Cyrillic "е"/],
    ['eIectrum.org', /^a lookalike of the official site can never be approved.*capital "I"/],
    ['download.electrum.org.evil.com', /^a lookalike of the official site can never be approved/],
    ['electrum.org', /^electrum\.org is an official host and is always accepted; --allow-host is only for mirrors$/],
    ['DOWNLOAD.electrum.org', /^download\.electrum\.org is an official host/],
    [
      'mirror.electrum.org',
      /^electrum\.org hosts other than electrum\.org, www\.electrum\.org, download\.electrum\.org can never be approved/,
    ],
    ['3232235777', /^write the host as 192\.168\.1\.1$/],
    ['https://mirror.example.net', /^not a plain host name/],
    ['mirror.example.net:8443', /^not a plain host name/],
    ['user@mirror.example.net', /^not a plain host name/],
    ['mirror.example.net/path', /^not a plain host name/],
    ['mïrror.example.net', /^not a plain host name/],
    ['', /^not a plain host name/],
    ['mirror..example.net', /^not a plain host name/],
  ])('refuses %s', (input, reason) => {
    const j = judgeMirrorHost(input);
    expect(j.ok).toBe(false);
    if (!j.ok) expect(j.reason).toMatch(reason);
  });
});

describe('judgeSource (candidate URL and every redirect hop)', () => {
  const mirrors = new Set(['mirror.example.net', 'Upper.Example.org', '10.0.0.5']);

  it('passes official URLs through unchanged', () => {
    expect(judgeSource('https://download.electrum.org/4.8.1/x.tar.gz', mirrors)).toMatchObject({
      verdict: 'official',
      category: 'official',
    });
  });

  it.each([
    'https://mirror.example.net/electrum-4.8.1.tar.gz',
    'https://MIRROR.example.net./x',
    'https://upper.example.org/x',
    'https://10.0.0.5/x',
  ])('accepts an approved mirror: %s', (url) => {
    const j = judgeSource(url, mirrors);
    expect(j.verdict).toBe('mirror');
    expect(j.category).toBe('mirror');
    expect(j.reason).toMatch(/is a mirror approved with --allow-host; the file must still carry valid signatures$/);
    expect(j.url).toBe(url);
  });

  it.each([
    ['http://mirror.example.net/x', 'insecure'],
    ['https://mirror.example.net:8443/x', 'untrusted'],
    ['https://mirror.example.net:443/x', 'untrusted'],
    ['https://user@mirror.example.net/x', 'untrusted'],
    ['https://evil.com\\@mirror.example.net/x', 'untrusted'],
    ['https://mirror.example.net/\u202ex', 'untrusted'],
    ['https://sub.mirror.example.net/x', 'untrusted'],
    ['https://167772165/x', 'untrusted'],
    ['https://other.example.net/x', 'untrusted'],
  ])('refuses %s (%s)', (url, verdict) => {
    expect(judgeSource(url, mirrors).verdict).toBe(verdict);
  });

  it('never lets a GitHub or lookalike host through, even if the mirror set names it', () => {
    const bad = new Set(['github.com', 'electrum.com', 'update.electrum.org']);
    expect(judgeSource('https://github.com/x', bad).verdict).toBe('github');
    expect(judgeSource('https://electrum.com/x', bad).verdict).toBe('lookalike');
    expect(judgeSource('https://update.electrum.org/x', bad).verdict).toBe('untrusted');
  });
});
