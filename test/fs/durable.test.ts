/**
 * startSync (fs/durable.ts): the fsync that runs on the download's own handle while the signatures are checked
 * reports its outcome only in finish(), which also sets the saved file's mode through the handle (never by path);
 * abandon() closes without complaint; a failure nobody awaits is never an unhandled rejection. And verify(): a sync that fails means
 * an I/O error and nothing at the output path, even for a file whose signature is good.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { copyFile, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync, type PendingSync } from '../../src/fs/durable.js';
import type { Fetcher } from '../../src/net/index.js';
import { verify } from '../../src/verify.js';
import { cleanupPgpFixtures, sharedPgpFixtures, type PgpFixtures } from '../support/gpg.js';

const dir = mkdtempSync(join(tmpdir(), 'ev-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startSync', () => {
  it('finish(mode): the file is synced, gets the mode through its handle, and the handle is closed', async () => {
    const path = join(dir, 'a.part');
    writeFileSync(path, 'data', { mode: 0o600 });
    const fh = await open(path, 'r+');
    await expect(startSync(fh).finish(0o644)).resolves.toBeUndefined();
    expect(fh.fd).toBe(-1); // closed
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });

  it('finish() never changes a file that replaced the temp file at its path (the mode goes through the handle)', async () => {
    const path = join(dir, 'b.part');
    const victim = join(dir, 'victim');
    writeFileSync(path, 'data', { mode: 0o600 });
    writeFileSync(victim, 'secret', { mode: 0o600 });
    const fh = await open(path, 'r+');
    const pending = startSync(fh);
    rmSync(path);
    symlinkSync(victim, path); // someone swaps the temp file for a symlink to another file
    await pending.finish(0o644);
    expect(statSync(victim).mode & 0o777).toBe(0o600);
  });

  it('finish() rejects when the sync fails, and still closes', async () => {
    const fh = await open(join(dir, 'c.part'), 'w');
    await fh.close(); // syncing a closed handle fails
    await expect(startSync(fh).finish(0o644)).rejects.toThrow(/closed|EBADF/i);
  });

  it('abandon() closes and never rejects; a failure nobody awaits is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const open1 = await open(join(dir, 'd.part'), 'w');
      const pending = startSync(open1);
      await expect(pending.abandon()).resolves.toBeUndefined();
      expect(open1.fd).toBe(-1);
      const closedAlready = await open(join(dir, 'e.part'), 'w');
      await closedAlready.close();
      startSync(closedAlready); // its sync fails, and nobody asks
      await expect(startSync(closedAlready).abandon()).resolves.toBeUndefined();
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('verify() when the downloaded file cannot be made durable', () => {
  let fx: PgpFixtures;
  beforeAll(async () => {
    fx = await sharedPgpFixtures();
  });
  afterAll(cleanupPgpFixtures);

  it('reports IO_ERROR and leaves nothing at the output path, though the signature is good', async () => {
    const out = mkdtempSync(join(dir, 'out-'));
    const failedSync: PendingSync = {
      finish: () => Promise.reject(new Error('EIO: i/o error, fsync')),
      abandon: () => Promise.resolve(),
    };
    const fetcher: Fetcher = {
      async fetchBytes(url) {
        return { finalUrl: url, redirects: [], bytes: new Uint8Array(await readFile(fx.sigs.bySigner.rsa4096)) };
      },
      async download(url, opts) {
        const tempPath = join(opts.destDir, '.electrum-verify-test.part');
        await copyFile(fx.data, tempPath);
        const data = await readFile(tempPath);
        opts.onChunk(data);
        return { finalUrl: url, redirects: [], tempPath, size: data.length, durable: failedSync };
      },
    };
    const report = await verify('https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz', {
      fetcher,
      keyring: fx.keyrings.known,
      minSigners: 1,
      output: join(out, 'Electrum-4.5.8.tar.gz'),
    });
    expect(report.signature.found.map((f) => f.status)).toEqual(['valid']); // it was authentic…
    expect(report.reason?.code).toBe('IO_ERROR'); // …but could not be saved safely
    expect(report.reason?.message).toMatch(/EIO/);
    expect(report.output ?? null).toBeNull();
    expect(readdirSync(out)).toEqual([]);
  });
});
