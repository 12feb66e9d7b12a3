/**
 * EcdsaWorker (PrehashedEcdsa in its own thread, as the CLI runs it): the compiled build is what the CLI uses, so
 * it is tested from dist/ (npm test compiles first). It must give the same answers as PrehashedEcdsa for P-256
 * signatures made by OpenSSL, and reject (so that openpgp.js decides) when its module cannot load or it was closed.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { EcdsaWorker as EcdsaWorkerType } from '../../src/pgp/ecdsa-worker.js';
import type { EcdsaRequest } from '../../src/pgp/prehashed-ecdsa.js';

const DIST = join(import.meta.dirname, '../../dist/pgp');
const { EcdsaWorker } = (await import(pathToFileURL(join(DIST, 'ecdsa-worker.js')).href)) as { EcdsaWorker: typeof EcdsaWorkerType };

function p256Request(): EcdsaRequest {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const message = randomBytes(64);
  const { x, y } = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const coord = (b64: string) => {
    const b = Buffer.from(b64, 'base64url');
    return Buffer.concat([Buffer.alloc(32 - b.length), b]);
  };
  return {
    curve: 'p256',
    signature: new Uint8Array(sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' })),
    digest: new Uint8Array(createHash('sha256').update(message).digest()),
    publicKey: new Uint8Array(Buffer.concat([Buffer.from([0x04]), coord(x), coord(y)])),
  };
}

const workers: EcdsaWorkerType[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

describe('EcdsaWorker (from the compiled build, as the CLI uses it)', () => {
  it('confirms good P-256 values and refuses changed ones, with the module beside it', async () => {
    const worker = new EcdsaWorker(); // default: the compiled prehashed-ecdsa.js in dist/pgp
    workers.push(worker);
    for (let i = 0; i < 5; i++) {
      const good = p256Request();
      const changed = Uint8Array.from(good.digest);
      changed[i]! ^= 1;
      const answers = await Promise.all([worker.verify(good), worker.verify({ ...good, digest: changed })]);
      expect(answers).toEqual([true, false]);
    }
  });

  it('rejects every check when its module cannot be loaded (openpgp.js then decides)', async () => {
    const worker = new EcdsaWorker(pathToFileURL(join(DIST, 'no-such-module.js')).href);
    workers.push(worker);
    await expect(worker.verify(p256Request())).rejects.toThrow(/ECDSA worker/);
  });

  it('rejects checks after close()', async () => {
    const worker = new EcdsaWorker();
    await worker.close();
    await expect(worker.verify(p256Request())).rejects.toThrow(/closed/);
  });

  it('left idle, does not keep a process alive', async () => {
    const { execFile } = await import('node:child_process');
    const module = pathToFileURL(join(DIST, 'ecdsa-worker.js')).href;
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', `const { EcdsaWorker } = await import(${JSON.stringify(module)}); new EcdsaWorker();`]);
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
