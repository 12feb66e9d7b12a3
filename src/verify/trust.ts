/**
 * Step "trust": the keys a verification trusts (the pinned release keys, refreshed copies of them from the state
 * folder, or a custom `--keyring`), and who must have signed a file of this version (trust/signer-policy.ts).
 */
import { VerifyError } from '../errors.js';
import { forTerminal } from '../report/links.js';
import type { VerifyReport } from '../report/verify-report.js';
import { loadCustomKeyring, loadPinnedKeyring, type Keyring } from '../trust/keyring.js';
import type { SignerPolicyEntry } from '../trust/pinned.js';
import { signerRequirement, type SignerRequirement } from '../trust/signer-policy.js';

export interface TrustOptions {
  keyring?: string | undefined;
  keysDir?: string | undefined;
  stateDir?: string | undefined;
  trustedKeys?: Keyring | undefined;
  minSigners?: number | undefined;
  signerTable?: readonly SignerPolicyEntry[] | undefined;
}

export async function loadTrust(
  o: TrustOptions,
  version: string | null,
  report: VerifyReport,
  warn: (message: string) => void,
): Promise<{ keyring: Keyring; requirement: SignerRequirement }> {
  const keyring: Keyring =
    o.trustedKeys ??
    (o.keyring === undefined
      ? await loadPinnedKeyring(o.keysDir, { stateDir: o.stateDir, onWarning: warn })
      : await loadCustomKeyring(o.keyring));
  report.trust = keyring.trust;
  if (keyring.trust === 'custom')
    warn(`using the keys in ${o.keyring} instead of the pinned Electrum release keys: ${describeCustomKeys(keyring)}`);
  if (o.minSigners !== undefined && o.minSigners > keyring.keys.length) {
    const where = keyring.trust === 'custom' ? `in ${o.keyring}` : 'pinned';
    throw new VerifyError(
      'USAGE',
      `--min-signers ${o.minSigners} asks for more signers than there are trusted keys (${keyring.keys.length} ${where})`,
      {
        hint: `Use a number from 1 to ${keyring.keys.length}, or leave --min-signers out to apply Electrum's own signer policy.`,
      },
    );
  }
  const requirement = signerRequirement(version, {
    minSigners: o.minSigners,
    trust: keyring.trust,
    signerTable: o.signerTable,
  });
  report.signature.required = requirement.required;
  report.signature.requiredSigners = requirement.requiredSigners;
  report.signature.policy = requirement.mode;
  return { keyring, requirement };
}

/** Custom keys named for the warning: fingerprint, and the first user ID, which nobody has verified. */
function describeCustomKeys(keyring: Keyring): string {
  return keyring.keys
    .map((k) => {
      const uid = k.key.getUserIDs()[0];
      return `${k.fingerprint}${uid ? ` "${forTerminal(uid.slice(0, 100))}" (user ID not verified)` : ''}`;
    })
    .join('; ');
}
