/**
 * The identifier of a set of trusted keys: SHA-256 over the sorted primary fingerprints (upper-case hex), one per
 * line. `--version` prints the first 16 hex digits for the pinned set; receipts record the whole digest (and the
 * same 16 digits in their policy URI). Two builds that trust the same keys print the same id.
 */
import { createHash } from 'node:crypto';
import { PINNED_SIGNERS } from './pinned.js';

export function keySetDigest(fingerprints: readonly string[]): string {
  const lines = [...fingerprints].map((f) => f.toUpperCase()).sort();
  return createHash('sha256')
    .update(lines.join('\n') + '\n')
    .digest('hex');
}

export function pinnedKeySetId(fingerprints: readonly string[] = PINNED_SIGNERS.map((s) => s.fingerprint)): string {
  return keySetDigest(fingerprints).slice(0, 16);
}
