import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMessageCommand } from '../../src/commands/check-message.js';
import { checkUrlCommand, type CommandIO } from '../../src/commands/check-url.js';

interface FakeIO extends CommandIO {
  out: () => string;
  err: () => string;
}

function fakeIO(stdin = '', color = false): FakeIO {
  const sink = () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer | string, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    return { stream, text: () => chunks.join('') };
  };
  const stdout = sink();
  const stderr = sink();
  return {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: stdout.stream,
    stderr: stderr.stream,
    color,
    out: stdout.text,
    err: stderr.text,
  };
}

describe('check-url', () => {
  it('exits 0 when every URL is official', async () => {
    const io = fakeIO();
    expect(
      await checkUrlCommand(
        ['https://download.electrum.org/4.8.1/electrum-4.8.1.tar.gz', 'https://electrum.org/'],
        {},
        io,
      ),
    ).toBe(0);
    expect(io.out()).toContain('✔ official   https://download.electrum.org/4.8.1/electrum-4.8.1.tar.gz\n');
    expect(io.out()).toContain('All 2 URLs are official.');
    expect(io.err()).toBe('');
  });

  it('exits 3 and says why when one is not', async () => {
    const io = fakeIO();
    expect(await checkUrlCommand(['https://еlectrum.org'], {}, io)).toBe(3);
    expect(io.out()).toBe(
      '✘ lookalike  https://еlectrum.org\n             lookalike of electrum.org: Cyrillic "е" (U+0435) in place of "e"\n',
    );
  });

  it('prints only JSON with --json, in input order, one bad URL not stopping the others', async () => {
    const io = fakeIO();
    const urls = ['https://github.com/spesmilo/electrum/releases', 'not a url', 'https://electrum.org/'];
    expect(await checkUrlCommand(urls, { json: true }, io)).toBe(3);
    const report = JSON.parse(io.out());
    expect(report).toEqual({
      schema: 'electrum-verify/v1',
      results: [
        {
          url: urls[0],
          host: 'github.com',
          verdict: 'github',
          category: 'github',
          reason:
            'GitHub is not an official Electrum distribution channel; Electrum is only distributed from electrum.org',
        },
        { url: 'not a url', host: null, verdict: 'invalid', category: 'invalid', reason: expect.any(String) },
        {
          url: urls[2],
          host: 'electrum.org',
          verdict: 'official',
          category: 'official',
          reason: 'official Electrum site',
        },
      ],
    });
    expect(io.err()).toBe('');
  });

  it('reads one URL per line from stdin when given none, skipping blank lines', async () => {
    const io = fakeIO('https://electrum.org/\r\n\n   \nhttp://electrum.org/\nhttps://download.electrum.org/x\n');
    expect(await checkUrlCommand([], { json: true }, io)).toBe(3);
    const { results } = JSON.parse(io.out()) as { results: Array<{ url: string; verdict: string }> };
    expect(results.map((r) => [r.url, r.verdict])).toEqual([
      ['https://electrum.org/', 'official'],
      ['http://electrum.org/', 'insecure'],
      ['https://download.electrum.org/x', 'official'],
    ]);
  });

  it('exits 2 when stdin holds no URL', async () => {
    const io = fakeIO('\n \n');
    expect(await checkUrlCommand([], {}, io)).toBe(2);
    expect(io.err()).toBe('check-url: no URL given (pass URLs as arguments, or one per line on standard input)\n');
    expect(io.out()).toBe('');
  });

  it('escapes control and bidi characters in human output', async () => {
    const io = fakeIO();
    await checkUrlCommand(['https://electrum.org/\u202eexe.txt\u001b[2J'], {}, io);
    expect(io.out()).not.toMatch(/[\u202e\u001b]/);
    expect(io.out()).toContain('\\u{202E}');
  });

  it('colours only when asked', async () => {
    const plain = fakeIO();
    await checkUrlCommand(['https://electrum.com'], {}, plain);
    expect(plain.out()).not.toContain('\u001b[');
    const coloured = fakeIO('', true);
    await checkUrlCommand(['https://electrum.com'], {}, coloured);
    expect(coloured.out()).toContain('\u001b[31m');
  });
});

