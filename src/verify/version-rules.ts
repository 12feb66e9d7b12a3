/**
 * Steps "expected hash" and "version": the optional pinned SHA-256; a signature cannot be older than the release it
 * signs (the name may lie: release/dates.ts); an authentic release below 3.3.4 is refused; an authentic release
 * older than a release with security fixes is verified with a warning.
 */
import { VerifyError } from '../errors.js';
import type { FoundSignature } from '../pgp/check-signature.js';
import { vulnerableReason, type Artifact } from '../release/catalogue.js';
import { judgeSignatureDates } from '../release/dates.js';
import { securityWarning } from '../release/security.js';

export function parseSha256(value: string): string {
  const hex = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new VerifyError('USAGE', '--expect-sha256 needs 64 hexadecimal characters');
  return hex;
}

export function checkExpectedHash(expected: string | null, sha256: string): void {
  if (expected !== null && expected !== sha256)
    throw new VerifyError('HASH_MISMATCH', `SHA-256 is ${sha256}, not the expected ${expected}`);
}

export function applyVersionRules(
  artifact: Artifact | null,
  found: readonly FoundSignature[],
  warn: (message: string) => void,
): void {
  const countedDates = found
    .filter((f) => f.counted === true && f.created !== null)
    .map((f) => new Date(f.created as string));
  const dated = judgeSignatureDates(artifact?.version ?? null, countedDates);
  if (dated !== null) throw new VerifyError(dated.code, dated.message, { hint: dated.hint });
  if (artifact === null) return;
  const vulnerable = vulnerableReason(artifact.version);
  if (vulnerable !== null)
    throw new VerifyError('VERSION_VULNERABLE', vulnerable, {
      hint: 'Get the current release from https://electrum.org/#download.',
    });
  const fixes = securityWarning(artifact.version);
  if (fixes !== null) warn(fixes);
}
