/**
 * Bench (issue 15): a whole release in a folder, the way a mirror or a packager checks it.
 *
 *   electrum-verify verify-release 4.5.8 --dir D --offline   (10 files, ~450 MiB, five-signature Electrum-style .asc)
 *   vs  sha512sum over the same 10 files                       (one hash, no signatures: the floor)
 *   vs  a loop of gpgv over them                               (what a script does today; 5 signatures each)
 *   peak RSS of each (GNU time -v)
 *
 * Targets: verify-release ≤ 1.2 × sha512sum, ≤ 0.5 × the gpgv loop, peak RSS ≤ 150 MB.
 * Data: made once under .bench-data/release-v1/ (git-ignored): random files named as Electrum 4.5.8's ten files,
 * each signed by 4 × RSA-4096/SHA-512 + 1 × ECDSA P-256/SHA-256 keys made with GnuPG (the secret keys are deleted);
 * `<file>.asc` is the five armored blocks concatenated, as on download.electrum.org.
 *
 * Run: npx tsc -p tsconfig.json && npx tsx bench/release.ts [--runs N]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cleanupScratch, haveGnuTime, runInterleaved, type Case } from './measure.js';

const MiB = 1024 * 1024;
const ROOT = resolve(import.meta.dirname, '..');
const DATA = join(ROOT, '.bench-data', 'release-v1');
const V = '4.5.8';
/** Electrum 4.5.8's ten files, with sizes near the real ones (≈ 450 MiB in all). */
const FILES: Array<[string, number]> = [
  [`Electrum-${V}.tar.gz`, 46],
  [`Electrum-sourceonly-${V}.tar.gz`, 4],
  [`electrum-${V}-x86_64.AppImage`, 76],
  [`electrum-${V}.dmg`, 52],
  [`electrum-${V}.exe`, 60],
  [`electrum-${V}-setup.exe`, 50],
  [`electrum-${V}-portable.exe`, 60],
  [`Electrum-${V}-arm64-v8a-release.apk`, 34],
  [`Electrum-${V}-armeabi-v7a-release.apk`, 34],
  [`Electrum-${V}-x86_64-release.apk`, 34],
];
const STAMP = 'release-v1';
const KEYS = [
  { email: 'rsa-a@bench.invalid', algo: 'rsa4096', digest: 'SHA512' },
  { email: 'rsa-b@bench.invalid', algo: 'rsa4096', digest: 'SHA512' },
  { email: 'rsa-c@bench.invalid', algo: 'rsa4096', digest: 'SHA512' },
  { email: 'rsa-d@bench.invalid', algo: 'rsa4096', digest: 'SHA512' },
  { email: 'p256@bench.invalid', algo: 'nistp256', digest: 'SHA256' },
];

