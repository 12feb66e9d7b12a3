/** The download handle of the checklist: commit or discard, and a caller cannot leave the temp file behind. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PendingDownload } from '../../src/verify/output.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ev-pending-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function temp(): Promise<PendingDownload> {
  const path = join(dir, '.electrum-verify-test.part');
  await writeFile(path, 'data', { mode: 0o600 });
  return new PendingDownload(path, null);
}

describe('PendingDownload', () => {
  it('commit puts the file at the output, and a later discard leaves it there', async () => {
    const t = await temp();
    await t.commit(join(dir, 'Electrum.tar.gz'), false);
    await t.discard();
    expect(await readdir(dir)).toEqual(['Electrum.tar.gz']);
    expect(await readFile(join(dir, 'Electrum.tar.gz'), 'utf8')).toBe('data');
  });

  it('a commit that fails (the output appeared meanwhile) leaves the temp file to discard, which removes it', async () => {
    const t = await temp();
    await writeFile(join(dir, 'Electrum.tar.gz'), 'someone else');
    await expect(t.commit(join(dir, 'Electrum.tar.gz'), false)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    await t.discard();
    expect(await readdir(dir)).toEqual(['Electrum.tar.gz']);
    expect(await readFile(join(dir, 'Electrum.tar.gz'), 'utf8')).toBe('someone else');
  });

  it('discard removes the temp file and may be called twice', async () => {
    const t = await temp();
    await t.discard();
    await t.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});
