/**
 * check-message reads what people actually save (review finding 1): Notepad's "Unicode" and Windows PowerShell 5's
 * `>` write UTF-16 with a byte order mark, and a UTF-16 file read as UTF-8 used to give "No links or domain names
 * found", exit 0, for a message full of links. Text is decoded by its BOM (or the NUL pattern of BOM-less UTF-16);
 * what is not text is refused with exit 2 and the next step, never judged as a message without links.
 * The built CLI runs as a child process (`npx tsc -p tsconfig.json` first).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../support/cli.js';

const MESSAGE = 'Please update: https://electrum-update.com/dl\r\nThanks, the Electrum team\r\n';
const LOOKALIKE = 'https://electrum-update.com/dl';
const NEXT_STEP = 'save the message as plain text (UTF-8) and try again';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ev-msg-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

const utf16le = (s: string): Buffer => Buffer.from(s, 'utf16le');
const utf16be = (s: string): Buffer => utf16le(s).swap16();

describe('UTF-16 messages are read, not waved through', () => {
  it.each([
    ['UTF-16LE with BOM (Notepad "Unicode", PowerShell 5 ">")', () => utf16le(`\ufeff${MESSAGE}`)],
    ['UTF-16BE with BOM', () => utf16be(`\ufeff${MESSAGE}`)],
    ['UTF-16LE without BOM', () => utf16le(MESSAGE)],
    ['UTF-16BE without BOM', () => utf16be(MESSAGE)],
  ])('%s: the link is found and judged, exit 3', async (_name, bytes) => {
    const path = await file(`m-${_name.replace(/\W+/g, '-')}.txt`, bytes());
    const r = await runCli(['check-message', path]);
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stdout).toContain(`lookalike  ${LOOKALIKE}`);
    expect(r.stdout).not.toContain('No links');
    expect(r.stderr).toBe('');
  });

  it('UTF-16 on standard input, with --json: the results hold the link', async () => {
    const r = await runCli(['check-message', '--json'], { input: utf16le(`\ufeff${MESSAGE}`) });
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.json.results.map((x: { url: string; verdict: string }) => [x.url, x.verdict])).toEqual([
      [LOOKALIKE, 'lookalike'],
    ]);
  });

  it('a UTF-8 BOM is not part of the first word: a message naming only electrum.org is official, exit 0', async () => {
    // A guard, not a regression test: TextDecoder dropped the BOM before; decodeText now does it by hand, and a BOM
    // left on would be judged as part of "https://\ufeffelectrum.org" (not official).
    const path = await file('bom8.txt', Buffer.from('\ufeffelectrum.org is the only place to get Electrum.\n'));
    const r = await runCli(['check-message', path]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain('official   https://electrum.org');
  });
});

describe('what is not text is refused with exit 2, never "no links found"', () => {
  it('a binary file (NUL bytes)', async () => {
    const bytes = Buffer.concat([randomBytes(500), Buffer.from([0]), randomBytes(500)]);
    const path = await file('random.bin', bytes);
    const r = await runCli(['check-message', path]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^check-message: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a text file \\(it holds NUL bytes`,
      ),
    );
    expect(r.stderr).toContain(NEXT_STEP);
  });

  it('binary on standard input', async () => {
    const r = await runCli(['check-message', '-'], { input: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]) });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toBe(
      `check-message: standard input is not a text file (it holds NUL bytes, as binary files do; the first at offset 4); ${NEXT_STEP}\n`,
    );
  });

  it('a Windows "ANSI" (Windows-1252) file: names the byte and asks for UTF-8', async () => {
    const path = await file('ansi.txt', Buffer.from('Caf\xe9: https://electrum-update.com/dl\n', 'latin1'));
    const r = await runCli(['check-message', path]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toBe(
      `check-message: ${path} is not UTF-8 text (byte 0xE9 at offset 3 is not valid UTF-8; other encodings such as Windows "ANSI" are not read); ${NEXT_STEP}\n`,
    );
  });

  it('UTF-32 (a BOM Node cannot decode)', async () => {
    const bytes = Buffer.alloc(4 * (MESSAGE.length + 1));
    bytes.writeUInt32LE(0xfeff, 0);
    for (let i = 0; i < MESSAGE.length; i++) bytes.writeUInt32LE(MESSAGE.charCodeAt(i), 4 * (i + 1));
    const path = await file('utf32.txt', bytes);
    const r = await runCli(['check-message', path]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toBe(`check-message: ${path} is UTF-32 text, which is not read; ${NEXT_STEP}\n`);
  });

  it('a UTF-16 BOM followed by something that is not UTF-16 (an odd number of bytes)', async () => {
    const path = await file('broken16.txt', Buffer.concat([utf16le(`\ufeff${MESSAGE}`), Buffer.from([0x41])]));
    const r = await runCli(['check-message', path]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain('starts with a UTF-16LE byte order mark but is not UTF-16LE text');
  });
});
