/**
 * check-url's batch input on standard input (review findings 1 and 17): comment and blank lines are skipped, a
 * BOM and UTF-16 are decoded, and binary input is refused with exit 2 instead of being judged line by line.
 * The built CLI runs as a child process (`npx tsc -p tsconfig.json` first).
 */
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../support/cli.js';

const OFFICIAL = 'https://download.electrum.org/4.5.8/electrum-4.5.8.tar.gz';

describe('check-url reads a list on standard input', () => {
  it('skips lines starting with "#" (indented too) and blank lines', async () => {
    const input = `# mirrors to check, one per line\n\n${OFFICIAL}\n   # https://github.com/spesmilo/electrum (disabled)\n\r\n`;
    const r = await runCli(['check-url', '--json'], { input });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.results.map((x: { url: string }) => x.url)).toEqual([OFFICIAL]);
  });

  it('a list holding only comments is "no URL given", exit 2', async () => {
    const r = await runCli(['check-url'], { input: '# nothing yet\n' });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain('check-url: no URL given');
  });

  it('a "#" inside a line is still judged as part of the URL', async () => {
    const r = await runCli(['check-url', '--json'], { input: `${OFFICIAL}#x\nhttps://evil.example/#${OFFICIAL}\n` });
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.json.results.map((x: { verdict: string }) => x.verdict)).toEqual(['official', 'untrusted']);
  });

  // Guards (they passed before too): skipping must not reach into a line, and the BOM must still be dropped.
  it('a UTF-8 BOM does not stick to the first URL', async () => {
    const r = await runCli(['check-url', '--json'], { input: Buffer.from(`\ufeff${OFFICIAL}\n`) });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.results[0]).toMatchObject({ url: OFFICIAL, verdict: 'official' });
  });

  it('UTF-16 with BOM (PowerShell 5 "Out-File") is decoded', async () => {
    const input = Buffer.from(`\ufeff${OFFICIAL}\r\nhttps://electrum-update.com/dl\r\n`, 'utf16le');
    const r = await runCli(['check-url', '--json'], { input });
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.json.results.map((x: { url: string; verdict: string }) => [x.url, x.verdict])).toEqual([
      [OFFICIAL, 'official'],
      ['https://electrum-update.com/dl', 'lookalike'],
    ]);
  });

  it('binary input is refused with exit 2 and the next step', async () => {
    const r = await runCli(['check-url'], { input: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]) });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'check-url: standard input is not a text file (it holds NUL bytes, as binary files do; the first at offset 7); give the links as plain text (UTF-8), one per line\n',
    );
  });
});
