/** An identifier of the pinned key set, for `--version` and receipts: the first 16 hex digits of a SHA-256 over
 *  the sorted pinned primary fingerprints, one per line. Two builds that trust the same keys print the same id. */
import { createHash } from 'node:crypto';
import { PINNED_SIGNERS } from './pinned.js';

export function pinnedKeySetId(fingerprints: readonly string[] = PINNED_SIGNERS.map((s) => s.fingerprint)): string {
  const list = [...fingerprints].map((f) => f.toUpperCase()).sort().join('\n');
  return createHash('sha256').update(list).digest('hex').slice(0, 16);
}
