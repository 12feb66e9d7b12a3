/**
 * Reason codes (closed set, from ../shared/CONTRACT.md) and the one place that maps them to exit codes.
 * Every failure the tool reports is a VerifyError carrying one of these codes.
 */

export const EXIT = {
  OK: 0,
  NOT_AUTHENTIC: 1,
  USAGE: 2,
  SOURCE_REJECTED: 3,
  NETWORK: 4,
  VULNERABLE: 5,
  INTERRUPTED: 130,
  /** SIGTERM (e.g. a CI job cancelled): the run stopped as for Ctrl-C; reason code INTERRUPTED. */
  TERMINATED: 143,
  /** SIGHUP (the terminal went away). */
  HANGUP: 129,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const CODE_EXIT = {
  SOURCE_GITHUB: EXIT.SOURCE_REJECTED,
  SOURCE_LOOKALIKE: EXIT.SOURCE_REJECTED,
  SOURCE_UNTRUSTED: EXIT.SOURCE_REJECTED,
  SOURCE_INSECURE: EXIT.SOURCE_REJECTED,
  SOURCE_INVALID: EXIT.SOURCE_REJECTED,
  REDIRECT_OFF_ORIGIN: EXIT.SOURCE_REJECTED,
  SIGNATURE_NOT_FOUND: EXIT.NETWORK,
  SIGNATURE_MALFORMED: EXIT.NOT_AUTHENTIC,
  SIGNATURE_INVALID: EXIT.NOT_AUTHENTIC,
  SIGNER_UNKNOWN: EXIT.NOT_AUTHENTIC,
  NOT_ENOUGH_SIGNERS: EXIT.NOT_AUTHENTIC,
  HASH_MISMATCH: EXIT.NOT_AUTHENTIC,
  /** A counted signature predates the release its file name claims. */
  VERSION_MISMATCH: EXIT.NOT_AUTHENTIC,
  ARTIFACT_UNRECOGNISED: EXIT.USAGE,
  OUTPUT_EXISTS: EXIT.USAGE,
  USAGE: EXIT.USAGE,
  NETWORK: EXIT.NETWORK,
  TIMEOUT: EXIT.NETWORK,
  TOO_LARGE: EXIT.NETWORK,
  /** Reading the local file or saving the download failed (disk full, permissions, I/O error). */
  IO_ERROR: EXIT.NETWORK,
  VERSION_VULNERABLE: EXIT.VULNERABLE,
  /** latest/get: the body is not a version announcement at all (HTML, not JSON, wrong shape). */
  ANNOUNCEMENT_INVALID: EXIT.NETWORK,
  /** latest/get: no valid signature by a pinned announcement address (or a bad one by a pinned address). */
  ANNOUNCEMENT_UNSIGNED: EXIT.NOT_AUTHENTIC,
  /** get: the chosen platform has no file in that release. */
  PLATFORM_UNAVAILABLE: EXIT.USAGE,
  INTERRUPTED: EXIT.INTERRUPTED,
  INSTALL_TAMPERED: EXIT.USAGE,
  /** A bug: nothing was verified. */
  INTERNAL_ERROR: EXIT.USAGE,
  /** verify-release --require-all: a file of the release is missing from the folder (a mirror must be complete). */
  RELEASE_INCOMPLETE: EXIT.NOT_AUTHENTIC,
  /** verify-release: the folder holds no file of that version (never a vacuous pass). */
  RELEASE_EMPTY: EXIT.USAGE,
  /** check-receipt: the files or the embedded signatures no longer match the receipt. */
  RECEIPT_MISMATCH: EXIT.NOT_AUTHENTIC,
} as const satisfies Record<string, ExitCode>;

export type ReasonCode = keyof typeof CODE_EXIT;

export function exitCodeFor(code: ReasonCode): ExitCode {
  return CODE_EXIT[code];
}

export type Verdict = 'verified' | 'rejected' | 'error';

/** CONTRACT: 0 → verified; 1, 3, 5 → rejected; 2, 4 (and 130) → error. */
export function verdictFor(exit: ExitCode): Verdict {
  if (exit === EXIT.OK) return 'verified';
  if (exit === EXIT.NOT_AUTHENTIC || exit === EXIT.SOURCE_REJECTED || exit === EXIT.VULNERABLE) return 'rejected';
  return 'error';
}

/**
 * Several targets in one run: the run's exit code is the most severe of theirs. Order (CONTRACT): interrupted
 * (130 SIGINT, 143 SIGTERM, 129 SIGHUP), then 1 not authentic, 3 rejected source, 5 vulnerable, 2 usage/bad input,
 * 4 network/I-O, 0 verified. Any other code ranks just above 0.
 */
const SEVERITY: readonly number[] = [130, 143, 129, 1, 3, 5, 2, 4];

/** Rank of an exit code: lower is more severe (0 is the least severe of all). */
export function exitSeverity(code: number): number {
  if (code === EXIT.OK) return SEVERITY.length + 1;
  const i = SEVERITY.indexOf(code);
  return i === -1 ? SEVERITY.length : i;
}

/** The most severe of several exit codes (0 for none). */
export function mostSevereExit(codes: Iterable<number>): number {
  let worst = 0;
  for (const c of codes) if (exitSeverity(c) < exitSeverity(worst)) worst = c;
  return worst;
}

export class VerifyError extends Error {
  readonly code: ReasonCode;
  /** What the user can do next; shown under the verdict line. */
  readonly hint: string | undefined;

  constructor(code: ReasonCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VerifyError';
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): ExitCode {
    return exitCodeFor(this.code);
  }
}

export function isVerifyError(e: unknown): e is VerifyError {
  return e instanceof VerifyError;
}
