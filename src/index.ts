/**
 * Library API for packagers and scripts. `verify()` returns the same report `verify --json` prints and never
 * throws for a verification outcome; the other exports are the building blocks it uses.
 */
export { verify, type VerifyOptions, DEFAULT_MAX_SIZE, DEFAULT_TIMEOUT_MS } from './verify.js';
export type { VerifyReport, SignerEntry } from './report/verify-report.js';
export type { FoundSignature, SignatureStatus } from './pgp/check-signature.js';
export { EXIT, VerifyError, exitCodeFor, verdictFor, type ReasonCode, type ExitCode, type Verdict } from './errors.js';
export {
  judgeUrl,
  judgeSource,
  judgeMirrorHost,
  OFFICIAL_HOSTS,
  type UrlJudgement,
  type SourceVerdict,
} from './policy/origin.js';
export { extractLinks } from './policy/links.js';
export {
  parseArtifactName,
  artifactFromUrl,
  officialFileUrl,
  signatureUrls,
  defaultMinSigners,
  vulnerableReason,
  compareVersions,
  type Artifact,
} from './release/catalogue.js';
export { PINNED_SIGNERS, type PinnedSigner } from './trust/pinned.js';
export { loadPinnedKeyring, loadCustomKeyring, type Keyring, type TrustedKey } from './trust/keyring.js';
export {
  applySignerPolicy,
  signerRequirement,
  type SignerRequirement,
  type PolicyMode,
} from './trust/signer-policy.js';
export { type SignerPolicyEntry, type SignerRole } from './trust/pinned.js';
export { refreshKeys, type RefreshResult } from './trust/refresh.js';
export { pinnedKeySetId } from './trust/key-set-id.js';
export { judgeSignatureDates, type DateJudgement } from './release/dates.js';
export { suggestOfficialName } from './release/suggest.js';
