/**
 * One pass over the signed data computes every digest every signature needs. OpenPGP signs hash(salt? ‖ data ‖
 * hashed signature fields ‖ trailer) (RFC 9580 §5.2.4), so the file is hashed once per (algorithm, salt) "lane" and
 * each signature's digest is finished on a copy of its lane's state. The SHA-256 lane always exists (its plain digest
 * is the file's SHA-256 shown to the user) and runs on the calling thread. The other lanes (Electrum: SHA-512) run in
 * one worker thread once the data outgrows INLINE_LIMIT, fed through a shared ring of RING_BYTES (flat memory;
 * update() waits when it is full: the backpressure); the worker finishes each signature's digest and hands them back
 * in finish(). Smaller data never starts a worker. Each byte goes through each lane exactly once, in order.
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import * as openpgp from 'openpgp';
import { CTRL, CTRL_SLOTS, DIGEST_WORKER_SOURCE, STATE } from './digest-worker.js';
import { signatureSalt } from './openpgp-internals.js';

/** Data-signature hash algorithms we accept (openpgp enum value → node:crypto name). */
export const ALLOWED_DATA_HASHES: ReadonlyMap<number, string> = new Map([
  [openpgp.enums.hash.sha256, 'sha256'],
  [openpgp.enums.hash.sha384, 'sha384'],
  [openpgp.enums.hash.sha512, 'sha512'],
]);

/** Signature packet versions whose digest we know how to finish. */
export const SUPPORTED_SIGNATURE_VERSIONS: ReadonlySet<number> = new Set([4, 6]);

/** Up to this many bytes, extra lanes are hashed inline (no worker start-up for small files). */
export const INLINE_LIMIT = 4 * 1024 * 1024;
/** Size of the ring shared with the worker. */
export const RING_BYTES = 4 * 1024 * 1024;
/** The worker is woken once this much data waits for it (not on every small network chunk), and at the end. */
export const WAKE_BYTES = 1024 * 1024;
/** A worker that makes no progress for this long is considered dead (update() throws). */
const STALL_MS = 60_000;

function laneKey(packet: openpgp.SignaturePacket): string | null {
  const algo = packet.hashAlgorithm === null ? undefined : ALLOWED_DATA_HASHES.get(packet.hashAlgorithm);
  if (algo === undefined || !SUPPORTED_SIGNATURE_VERSIONS.has(packet.version) || packet.signatureData === null)
    return null;
  const salt = packet.version === 6 ? Buffer.from(signatureSalt(packet) ?? []).toString('hex') : '';
  return `${algo}:${salt}`;
}

/** What is appended to the lane's data hash: the hashed signature fields, then the trailer. */
function tailOf(packet: openpgp.SignaturePacket): Buffer | null {
  if (packet.signatureData === null) return null;
  const trailer = Buffer.alloc(6);
  trailer[0] = packet.version;
  trailer[1] = 0xff;
  trailer.writeUInt32BE(packet.signatureData.byteLength, 2);
  return Buffer.concat([packet.signatureData, trailer]);
}

function newLane(key: string): Hash {
  const [algo, salt] = key.split(':') as [string, string];
  const hash = createHash(algo);
  if (salt) hash.update(Buffer.from(salt, 'hex'));
  return hash;
}

export interface DataDigests {
  readonly size: number;
  readonly sha256: string;
  /** The digest `packet` signs over this data, or null when its version or hash is not supported. */
  digestFor(packet: openpgp.SignaturePacket): Uint8Array | null;
}

interface Tail {
  lane: number;
  tail: Uint8Array;
}

/** The worker side: a ring, its control words, the thread, and the digests it will hand back. */
class LaneWorker {
  readonly data = new SharedArrayBuffer(RING_BYTES);
  readonly ctrl = new BigInt64Array(new SharedArrayBuffer(CTRL_SLOTS * 8));
  private readonly ring = new Uint8Array(this.data);
  private readonly worker: Worker;
  private readonly result: Promise<string[]>;
  private written = 0;
  private wokenAt = 0;

