/**
 * Is an announcement authentic? Electrum's rule (update_checker.py) is "any valid signature by a pinned address
 * over the UTF-8 version string". Ours is the same, plus the project's tampering rule: a signature listed under a
 * pinned address that does not verify fails the whole announcement (it can only be damage or forgery).
 * Signatures under other addresses are listed and ignored (never verified, never counted).
 */
import { VerifyError } from '../errors.js';
import { ANNOUNCEMENT_SIGNERS, type AnnouncementSigner } from '../trust/pinned.js';
import { verifyMessage } from './message.js';
import type { Announcement } from './parse.js';

export interface AnnouncementSignatureReport {
  address: string;
  /** The pinned signer's name, or null for an address that is not pinned. */
  signer: string | null;
  /** valid / bad (recovers another address) / malformed (cannot be decoded or recovered) / ignored (not pinned). */
  status: 'valid' | 'bad' | 'malformed' | 'ignored';
  /** A valid signature with s > n/2 (Electrum accepts these; so do we). */
  highS?: boolean;
  note?: string;
}

export interface AnnouncementCheck {
  /** The first valid pinned signer, or null. */
  signer: AnnouncementSigner | null;
  signatures: AnnouncementSignatureReport[];
  /** Why it is not authentic (ANNOUNCEMENT_UNSIGNED), or null. */
  failure: VerifyError | null;
}

export function checkAnnouncement(
  a: Announcement,
  pinned: readonly AnnouncementSigner[] = ANNOUNCEMENT_SIGNERS,
): AnnouncementCheck {
  const signatures: AnnouncementSignatureReport[] = [];
  let signer: AnnouncementSigner | null = null;
  let tampered: AnnouncementSignatureReport | null = null;
  for (const { address, signature } of a.signatures) {
    const who = pinned.find((p) => p.address === address);
    if (who === undefined) {
      signatures.push({ address, signer: null, status: 'ignored', note: 'not a pinned announcement address' });
      continue;
    }
    const r = verifyMessage(address, signature, a.version);
    if (r.status === 'valid') {
      signatures.push({
        address,
        signer: who.name,
        status: 'valid',
        ...(r.highS ? { highS: true, note: 'high-S signature (accepted, as Electrum does)' } : {}),
      });
      signer ??= who;
    } else {
      const entry: AnnouncementSignatureReport = {
        address,
        signer: who.name,
        status: r.status === 'bad' ? 'bad' : 'malformed',
        note: r.problem,
      };
      signatures.push(entry);
      tampered ??= entry;
    }
  }
  let failure: VerifyError | null = null;
  const hint =
    'Do not trust this version number; get Electrum from https://electrum.org/#download and verify the file.';
  if (tampered !== null) {
    failure = new VerifyError(
      'ANNOUNCEMENT_UNSIGNED',
      `the signature listed for ${tampered.signer} (${tampered.address}) does not verify over "${a.version}": ${tampered.note}`,
      { hint },
    );
  } else if (signer === null) {
    const others =
      signatures.length === 0
        ? 'it carries no signatures'
        : `its ${signatures.length === 1 ? 'only signature is' : 'signatures are'} by addresses that are not pinned (${signatures.map((s) => s.address).join(', ')})`;
    failure = new VerifyError(
      'ANNOUNCEMENT_UNSIGNED',
      `the announcement of ${a.version} is not signed by a pinned address: ${others}`,
      { hint },
    );
  }
  return { signer: failure === null ? signer : null, signatures, failure };
}
