#!/usr/bin/env node
/**
 * npm run build:package (and `prepack`, so `npm pack` / `npm publish` run it): a clean dist/ for the tarball.
 * dist/ is emptied first (except dist/bin/, the single-file build, which the tarball does not ship), so no stale
 * file or source map from a development build (`npm run build`, which maps to src/, not shipped) is packed; then
 * tsc compiles src/ with tsconfig.build.json: no source maps. The tarball installs with no build step and no
 * install script.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
if (existsSync(DIST)) {
  for (const entry of readdirSync(DIST))
    if (entry !== 'bin') rmSync(join(DIST, entry), { recursive: true, force: true });
}
const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