describe('check-message', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'check-message-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const PHISH = [
    'Dear Electrum user, your wallet version is outdated and insecure.',
    'Please update immediately: [https://download.electrum.org/4.8.1/](https://github.com/electrum-wallet/electrum/releases)',
    'or from our mirror hxxps://electrum-update[.]org/download',
    'Official site: electrum.org',
  ].join('\n');

  it('judges every link in a message file, shows the visible text, and ends with the advice', async () => {
    const file = join(dir, 'phish.txt');
    await writeFile(file, PHISH);
    const io = fakeIO();
    expect(await checkMessageCommand(file, {}, io)).toBe(3);
    const out = io.out();
    expect(out).toContain(
      '✘ github     https://github.com/electrum-wallet/electrum/releases\n             shown as "https://download.electrum.org/4.8.1/"\n',
    );
    expect(out).toContain(
      '✘ lookalike  https://electrum-update.org/download\n             shown as "hxxps://electrum-update[.]org/download"\n',
    );
    expect(out).toContain('✔ official   https://electrum.org\n');
    expect(out).toContain('2 of 3 links are not official: do not open them.');
    expect(out.trimEnd().split('\n').at(-1)).toMatch(
      /^Electrum never asks you to update through a message from a server.*https:\/\/electrum\.org and verify them/,
    );
  });

  it('reads stdin for "-" and for no argument, and reports JSON with the visible text', async () => {
    for (const file of ['-', undefined]) {
      const io = fakeIO(PHISH);
      expect(await checkMessageCommand(file, { json: true }, io)).toBe(3);
      const report = JSON.parse(io.out());
      expect(report.schema).toBe('electrum-verify/v1');
      expect(report.advice).toMatch(/^Electrum never asks you to update/);
      expect(report.results).toEqual([
        expect.objectContaining({
          url: 'https://github.com/electrum-wallet/electrum/releases',
          verdict: 'github',
          text: 'https://download.electrum.org/4.8.1/',
        }),
        expect.objectContaining({
          url: 'https://electrum-update.org/download',
          verdict: 'lookalike',
          category: 'combosquat',
          text: 'hxxps://electrum-update[.]org/download',
        }),
        expect.objectContaining({ url: 'https://electrum.org', verdict: 'official', text: 'electrum.org' }),
      ]);
      expect(io.err()).toBe('');
    }
  });

  it('exits 0 and says so when a message has no links', async () => {
    const io = fakeIO('Please restart Electrum to finish the update.');
    expect(await checkMessageCommand('-', {}, io)).toBe(0);
    expect(io.out()).toMatch(/^No links or domain names found in this message\.\n\nElectrum never asks/);
    const json = fakeIO('nothing here');
    expect(await checkMessageCommand(undefined, { json: true }, json)).toBe(0);
    expect(JSON.parse(json.out()).results).toEqual([]);
  });

  it('exits 0 when every link is official', async () => {
    const io = fakeIO('Get it from <a href="https://electrum.org/#download">electrum.org</a>.');
    expect(await checkMessageCommand('-', {}, io)).toBe(0);
    expect(io.out()).toContain('The link is official.');
  });

  it('exits 2 with one line on stderr for an unreadable file', async () => {
    for (const [file, message] of [
      [join(dir, 'missing.txt'), `check-message: cannot read ${join(dir, 'missing.txt')}: no such file\n`],
      [dir, `check-message: cannot read ${dir}: not a regular file\n`],
    ] as const) {
      const io = fakeIO();
      expect(await checkMessageCommand(file, { json: true }, io)).toBe(2);
      expect(io.err()).toBe(message);
      expect(io.out()).toBe('');
    }
  });

  it('refuses a message larger than 1 MiB', async () => {
    const big = join(dir, 'big.txt');
    await writeFile(big, 'a'.repeat(1024 * 1024 + 1));
    const io = fakeIO();
    expect(await checkMessageCommand(big, {}, io)).toBe(2);
    expect(io.err()).toBe(`check-message: ${big} is larger than 1048576 bytes\n`);
    const piped = fakeIO('a'.repeat(1024 * 1024 + 1));
    expect(await checkMessageCommand('-', {}, piped)).toBe(2);
    expect(piped.err()).toBe('check-message: standard input is larger than 1048576 bytes\n');
  });
});
