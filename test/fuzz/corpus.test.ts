/**
 * The fuzz regression corpus (issue 11, "a fuzz target"): every case `npm run fuzz -- --save` ever found failing
 * (crash, hang, false verdict), and up to two examples of each class where the tool and gpgv disagree, replayed
 * through the library API on every `npm test`.
 *
 *   test/fuzz-corpus/asc/<run>/   keys.asc (public keys), keyring.gpg (the same, binary, for gpgv), data.bin,
 *                                 case-<i>.asc and index.json (seed, index, mutator, what happened when found)
 *   test/fuzz-corpus/urls.json    URLs with their seed and index
 *
 * Invariants checked for every case, whatever it was saved for: verify() returns a report (never throws) within the
 * time bound, and never verifies what gpgv does not call good (re-run here when gpgv is installed; else the verdict
 * recorded when the case was found). URLs: judgeUrl / judgeSource never throw and never call a URL official or an
 * approved mirror that the independent reference (bench/fuzz/urls.ts) does not.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeUrlCase, oracle, runTool } from '../../bench/fuzz/cases.js';

const CORPUS = resolve(import.meta.dirname, '..', 'fuzz-corpus');
const CASE_TIMEOUT_MS = 10_000;
const haveGpgv = spawnSync('gpgv', ['--version']).status === 0;
const gpgHome = mkdtempSync(join(tmpdir(), 'ev-corpus-gv-'));
afterAll(() => rmSync(gpgHome, { recursive: true, force: true }));

interface AscEntry {
  file: string;
  seed: number;
  index: number;
  mutator: string;
  outcome: string;
  detail: string;
  gpgv?: { verdict: string };
  /**
   * A failure not fixed yet, with who it is routed to: the case runs as `it.fails` (so `npm test` stays green and the
   * case turns RED the day it is fixed: then delete this field and it guards the fix).
   */
  open?: string;
}

const runs = existsSync(join(CORPUS, 'asc'))
  ? readdirSync(join(CORPUS, 'asc'))
      .map((d) => join(CORPUS, 'asc', d))
      .filter((d) => existsSync(join(d, 'index.json')))
  : [];

function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (hang)`)), ms);
    }),
  ]);
}

it('the corpus is there (a replay of nothing would pass vacuously)', () => {
  expect(runs.length).toBeGreaterThan(0);
  expect(existsSync(join(CORPUS, 'urls.json'))).toBe(true);
});

for (const dir of runs) {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { cases: AscEntry[] };
  describe(`.asc corpus ${dir.split('/').pop()}`, () => {
    for (const c of index.cases) {
      const name = `${c.file} (${c.mutator}; found: ${c.outcome})${c.open ? ` — OPEN: ${c.open}` : ''}`;
      (c.open ? it.fails : it)(name, async () => {
        const sig = join(dir, c.file);
        const data = join(dir, 'data.bin');
        const tool = await bounded(runTool(data, sig, join(dir, 'keys.asc')), CASE_TIMEOUT_MS, c.file);
        expect(tool.exit, `verify() threw: ${tool.error}`).not.toBe('threw');
        if (haveGpgv) {
          const { outcome, detail } = await oracle(tool, null, gpgHome, join(dir, 'keyring.gpg'), sig, data);
          expect(['agree', 'disagree'], `${outcome}: ${detail}`).toContain(outcome);
        } else if (c.gpgv && c.gpgv.verdict !== 'good') {
          expect(tool.exit, `gpgv said ${c.gpgv.verdict} when the case was found`).not.toBe(0);
        }
      });
    }
  });
}

const urlFile = join(CORPUS, 'urls.json');
const urlCases = existsSync(urlFile)
  ? (JSON.parse(readFileSync(urlFile, 'utf8')) as { cases: Array<{ url: string; mutator: string; outcome: string }> })
      .cases
  : [];

describe('URL corpus', () => {
  it.each(urlCases.map((c) => [JSON.stringify(c.url), c] as const))('%s', (_name, c) => {
    const t0 = performance.now();
    const r = judgeUrlCase(c.url, c.mutator);
    expect(performance.now() - t0).toBeLessThan(CASE_TIMEOUT_MS);
    expect(
      ['agree', 'disagree'],
      `${r.outcome}: ${r.detail} (tool ${r.verdict}/${r.category}, with mirror ${r.mirrorVerdict})`,
    ).toContain(r.outcome);
  });
});
