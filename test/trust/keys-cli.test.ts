/**
 * `electrum-verify keys --check [--json]` and `keys refresh <file…>` through the real CLI (issue 13), with the shipped
 * pinned keys and a state folder made for each test (ELECTRUM_VERIFY_STATE / --state-dir).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, runCli, SHARED } from '../support/cli.js';

const KEYS = join(SHARED, 'electrum-keys');
const present = existsSync(KEYS);
const dirs: string[] = [];
async function stateDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'ev-keys-cli-'));
  dirs.push(d);
  return join(d, 'state');
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe.skipIf(!present)('keys --check', () => {
  it('--json: exit 0, policy usable, Emzy signing subkey expired 2026-10-12 (a cosigner)', async () => {
    const r = await runCli(['keys', '--check', '--json'], { env: { ELECTRUM_VERIFY_STATE: await stateDir() } });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json.verdict).toBe('usable');
    const emzy = r.json.keys.find((k: any) => k.name === 'Emzy');
    const sub = emzy.signing.find((s: any) => s.fingerprint === '637DB1E23370F84AFF88CCE03152347D07DA627C');
    expect(sub.expires.slice(0, 10)).toBe('2026-10-12');
    if (Date.now() > Date.UTC(2026, 9, 13)) expect(sub.state).toBe('expired');
    expect(r.json.keys.filter((k: any) => k.required).map((k: any) => [k.name, k.usable])).toEqual([
      ['ThomasV', true],
      ['sombernight_releasekey', true],
    ]);
  });

  it('human output, and the global --json works the same', async () => {
    const env = { ELECTRUM_VERIFY_STATE: await stateDir() };
    const r = await runCli(['keys', '--check'], { env });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/subkey 637D…627C: expired 2026-10-12/);
    expect(r.stdout).toMatch(/Policy usable/);
    const g = await runCli(['--json', 'keys', '--check'], { env });
    expect(g.code, describeRun(g)).toBe(0);
    expect(g.json.verdict).toBe('usable');
  });
});

describe.skipIf(!present)('keys refresh', () => {
  it('the shipped Emzy.asc: nothing new, exit 0; an unpinned key: said and ignored; nothing stored', async () => {
    const state = await stateDir();
    const r = await runCli(['keys', 'refresh', join(KEYS, 'Emzy.asc'), join(KEYS, 'bauerj.asc'), '--state-dir', state]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/Emzy: nothing new that the key itself signed/);
    expect(r.stdout).toMatch(
      /bauerj\.asc: key E546…484D \(E546EA0987C09B6EE59A53F484F1BF925B1F484D\) is not pinned; ignored/,
    );
    expect(r.stdout).toMatch(/No pinned key changed\./);
    expect(await readdir(state).catch(() => [])).toEqual([]);
  });

  it('a file with junk → exit 2 with the reason; --json', async () => {
    const state = await stateDir();
    const junk = join(dirs[dirs.length - 1]!, 'junk.asc');
    await writeFile(junk, 'not a key at all\n');
    const r = await runCli(['keys', 'refresh', junk, '--json'], { env: { ELECTRUM_VERIFY_STATE: state } });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.json.exitCode).toBe(2);
    expect(r.json.errors[0]).toMatch(/junk\.asc: not a readable key file/);
  });

  it('a corrupted state file: keys and verify warn and still use the pinned keys', async () => {
    const state = await stateDir();
    await runCli(['keys', '--state-dir', state]); // creates nothing
    const { mkdir, chmod } = await import('node:fs/promises');
    await mkdir(join(state, 'keys'), { recursive: true, mode: 0o700 });
    await chmod(state, 0o700);
    await writeFile(join(state, 'keys', '6694D8DE7BE8EE5631BED9502BD5824B7F9470E6.asc'), 'garbage', { mode: 0o600 });
    const k = await runCli(['keys', '--check', '--json'], { env: { ELECTRUM_VERIFY_STATE: state } });
    expect(k.code, describeRun(k)).toBe(0);
    expect(k.stderr).toMatch(/refreshed copy of ThomasV's key ignored/);
    const tags = join(SHARED, 'electrum-tags');
    const v = await runCli(
      [
        'verify',
        join(tags, 'electrum-4.7.1.payload'),
        '--signature',
        join(tags, 'electrum-4.7.1.payload.asc'),
        '--json',
      ],
      {
        env: { ELECTRUM_VERIFY_STATE: state },
      },
    );
    expect(v.code, describeRun(v)).toBe(0);
    expect(v.json.warnings.join('\n')).toMatch(/ThomasV's key ignored/);
    expect((await stat(join(state, 'keys'))).mode & 0o777).toBe(0o700);
  });
});
