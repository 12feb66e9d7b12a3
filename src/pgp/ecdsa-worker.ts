/**
 * PrehashedEcdsa in a thread of its own, started ahead of need. The CLI starts it before openpgp.js and the keys
 * load on the main thread (~50 ms of work on one core): meanwhile the thread boots and loads and self-tests
 * @noble/curves on the otherwise idle second core, so an ECDSA check then costs the main thread one message round
 * trip instead of ~16 ms of loading that the hashing could not hide (both cores are busy while a file is hashed).
 *
 * The thread runs the compiled prehashed-ecdsa.js beside this file (an eval'd worker cannot load TypeScript or
 * resolve package names, so it gets a file URL). Anything that goes wrong — the module cannot load, the self-test
 * fails, the thread dies, close() — makes verify() reject, and check-signature.ts then lets openpgp.js decide.
 */
import { Worker } from 'node:worker_threads';
import type { EcdsaChecker, EcdsaRequest } from './prehashed-ecdsa.js';

const SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const checker = import(workerData.module).then((m) => {
  const ecdsa = new m.PrehashedEcdsa();
  ecdsa.warmUp();
  return ecdsa;
});
checker.catch(() => undefined);
parentPort.on('message', ({ id, request }) => {
  checker.then((ecdsa) => ecdsa.verify(request)).then(
    (ok) => parentPort.postMessage({ id, ok: ok === true }),
    (e) => parentPort.postMessage({ id, error: String((e && e.message) || e) }),
  );
});
`;

export class EcdsaWorker implements EcdsaChecker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (ok: boolean) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private broken: Error | null = null;

  /** `module`: file URL of the compiled prehashed-ecdsa.js (default: the one beside this file). */
  constructor(module: string = new URL('./prehashed-ecdsa.js', import.meta.url).href) {
    this.worker = new Worker(SOURCE, { eval: true, workerData: { module }, stdout: false, stderr: false });
    this.worker.on('message', (m: { id: number; ok?: boolean; error?: string }) => {
      const waiter = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.error !== undefined) waiter?.reject(new Error(`ECDSA worker: ${m.error}`));
      else waiter?.resolve(m.ok === true);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`ECDSA worker exited (code ${code})`)));
    // Idle, it never keeps the process alive; it is ref'd only while a check is pending.
    this.worker.unref();
  }

  verify(request: EcdsaRequest): Promise<boolean> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise<boolean>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, request });
    });
  }

  /** End the thread; checks still pending (and later ones) reject. */
  async close(): Promise<void> {
    this.fail(new Error('ECDSA worker closed'));
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.broken ??= e;
    for (const waiter of this.pending.values()) waiter.reject(this.broken);
    this.pending.clear();
  }
}
