/**
 * The release signers electrum-verify trusts by default.
 *
 * Source: spesmilo/electrum `pubkeys/` (see ../shared/electrum-keys/README.md). The key files in `keys/`
 * must match this table exactly: a file whose fingerprint is not listed here, or a listed fingerprint
 * without its file, means the installation was tampered with and the tool refuses to start.
 * Names shown to users come from this table, never from a key's user IDs (anyone can write "ThomasV").
 */
export interface PinnedSigner extends SignerPolicyEntry {
  readonly file: string;
}

/**
 * Electrum's own signer policy (CONTRACT "Signer policy"; ../shared/notes/electrum-release.md §1): the RELEASE
 * signers are the ones electrum-web's deploy.sh requires before it publishes a file (ThomasV always,
 * sombernight_releasekey from 4.1.3, when SomberNight's release key started signing); COSIGNERS reproduce the
 * builds and add their signatures as corroboration, never required.
 */
export type SignerRole = 'release' | 'cosigner';

/** One row of the signer-policy table. Tests inject their own table (test keys playing ThomasV and SomberNight). */
export interface SignerPolicyEntry {
  readonly name: string;
  /** Primary key fingerprint, 40 upper-case hex characters. */
  readonly fingerprint: string;
  readonly role: SignerRole;
  /** Release signers: the first version each must sign (null: every version). Unused for cosigners. */
  readonly requiredFrom: string | null;
  /** How people know the signer, when it differs from the file-name label (sombernight_releasekey → SomberNight). */
  readonly shownAs?: string;
}

export const PINNED_SIGNERS: readonly PinnedSigner[] = Object.freeze([
  {
    name: 'ThomasV',
    fingerprint: '6694D8DE7BE8EE5631BED9502BD5824B7F9470E6',
    file: 'ThomasV.asc',
    role: 'release',
    requiredFrom: null,
  },
  {
    name: 'sombernight_releasekey',
    fingerprint: '0EEDCFD5CAFB459067349B23CA9EEEC43DF911DC',
    file: 'sombernight_releasekey.asc',
    role: 'release',
    requiredFrom: '4.1.3',
    shownAs: 'SomberNight',
  },
  {
    name: 'Emzy',
    fingerprint: '9EDAFF80E080659604F4A76B2EBB056FD847F8A7',
    file: 'Emzy.asc',
    role: 'cosigner',
    requiredFrom: null,
  },
  {
    name: 'felixb_f321x',
    fingerprint: 'AA0BC6824B397BBA99776E157ED8D82B37192688',
    file: 'felixb_f321x.asc',
    role: 'cosigner',
    requiredFrom: null,
  },
  {
    name: 'svanstaa',
    fingerprint: '33C103B4B2794170546CCF7BCFB2C83C66CD792A',
    file: 'svanstaa.asc',
    role: 'cosigner',
    requiredFrom: null,
  },
]);

export function pinnedByFingerprint(fingerprint: string): PinnedSigner | undefined {
  const fpr = fingerprint.toUpperCase();
  return PINNED_SIGNERS.find((s) => s.fingerprint === fpr);
}

/**
 * The addresses whose Bitcoin signed-message signature makes https://electrum.org/version authentic (`latest`,
 * `get`). Source: spesmilo/electrum `electrum/gui/qt/update_checker.py`, VERSION_ANNOUNCEMENT_SIGNING_KEYS.
 */
export interface AnnouncementSigner {
  readonly name: string;
  /** Base58Check P2PKH address, compared exactly. */
  readonly address: string;
}

export const ANNOUNCEMENT_SIGNERS: readonly AnnouncementSigner[] = Object.freeze([
  { name: 'ThomasV', address: '13xjmVAB1EATPP8RshTE8S8sNwwSUM9p1P' },
  { name: 'SomberNight', address: '1Nxgk6NTooV4qZsX5fdqQwrLjYcsQZAfTg' },
]);
