/**
 * The signature engine behind one plain door: bytes go in while they are read or downloaded (`update`), every
 * signature is judged at the end (`judge`). Inside, and nowhere else in the checklist: one pass over the data for
 * every digest every signature needs (DataHasher, SHA-512 lanes in a worker), signature values confirmed by OpenSSL
 * (RSA) and @noble/curves (P-256) over those digests (ValueConfirmer, PrehashedEcdsa), and the signing keys' own
 * checks run between reads (warmUpKeyChecks). The fast path can only confirm, never approve: pgp/check-signature.ts
 * (`judge`) states why and enforces it.
 */
import type * as openpgp from 'openpgp';
import {
  checkSignature,
  needsDigest,
  usesEcdsa,
  warmUpKeyChecks,
  type FoundSignature,
} from '../pgp/check-signature.js';
import { DataHasher, type DataDigests } from '../pgp/data-digest.js';
import { ValueConfirmer } from '../pgp/fast-values.js';
import { PrehashedEcdsa } from '../pgp/prehashed-ecdsa.js';
import type { Keyring } from '../trust/keyring.js';

export class SignatureEngine {
  private readonly hasher: DataHasher;
  private readonly ecdsa: PrehashedEcdsa | null;
  private readonly fast: ValueConfirmer;
  private data: DataDigests | null = null;

  constructor(
    private readonly packets: readonly openpgp.SignaturePacket[],
    private readonly keyring: Keyring,
    now: Date,
  ) {
    // Hash lanes only for signatures a trusted key could have made: crafted signatures by strangers cost nothing.
    const trusted = packets.filter((p) => needsDigest(keyring, p)); // a trusted issuer, or an unhashed claim of one
    this.hasher = new DataHasher(trusted);
    // ECDSA values (P-256 for Electrum) are checked with @noble/curves, whose ~25 ms load is spent while we wait anyway.
    this.ecdsa = usesEcdsa(trusted) ? new PrehashedEcdsa() : null;
    this.fast = new ValueConfirmer(this.ecdsa);
    warmUpKeyChecks(trusted, keyring, now);
  }

  /** Before a download: the ECDSA code loads while the connection is made. */
  beforeDownload(): void {
    void this.ecdsa?.warmUp();
  }

  /** Before a local read of `size` bytes: a large file starts the hash worker now (~20 ms boot, while ECDSA warms up). */
  async beforeRead(size: number): Promise<void> {
    this.hasher.expectBytes(size);
    await this.ecdsa?.warmUp();
  }

  /** The next bytes of the file (never kept: the caller may reuse the buffer). */
  update(chunk: Uint8Array): void {
    this.hasher.update(chunk);
  }

  /** All bytes are in: the file's SHA-256 and size. */
  async finish(): Promise<{ sha256: string; size: number }> {
    this.data = await this.hasher.finish();
    return { sha256: this.data.sha256, size: this.data.size };
  }

  /** Every signature, individually, as of `now` (after a download that may have taken a while). */
  async judge(now: Date, signal?: AbortSignal): Promise<FoundSignature[]> {
    if (this.data === null) throw new Error('SignatureEngine.judge() before finish()');
    const found: FoundSignature[] = [];
    for (const packet of this.packets) {
      signal?.throwIfAborted();
      found.push(await checkSignature(packet, this.data.digestFor(packet), this.keyring, now, this.fast));
    }
    return found;
  }
}
