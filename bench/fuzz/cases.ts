/**
 * One fuzz case, run in the worker: the library API on a mutated `.asc` (with gpgv beside it) or on a mutated URL.
 */
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { judgeSource, judgeUrl } from '../../src/policy/origin.js';
import { verify } from '../../src/verify.js';
import type { FuzzFixtures } from './fixtures.js';
import { mutateAsc, seedFrom, type Ids, type Seed } from './mutate-asc.js';
import { compare, gpgvVerdict, runGpgv, type GpgvAnswer, type Outcome, type ToolAnswer } from './oracle.js';
import { Rng } from './rng.js';
import { MIRROR, mutateUrl, referenceClean, OFFICIAL } from './urls.js';

export interface AscContext {
  fx: FuzzFixtures;
  seeds: Seed[];
  ids: Ids;
}

export function ascContext(fx: FuzzFixtures): AscContext {
  const seeds = Object.entries(fx.seeds).map(([name, path]) => seedFrom(name, readFileSync(path, 'latin1')));
  const ids = { fingerprints: fx.keys.map((k) => k.signing), data: readFileSync(fx.data), secrets: fx.secrets };
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
    return {
      exit: 'threw',
      reason: null,
      signers: [],
      statuses: [],
      error: e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 200) : String(e),
    };
  }
}

/**
 * gpgv on the whole file; when the tool counted a signer gpgv did not see and the file has several armored blocks,
 * gpgv again on each block alone. gpgv reads concatenated armor as ONE packet stream (a bad length in block 2 swallows
 * blocks 3 and 4), while the contract judges every block on its own; per block, gpgv is the oracle again.
 */
export async function oracle(
  tool: ToolAnswer,
  whole: GpgvAnswer | null,
  gpgHome: string,
  keyring: string,
  sigPath: string,
  data: string,
): Promise<{ outcome: Outcome; detail: string; gv: GpgvAnswer }> {
  const gv = whole ?? (await runGpgv(gpgHome, keyring, sigPath, data));
  const first = compare(tool, gv);
  if (first.outcome !== 'false-verdict') return { ...first, gv };
  const text = (await readFile(sigPath)).toString('latin1');
  const blocks = text.match(/-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/g) ?? [];
  if (blocks.length < 2) return { ...first, gv };
  const merged: GpgvAnswer = { code: gv.code, sigs: [], error: gv.error, timedOut: false };
  for (const [k, block] of blocks.entries()) {
    const p = join(gpgHome, `block${k}.asc`); // gpgv's scratch home, never beside the case (the corpus is in the repo)
    await writeFile(p, block + '\n', 'latin1');
    const one = await runGpgv(gpgHome, keyring, p, data);
    await rm(p, { force: true });
    merged.sigs.push(...one.sigs);
    merged.timedOut ||= one.timedOut;
  }
  const again = compare(tool, merged);
  if (again.outcome === 'agree')
    return {
      outcome: 'disagree',
      detail: 'gpgv reads the armored blocks as one packet stream; block by block it agrees',
      gv,
    };
  return { ...again, gv: merged };
}

export interface AscResult {
  mutator: string;
  outcome: 'agree' | 'crash' | 'false-verdict' | 'disagree';
  detail: string;
  tool: ToolAnswer;
  gpgv: { verdict: string; code: number; error: string | null; statuses: string[] };
  bytes?: string;
}

export async function runAscCase(
  ctx: AscContext,
  seed: number,
  index: number,
  sigPath: string,
  gpgHome: string,
): Promise<AscResult> {
  const { bytes, mutator } = ascCase(ctx, seed, index);
  await writeFile(sigPath, bytes);
  const [tool, whole] = await Promise.all([
    runTool(ctx.fx.data, sigPath, ctx.fx.keysAsc),
    runGpgv(gpgHome, ctx.fx.keyringGpg, sigPath, ctx.fx.data),
  ]);
  const { outcome, detail, gv } = await oracle(tool, whole, gpgHome, ctx.fx.keyringGpg, sigPath, ctx.fx.data);
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
  return {
    verdict: gpgvVerdict(gv),
    code: gv.code,
    error: gv.error,
    statuses: gv.sigs.map((s) => s.status + (s.errRc ? `(${s.errRc})` : '')),
  };
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
      return {
        url,
        mutator,
        outcome: 'false-verdict',
        detail: `judgeSource(no mirrors) ${b.verdict} ≠ judgeUrl ${a.verdict}`,
        verdict,
        category,
        mirrorVerdict,
      };
    }
    for (const j of [a, b, c]) {
      if (typeof j.reason !== 'string' || j.reason.length === 0) throw new Error('no reason');
    }
  } catch (e) {
    return {
      url,
      mutator,
      outcome: 'crash',
      detail: e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 200) : String(e),
      verdict,
      category,
      mirrorVerdict,
    };
  }
  const refOfficial = referenceClean(url, OFFICIAL);
  const refMirror = referenceClean(url, [MIRROR]);
  const toolOfficial = verdict === 'official';
  const toolMirror = mirrorVerdict === 'mirror';
  if (toolOfficial && !refOfficial)
    return {
      url,
      mutator,
      outcome: 'false-verdict',
      detail: 'tool official, reference not',
      verdict,
      category,
      mirrorVerdict,
    };
  if (toolMirror && !refMirror)
    return {
      url,
      mutator,
      outcome: 'false-verdict',
      detail: 'tool mirror, reference not',
      verdict,
      category,
      mirrorVerdict,
    };
  if (mirrorVerdict === 'official' && !refOfficial)
    return {
      url,
      mutator,
      outcome: 'false-verdict',
      detail: 'tool official (with mirrors), reference not',
      verdict,
      category,
      mirrorVerdict,
    };
  if (refOfficial && !toolOfficial)
    return {
      url,
      mutator,
      outcome: 'disagree',
      detail: `reference official, tool ${verdict}/${category}`,
      verdict,
      category,
      mirrorVerdict,
    };
  if (refMirror && !toolMirror)
    return {
      url,
      mutator,
      outcome: 'disagree',
      detail: `reference mirror, tool ${mirrorVerdict}/${category}`,
      verdict,
      category,
      mirrorVerdict,
    };
  return { url, mutator, outcome: 'agree', detail: '', verdict, category, mirrorVerdict };
}

export function urlCase(seed: number, index: number): { url: string; mutator: string } {
  return mutateUrl(new Rng(seed ^ 0x5eed, index));
}