const log = (s: string): void => void process.stderr.write(s + '\n');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Buffer> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', rej);
    child.on('close', (code) =>
      code === 0
        ? res(Buffer.concat(out))
        : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${Buffer.concat(err).toString()}`)),
    );
  });
}

async function makeData(): Promise<void> {
  const stamp = join(DATA, 'STAMP');
  if (existsSync(stamp) && (await readFile(stamp, 'utf8')) === STAMP) return;
  log(`making the release in ${DATA} (once)…`);
  await mkdir(join(DATA, 'dir'), { recursive: true });
  for (const [name, mib] of FILES) {
    const fh = await open(join(DATA, 'dir', name), 'w');
    try {
      for (let done = 0; done < mib * MiB; done += 8 * MiB)
        await fh.write(randomBytes(Math.min(8 * MiB, mib * MiB - done)));
    } finally {
      await fh.close();
    }
  }
  const home = await mkdtemp(join(tmpdir(), 'ev-bench-rel-'));
  const env = { ...process.env, GNUPGHOME: home, LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
  const base = ['--batch', '--no-tty', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', ''];
  try {
    const fprs: string[] = [];
    for (const k of KEYS) {
      await run('gpg', [...base, '--quick-gen-key', `Bench ${k.email} <${k.email}>`, k.algo, 'sign', 'never'], env);
      const colons = (
        await run('gpg', [...base, '--with-colons', '--fingerprint', '--list-keys', `<${k.email}>`], env)
      ).toString();
      fprs.push(/^fpr:+([0-9A-F]{40}):/m.exec(colons)![1]!);
    }
    const armored: Buffer[] = [];
    for (const f of fprs) armored.push(await run('gpg', [...base, '--armor', '--export', f], env));
    await writeFile(join(DATA, 'keys.asc'), Buffer.concat(armored));
    await writeFile(join(DATA, 'keys.gpg'), await run('gpg', [...base, '--export', ...fprs], env));
    for (const [name] of FILES) {
      log(`  signing ${name} (5 signatures)`);
      const blocks: Buffer[] = [];
      for (const [i, k] of KEYS.entries()) {
        blocks.push(
          await run(
            'gpg',
            [
              ...base,
              '--local-user',
              `${fprs[i]}!`,
              '--digest-algo',
              k.digest,
              '--armor',
              '--detach-sign',
              '--output',
              '-',
              join(DATA, 'dir', name),
            ],
            env,
          ),
        );
      }
      await writeFile(join(DATA, 'dir', `${name}.asc`), Buffer.concat(blocks));
    }
  } finally {
    await run('gpgconf', ['--kill', 'all'], env).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
  await writeFile(stamp, STAMP);
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  if (!existsSync(join(ROOT, 'dist', 'commands', 'register-release.js')))
    throw new Error('compile first: npx tsc -p tsconfig.json');
  if (!haveGnuTime()) log('warning: /usr/bin/time missing: no peak RSS');
  await makeData();
  const dir = join(DATA, 'dir');
  const files = FILES.map(([n]) => join(dir, n));
  // The real CLI (through the test shim, which adds verify-release if src/cli.ts does not register it yet).
  const shim = join(ROOT, 'test', 'run', 'cli-shim.mjs');
  const ev = (concurrency: number | null): Case['command'] => ({
    cmd: process.execPath,
    args: [
      shim,
      'verify-release',
      V,
      '--dir',
      dir,
      '--offline',
      '--keyring',
      join(DATA, 'keys.asc'),
      '--min-signers',
      '5',
      '--json',
      ...(concurrency ? ['--concurrency', String(concurrency)] : []),
    ],
    env: { ...process.env, EV_TEST_KEYRING: '' },
    ok: (s) => s.code === 0 && JSON.parse(s.stdout).summary.verified === 10,
  });
  const cases: Case[] = [
    {
      id: 'ev',
      group: 'release',
      label: `electrum-verify verify-release --dir --offline (concurrency = cores = ${availableParallelism()})`,
      command: ev(null),
      runs,
    },
    {
      id: 'ev1',
      group: 'release',
      label: 'electrum-verify verify-release --dir --offline --concurrency 1',
      command: ev(1),
      runs,
    },
    {
      id: 'sha512',
      group: 'release',
      label: 'sha512sum over the 10 files',
      command: { cmd: 'sha512sum', args: files },
      runs,
    },
    {
      id: 'gpgv',
      group: 'release',
      label: 'for f in …; do gpgv --keyring keys.gpg f.asc f; done',
      command: {
        cmd: 'bash',
        args: [
          '-c',
          'set -e; k="$1"; shift; for f in "$@"; do gpgv --keyring "$k" "$f.asc" "$f" 2>/dev/null; done',
          'bash',
          join(DATA, 'keys.gpg'),
          ...files,
        ],
      },
      runs,
    },
  ];
  // warm the page cache once
  await run('cat', files, process.env).catch(() => undefined);
  const results = await runInterleaved(cases, log);
  await cleanupScratch();
  const r = (id: string) => results.get(id)!;
  const s = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
  const mb = (b: number | null) => (b === null ? 'n/a' : `${(b / 1e6).toFixed(1)} MB`);
  const total = FILES.reduce((a, [, m]) => a + m, 0);
  const lines = [
    `## verify-release: a ${total} MiB, 10-file release in a folder (5 signatures per file), ${runs} runs, median wall`,
    '',
    '| command | median wall | CPU user+sys | peak RSS | failures |',
    '|---|---:|---:|---:|---|',
    ...cases.map(
      (c) =>
        `| ${c.label} | ${s(r(c.id).wallMs)} | ${r(c.id).cpuS?.toFixed(2) ?? 'n/a'} s | ${mb(r(c.id).rssBytes)} | ${r(c.id).failures.join('; ') || '—'} |`,
    ),
    '',
  ];
  const ratio = (a: string, b: string) =>
    r(a).wallMs !== null && r(b).wallMs !== null ? r(a).wallMs! / r(b).wallMs! : null;
  const vsSha = ratio('ev', 'sha512');
  const vsGpgv = ratio('ev', 'gpgv');
  const rss = r('ev').rssBytes;
  lines.push(
    `- verify-release / sha512sum: ${vsSha?.toFixed(2) ?? 'n/a'}× (target ≤ 1.2×) ${vsSha !== null && vsSha <= 1.2 ? 'MET' : 'NOT MET'}`,
    `- verify-release / gpgv loop: ${vsGpgv?.toFixed(2) ?? 'n/a'}× (target ≤ 0.5×) ${vsGpgv !== null && vsGpgv <= 0.5 ? 'MET' : 'NOT MET'}`,
    `- peak RSS of verify-release: ${mb(rss)} (target ≤ 150 MB) ${rss !== null && rss <= 150e6 ? 'MET' : 'NOT MET'}`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
