/**
 * Running one command and measuring it: wall time from the parent (hrtime around spawn → exit, so it includes
 * process start) and peak RSS from GNU time (`/usr/bin/time -v`, "Maximum resident set size").
 * Children are spawned asynchronously so that servers living in this process keep serving meanwhile.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface Sample {
  wallMs: number;
  /** user + system CPU seconds of the child (GNU time), or null */
  cpuS: number | null;
  /** peak resident set size in bytes, or null when GNU time is missing */
  rssBytes: number | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Command {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: Buffer | string;
  /** what counts as success (default: exit 0) */
  ok?: (s: Sample) => boolean;
}

let scratch: string | null = null;

export function haveGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

export async function runOnce(c: Command): Promise<Sample> {
  scratch ??= await mkdtemp(join(tmpdir(), 'ev-bench-time-'));
  const timeFile = join(scratch, 'time.txt');
  await rm(timeFile, { force: true });
  const useTime = haveGnuTime();
  const [cmd, args] = useTime ? [GNU_TIME, ['-v', '-o', timeFile, c.cmd, ...c.args]] : [c.cmd, c.args];
  const t0 = process.hrtime.bigint();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (res, rej) => {
      const child = spawn(cmd, args, {
        env: c.env ?? process.env,
        cwd: c.cwd,
        stdio: [c.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout!.on('data', (b: Buffer) => out.push(b));
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      child.on('error', rej);
      child.on('close', (code) =>
        res({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
      );
      if (child.stdin) {
        child.stdin.on('error', () => undefined);
        child.stdin.end(c.input);
      }
    },
  );
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssBytes: number | null = null;
  let cpuS: number | null = null;
  if (useTime) {
    const text = await readFile(timeFile, 'utf8').catch(() => '');
    const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1];
    if (kb !== undefined) rssBytes = Number(kb) * 1024;
    const user = /User time \(seconds\): ([\d.]+)/.exec(text)?.[1];
    const sys = /System time \(seconds\): ([\d.]+)/.exec(text)?.[1];
    if (user !== undefined && sys !== undefined) cpuS = Number(user) + Number(sys);
  }
  return { wallMs, cpuS, rssBytes, code, stdout, stderr };
}

export async function cleanupScratch(): Promise<void> {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = null;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Case {
  id: string;
  label: string;
  group: string;
  command: Command | (() => Promise<Command>);
  runs: number;
  /** Untimed, before each run (e.g. flushDirtyPages). */
  before?: () => Promise<void>;
}

export interface CaseResult {
  id: string;
  label: string;
  group: string;
  samples: Sample[];
  failures: string[];
  wallMs: number | null;
  cpuS: number | null;
  rssBytes: number | null;
}

/**
 * Interleaved rounds: round r runs every case that still wants runs, in order, so that slow drift of the machine
 * (page cache, CPU frequency, other load) spreads over all cases alike. Medians per case.
 */
export async function runInterleaved(
  cases: readonly Case[],
  log: (s: string) => void,
): Promise<Map<string, CaseResult>> {
  const results = new Map<string, CaseResult>();
  const maxRuns = Math.max(...cases.map((c) => c.runs));
  for (const c of cases)
    results.set(c.id, {
      id: c.id,
      label: c.label,
      group: c.group,
      samples: [],
      failures: [],
      wallMs: null,
      cpuS: null,
      rssBytes: null,
    });
  for (let r = 0; r < maxRuns; r++) {
    await waitForQuiet();
    for (const c of cases) {
      if (r >= c.runs) continue;
      const res = results.get(c.id)!;
      if (res.failures.length >= 2) continue; // broken: do not waste time
      const command = typeof c.command === 'function' ? await c.command() : c.command;
      await c.before?.();
      const s = await runOnce(command);
      const ok = command.ok ? command.ok(s) : s.code === 0;
      if (ok) res.samples.push(s);
      else
        res.failures.push(
          `exit ${s.code}: ${(s.stderr || s.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`,
        );
    }
    log(`  round ${r + 1}/${maxRuns} done`);
  }
  for (const res of results.values()) {
    if (res.samples.length === 0) continue;
    res.wallMs = median(res.samples.map((s) => s.wallMs));
    const cpu = res.samples.map((s) => s.cpuS).filter((x): x is number => x !== null);
    res.cpuS = cpu.length ? median(cpu) : null;
    const rss = res.samples.map((s) => s.rssBytes).filter((x): x is number => x !== null);
    res.rssBytes = rss.length ? Math.max(...rss) : null;
  }
  return results;
}

/**
 * `sync`: write every dirty page to disk. A client that does not fsync (curl, tee) leaves its 150 MiB for the kernel
 * to write back later, during whichever run comes next; a run that flushes its own file (electrum-verify) would then
 * also wait for that. Flushing before each download run gives every run the same quiet disk.
 */
export async function flushDirtyPages(): Promise<void> {
  await new Promise<void>((res) =>
    spawn('sync', [], { stdio: 'ignore' })
      .on('close', () => res())
      .on('error', () => res()),
  );
}

/** How busy the CPUs were (0..1, all processes) over `ms`, from /proc/stat; null where unavailable. */
export async function cpuBusy(ms = 500): Promise<number | null> {
  const read = async (): Promise<number[] | null> => {
    const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0] ?? '';
    if (!line.startsWith('cpu ')) return null;
    return line.trim().split(/\s+/).slice(1).map(Number);
  };
  const a = await read();
  await new Promise((r) => setTimeout(r, ms));
  const b = await read();
  if (!a || !b) return null;
  const d = b.map((x, i) => x - (a[i] ?? 0));
  const total = d.reduce((x, y) => x + y, 0);
  const idle = (d[3] ?? 0) + (d[4] ?? 0);
  return total > 0 ? 1 - idle / total : null;
}

/** Rounds that started while other work kept the machine busy (after waiting up to QUIET_WAIT_MS). */
export const busyRounds: Array<{ busy: number }> = [];
export let quietWaitedMs = 0;
export const QUIET_WAIT_MS = 15_000;
const QUIET = 0.15;

/**
 * This machine is shared (other builds and test runs may be going on): before each round wait, up to
 * QUIET_WAIT_MS, until the CPUs are at most 15 % busy; a round that starts busier anyway is recorded.
 */
export async function waitForQuiet(): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const busy = await cpuBusy();
    if (busy === null || busy <= QUIET) break;
    if (Date.now() - t0 > QUIET_WAIT_MS) {
      busyRounds.push({ busy });
      break;
    }
  }
  quietWaitedMs += Date.now() - t0;
}
