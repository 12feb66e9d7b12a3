/**
 * Issue 11, item 13: partial downloads left by a killed run (SIGKILL) are removed at the start of the next download,
 * only when older than a day and owned by a process of this host that is no longer running; nothing else is touched.
 * Real files, real processes (a child killed with SIGKILL), a real download over loopback TLS through a CONNECT proxy.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  chownSync,
  existsSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProxyAgent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  STALE_AFTER_MS,
  hostId,
  parsePartFileName,
  partFileName,
  pidRunning,
  sweepStaleParts,
} from '../../src/fs/stale-parts.js';
import { createFetcher, type FetchOptions } from '../../src/net/index.js';
import {
  route,
  startConnectProxy,
  startFakeElectrumServer,
  type ConnectProxy,
  type FakeServer,
} from '../support/servers.js';
import { getTestPki } from '../support/tls.js';

const HOUR = 60 * 60 * 1000;
const REPO = resolve(import.meta.dirname, '..', '..');

/** The PID of a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  expect(r.status).toBe(0);
  expect(pidRunning(r.pid as number)).toBe(false);
  return r.pid as number;
}

/** Create `name` in `dir` with mtime `ageMs` in the past. */
function leftover(dir: string, name: string, ageMs: number, body = 'partial'): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  const t = new Date(Date.now() - ageMs);
  utimesSync(p, t, t);
  return p;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ev-stale-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

