/**
 * The one openpgp.js configuration used everywhere. Lower-level openpgp methods do not merge configs,
 * so this is always a FULL config object.
 *
 * - rejectHashAlgorithms keeps its default (MD5, RIPEMD160): ThomasV's 2011 key has SHA-1 self-signatures,
 *   and rejecting SHA-1 there would make his key unusable. Data signatures are held to a stricter
 *   allowlist (SHA-256/384/512: ALLOWED_DATA_HASHES in data-digest.ts, enforced in check-signature.ts).
 * - ignoreUnsupportedPackets: false, so an unsupported signature packet is an error, never silently dropped.
 */
import * as openpgp from 'openpgp';

export const PGP_CONFIG: openpgp.Config = {
  ...openpgp.config,
  ignoreUnsupportedPackets: false,
  ignoreMalformedPackets: false,
  minRSABits: 2047,
};
