/**
 * The signer policy (CONTRACT "Which signatures count" and "Signer policy"): which of the judged signatures
 * count, which fail everything, and whether the ones that count satisfy what is required.
 *
 * - Evidence of tampering fails everything: a trusted key's signature that does not match the bytes (`bad`), or a
 *   malformed packet that names a trusted issuer → SIGNATURE_INVALID.
 * - A trusted key's signature that is fine over these bytes but cannot count (expired or revoked key, rejected
 *   hash, dated in the future) is listed with `counted: false` and a note; never fatal by itself.
 * - Unknown keys are listed and ignored.
 * - Default requirement, Electrum's own deploy gate: every release signer required for the version (ThomasV for
 *   every version, sombernight_releasekey from 4.1.3) has a counted signature. Unknown version: any one release
 *   signer, with a warning. `--min-signers n`: any n distinct trusted keys. `--keyring` (no table): any 1.
 */
import { VerifyError } from '../errors.js';
import { NOT_COUNTED_STATUSES, type FoundSignature } from '../pgp/check-signature.js';
import { atLeast, parseVersion } from '../release/version.js';
import type { VerifyReport } from '../report/verify-report.js';
import type { Keyring } from './keyring.js';
import { PINNED_SIGNERS, type SignerPolicyEntry } from './pinned.js';

export type PolicyMode =
  /** every named release signer must have a counted signature (Electrum's deploy gate) */
  | 'release-gate'
  /** the version is unknown: any one release signer */
  | 'any-release-signer'
  /** --min-signers n, or a custom keyring: any n distinct trusted keys */
  | 'any-n';

export interface SignerRequirement {
  mode: PolicyMode;
  /** How many distinct counted signers are needed. */
  required: number;
  /** Release-gate mode: the signers that must each have a counted signature (table names). Else empty. */
  requiredSigners: string[];
  /** any-release-signer mode: the candidates (table names). Else empty. */
  anyOf: string[];
  /** The table the names come from (the pinned one unless a test injected one). */
  table: readonly SignerPolicyEntry[];
}

export interface SignerPolicyOptions {
  /** `--min-signers n`: replaces the default with "any n distinct trusted keys". */
  minSigners?: number | undefined;
  /** 'custom' (`--keyring`) without an injected table: any 1 (or --min-signers) of those keys. */
  trust: 'pinned' | 'custom';
  /** Library API only (tests): the signer-policy table to apply instead of the pinned one, whatever the keyring. */
  signerTable?: readonly SignerPolicyEntry[] | undefined;
}

/** The requirement for a file of this version (null: the name gives no version). */
export function signerRequirement(version: string | null, options: SignerPolicyOptions): SignerRequirement {
  const table = options.signerTable ?? PINNED_SIGNERS;
  if (options.minSigners !== undefined)
    return { mode: 'any-n', required: options.minSigners, requiredSigners: [], anyOf: [], table };
  if (options.trust === 'custom' && options.signerTable === undefined)
    return { mode: 'any-n', required: 1, requiredSigners: [], anyOf: [], table };
  const release = table.filter((s) => s.role === 'release');
  const v = version === null ? null : parseVersion(version);
  if (v === null) {
    return { mode: 'any-release-signer', required: 1, requiredSigners: [], anyOf: release.map((s) => s.name), table };
  }
  const needed = release.filter((s) => s.requiredFrom === null || atLeast(v, s.requiredFrom)).map((s) => s.name);
  return { mode: 'release-gate', required: needed.length, requiredSigners: needed, anyOf: [], table };
}

/** The human name of a table entry ("SomberNight" for sombernight_releasekey). */
export function shownName(name: string, table: readonly SignerPolicyEntry[] = PINNED_SIGNERS): string {
  return table.find((s) => s.name === name)?.shownAs ?? name;
}

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : 'an unknown date');