describe('temp-file names record their owner', () => {
  it('name: .electrum-verify-<16 hex>.p<pid>.h<host id>.part, parsed back', () => {
    const name = partFileName();
    expect(name).toMatch(/^\.electrum-verify-[0-9a-f]{16}\.p[0-9]+\.h[0-9a-f]{16}\.part$/);
    expect(parsePartFileName(name)).toEqual({ pid: process.pid, hostId: hostId(hostname()) });
    expect(partFileName()).not.toBe(name);
    expect(parsePartFileName(partFileName(4242, 'elsewhere'))).toEqual({ pid: 4242, hostId: hostId('elsewhere') });
  });

  it.each([
    '.electrum-verify-0123456789abcdef.part', // the old name: no owner recorded
    '.electrum-verify-0123456789abcdef.p0.h0123456789abcdef.part',
    '.electrum-verify-0123456789abcdef.p012.h0123456789abcdef.part',
    '.electrum-verify-0123456789ABCDEF.p12.h0123456789abcdef.part',
    '.electrum-verify-0123456789abcdef.p12.h0123456789abcdef.part.bak',
    'x.electrum-verify-0123456789abcdef.p12.h0123456789abcdef.part',
    '.electrum-verify-0123456789abcdef.p12345678901.h0123456789abcdef.part',
    'Electrum-4.5.8.tar.gz',
  ])('%s is not an owned temp-file name', (name) => {
    expect(parsePartFileName(name)).toBeNull();
  });

  it('pidRunning: this process and a live child are running, an exited one is not', async () => {
    expect(pidRunning(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      expect(pidRunning(child.pid as number)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(pidRunning(child.pid as number)).toBe(false);
    expect(pidRunning(0)).toBe(true); // not a real owner: never treated as gone
    expect(pidRunning(-1)).toBe(true);
  });
});

describe('sweepStaleParts', () => {
  it('removes a day-old leftover of a dead process of this host, and only that', async () => {
    const dead = deadPid();
    const stale = leftover(dir, partFileName(dead), 25 * HOUR);
    const kept = [
      leftover(dir, partFileName(dead), 23 * HOUR), // younger than a day
      leftover(dir, partFileName(process.pid), 48 * HOUR), // owner running (this process)
      leftover(dir, partFileName(dead, `not-${hostname()}`), 48 * HOUR), // another host's (shared folder)
      leftover(dir, '.electrum-verify-0123456789abcdef.part', 48 * HOUR), // old name, no owner recorded
      leftover(dir, `${partFileName(dead)}.bak`, 48 * HOUR), // another name
      leftover(dir, 'Electrum-4.5.8.tar.gz', 48 * HOUR),
    ];
    const removed = await sweepStaleParts(dir);
    expect(removed).toEqual([stale]);
    expect(existsSync(stale)).toBe(false);
    for (const p of kept) expect(existsSync(p), p).toBe(true);
  });

  it('the day is measured from the last write: a stalled-but-alive download is never a candidate, a future mtime neither', async () => {
    const dead = deadPid();
    const now = Date.now();
    const a = leftover(dir, partFileName(dead), 0);
    expect(await sweepStaleParts(dir, { now: now + STALE_AFTER_MS - 60_000 })).toEqual([]);
    expect(await sweepStaleParts(dir, { now: now + STALE_AFTER_MS + 60_000 })).toEqual([a]);
    const future = join(dir, partFileName(dead));
    writeFileSync(future, 'x');
    utimesSync(future, new Date(now + 10 * STALE_AFTER_MS), new Date(now + 10 * STALE_AFTER_MS));
    expect(await sweepStaleParts(dir)).toEqual([]);
  });

  it('never follows or removes a symlink, a directory, or anything below the folder', async () => {
    const dead = deadPid();
    const outside = mkdtempSync(join(tmpdir(), 'ev-stale-target-'));
    try {
      const target = leftover(outside, partFileName(dead), 48 * HOUR, "someone else's file");
      const link = join(dir, partFileName(dead));
      symlinkSync(target, link);
      const old = new Date(Date.now() - 48 * HOUR);
      lutimesSync(link, old, old);
      const sub = join(dir, partFileName(dead));
      mkdirSync(sub);
      const inner = leftover(sub, partFileName(dead), 48 * HOUR);
      utimesSync(sub, old, old);
      const nested = join(dir, 'nested');
      mkdirSync(nested);
      const deep = leftover(nested, partFileName(dead), 48 * HOUR);
      expect(await sweepStaleParts(dir)).toEqual([]);
      for (const p of [target, link, sub, inner, deep]) expect(existsSync(p), p).toBe(true);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it.skipIf(typeof process.getuid !== 'function' || process.getuid() !== 0)(
    'as root: a leftover owned by another user is kept',
    async () => {
      const p = leftover(dir, partFileName(deadPid()), 48 * HOUR);
      chownSync(p, 12345, 12345);
      expect(await sweepStaleParts(dir)).toEqual([]);
      expect(existsSync(p)).toBe(true);
    },
  );

  it('a FIFO with an owned name is kept (and the sweep does not block on it)', async () => {
    const p = join(dir, partFileName(deadPid()));
    const r = spawnSync('mkfifo', [p]);
    if (r.status !== 0) return; // no mkfifo here: nothing to test
    const old = new Date(Date.now() - 48 * HOUR);
    utimesSync(p, old, old);
    expect(await sweepStaleParts(dir)).toEqual([]);
    expect(existsSync(p)).toBe(true);
  });

  it('a folder that does not exist or cannot be read: nothing removed, no error', async () => {
    await expect(sweepStaleParts(join(dir, 'missing'))).resolves.toEqual([]);
    const file = leftover(dir, 'plain-file', 0);
    await expect(sweepStaleParts(file)).resolves.toEqual([]);
  });
});

describe('through a real download, after a real SIGKILL', () => {
  let site: FakeServer;
  let proxy: ConnectProxy;
  let caPem: string;
  const BODY = Buffer.alloc(5000, 0x41);

  beforeAll(async () => {
    const pki = await getTestPki();
    caPem = pki.caPem;
    site = await startFakeElectrumServer(
      { routes: { '/4.5.8/Electrum-4.5.8.tar.gz': route.body(BODY), '/slow': route.stall(1_000_000, 1000) } },
      pki,
    );
    proxy = await startConnectProxy({ map: { 'download.electrum.org': site.port } });
  });
  afterAll(async () => {
    await proxy?.close();
    await site?.close();
  });

  async function download(destDir: string): Promise<string> {
    const agent = new ProxyAgent({ uri: proxy.url, requestTls: { ca: caPem } });
    try {
      const opts: FetchOptions & { destDir: string; onChunk: () => void } = {
        maxBytes: 1_000_000,
        timeoutMs: 5000,
        checkUrl: () => undefined,
        destDir,
        onChunk: () => undefined,
      };
      const r = await createFetcher({ dispatcher: agent }).download(
        'https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz',
        opts,
      );
      await r.durable.abandon();
      return r.tempPath;
    } finally {
      await agent.destroy();
    }
  }

  it('a download killed with SIGKILL leaves its .part naming its PID; a day later the next download removes it', async () => {
    // A child process downloads /slow (1000 bytes, then silence) into `dir` and is killed mid-download.
    const fetcherTs = pathToFileURL(join(REPO, 'src', 'net', 'index.ts')).href;
    const script = `
      import { ProxyAgent } from 'undici';
      const { createFetcher } = await import(${JSON.stringify(fetcherTs)});
      const agent = new ProxyAgent({ uri: process.env.EV_PROXY, requestTls: { ca: process.env.EV_CA } });
      let told = false;
      await createFetcher({ dispatcher: agent }).download('https://download.electrum.org/slow', {
        maxBytes: 2_000_000, timeoutMs: 60_000, checkUrl: () => undefined, destDir: process.env.EV_DIR,
        onChunk: () => { if (!told) { told = true; process.stdout.write('writing\\n'); } },
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      env: { ...process.env, EV_PROXY: proxy.url, EV_CA: caPem, EV_DIR: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error('the child never started writing')), 30_000);
      child.stdout.on('data', (b: Buffer) => {
        if (b.toString().includes('writing')) {
          clearTimeout(timer);
          res();
        }
      });
      child.on('exit', () => rej(new Error('the child exited early')));
    });
    // give the first write a moment to reach the file, then SIGKILL: no handler runs
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await exited;
    const left = readdirSync(dir);
    expect(left).toHaveLength(1);
    expect(parsePartFileName(left[0] as string)).toEqual({ pid: child.pid, hostId: hostId() });
    const leftPath = join(dir, left[0] as string);

    // Fresh: a new download leaves it alone (it may be someone's download that is merely slow).
    const t1 = await download(dir);
    expect(existsSync(leftPath)).toBe(true);
    rmSync(t1);

    // A day later: removed at the start of the next download; the new download's own temp file is unaffected.
    const old = new Date(Date.now() - 25 * HOUR);
    utimesSync(leftPath, old, old);
    const t2 = await download(dir);
    expect(existsSync(leftPath)).toBe(false);
    expect(readdirSync(dir)).toEqual([t2.split('/').pop()]);
    expect(parsePartFileName(t2.split('/').pop() as string)).toEqual({ pid: process.pid, hostId: hostId() });
  }, 60_000);
});
