/**
 * One pass over the signed data computes every digest that every signature needs.
 *
 * OpenPGP signs hash(salt? ‖ data ‖ hashed signature fields ‖ trailer) (RFC 4880 §5.2.4, RFC 9580 §5.2.4).
 * The data part is the same for every v4 signature with the same hash algorithm, so the file is hashed
 * once per (algorithm, salt) "lane" and each signature's digest is finished on a copy of its lane's state.
 * A SHA-256 lane always exists: its plain digest is the file's SHA-256 shown to the user.
 */
import { createHash, type Hash } from 'node:crypto';
import * as openpgp from 'openpgp';

/** Data-signature hash algorithms we accept (openpgp enum value → node:crypto name). */
export const ALLOWED_DATA_HASHES: ReadonlyMap<number, string> = new Map([
  [openpgp.enums.hash.sha256, 'sha256'],
  [openpgp.enums.hash.sha384, 'sha384'],
  [openpgp.enums.hash.sha512, 'sha512'],
]);

/** Signature packet versions whose digest we know how to finish. */
export const SUPPORTED_SIGNATURE_VERSIONS: ReadonlySet<number> = new Set([4, 6]);

interface SaltedPacket extends openpgp.SignaturePacket {
  salt?: Uint8Array | null;
}

function laneKey(packet: SaltedPacket): string | null {
  const algo = packet.hashAlgorithm === null ? undefined : ALLOWED_DATA_HASHES.get(packet.hashAlgorithm);
  if (algo === undefined || !SUPPORTED_SIGNATURE_VERSIONS.has(packet.version) || packet.signatureData === null) return null;
  const salt = packet.version === 6 ? Buffer.from(packet.salt ?? []).toString('hex') : '';
  return `${algo}:${salt}`;
}

export interface DataDigests {
  readonly size: number;
  readonly sha256: string;
  /** The digest `packet` signs over this data, or null when its version or hash is not supported. */
  digestFor(packet: openpgp.SignaturePacket): Uint8Array | null;
}

export class DataHasher {
  private readonly lanes = new Map<string, Hash>();
  private readonly sha256: Hash;
  private size = 0;
  private finished = false;

  constructor(packets: readonly openpgp.SignaturePacket[]) {
    this.sha256 = createHash('sha256');
    this.lanes.set('sha256:', this.sha256);
    for (const packet of packets as readonly SaltedPacket[]) {
      const key = laneKey(packet);
      if (key === null || this.lanes.has(key)) continue;
      const [algo, salt] = key.split(':') as [string, string];
      const hash = createHash(algo);
      if (salt) hash.update(Buffer.from(salt, 'hex'));
      this.lanes.set(key, hash);
    }
  }

  update(chunk: Uint8Array): void {
    if (this.finished) throw new Error('DataHasher: update after finish');
    this.size += chunk.byteLength;
    for (const hash of this.lanes.values()) hash.update(chunk);
  }

  finish(): DataDigests {
    this.finished = true;
    const lanes = this.lanes;
    const sha256 = this.sha256.copy().digest('hex');
    return {
      size: this.size,
      sha256,
      digestFor(packet: openpgp.SignaturePacket): Uint8Array | null {
        const key = laneKey(packet);
        const lane = key === null ? undefined : lanes.get(key);
        if (lane === undefined || packet.signatureData === null) return null;
        const h = lane.copy();
        h.update(packet.signatureData);
        const trailer = Buffer.alloc(6);
        trailer[0] = packet.version;
        trailer[1] = 0xff;
        trailer.writeUInt32BE(packet.signatureData.byteLength, 2);
        h.update(trailer);
        return new Uint8Array(h.digest());
      },
    };
  }
}
