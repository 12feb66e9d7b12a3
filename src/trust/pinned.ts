/**
 * The release signers electrum-verify trusts by default.
 *
 * Source: spesmilo/electrum `pubkeys/` (see ../shared/electrum-keys/README.md). The key files in `keys/`
 * must match this table exactly: a file whose fingerprint is not listed here, or a listed fingerprint
 * without its file, means the installation was tampered with and the tool refuses to start.
 * Names shown to users come from this table, never from a key's user IDs (anyone can write "ThomasV").
 */
export interface PinnedSigner {
  readonly name: string;
  /** Primary key fingerprint, 40 upper-case hex characters. */
  readonly fingerprint: string;
  readonly file: string;
}

export const PINNED_SIGNERS: readonly PinnedSigner[] = Object.freeze([
  { name: 'ThomasV', fingerprint: '6694D8DE7BE8EE5631BED9502BD5824B7F9470E6', file: 'ThomasV.asc' },
  { name: 'sombernight_releasekey', fingerprint: '0EEDCFD5CAFB459067349B23CA9EEEC43DF911DC', file: 'sombernight_releasekey.asc' },
  { name: 'Emzy', fingerprint: '9EDAFF80E080659604F4A76B2EBB056FD847F8A7', file: 'Emzy.asc' },
  { name: 'felixb_f321x', fingerprint: 'AA0BC6824B397BBA99776E157ED8D82B37192688', file: 'felixb_f321x.asc' },
  { name: 'svanstaa', fingerprint: '33C103B4B2794170546CCF7BCFB2C83C66CD792A', file: 'svanstaa.asc' },
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
