#!/usr/bin/env node
/**
 * Installs electrum-verify as people do, from the tarball, and runs it (used by .ci/run):
 *   npm pack  (prepack builds a clean dist/)  →  npm install -g --prefix <temp> ./electrum-verify-*.tgz  →  run it.
 * Fails if the tarball ships a source map, the single-file build, or lacks LICENSE/dist/keys; if the install
 * prints an install-scripts warning or runs a build; or if the installed command does not work.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'ev-pack-'));
const problems = [];
const npm = (args, cwd) => {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'warn' } });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
};
try {
  npm(['pack', '--pack-destination', work], ROOT);
  const tgz = readdirSync(work).find((f) => /^electrum-verify-.*\.tgz$/.test(f));
  if (!tgz) throw new Error('npm pack made no electrum-verify-*.tgz');
  const files = execFileSync('tar', ['-tzf', join(work, tgz)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const has = (f) => files.includes(`package/${f}`);
  for (const f of [
    'LICENSE',
    'README.md',
    'package.json',
    'bin/electrum-verify.js',
    'dist/cli.js',
    'dist/index.js',
    'dist/index.d.ts',
  ]) {
    if (!has(f)) problems.push(`the tarball lacks ${f}`);
  }
  if (!files.some((f) => /^package\/keys\/.*\.asc$/.test(f))) problems.push('the tarball has no keys/*.asc');
  const maps = files.filter((f) => f.endsWith('.map'));
  if (maps.length)
    problems.push(`the tarball ships source maps of files it does not ship: ${maps.slice(0, 3).join(', ')}…`);
  if (files.some((f) => f.startsWith('package/dist/bin/')))
    problems.push('the tarball ships dist/bin/ (the single-file build)');
  if (files.some((f) => f.startsWith('package/src/'))) problems.push('the tarball ships src/ (not intended)');

  const prefix = join(work, 'prefix');
  const out = npm(['install', '-g', '--prefix', prefix, join(work, tgz)], work);
  if (/install-scripts|allowScripts/i.test(out)) problems.push(`npm install -g warned about install scripts:\n${out}`);
  if (/\btsc\b/.test(out)) problems.push(`npm install -g ran a build:\n${out}`);
  const cli = join(prefix, 'bin', process.platform === 'win32' ? 'electrum-verify.cmd' : 'electrum-verify');
  const run = (args, expect) => {
    const r = spawnSync(cli, args, {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', HOME: work, ELECTRUM_VERIFY_STATE: join(work, 'state') },
    });
    if (r.status !== expect)
      problems.push(
        `installed electrum-verify ${args.join(' ')}: exit ${r.status} (expected ${expect})\n${r.stdout}${r.stderr}`,
      );
    return r.stdout;
  };
  const version = run(['--version'], 0);
  run(['check-url', 'https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz'], 0);
  run(['check-url', 'https://electrum.org.example/4.5.8/Electrum-4.5.8.tar.gz'], 3);
  const keys = run(['keys', '--json'], 0);
  if (!/ThomasV/.test(keys)) problems.push('installed electrum-verify keys does not list ThomasV');
  process.stdout.write(`${tgz}: ${files.length} files, installed into a temporary prefix: ${version.split('\n')[0]}\n`);
} catch (e) {
  problems.push(String(e.message ?? e));
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problems.length) {
  process.stderr.write(`check-package: ${problems.length} problem(s):\n- ${problems.join('\n- ')}\n`);
  process.exit(1);
}
process.stdout.write('check-package: npm pack → npm install -g → run: OK\n');
