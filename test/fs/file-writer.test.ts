/**
 * FileWriter (net/file-writer.ts): every byte lands in order, and the disk flush runs during the download, an
 * fdatasync per SYNC_EVERY bytes written, never two at once and never waited for by the writes, so the final fsync
 * has little left to do. A failed flush fails the download like a failed write.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriter, SYNC_EVERY } from '../../src/net/file-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'ev-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;

/** A real file handle whose datasync is observed (and can be made to fail or to be slow). */
async function observed(
  name: string,
  datasync?: (real: () => Promise<void>) => Promise<void>,
): Promise<{ fh: FileHandle; path: string; syncs: number[]; overlaps: number; running: number; written: number }> {
  const path = join(dir, name);
  const fh = await open(path, 'wx', 0o600);
  const state = { fh, path, syncs: [] as number[], overlaps: 0, running: 0, written: 0 };
  const real = fh.datasync.bind(fh);
  const writev = fh.writev.bind(fh);
  fh.writev = (async (buffers: Uint8Array[]) => {
    const r = await writev(buffers);
    state.written += r.bytesWritten;
    return r;
  }) as FileHandle['writev'];
  fh.datasync = async () => {
    state.syncs.push(state.written);
    if (++state.running > 1) state.overlaps++;
    try {
      await (datasync ? datasync(real) : real());
    } finally {
      state.running--;
    }
  };
  return state;
}

/** Chunks of 16 KiB (a TLS record each), numbered so that order is checked too. */
function* chunks(total: number): Generator<Uint8Array> {
  for (let off = 0; off < total; off += 16384) {
    const c = new Uint8Array(Math.min(16384, total - off));
    c.fill((off / 16384) & 0xff);
    yield c;
  }
}

describe('FileWriter', () => {
  it('writes every byte in order, with one datasync per SYNC_EVERY bytes during the writes', async () => {
    const total = 4 * SYNC_EVERY + 5 * MiB;
    const o = await observed('a.part', () => Promise.resolve()); // an instant flush: every threshold starts one
    const w = new FileWriter(o.fh);
    for (const c of chunks(total)) await w.push(c);
    await w.flush();
    await o.fh.close();
    // A flush starts after the write that crosses SYNC_EVERY; one write carries at most ~9 MiB (the queue bound).
    expect(o.syncs.length).toBeGreaterThanOrEqual(3);
    o.syncs.forEach((at, i) => {
      const gap = at - (o.syncs[i - 1] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(SYNC_EVERY);
      expect(gap).toBeLessThanOrEqual(SYNC_EVERY + 9 * MiB);
    });
    const back = readFileSync(o.path);
    expect(back.length).toBe(total);
    for (let off = 0; off < total; off += 16384) expect(back[off]).toBe((off / 16384) & 0xff);
  });

  it('with a real flush: never two at once, at least SYNC_EVERY bytes apart', async () => {
    const total = 4 * SYNC_EVERY;
    const o = await observed('a2.part');
    const w = new FileWriter(o.fh);
    for (const c of chunks(total)) await w.push(c);
    await w.flush();
    await o.fh.close();
    expect(o.syncs.length).toBeGreaterThanOrEqual(1);
    expect(o.overlaps).toBe(0);
    o.syncs.forEach((at, i) => expect(at - (o.syncs[i - 1] ?? 0)).toBeGreaterThanOrEqual(SYNC_EVERY));
    expect(readFileSync(o.path).length).toBe(total);
  });

  it('a small file is never flushed by the writer (the final fsync does it)', async () => {
    const o = await observed('b.part');
    const w = new FileWriter(o.fh);
    for (const c of chunks(SYNC_EVERY - 16384)) await w.push(c);
    await w.flush();
    await o.fh.close();
    expect(o.syncs).toEqual([]);
  });

  it('writes go on while a slow datasync runs, and flush() waits for it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let done = false;
    const o = await observed('c.part', async (real) => {
      await gate;
      await real();
      done = true;
    });
    const w = new FileWriter(o.fh);
    const total = 2 * SYNC_EVERY + MiB;
    for (const c of chunks(total)) await w.push(c); // never blocked by the held datasync
    expect(o.syncs.length).toBe(1); // the second is not started while the first runs
    const flushed = w.flush();
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    release();
    await flushed;
    expect(done).toBe(true);
    await o.fh.close();
    expect(readFileSync(o.path).length).toBe(total);
  });

  it('when flush() resolves no datasync is running, not even one started by its own last write', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const o = await observed('e.part', async (real) => {
      await gate;
      await real();
    });
    const w = new FileWriter(o.fh);
    for (const c of chunks(3 * SYNC_EVERY)) await w.push(c); // the first flush is held; the later thresholds wait for it
    while (o.written < 3 * SYNC_EVERY) await new Promise((r) => setTimeout(r, 5)); // every write done
    await w.push(new Uint8Array(16384)); // less than a batch: flush() writes it, and that write is past SYNC_EVERY
    expect(o.syncs.length).toBe(1);
    const flushed = w.flush();
    let settled = false;
    void flushed.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    release();
    await flushed;
    expect(o.running).toBe(0); // the caller's fsync (fs/durable.ts) never overlaps one of these
    expect(o.overlaps).toBe(0);
    await o.fh.close();
  });

  it('a datasync that fails while flush() waits for it makes flush() reject (never swallowed)', async () => {
    let fail!: () => void;
    const gate = new Promise<void>((r) => (fail = r));
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const o = await observed('f.part', async () => {
      await gate;
      throw eio;
    });
    const w = new FileWriter(o.fh);
    for (const c of chunks(SYNC_EVERY + 4 * MiB)) await w.push(c); // nothing reported yet: the flush is still held
    const flushed = w.flush();
    fail();
    await expect(flushed).rejects.toBe(eio);
    await o.fh.close();
  });

  it('a failed datasync fails the download (push or flush rejects with it)', async () => {
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const o = await observed('d.part', () => Promise.reject(eio));
    const w = new FileWriter(o.fh);
    const run = async (): Promise<void> => {
      for (const c of chunks(SYNC_EVERY + 4 * MiB)) await w.push(c);
      await w.flush();
    };
    await expect(run()).rejects.toBe(eio);
    await o.fh.close();
  });
});
