/**
 * Start-up of `electrum-verify latest --announcement FILE` (offline: parse, one public-key recovery, the
 * high-water mark), beside `node -e 0` and beside a bare script that only loads the curve library and recovers
 * one key. Target (issue 14): the CLI within 30 ms of the bare script.
 *
 *   npx tsc -p tsconfig.json && npx tsx bench/latest-startup.ts [--runs N]
 *
 * Uses bench/measure.ts (wall time around spawn → exit, interleaved rounds, medians). When dist/cli.js does not
 * call registerLatestAndGet yet, the CLI case runs through a small generated runner that builds the same program and
 * registers the two commands (labelled as such).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupScratch, runInterleaved, type Case } from './measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.execPath;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

const A472 = `{
    "version": "4.7.2",
    "signatures": {"13xjmVAB1EATPP8RshTE8S8sNwwSUM9p1P": "IGSeeaAx7oNnIdufq4YbBkZg6Aa4Pn6OTDIDcjh+lTnMRgBRiKq84s4kTXMxOa2CwQbHEnKnkNHQ2Rn/MNliXN0="},
    "extradata": {
        "android_versioncode_nullarch": 45407020
    }
}
`;

/** Loads @noble/curves (+ hashes, base) and recovers the 4.7.2 signer's key: the irreducible work of `latest`. */
const BARE = `
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
const sig = base64.decode('IGSeeaAx7oNnIdufq4YbBkZg6Aa4Pn6OTDIDcjh+lTnMRgBRiKq84s4kTXMxOa2CwQbHEnKnkNHQ2Rn/MNliXN0=');
const m = new TextEncoder().encode('\\x18Bitcoin Signed Message:\\n\\x054.7.2');
const d = sha256(sha256(m));
const key = secp256k1.Signature.fromBytes(sig.subarray(1), 'compact').addRecoveryBit((sig[0] - 27) & 3).recoverPublicKey(d).toBytes(true);
if (key.length !== 33) process.exit(1);
`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ev-bench-latest-'));
  try {
    const file = join(dir, 'version');
    await writeFile(file, A472);
    const bare = join(ROOT, `.bench-bare-recover-${process.pid}.mjs`); // inside the repo: bare specifiers resolve from node_modules
    await writeFile(bare, BARE);
    const wired =
      existsSync(join(ROOT, 'dist', 'cli.js')) &&
      readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8').includes('registerLatestAndGet');
    let cliArgs: string[];
    let cliLabel: string;
    if (wired) {
      cliArgs = [join(ROOT, 'bin', 'electrum-verify.js')];
      cliLabel = '`electrum-verify latest --announcement FILE`';
    } else {
      const runner = join(dir, 'runner.mjs');
      await writeFile(
        runner,
        `const { buildProgram } = await import(${JSON.stringify(join(ROOT, 'dist', 'cli.js'))});
const { registerLatestAndGet } = await import(${JSON.stringify(join(ROOT, 'dist', 'commands', 'register-announce.js'))});
let code = 0; const p = buildProgram((c) => (code = c)); registerLatestAndGet(p, (c) => (code = c));
await p.parseAsync(process.argv); process.exitCode = code;\n`,
      );
      cliArgs = [runner];
      cliLabel = '`latest --announcement FILE` (dist/cli.js buildProgram + registerLatestAndGet; cli.ts not wired yet)';
    }
    const env = { ...process.env, ELECTRUM_VERIFY_STATE: join(dir, 'state'), NO_COLOR: '1' };
    const cases: Case[] = [
      {
        id: 'node',
        group: 'latest-startup',
        label: '`node -e 0`',
        command: { cmd: NODE, args: ['-e', '0'] },
        runs: RUNS,
      },
      {
        id: 'bare',
        group: 'latest-startup',
        label: 'bare script: load @noble/curves, recover one key',
        command: { cmd: NODE, args: [bare], cwd: ROOT },
        runs: RUNS,
      },
      {
        id: 'help',
        group: 'latest-startup',
        label: "`electrum-verify --help` (the CLI's own start-up)",
        command: { cmd: NODE, args: [...cliArgs, '--help'], env, cwd: ROOT },
        runs: RUNS,
      },
      {
        id: 'latest',
        group: 'latest-startup',
        label: cliLabel,
        command: { cmd: NODE, args: [...cliArgs, 'latest', '--announcement', file], env, cwd: ROOT },
        runs: RUNS,
      },
    ];
    try {
      const results = await runInterleaved(cases, (s) => process.stderr.write(`${s}\n`));
      const ms = (id: string): number | null => results.get(id)?.wallMs ?? null;
      const fmt = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);
      process.stdout.write(
        `\n| case | median wall | min wall | median CPU (user+sys) | peak RSS |\n| --- | --- | --- | --- | --- |\n`,
      );
      for (const c of cases) {
        const r = results.get(c.id)!;
        const min = r.samples.length ? Math.min(...r.samples.map((s) => s.wallMs)) : null;
        const rss = r.rssBytes === null ? 'n/a' : `${(r.rssBytes / 1024 / 1024).toFixed(1)} MiB`;
        process.stdout.write(
          `| ${c.label} | ${fmt(r.wallMs)} | ${fmt(min)} | ${r.cpuS === null ? 'n/a' : fmt(r.cpuS * 1000)} | ${rss} |${r.failures.length ? ` failures: ${r.failures.join('; ')}` : ''}\n`,
        );
      }
      const b = ms('bare');
      const l = ms('latest');
      if (b !== null && l !== null) {
        const gap = l - b;
        const cb = results.get('bare')?.cpuS ?? null;
        const cl = results.get('latest')?.cpuS ?? null;
        const cpuGap = cb !== null && cl !== null ? `; CPU ${((cl - cb) * 1000).toFixed(0)} ms` : '';
        process.stdout.write(
          `\nlatest − bare script: wall ${gap.toFixed(1)} ms${cpuGap} (target ≤ 30 ms: ${gap <= 30 ? 'met' : 'NOT met'}); ${RUNS} interleaved runs each.\n`,
        );
        const n = ms('node');
        const h = ms('help');
        if (n !== null && h !== null) {
          // What latest adds beyond the CLI's own start-up and the bare curve work.
          process.stdout.write(
            `decomposition (wall): CLI start-up (--help − node) ${(h - n).toFixed(1)} ms; curve work (bare − node) ${(b - n).toFixed(1)} ms; latest's own ${(l - h - (b - n)).toFixed(1)} ms.\n`,
          );
        }
      }
    } finally {
      await rm(bare, { force: true });
    }
  } finally {
    await cleanupScratch();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
