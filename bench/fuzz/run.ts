/**
 * `npm run fuzz`: deterministic fuzzing of the library API (not part of `npm test`).
 *
 *   npm run fuzz -- [--asc N] [--urls N] [--seed S] [--case-timeout MS] [--save] [--report FILE]
 *   env: FUZZ_ASC, FUZZ_URLS, FUZZ_SEED, FUZZ_CASE_TIMEOUT_MS, FUZZ_SAVE=1
 *
 * `.asc` cases: mutations of real signatures made in the run with gpg (bench/fuzz/fixtures.ts, mutate-asc.ts) through
 * `verify(data, { signature, keyring })`, with gpgv on the same files as the oracle. URL cases: mutations of official,
 * mirror and lookalike links through judgeUrl / judgeSource, against an independent reference (urls.ts).
 * Each case runs in a worker thread under a watchdog: no answer within the case timeout is a hang (the worker is
 * replaced and the run goes on with the next case). Case i is a pure function of (seed, i) and the run's seed
 * signatures; with --save, every failing case (crash, hang, false verdict) and up to 2 examples per disagreement
 * class are written to test/fuzz-corpus/ with the public keys and data they need (test/fuzz/corpus.test.ts replays them).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ascCase, ascContext, urlCase, type AscResult, type UrlResult } from './cases.js';
import { buildFuzzFixtures, type FuzzFixtures } from './fixtures.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const CORPUS = process.env.FUZZ_CORPUS_DIR ?? join(REPO, 'test', 'fuzz-corpus');

function arg(name: string, env: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1] as string;
  return process.env[env] ?? dflt;
}

const N_ASC = Number(arg('asc', 'FUZZ_ASC', '2000'));
const N_URL = Number(arg('urls', 'FUZZ_URLS', '2000'));
const SEED = Number(arg('seed', 'FUZZ_SEED', '1'));
const CASE_TIMEOUT = Number(arg('case-timeout', 'FUZZ_CASE_TIMEOUT_MS', '15000'));
const SAVE = process.argv.includes('--save') || process.env.FUZZ_SAVE === '1';
const REPORT = arg('report', 'FUZZ_REPORT', '');

type Done<R> = { i: number; ms: number; r: R };
type Outcome = 'agree' | 'crash' | 'false-verdict' | 'disagree' | 'hang';

let lastDeath = '';

/** Run cases [0, n) in a worker under the watchdog; `onDone` gets every answer, `onHang` every case that timed out. */
async function runAll<R>(
  kind: 'asc' | 'url',
  n: number,
  extra: Record<string, unknown>,
  onDone: (d: Done<R>) => void,
  onHang: (i: number, why: string) => void,
): Promise<void> {
  let next = 0;
  let stillborn = 0; // workers that died before their first case: the code does not load (e.g. mid-edit); give up
  while (next < n) {
    if (stillborn >= 3)
      throw new Error(`the fuzz worker died 3 times before running a case (last: ${lastDeath}); does the code load?`);
    await new Promise<void>((resolveRun) => {
      const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
        workerData: { kind, seed: SEED, start: next, end: n, ...extra },
      });
      let current = -1;
      let started = false;
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        resolveRun();
      };
      const arm = (): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          onHang(current, `no answer within ${CASE_TIMEOUT} ms`);
          next = current + 1;
          void w.terminate().then(finish);
        }, CASE_TIMEOUT);
      };
      w.on('message', (m: { type: string; i: number; ms: number; r: R }) => {
        if (m.type === 'start') {
          current = m.i;
          started = true;
          stillborn = 0;
          arm();
        } else if (m.type === 'done') {
          onDone({ i: m.i, ms: m.ms, r: m.r });
          next = m.i + 1;
        } else if (m.type === 'end') {
          next = n;
          void w.terminate().then(finish);
        }
      });
      w.on('error', (e) => {
        const why = `worker died: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200);
        if (!started) {
          stillborn++;
          lastDeath = why;
          finish();
          return;
        }
        // an exception that escaped the case (e.g. an unhandled rejection): a crash of that case
        onHang(current, why);
        next = Math.max(next, current + 1);
        finish();
      });
      w.on('exit', () => {
        if (!started && next < n && !finished) {
          stillborn++;
          lastDeath = 'exited before its first case';
        }
        finish();
      });
    });
  }
}

interface Tally {
  cases: number;
  byOutcome: Record<Outcome, number>;
  classes: Map<string, { count: number; examples: number[] }>;
  slow: Array<{ i: number; ms: number }>;
  ms: number[];
}

const newTally = (): Tally => ({
  cases: 0,
  byOutcome: { agree: 0, crash: 0, 'false-verdict': 0, disagree: 0, hang: 0 },
  classes: new Map(),
  slow: [],
  ms: [],
});

function note(t: Tally, outcome: Outcome, cls: string, i: number): boolean {
  t.byOutcome[outcome]++;
  if (outcome === 'agree') return false;
  const key = `${outcome}: ${cls}`;
  const c = t.classes.get(key) ?? { count: 0, examples: [] };
  c.count++;
  const keep = outcome !== 'disagree' || c.examples.length < 2;
  if (c.examples.length < 5) c.examples.push(i);
  t.classes.set(key, c);
  return keep;
}

function family(mutator: string): string {
  // classes by mutation family (first segment of each stacked step) so counts stay readable
  return mutator
    .split('+')
    .map((m) => m.split(':').slice(0, 2).join(':'))
    .join('+');
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function printTally(title: string, t: Tally, wallMs: number): string {
  const sorted = [...t.ms].sort((a, b) => a - b);
  const lines = [
    `## ${title}: ${t.cases} cases in ${(wallMs / 1000).toFixed(1)} s (${((t.cases / wallMs) * 1000).toFixed(1)} cases/s; per case p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms)`,
    `crashes ${t.byOutcome.crash}, hangs ${t.byOutcome.hang}, false verdicts ${t.byOutcome['false-verdict']}, disagreements ${t.byOutcome.disagree}, agreements ${t.byOutcome.agree}`,
  ];
  const classes = [...t.classes.entries()].sort((a, b) => b[1].count - a[1].count);
  for (const [k, v] of classes) lines.push(`  ${String(v.count).padStart(6)}  ${k}   [cases ${v.examples.join(', ')}]`);
  if (t.slow.length > 0)
    lines.push(`slow cases (> 2 s): ${t.slow.map((s) => `${s.i} (${s.ms.toFixed(0)} ms)`).join(', ')}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ev-fuzz-'));
  const report: string[] = [
    `# electrum-verify fuzz run: seed ${SEED}, ${N_ASC} .asc cases, ${N_URL} URLs, case timeout ${CASE_TIMEOUT} ms`,
    '',
  ];
  try {
    // ------------------------------------------------------------------ .asc
    let fx: FuzzFixtures | null = null;
    const asc = newTally();
    const saved: Array<Record<string, unknown>> = [];
    let corpusDir = '';
    if (N_ASC > 0) {
      const tf = Date.now();
      await mkdir(join(work, 'fx'));
      fx = await buildFuzzFixtures(join(work, 'fx'));
      console.error(
        `fixtures: ${Object.keys(fx.seeds).length} seed signatures, ${fx.keys.length} keys in ${Date.now() - tf} ms`,
      );
      const ctx = ascContext(fx);
      corpusDir = join(CORPUS, 'asc', `s${SEED}-${fx.keys[0]!.primary.slice(0, 8).toLowerCase()}`);
      const save = async (
        i: number,
        mutator: string,
        outcome: Outcome,
        detail: string,
        bytes: Buffer,
        extra: Record<string, unknown>,
      ): Promise<void> => {
        if (!SAVE) return;
        await mkdir(corpusDir, { recursive: true });
        if (saved.length === 0) {
          await copyFile(fx!.keysAsc, join(corpusDir, 'keys.asc'));
          await copyFile(fx!.keyringGpg, join(corpusDir, 'keyring.gpg'));
          await copyFile(fx!.data, join(corpusDir, 'data.bin'));
        }
        const file = `case-${i}.asc`;
        await writeFile(join(corpusDir, file), bytes);
        saved.push({ file, seed: SEED, index: i, mutator, outcome, detail, ...extra });
      };
      const t0 = Date.now();
      const pending: Promise<void>[] = [];
      await runAll<AscResult>(
        'asc',
        N_ASC,
        { fx, workDir: work },
        ({ i, ms, r }) => {
          asc.cases++;
          asc.ms.push(ms);
          if (ms > 2000) asc.slow.push({ i, ms });
          // classes: the first mutation step (stacked cases are a class of their own), the tool's answer, gpgv's
          const cls =
            r.outcome === 'crash'
              ? `${family(r.mutator)} → ${r.detail.slice(0, 90)}`
              : `${r.mutator.includes('+') ? 'stacked' : r.mutator} → tool ${r.tool.exit === 0 ? 'OK' : r.tool.reason}${r.outcome === 'false-verdict' ? ` [${r.tool.statuses.join(',')}]` : ''} vs gpgv ${r.gpgv.verdict}${r.detail.startsWith('gpgv reads') ? ' (per block: agrees)' : ''}`;
          if (note(asc, r.outcome, cls, i) && r.bytes) {
            pending.push(
              save(i, r.mutator, r.outcome, r.detail, Buffer.from(r.bytes, 'base64'), { tool: r.tool, gpgv: r.gpgv }),
            );
          }
          if (asc.cases % 1000 === 0)
            console.error(`  .asc ${asc.cases}/${N_ASC} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
        },
        (i, why) => {
          asc.cases++;
          const { bytes, mutator } = ascCase(ctx, SEED, i);
          const outcome: Outcome = why.startsWith('worker died') ? 'crash' : 'hang';
          note(asc, outcome, `${family(mutator)} → ${why}`, i);
          pending.push(save(i, mutator, outcome, why, bytes, {}));
        },
      );
      await Promise.all(pending);
      if (SAVE && saved.length > 0)
        await writeFile(join(corpusDir, 'index.json'), JSON.stringify({ seed: SEED, cases: saved }, null, 1) + '\n');
      report.push(printTally('.asc through verify(), gpgv as oracle', asc, Date.now() - t0));
      if (SAVE && saved.length > 0) report.push(`saved ${saved.length} case(s) to ${corpusDir}`);
      report.push('');
    }

    // ------------------------------------------------------------------ URLs
    if (N_URL > 0) {
      const urls = newTally();
      const failing: Array<Record<string, unknown>> = [];
      const sampled = new Map<string, number>();
      const t0 = Date.now();
      await runAll<UrlResult>(
        'url',
        N_URL,
        { workDir: work },
        ({ i, ms, r }) => {
          urls.cases++;
          urls.ms.push(ms);
          if (ms > 2000) urls.slow.push({ i, ms });
          if (note(urls, r.outcome, `${r.mutator.split('+')[0]} → ${r.detail}`, i))
            failing.push({
              url: r.url,
              seed: SEED,
              index: i,
              mutator: r.mutator,
              outcome: r.outcome,
              detail: r.detail,
            });
          else if (r.outcome === 'agree') {
            // a sample of what held: two URLs per verdict class (and mirror answer), so the corpus covers every class
            const k = `${r.verdict}/${r.category}/${r.mirrorVerdict}`;
            const n = sampled.get(k) ?? 0;
            if (n < 2) {
              sampled.set(k, n + 1);
              failing.push({ url: r.url, seed: SEED, index: i, mutator: r.mutator, outcome: 'sample', detail: k });
            }
          }
        },
        (i, why) => {
          urls.cases++;
          const { url, mutator } = urlCase(SEED, i);
          note(urls, why.startsWith('worker died') ? 'crash' : 'hang', `${mutator} → ${why}`, i);
          failing.push({ url, seed: SEED, index: i, mutator, outcome: 'hang', detail: why });
        },
      );
      report.push(printTally('URLs through judgeUrl / judgeSource, independent reference', urls, Date.now() - t0));
      if (SAVE && failing.length > 0) {
        const file = join(CORPUS, 'urls.json');
        await mkdir(CORPUS, { recursive: true });
        const old = await readFile(file, 'utf8').then(
          (t) => JSON.parse(t) as { cases: Array<Record<string, unknown>> },
          () => ({ cases: [] }),
        );
        const known = new Set(old.cases.map((c) => c.url));
        const merged = [...old.cases, ...failing.filter((c) => !known.has(c.url))];
        await writeFile(file, JSON.stringify({ cases: merged }, null, 1) + '\n');
        report.push(`saved ${failing.length} URL case(s) (failures, and samples of every verdict class) to ${file}`);
      }
    }
    const text = report.join('\n');
    console.log(text);
    if (REPORT) await writeFile(REPORT, text + '\n');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
