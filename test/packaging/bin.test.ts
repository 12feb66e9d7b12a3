/**
 * bin/electrum-verify.js in a folder where the build (or `npm ci`) has not been done: a person who cloned the
 * repository and ran it straight away reads what to run, not a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, stackTraceLines } from '../support/cli.js';

describe('bin/electrum-verify.js before a build', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ev-bin-'));
    await mkdir(join(dir, 'bin'));
    await copyFile(BIN, join(dir, 'bin', 'electrum-verify.js'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'electrum-verify', type: 'module' }));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const run = () =>
    spawnSync(process.execPath, [join(dir, 'bin', 'electrum-verify.js'), '--help'], { cwd: dir, encoding: 'utf8' });

  it('no dist/: says to run npm ci && npm run build, exit 2, no stack trace', () => {
    const r = run();
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/not built yet/);
    expect(r.stderr).toContain('npm ci && npm run build');
    expect(stackTraceLines(r.stderr)).toEqual([]);
    expect(r.stdout).toBe('');
  });

  it('dist/ but no node_modules: names the missing package and says to run npm ci', async () => {
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(
      join(dir, 'dist', 'cli.js'),
      "import { Command } from 'commander';\nexport async function main() { return 0; }\n",
    );
    const r = run();
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/dependency is missing .*commander/);
    expect(r.stderr).toContain('npm ci');
    expect(stackTraceLines(r.stderr)).toEqual([]);
  });
});
