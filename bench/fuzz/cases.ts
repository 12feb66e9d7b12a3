/**
 * One fuzz case, run in the worker: the library API on a mutated `.asc` (with gpgv beside it) or on a mutated URL.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { judgeSource, judgeUrl } from '../../src/policy/origin.js';
import { verify } from '../../src/verify.js';
import type { FuzzFixtures } from './fixtures.js';
import { mutateAsc, seedFrom, type Ids, type Seed } from './mutate-asc.js';
import { compare, gpgvVerdict, runGpgv, type GpgvAnswer, type ToolAnswer } from './oracle.js';
import { Rng } from './rng.js';
import { MIRROR, mutateUrl, referenceClean, OFFICIAL } from './urls.js';

export interface AscContext {
  fx: FuzzFixtures;
  seeds: Seed[];
  ids: Ids;
}

export function ascContext(fx: FuzzFixtures): AscContext {
  const seeds = Object.entries(fx.seeds).map(([name, path]) => seedFrom(name, readFileSync(path, 'latin1')));
  const ids = { fingerprints: fx.keys.map((k) => k.signing) };
  return { fx, seeds, ids };
}

export function ascCase(ctx: AscContext, seed: number, index: number): { bytes: Buffer; mutator: string } {
  return mutateAsc(new Rng(seed, index), ctx.seeds, ctx.ids);
}

export async function runTool(data: string, sig: string, keyring: string): Promise<ToolAnswer> {
  try {
    const r = await verify(data, { signature: sig, keyring });
    return {
      exit: r.exitCode,
      reason: r.reason?.code ?? null,
      signers: r.signature.signers.map((s) => s.fingerprint),
      statuses: (r.signature.found ?? []).map((f) => f.status),
    };
  } catch (e) {
    return { exit: 'threw', reason: null, signers: [], statuses: [], error: e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 200) : String(e) };
  }
}

export interface AscResult {
  mutator: string;
  outcome: 'agree' | 'crash' | 'false-verdict' | 'disagree';
  detail: string;
  tool: ToolAnswer;
  gpgv: { verdict: string; code: number; error: string | null; statuses: string[] };
  bytes?: string;
}

export async function runAscCase(ctx: AscContext, seed: number, index: number, sigPath: string, gpgHome: string): Promise<AscResult> {
  const { bytes, mutator } = ascCase(ctx, seed, index);
  await writeFile(sigPath, bytes);
  const [tool, gv] = await Promise.all([runTool(ctx.fx.data, sigPath, ctx.fx.keysAsc), runGpgv(gpgHome, ctx.fx.keyringGpg, sigPath, ctx.fx.data)]);
  const { outcome, detail } = compare(tool, gv);
  return {
    mutator,
    outcome,
    detail,
    tool,
    gpgv: summarize(gv),
    ...(outcome === 'agree' ? {} : { bytes: bytes.toString('base64') }),
  };
}

function summarize(gv: GpgvAnswer): AscResult['gpgv'] {
  return { verdict: gpgvVerdict(gv), code: gv.code, error: gv.error, statuses: gv.sigs.map((s) => s.status + (s.errRc ? `(${s.errRc})` : '')) };
}

export interface UrlResult {
  url: string;
  mutator: string;
  outcome: 'agree' | 'crash' | 'false-verdict' | 'disagree';
  detail: string;
  verdict: string;
  category: string;
  mirrorVerdict: string;
}

/** The reference says official / mirror / neither; the tool must never say more than the reference. */
export function judgeUrlCase(url: string, mutator: string): UrlResult {
  const mirrors = new Set([MIRROR]);
  let verdict = '?';
  let category = '?';
  let mirrorVerdict = '?';
  try {
    const a = judgeUrl(url);
    const b = judgeSource(url, new Set());
    const c = judgeSource(url, mirrors);
    verdict = a.verdict;
    category = a.category;
    mirrorVerdict = c.verdict;
    if (b.verdict !== a.verdict || b.reason !== a.reason) {
      return { url, mutator, outcome: 'false-verdict', detail: `judgeSource(no mirrors) ${b.verdict} ≠ judgeUrl ${a.verdict}`, verdict, category, mirrorVerdict };
    }
    for (const j of [a, b, c]) {
      if (typeof j.reason !== 'string' || j.reason.length === 0) throw new Error('no reason');
    }
  } catch (e) {
    return { url, mutator, outcome: 'crash', detail: e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 200) : String(e), verdict, category, mirrorVerdict };
  }
  const refOfficial = referenceClean(url, OFFICIAL);
  const refMirror = referenceClean(url, [MIRROR]);
  const toolOfficial = verdict === 'official';
  const toolMirror = mirrorVerdict === 'mirror';
  if (toolOfficial && !refOfficial) return { url, mutator, outcome: 'false-verdict', detail: 'tool official, reference not', verdict, category, mirrorVerdict };
  if (toolMirror && !refMirror) return { url, mutator, outcome: 'false-verdict', detail: 'tool mirror, reference not', verdict, category, mirrorVerdict };
  if (mirrorVerdict === 'official' && !refOfficial) return { url, mutator, outcome: 'false-verdict', detail: 'tool official (with mirrors), reference not', verdict, category, mirrorVerdict };
  if (refOfficial && !toolOfficial) return { url, mutator, outcome: 'disagree', detail: `reference official, tool ${verdict}/${category}`, verdict, category, mirrorVerdict };
  if (refMirror && !toolMirror) return { url, mutator, outcome: 'disagree', detail: `reference mirror, tool ${mirrorVerdict}/${category}`, verdict, category, mirrorVerdict };
  return { url, mutator, outcome: 'agree', detail: '', verdict, category, mirrorVerdict };
}

export function urlCase(seed: number, index: number): { url: string; mutator: string } {
  return mutateUrl(new Rng(seed ^ 0x5eed, index));
}
