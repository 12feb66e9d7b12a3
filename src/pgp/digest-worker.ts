/**
 * The hash-lane worker (worker_threads), as source text run with `new Worker(source, { eval: true })`: the same
 * code then works from dist/, under tsx and under vitest, with no separate file to locate at run time.
 *
 * Protocol (all in SharedArrayBuffers, see data-digest.ts):
 *   data  a byte ring of RING_BYTES the main thread copies each chunk into;
 *   ctrl  BigInt64Array: [WRITTEN, CONSUMED, SEQ, STATE]. The main thread publishes WRITTEN (total bytes copied
 *         in), bumps SEQ and notifies SEQ on every publish and at end of data; the worker hashes
 *         [CONSUMED, WRITTEN) in ring order, publishes CONSUMED and notifies CONSUMED.
 *         STATE: 0 running, 1 end of data (main), 2 abandoned (main: stop now), 3 failed (worker).
 * workerData: { data, ctrl, lanes: [{ algo, salt (hex) }], tails: [{ lane, tail: Uint8Array }] }.
 * At end of data the worker posts { sha: [hex digest of lane state ‖ tail, per tail] } and exits; on any error
 * it sets STATE = 3, notifies, and posts { error }.
 */
export const CTRL = { WRITTEN: 0, CONSUMED: 1, SEQ: 2, STATE: 3 } as const;
export const CTRL_SLOTS = 4;
export const STATE = { RUNNING: 0n, END: 1n, ABANDONED: 2n, FAILED: 3n } as const;

export const DIGEST_WORKER_SOURCE = String.raw`
'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { data, ctrl, lanes, tails } = workerData;
const WRITTEN = 0, CONSUMED = 1, SEQ = 2, STATE = 3;
const RING = data.byteLength;
const SLICE = 1 << 20;
const view = new Uint8Array(data);
try {
  const hashes = lanes.map(({ algo, salt }) => {
    const h = createHash(algo);
    if (salt) h.update(Buffer.from(salt, 'hex'));
    return h;
  });
  let consumed = 0;
  for (;;) {
    const seq = Atomics.load(ctrl, SEQ);
    const state = Atomics.load(ctrl, STATE);
    if (state === 2n) process.exit(0);
    const written = Number(Atomics.load(ctrl, WRITTEN));
    if (written === consumed) {
      if (state === 1n) break;
      Atomics.wait(ctrl, SEQ, seq, 1000);
      continue;
    }
    while (consumed < written) {
      const pos = consumed % RING;
      const n = Math.min(written - consumed, RING - pos, SLICE);
      const piece = view.subarray(pos, pos + n);
      for (const h of hashes) h.update(piece);
      consumed += n;
      Atomics.store(ctrl, CONSUMED, BigInt(consumed));
      Atomics.notify(ctrl, CONSUMED);
    }
  }
  const sha = tails.map(({ lane, tail }) => {
    const h = hashes[lane].copy();
    h.update(tail);
    return h.digest('hex');
  });
  parentPort.postMessage({ sha });
} catch (e) {
  Atomics.store(ctrl, STATE, 3n);
  Atomics.notify(ctrl, CONSUMED);
  parentPort.postMessage({ error: String((e && e.stack) || e) });
}
`;
