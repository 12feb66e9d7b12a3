/** Usage errors: exit 2, one short reason, no stack trace; under --json still exactly one JSON object. */
import { describe, expect, it } from 'vitest';
import { cliCommand, runCli, stackTraceLines } from '../support/cli.js';

describe('usage errors', () => {
  it.each([
    [['verify', 'x', '--json', '--min-signers', 'abc']],
    [['verify', 'x', '--json', '--bogus']],
    [['verify', '--json']],
    [['verify', 'x', '--json', '--keyring', 'a', '--keyring', 'b']],
    [['check-url', '--json', '--nope']],
  ])('%j → exit 2 and a JSON error report', async (args) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({
      schema: 'electrum-verify/v1',
      verdict: 'error',
      exitCode: 2,
      reason: { code: 'USAGE' },
    });
    expect(stackTraceLines(r.stderr)).toEqual([]);
    expect(r.stderr).toMatch(/electrum-verify:/);
  });

  it('a reader that goes away (--help | head -1) ends the CLI quietly: no EPIPE stack trace', async () => {
    const { execFileSync } = await import('node:child_process');
    const cli = cliCommand(['--help']);
    const line = [cli.command, ...cli.args].map((a) => `'${a}'`).join(' ');
    const out = execFileSync(
      'bash',
      [
        '-c',
        `for i in 1 2 3 4 5; do ${line} 2>>/tmp/ev-epipe-$$ | head -c 10 >/dev/null; done; cat /tmp/ev-epipe-$$; rm -f /tmp/ev-epipe-$$`,
      ],
      { encoding: 'utf8' },
    );
    expect(out).not.toMatch(/EPIPE|Unhandled 'error'/);
    // ... and the run keeps its own exit code: a rejection piped into `head` is still 3, never 0
    const reject = cliCommand(['check-url', '--json', 'https://github.com/a', 'https://github.com/b']);
    const rline = [reject.command, ...reject.args].map((a) => `'${a}'`).join(' ');
    const codes = execFileSync(
      'bash',
      ['-c', `for i in 1 2 3; do ${rline} 2>/dev/null | head -c 1 >/dev/null; echo -n "\${PIPESTATUS[0]} "; done`],
      { encoding: 'utf8' },
    );
    expect(codes.trim()).toBe('3 3 3');
  });

  it('a slow reader (| (sleep 1; jq)) still gets every byte of a long report, and the exit code', async () => {
    const { execFileSync } = await import('node:child_process');
    const cli = cliCommand(['check-url', '--json']);
    const line = [cli.command, ...cli.args].map((a) => `'${a}'`).join(' ');
    const out = execFileSync(
      'bash',
      ['-c', `yes https://github.com/x | head -1000 | ${line} | (sleep 1; cat); echo "exit \${PIPESTATUS[2]}"`],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const exit = /exit (\d+)\s*$/.exec(out);
    expect(exit?.[1]).toBe('3');
    const report = JSON.parse(out.slice(0, exit!.index)) as { results: unknown[] };
    expect(report.results).toHaveLength(1000); // was cut at 64 KiB: the exit safety net fired before the pipe drained
  });

  it('repeating a single-value option is refused (it could silently swap the keyring)', async () => {
    // (--signature is repeatable: several .asc files for one target, merged)
    const r = await runCli(['verify', 'x', '--expect-sha256', 'a', '--expect-sha256', 'b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/more than once/);
  });

  it('--help and --version exit 0 and print to stdout', async () => {
    const help = await runCli(['verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/Exit codes/);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    // the tool's version, Node's, OpenPGP.js's and the pinned key set's id: what a bug report needs
    expect(version.stdout).toMatch(
      /^electrum-verify \d+\.\d+\.\d+ \((Node script|single-file build[^)]*)\)\nNode\.js v\d+\.\d+\.\d+, OpenPGP\.js \d+\.\d+\.\d+\npinned keys: set [0-9a-f]{16}\n$/,
    );
    for (const flag of ['-v', '-V']) expect((await runCli([flag])).stdout).toBe(version.stdout);
    // the key-set id is the pinned fingerprints' digest, the same one receipts record
    const { keySetDigest } = await import('../../src/trust/key-set-id.js');
    const { PINNED_SIGNERS } = await import('../../src/trust/pinned.js');
    expect(version.stdout).toContain(
      `pinned keys: set ${keySetDigest(PINNED_SIGNERS.map((p) => p.fingerprint)).slice(0, 16)}`,
    );
    // a command's own options come after it; the global --json before it works too
    const global = await runCli(['--json', 'check-url', 'https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz']);
    expect(global.code).toBe(0);
    expect(JSON.parse(global.stdout).results[0].verdict).toBe('official');
    expect(help.stdout).toMatch(/HTTPS_PROXY/);
    // every command of the contract is there
    const top = await runCli(['--help']);
    for (const command of [
      'verify',
      'get',
      'latest',
      'verify-release',
      'check-receipt',
      'check-url',
      'check-message',
      'keys',
    ]) {
      expect(top.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(help.stdout).toMatch(/130 interrupted/);
  });

  it("check-url's and check-message's help list their own exit codes, not verify's", async () => {
    for (const command of ['check-url', 'check-message']) {
      const help = await runCli([command, '--help']);
      expect(help.stdout).toMatch(/3 at least one link is not official/);
      expect(help.stdout).not.toMatch(/not authentic|vulnerable|HTTPS_PROXY/);
    }
  });

  it('a file or a link given without a command: the error says which command was meant', async () => {
    const file = await runCli(['./electrum-4.5.8-x86_64.AppImage']);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(
      /unknown command '\.\/electrum-4\.5\.8-x86_64\.AppImage'\n {2}next: electrum-verify verify '\.\/electrum-4\.5\.8-x86_64\.AppImage'/,
    );
    const link = await runCli(['https://download.electrum.org/4.5.8/electrum-4.5.8.dmg']);
    expect(link.stderr).toMatch(
      /next: electrum-verify verify 'https:\/\/download\.electrum\.org\/4\.5\.8\/electrum-4\.5\.8\.dmg'/,
    );
    expect(link.stderr).toMatch(/check-url '.*' only judges the link/);
    // a mistyped command still gets commander's own suggestion, and no "next" line
    const typo = await runCli(['veryfy', 'x']);
    expect(typo.stderr).toMatch(/Did you mean verify\?/);
    expect(typo.stderr).not.toMatch(/next:/);
  });
});
