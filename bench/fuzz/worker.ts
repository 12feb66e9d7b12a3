/** The fuzz worker: runs cases [start, end) and reports each before and after, so the parent can time it out. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { ascContext, judgeUrlCase, runAscCase, urlCase } from './cases.js';
import type { FuzzFixtures } from './fixtures.js';

interface Job {
  kind: 'asc' | 'url';
  seed: number;
  start: number;
  end: number;
  fx?: FuzzFixtures;
  /** the parent's scratch folder (removed by the parent) */
  workDir: string;
}

const job = workerData as Job;
const port = parentPort!;

async function main(): Promise<void> {
  if (job.kind === 'asc') {
    const ctx = ascContext(job.fx!);
    const work = mkdtempSync(join(job.workDir, 'case-'));
    const sigPath = join(work, 'case.asc');
    const gpgHome = mkdtempSync(join(job.workDir, 'gv-'));
    for (let i = job.start; i < job.end; i++) {
      port.postMessage({ type: 'start', i });
      const t0 = performance.now();
      const r = await runAscCase(ctx, job.seed, i, sigPath, gpgHome);
      port.postMessage({ type: 'done', i, ms: performance.now() - t0, r });
    }
  } else {
    for (let i = job.start; i < job.end; i++) {
      port.postMessage({ type: 'start', i });
      const t0 = performance.now();
      const { url, mutator } = urlCase(job.seed, i);
      const r = judgeUrlCase(url, mutator);
      port.postMessage({ type: 'done', i, ms: performance.now() - t0, r });
    }
  }
  port.postMessage({ type: 'end' });
}

void main();
