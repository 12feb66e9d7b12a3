/**
 * syncAndClose (fs/durable.ts): the fsync that runs on the download's own handle while the signatures are checked
 * reports its outcome only when awaited, always closes the handle, and a failure nobody awaits (the verification
 * failed first and the file was discarded) is never an unhandled rejection. And verify(): a sync that fails means
 * an I/O error and nothing at the output path, even for a file whose signature is good.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAndClose, type PendingSync } from '../../src/fs/durable.js';
import type { Fetcher } from '../../src/net/index.js';
import { verify } from '../../src/verify.js';
import { cleanupPgpFixtures, sharedPgpFixtures, type PgpFixtures } from '../support/gpg.js';

const dir = mkdtempSync(join(tmpdir(), 'ev-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('syncAndClose', () => {
  it('resolves once the file is synced, and closes the handle', async () => {
    const path = join(dir, 'a.part');
    writeFileSync(path, 'data');
    const fh = await open(path, 'r+');
    await expect(syncAndClose(fh).done()).resolves.toBeUndefined();
    expect(fh.fd).toBe(-1); // closed
  });

  it('rejects in done() when the sync fails', async () => {
    const path = join(dir, 'b.part');
    writeFileSync(path, 'data');
    const fh = await open(path, 'r+');
    await fh.close(); // syncing a closed handle fails
    await expect(syncAndClose(fh).done()).rejects.toThrow(/closed|EBADF/i);
  });

  it('a failure that is never awaited is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const fh = await open(join(dir, 'c.part'), 'w');
      await fh.close();
      syncAndClose(fh);
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
    const failedSync: PendingSync = { done: () => Promise.reject(new Error('EIO: i/o error, fsync')) };
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