/** Expiry of the (sub)key that made `f`, from our copy of the key (ISO date) or null. */
async function signingKeyExpiry(
  keyring: Keyring | undefined,
  f: FoundSignature,
): Promise<{ expires: string | null; subkey: boolean }> {
  const trusted = keyring?.keys.find((k) => k.fingerprint === f.fingerprint);
  if (!trusted || f.signingKey === null) return { expires: null, subkey: false };
  const subkey = trusted.key.getSubkeys().find((s) => s.getFingerprint().toUpperCase() === f.signingKey);
  const k = subkey ?? trusted.key;
  // At the signature's time: the expiry its binding (or self-signature) declared then.
  const at = f.created ? new Date(f.created) : new Date();
  const t = await k.getExpirationTime(at).catch(() => null);
  const t2 = t instanceof Date ? t : await k.getExpirationTime().catch(() => null);
  return { expires: t2 instanceof Date ? t2.toISOString() : null, subkey: subkey !== undefined };
}

const REFRESH_HINT = 'update electrum-verify or run `electrum-verify keys refresh <newer key file>`';

/** Why a trusted key's signature cannot count, in words. */
async function notCountedNote(f: FoundSignature, keyring: Keyring | undefined): Promise<string> {
  const who = f.signer ?? 'this key';
  // "our copy of Emzy's key", "our copy of key 2BD5824B7F9470E6" (an unnamed key of a custom keyring)
  const copyOf = `our copy of ${who.startsWith('key ') ? who : `${who}'s key`}`;
  const why = f.detail ? ` (${f.detail.replace(/[;,]? it does not count\.?$/, '')})` : '';
  const status = f.status as string;
  switch (status) {
    case 'expired-key': {
      // The signature's own expiry (not the key's): a refreshed key would not help; say what happened.
      if (f.detail && /signature itself expired|past the end of OpenPGP time/.test(f.detail))
        return `${f.detail.replace(/[;,]? it does not count\.?$/, '')}; this signature cannot count`;
      const { expires, subkey } = await signingKeyExpiry(keyring, f);
      const what = subkey ? 'its signing subkey' : 'the key';
      const when = expires ? ` on ${day(expires)}` : '';
      return `${copyOf} says ${what} expired${when}, before this signature (${day(f.created)}): ${REFRESH_HINT}`;
    }
    case 'revoked-key':
      return `${copyOf} says it is revoked${why}; this signature cannot count`;
    case 'rejected-algorithm':
      return `made with ${f.hash ?? 'an algorithm'}, which is not accepted for release files${why}; this signature cannot count`;
    case 'future':
      return `dated ${f.created ?? 'later'}, in the future by this computer's clock; it cannot count (check the clock)`;
    default:
      return `${status}${why}; this signature cannot count`;
  }
}

type Marked = FoundSignature & { counted?: boolean; note?: string };

/**
 * Judge every signature, fill `report.signature` (required, requiredSigners, signers, found[].counted/note) and
 * throw the VerifyError the contract names when the file is not authentic. `warn` receives the warnings
 * (a signature not counted; version rules not applied).
 */