  constructor(lanes: readonly string[], tails: readonly Tail[]) {
    this.worker = new Worker(DIGEST_WORKER_SOURCE, {
      eval: true,
      workerData: {
        data: this.data,
        ctrl: this.ctrl,
        lanes: lanes.map((k) => ({ algo: k.split(':')[0], salt: k.split(':')[1] })),
        tails,
      },
      stdout: false,
      stderr: false,
    });
    this.result = new Promise<string[]>((resolve, reject) => {
      this.worker.once('message', (m: { sha?: string[]; error?: string }) =>
        m.sha ? resolve(m.sha) : reject(new Error(`digest worker failed: ${m.error ?? 'unknown error'}`)),
      );
      this.worker.once('error', (e) => reject(e));
      this.worker.once('exit', (code) => reject(new Error(`digest worker exited (code ${code}) before finishing`)));
    });
    this.result.catch(() => undefined); // observed in finish(); never an unhandled rejection meanwhile
    // After the listeners (adding a 'message' listener refs the worker): an abandoned hasher (e.g. a failed
    // download) must not keep the process alive. finish() refs it while it waits for the digests.
    this.worker.unref();
  }

  /** Copy `chunk` into the ring, waiting for room when the worker is behind. */
  push(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.byteLength) {
      let consumed = Number(Atomics.load(this.ctrl, CTRL.CONSUMED));
      let waitedSince = 0;
      while (this.written - consumed === RING_BYTES) {
        if (Atomics.load(this.ctrl, CTRL.STATE) === STATE.FAILED) throw new Error('digest worker failed');
        if (Atomics.wait(this.ctrl, CTRL.CONSUMED, BigInt(consumed), 1000) === 'timed-out') {
          waitedSince ||= Date.now();
          if (Date.now() - waitedSince > STALL_MS) throw new Error('digest worker stalled');
        }
        consumed = Number(Atomics.load(this.ctrl, CTRL.CONSUMED));
      }
      const pos = this.written % RING_BYTES;
      const n = Math.min(RING_BYTES - (this.written - consumed), RING_BYTES - pos, chunk.byteLength - off);
      this.ring.set(off === 0 && n === chunk.byteLength ? chunk : chunk.subarray(off, off + n), pos);
      off += n;
      this.written += n;
      Atomics.store(this.ctrl, CTRL.WRITTEN, BigInt(this.written));
      // A worker that is busy re-reads WRITTEN by itself; one that sleeps is woken for a batch, not per chunk
      // (its waits also time out every second, so nothing is ever left unhashed for long).
      if (this.written - this.wokenAt >= WAKE_BYTES || this.written - consumed === RING_BYTES) {
        this.wokenAt = this.written;
        Atomics.add(this.ctrl, CTRL.SEQ, 1n);
        Atomics.notify(this.ctrl, CTRL.SEQ);
      }
    }
  }

  /** End of data: resolves to the hex digest of each tail, in order. */
  async finish(): Promise<string[]> {
    Atomics.store(this.ctrl, CTRL.STATE, STATE.END);
    Atomics.add(this.ctrl, CTRL.SEQ, 1n);
    Atomics.notify(this.ctrl, CTRL.SEQ);
    this.worker.ref();
    try {
      return await this.result;
    } finally {
      this.worker.unref();
    }
  }

  abandon(): void {
    Atomics.store(this.ctrl, CTRL.STATE, STATE.ABANDONED);
    Atomics.add(this.ctrl, CTRL.SEQ, 1n);
    Atomics.notify(this.ctrl, CTRL.SEQ);
  }
}

/** Hashers that are dropped without finish() (an aborted download) tell their worker to stop. */
const abandoned = new FinalizationRegistry<LaneWorker>((w) => w.abandon());

