/**
 * `npm run bench:binary`: the single-file build (dist/bin/electrum-verify-linux-x64, `npm run build:binary`) against
 * the Node script (`node bin/electrum-verify.js`), on the machine's Node and on the pinned Node 24 the binary is built
 * from (the same V8, so the difference is the SEA itself). Not part of `npm test`; CI never runs it.
 *
 *   size of the executable (raw, gzip -9, xz -6)
 *   start-up: --help, check-url <url>, vs node -e 0
 *   local verify of the 150 MiB / 5-signature file of bench/data.ts (warm cache)
 *
 * Cases run interleaved, median reported, each run's output checked. The results replace the section between
 * the markers below in BENCHMARKS.md (appended if absent); nothing else in the file is touched.
 *
 * Options: --quick (fewer runs), --out <file> (default BENCHMARKS.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBenchData, type DataFile } from './data.js';
import { cleanupScratch, runInterleaved, runOnce, type CaseResult, type Sample } from './measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = join(ROOT, 'bin', 'electrum-verify.js');
const BINARY = join(ROOT, 'dist', 'bin', 'electrum-verify-linux-x64');
const NODE = process.execPath;
const NODE24 = execFileSync(process.execPath, [join(ROOT, 'build', 'registry-node.mjs'), '24'], {
  encoding: 'utf8',
}).trim();
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const OUT = resolve(ROOT, args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'BENCHMARKS.md');
const RUNS = { startup: QUICK ? 5 : 11, verify: QUICK ? 3 : 5 };
const START = '<!-- bench/binary.ts: start (npm run bench:binary replaces this section) -->';
const END = '<!-- bench/binary.ts: end -->';
const URL1 = 'https://download.electrum.org/4.5.8/electrum-4.5.8-x86_64.AppImage';
const log = (s: string): void => void process.stderr.write(`${s}\n`);

const fmtS = (ms: number | null): string => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(3)} s`);
const fmtMs = (ms: number | null): string => (ms === null ? 'n/a' : `${ms.toFixed(0)} ms`);
const fmtMB = (b: number | null): string => (b === null ? 'n/a' : `${(b / 1e6).toFixed(1)} MB`);
const MiB = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

function verified5(s: Sample): boolean {
  if (s.code !== 0) return false;
  try {
    const r = JSON.parse(s.stdout) as { verdict?: string; signature?: { found?: Array<{ status: string }> } };
    const found = r.signature?.found ?? [];
    return r.verdict === 'verified' && found.length === 5 && found.every((f) => f.status === 'valid');
  } catch {
    return false;
  }
}

function table(rows: Array<[string, CaseResult | undefined]>, unit: 's' | 'ms'): string {
  const out = [
    '| command | median wall | runs (wall) | CPU user+sys (median) | peak RSS |',
    '|---|---:|---|---:|---:|',
  ];
  for (const [what, r] of rows) {
    if (!r) continue;
    const f = unit === 's' ? fmtS : fmtMs;
    const runs = r.samples.map((s) => (unit === 's' ? (s.wallMs / 1000).toFixed(3) : s.wallMs.toFixed(0))).join(' ');
    const fail = r.failures.length ? ` **(${r.failures.length} failed: ${r.failures[0]!.replace(/\|/g, '/')})**` : '';
    out.push(
      `| ${what} | ${f(r.wallMs)} | ${runs}${fail} | ${r.cpuS === null ? 'n/a' : `${r.cpuS.toFixed(2)} s`} | ${fmtMB(r.rssBytes)} |`,
    );
  }
  return out.join('\n');
}

function compressedSize(tool: 'gzip' | 'xz', level: string): number {
  const out = execFileSync('sh', ['-c', `${tool} ${level} -c "$1" | wc -c`, 'sh', BINARY], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return Number(out.trim());
}

async function main(): Promise<void> {
  if (!existsSync(BINARY))
    throw new Error('dist/bin/electrum-verify-linux-x64 is missing: run npm run build:binary first');
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run npm run build first');
  const t0 = Date.now();
  const data = await makeBenchData(join(ROOT, '.bench-data'), log);
  const S: DataFile = data.small;
  const kr = data.keyringArmored;
  const nodeVersion = (bin: string): string => execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  const sum = (await readFile(`${BINARY}.sha256`, 'utf8')).split(/\s+/)[0]!;

  log('size');
  const size = statSync(BINARY).size;
  const gz = compressedSize('gzip', '-9');
  const xz = compressedSize('xz', '-6 -T1');

  log('a --code-cache build, for contrast (not reproducible, so not the default)');
  const ccDir = await mkdtemp(join(tmpdir(), 'ev-bench-cc-'));
  execFileSync(NODE, [join(ROOT, 'build', 'binary.mjs'), '--code-cache', '--out-dir', ccDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const CC = join(ccDir, 'electrum-verify-linux-x64');

  log('start-up');
  const startup = await runInterleaved(
    [
      { id: 'node0', group: 's', label: 'node -e 0', command: { cmd: NODE, args: ['-e', '0'] }, runs: RUNS.startup },
      {
        id: 'node24',
        group: 's',
        label: 'node24 -e 0',
        command: { cmd: NODE24, args: ['-e', '0'] },
        runs: RUNS.startup,
      },
      {
        id: 'bhelp',
        group: 's',
        label: 'binary --help',
        command: { cmd: BINARY, args: ['--help'] },
        runs: RUNS.startup,
      },
      {
        id: 'shelp',
        group: 's',
        label: 'script --help',
        command: { cmd: NODE, args: [SCRIPT, '--help'] },
        runs: RUNS.startup,
      },
      {
        id: 's24help',
        group: 's',
        label: 'script --help (Node 24)',
        command: { cmd: NODE24, args: [SCRIPT, '--help'] },
        runs: RUNS.startup,
      },
      {
        id: 'cchelp',
        group: 's',
        label: 'binary --help (--code-cache build)',
        command: { cmd: CC, args: ['--help'] },
        runs: RUNS.startup,
      },
      {
        id: 'ccurl',
        group: 's',
        label: 'binary check-url (--code-cache build)',
        command: { cmd: CC, args: ['check-url', URL1] },
        runs: RUNS.startup,
      },
      {
        id: 'burl',
        group: 's',
        label: 'binary check-url',
        command: { cmd: BINARY, args: ['check-url', URL1] },
        runs: RUNS.startup,
      },
      {
        id: 'surl',
        group: 's',
        label: 'script check-url',
        command: { cmd: NODE, args: [SCRIPT, 'check-url', URL1] },
        runs: RUNS.startup,
      },
      {
        id: 's24url',
        group: 's',
        label: 'script check-url (Node 24)',
        command: { cmd: NODE24, args: [SCRIPT, 'check-url', URL1] },
        runs: RUNS.startup,
      },
    ],
    log,
  );

  log('150 MiB, 5 signatures, warm cache');
  await runOnce({ cmd: 'sh', args: ['-c', 'cat "$1" > /dev/null', 'sh', S.path] });
  const verifyArgs = ['verify', S.path, '--signature', S.sig5, '--keyring', kr, '--json'];
  const verify = await runInterleaved(
    [
      {
        id: 'bin',
        group: 'v',
        label: 'binary',
        command: { cmd: BINARY, args: verifyArgs, ok: verified5 },
        runs: RUNS.verify,
      },
      {
        id: 'script',
        group: 'v',
        label: 'script',
        command: { cmd: NODE, args: [SCRIPT, ...verifyArgs], ok: verified5 },
        runs: RUNS.verify,
      },
      {
        id: 'script24',
        group: 'v',
        label: 'script (Node 24)',
        command: { cmd: NODE24, args: [SCRIPT, ...verifyArgs], ok: verified5 },
        runs: RUNS.verify,
      },
    ],
    log,
  );
  await cleanupScratch();
  await rm(ccDir, { recursive: true, force: true });

  const s = (id: string): CaseResult | undefined => startup.get(id);
  const v = (id: string): CaseResult | undefined => verify.get(id);
  const ratio = (a: CaseResult | undefined, b: CaseResult | undefined): string =>
    a?.wallMs && b?.wallMs ? `${(a.wallMs / b.wallMs).toFixed(2)} ×` : 'n/a';
  const md = `${START}
## Single-file build (Node SEA) vs the Node script

\`npm run bench:binary\` (\`bench/binary.ts\`), ${new Date().toISOString().slice(0, 10)}, on the machine above${QUICK ? ' (--quick)' : ''}.
Binary: \`dist/bin/electrum-verify-linux-x64\`, ${nodeVersion(NODE24)} inside (the pinned
Node 24 of \`build/registry-node.mjs\`), SHA-256 \`${sum.slice(0, 16)}…\`. Script: \`node bin/electrum-verify.js\` on the machine's
${nodeVersion(NODE)}, and on the same ${nodeVersion(NODE24)} as the binary (so the difference between those two is
the SEA itself, not the Node line). Medians of interleaved runs; every verify run's JSON checked (5 valid signatures).

| size | bytes |
|---|---:|
| executable | ${size.toLocaleString('en')} (${MiB(size)}) |
| gzip -9 | ${gz.toLocaleString('en')} (${MiB(gz)}) |
| xz -6 | ${xz.toLocaleString('en')} (${MiB(xz)}) |

Almost all of it is Node itself (the Node 24 binary: ${statSync(NODE24).size.toLocaleString('en')} bytes); the
bundle of electrum-verify and its dependencies with the keys is about 2 MiB.

### Start-up

${table(
  [
    ['`node -e 0` (machine)', s('node0')],
    ['`node -e 0` (Node 24)', s('node24')],
    ['binary `--help`', s('bhelp')],
    ['script `--help`', s('shelp')],
    ['script `--help` on Node 24', s('s24help')],
    [`binary \`check-url ${URL1}\``, s('burl')],
    ['script `check-url …`', s('surl')],
    ['script `check-url …` on Node 24', s('s24url')],
    ['binary `--help`, built with `--code-cache`', s('cchelp')],
    ['binary `check-url …`, built with `--code-cache`', s('ccurl')],
  ],
  'ms',
)}

Binary / script: \`--help\` ${ratio(s('bhelp'), s('shelp'))} (${ratio(s('bhelp'), s('s24help'))} vs Node 24), \`check-url\`
${ratio(s('burl'), s('surl'))} (${ratio(s('burl'), s('s24url'))} vs Node 24). The binary parses its whole ~2 MiB bundle at
start, where the script loads only the modules a command needs; V8's code cache (\`npm run build:binary -- --code-cache\`)
removes most of that (\`--help\` ${ratio(s('cchelp'), s('s24help'))}, \`check-url\` ${ratio(s('ccurl'), s('s24url'))} vs the script on Node 24) but
its bytes differ from build to build, so the default build leaves it out to stay reproducible.

### Local verify, 150 MiB, 5 signatures (warm cache)

${table(
  [
    ['binary `verify FILE --signature 5sigs.asc --keyring keys.asc --json`', v('bin')],
    ['script, the same', v('script')],
    ['script on Node 24, the same', v('script24')],
  ],
  's',
)}

Binary / script: ${ratio(v('bin'), v('script'))} (${ratio(v('bin'), v('script24'))} vs the script on Node 24).
Whole run: ${((Date.now() - t0) / 1000).toFixed(0)} s.
${END}`;

  let doc = existsSync(OUT) ? await readFile(OUT, 'utf8') : '# Benchmarks\n';
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  doc = a !== -1 && b > a ? doc.slice(0, a) + md + doc.slice(b + END.length) : `${doc.replace(/\s*$/, '')}\n\n${md}\n`;
  await writeFile(OUT, doc);
  log(`wrote the section to ${OUT}`);
  process.stdout.write(`${md}\n`);
}

await main();