export async function applySignerPolicy(
  report: VerifyReport,
  found: readonly FoundSignature[],
  requirement: SignerRequirement,
  context: { keyring?: Keyring; warn?: (message: string) => void } = {},
): Promise<void> {
  const warn = context.warn ?? ((m: string) => void report.warnings.push(m));
  const { table } = requirement;
  report.signature.required = requirement.required;
  report.signature.requiredSigners = [...requirement.requiredSigners];
  report.signature.policy = requirement.mode;

  // Names come from the policy table when it lists the key (an injected table names test keys too).
  for (const f of found) {
    if (f.fingerprint === null) continue;
    const entry = table.find((s) => s.fingerprint === f.fingerprint);
    if (entry) f.signer = entry.name;
  }

  const fatal: FoundSignature[] = [];
  const uncounted: Marked[] = [];
  for (const f of found as Marked[]) {
    if (f.signer === null || f.fingerprint === null) {
      f.counted = false; // unknown key: listed, otherwise ignored
      continue;
    }
    if (f.status === 'valid') {
      f.counted = true;
      if (f.detail) f.note = f.detail;
      continue;
    }
    f.counted = false;
    // fine over these bytes but cannot count; anything else by a trusted key (bad, malformed) is fatal
    if (NOT_COUNTED_STATUSES.has(f.status)) {
      f.note = await notCountedNote(f, context.keyring);
      uncounted.push(f);
    } else {
      fatal.push(f);
    }
  }

  if (fatal.length > 0) {
    const describe = (f: FoundSignature): string => `${f.signer}: ${f.status}${f.detail ? ` (${f.detail})` : ''}`;
    throw new VerifyError(
      'SIGNATURE_INVALID',
      `a signature by a trusted key does not match this file — ${fatal.map(describe).join('; ')}`,
      {
        hint: 'Do not run this file. Delete it and download Electrum again from https://electrum.org/#download.',
      },
    );
  }
  const byTrusted = found.filter((f) => f.signer !== null);
  if (byTrusted.length === 0) {
    throw new VerifyError(
      'SIGNER_UNKNOWN',
      `none of the ${found.length} signature(s) is by a trusted Electrum release key`,
      {
        hint: 'Do not run this file. Only files signed by the Electrum developers (see `electrum-verify keys`) are authentic.',
      },
    );
  }

  // One entry per distinct primary key with a counted signature.
  const counted = new Map<string, FoundSignature>();
  for (const f of found as Marked[]) {
    if (f.counted !== true || f.fingerprint === null || counted.has(f.fingerprint)) continue;
    counted.set(f.fingerprint, f);
    report.signature.signers.push({
      name: f.signer ?? f.fingerprint,
      fingerprint: f.fingerprint,
      created: f.created,
      signingKey: f.signingKey,
      ...(f.detail ? { note: f.detail } : {}),
    });
  }
  const countedNames = new Set([...counted.values()].map((f) => f.signer));
  for (const f of uncounted) {
    // A second signature by a key that also has a counted one changes nothing: say so only when it matters.
    if (countedNames.has(f.signer)) continue;
    warn(`${shownName(f.signer ?? '', table)}'s signature was not counted: ${f.note}`);
  }

  const whyMissing = (name: string): string => {
    const theirs = (uncounted as Marked[]).filter((f) => f.signer === name);
    return theirs.length > 0
      ? `${shownName(name, table)} (${theirs[0]!.note})`
      : `${shownName(name, table)} (no signature by this key)`;
  };
  const gateHint =
    'Electrum publishes a file only when ThomasV and SomberNight (from 4.1.3) have both signed it. Do not run a file that lacks them.';

  if (requirement.mode === 'release-gate') {
    const missing = requirement.requiredSigners.filter((n) => !countedNames.has(n));
    if (missing.length > 0) {
      const need = requirement.requiredSigners.map((n) => shownName(n, table)).join(' + ');
      throw new VerifyError(
        'NOT_ENOUGH_SIGNERS',
        `Electrum's release gate needs ${need}; missing: ${missing.map(whyMissing).join('; ')}`,
        {
          hint: gateHint,
        },
      );
    }
    return;
  }
  if (requirement.mode === 'any-release-signer') {
    // One warning about the missing version is enough (verify() may already have said it about the name).
    if (!report.warnings.some((w) => /could not be applied/.test(w)))
      warn(
        `the file name gives no Electrum version, so the version rules could not be applied: one release signer (${requirement.anyOf.map((n) => shownName(n, table)).join(' or ')}) is accepted`,
      );
    if (!requirement.anyOf.some((n) => countedNames.has(n))) {
      throw new VerifyError(
        'NOT_ENOUGH_SIGNERS',
        `no counted signature by a release signer; missing: ${requirement.anyOf.map(whyMissing).join('; ')}`,
        {
          hint: `${gateHint} Use --as <official file name> to apply the version's rules.`,
        },
      );
    }
    return;
  }
  if (counted.size < requirement.required) {
    const notes = uncounted
      .filter((f) => !countedNames.has(f.signer))
      .map((f) => `${shownName(f.signer ?? '', table)}: ${f.note}`);
    throw new VerifyError(
      'NOT_ENOUGH_SIGNERS',
      `${counted.size} trusted signer(s) counted, ${requirement.required} required${notes.length ? ` — not counted: ${notes.join('; ')}` : ''}`,
      { hint: 'Do not run a file that lacks the signatures you require.' },
    );
  }
}