export class DataHasher {
  /** The SHA-256 lane: always hashed on this thread. */
  private readonly sha256: Hash;
  /** Every other lane key, in order of first use. */
  private readonly extraLanes: string[] = [];
  /** Distinct (lane, tail) pairs the extra lanes must finish, and where each is in `tails`. */
  private readonly tails: Tail[] = [];
  private readonly tailIndex = new Map<string, number>();
  /** Copies of the data while it is still small enough to hash inline. */
  private pending: Uint8Array[] | null = [];
  private worker: LaneWorker | null = null;
  private readonly token = {};
  private size = 0;
  private finished = false;

  constructor(packets: readonly openpgp.SignaturePacket[]) {
    this.sha256 = createHash('sha256');
    for (const packet of packets) {
      const key = laneKey(packet);
      if (key === null || key === 'sha256:') continue;
      let lane = this.extraLanes.indexOf(key);
      if (lane < 0) lane = this.extraLanes.push(key) - 1;
      const tail = tailOf(packet);
      if (tail === null) continue;
      const id = `${key}|${tail.toString('hex')}`;
      if (!this.tailIndex.has(id)) this.tailIndex.set(id, this.tails.push({ lane, tail: new Uint8Array(tail) }) - 1);
    }
    if (this.extraLanes.length === 0) this.pending = null;
  }

  update(chunk: Uint8Array): void {
    if (this.finished) throw new Error('DataHasher: update after finish');
    this.size += chunk.byteLength;
    if (this.worker) {
      this.worker.push(chunk); // first, so the worker starts on it while this thread hashes SHA-256
    } else if (this.pending) {
      this.pending.push(Uint8Array.prototype.slice.call(chunk)); // the caller may reuse its buffer
      if (this.size > INLINE_LIMIT) this.startWorker();
    }
    this.sha256.update(chunk);
  }

  /**
   * The caller knows how much data will come: when it is enough for the worker, start the worker now, before the
   * first byte, so that its ~20 ms start-up overlaps whatever the caller does next.
   */
  expectBytes(total: number): void {
    if (this.pending !== null && this.pending.length === 0 && total > INLINE_LIMIT) this.startWorker();
  }

  private startWorker(): void {
    const worker = new LaneWorker(this.extraLanes, this.tails);
    abandoned.register(this, worker, this.token);
    for (const chunk of this.pending ?? []) worker.push(chunk);
    this.pending = null;
    this.worker = worker;
  }

  async finish(): Promise<DataDigests> {
    if (this.finished) throw new Error('DataHasher: finish called twice');
    this.finished = true;
    const size = this.size;
    const sha256Lane = this.sha256;
    const sha256 = sha256Lane.copy().digest('hex');

    // Digests of the extra lanes' tails: from the worker, or hashed inline for small data.
    let extra: Uint8Array[];
    if (this.worker) {
      abandoned.unregister(this.token);
      extra = (await this.worker.finish()).map((h) => new Uint8Array(Buffer.from(h, 'hex')));
      this.worker = null;
    } else {
      const lanes = this.extraLanes.map(newLane);
      for (const chunk of this.pending ?? []) for (const lane of lanes) lane.update(chunk);
      extra = this.tails.map(({ lane, tail }) => new Uint8Array(lanes[lane]!.copy().update(tail).digest()));
    }
    this.pending = null;
    const tailIndex = this.tailIndex;

    return {
      size,
      sha256,
      digestFor(packet: openpgp.SignaturePacket): Uint8Array | null {
        const key = laneKey(packet);
        const tail = key === null ? null : tailOf(packet);
        if (key === null || tail === null) return null;
        if (key === 'sha256:') return new Uint8Array(sha256Lane.copy().update(tail).digest());
        // Extra lanes were finished for the packets given to the constructor; any other packet gets no digest
        // (and so fails as malformed: never a success).
        const i = tailIndex.get(`${key}|${tail.toString('hex')}`);
        return i === undefined ? null : new Uint8Array(extra[i]!);
      },
    };
  }
}
