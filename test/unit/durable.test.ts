/**
 * startSync (fs/durable.ts): the fsync that runs while the signatures are checked reports its outcome only when
 * awaited, and a failure that nobody awaits (the verification failed first and the file was discarded) is never
 * an unhandled rejection.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSync } from '../../src/fs/durable.js';

const dir = mkdtempSync(join(tmpdir(), 'ev-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startSync', () => {
  it('resolves once an existing file is synced', async () => {
    const path = join(dir, 'a.part');
    writeFileSync(path, 'data');
    await expect(startSync(path).done()).resolves.toBeUndefined();
  });

  it('rejects in done() when the file cannot be opened', async () => {
    await expect(startSync(join(dir, 'missing.part')).done()).rejects.toThrow(/ENOENT/);
  });

  it('a failure that is never awaited is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      startSync(join(dir, 'gone.part'));
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
