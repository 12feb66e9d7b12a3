/**
 * Keys that age (`electrum-verify keys --check`, and what `keys refresh` says changed): for every pinned key and
 * each key that can sign, its expiry and days left, judged today. The default policy is usable when every
 * release signer has a signing key that is valid today.
 */
import * as openpgp from 'openpgp';
import { PGP_CONFIG } from '../pgp/config.js';
import type { TrustedKey } from './keyring.js';
import { PINNED_SIGNERS, type SignerPolicyEntry } from './pinned.js';
import { keyOrigin } from './refresh.js';
import { verifyUndated } from '../pgp/openpgp-internals.js';

/** A warning this many days (or fewer) before a signing key expires. */
export const EXPIRY_WARNING_DAYS = 60;
const DAY_MS = 86_400_000;
const SIGN = openpgp.enums.keyFlags.signData;

export type PartState = 'ok' | 'expiring' | 'expired' | 'revoked' | 'invalid';

export interface KeyPart {
  fingerprint: string;
  primary: boolean;
  /** Can make signatures (key flags of its latest self-signature or binding). */
  signing: boolean;
  /** ISO time, or null when it never expires (or the date is unknown because the part is invalid). */
  expires: string | null;
  /** Whole days until `expires` (negative once past), null when it never expires. */
  daysLeft: number | null;
  state: PartState;
  /** Why, for a state other than ok. */
  detail?: string;
}

export interface KeyHealth {
  name: string;
  fingerprint: string;
  role: SignerPolicyEntry['role'] | 'custom';
  /** Required by the default policy for current releases (a release signer). */
  required: boolean;
  /** Where this copy of the key came from. */
  source: 'pinned' | 'refreshed';
  sourcePath?: string;
  /** Every key that can sign (primary and/or subkeys), plus the primary itself for context. */
  parts: KeyPart[];
  /** At least one signing key is valid today. */
  usable: boolean;
  status: 'ok' | 'warning' | 'error';
  messages: string[];
}

export function shortFingerprint(fpr: string): string {
  return `${fpr.slice(0, 4)}…${fpr.slice(-4)}`;
}

const toDate = (t: Date | number | null): Date | null => (t instanceof Date && Number.isFinite(t.getTime()) ? t : null);

function classify(message: string): PartState {
  if (/revoked/i.test(message)) return 'revoked';
  if (/expired/i.test(message)) return 'expired';
  return 'invalid';
}

async function latestBindingFlags(sub: openpgp.Subkey, primary: openpgp.PublicKey): Promise<number> {
  // The newest binding signature that verifies decides the flags (a binding may have been re-issued).
  const sorted = [...sub.bindingSignatures].sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
  for (const sig of sorted) {
    try {
      await verifyUndated(sig, primary.keyPacket, openpgp.enums.signature.subkeyBinding, {
        key: primary.keyPacket,
        bind: sub.keyPacket,
      });
      return sig.keyFlags?.[0] ?? 0;
    } catch {
      // try an older one
    }
  }
  return 0;
}

/** The state of the primary key and of every subkey, today. */
export async function keyParts(key: openpgp.PublicKey, now: Date = new Date()): Promise<KeyPart[]> {
  const parts: KeyPart[] = [];
  const primaryExpiry = toDate(await key.getExpirationTime(undefined, PGP_CONFIG).catch(() => null));
  let primaryState: PartState = 'ok';
  let primaryDetail: string | undefined;
  try {
    await key.verifyPrimaryKey(now, undefined, PGP_CONFIG);
  } catch (e) {
    primaryState = classify((e as Error).message);
    primaryDetail = (e as Error).message;
  }
  const user = await key.getPrimaryUser(undefined, undefined, PGP_CONFIG).catch(() => null);
  const primarySigns = ((user?.selfCertification.keyFlags?.[0] ?? 0) & SIGN) !== 0;
  const part = (
    fingerprint: string,
    primary: boolean,
    signing: boolean,
    expires: Date | null,
    state: PartState,
    detail?: string,
  ): KeyPart => {
    const daysLeft = expires === null ? null : Math.floor((expires.getTime() - now.getTime()) / DAY_MS);
    const s: PartState = state === 'ok' && daysLeft !== null && daysLeft <= EXPIRY_WARNING_DAYS ? 'expiring' : state;
    return {
      fingerprint,
      primary,
      signing,
      expires: expires?.toISOString() ?? null,
      daysLeft,
      state: s,
      ...(detail ? { detail } : {}),
    };
  };
  let signingState = primaryState;
  let signingDetail = primaryDetail;
  if (primarySigns && primaryState === 'ok') {
    try {
      await key.getSigningKey(key.getKeyID(), now, undefined, PGP_CONFIG);
    } catch (e) {
      signingState = classify((e as Error).message);
      signingDetail = (e as Error).message;
    }
  }
  parts.push(
    part(
      key.getFingerprint().toUpperCase(),
      true,
      primarySigns,
      primaryExpiry,
      primarySigns ? signingState : primaryState,
      primarySigns ? signingDetail : primaryDetail,
    ),
  );
  for (const sub of key.getSubkeys()) {
    const flags = await latestBindingFlags(sub, key);
    const signing = (flags & SIGN) !== 0;
    const subExpiry = toDate(await sub.getExpirationTime(undefined, PGP_CONFIG).catch(() => null));
    const expires =
      subExpiry && primaryExpiry
        ? subExpiry < primaryExpiry
          ? subExpiry
          : primaryExpiry
        : (subExpiry ?? primaryExpiry);
    let state: PartState = primaryState;
    let detail = primaryDetail;
    if (state === 'ok') {
      try {
        if (signing) await key.getSigningKey(sub.getKeyID(), now, undefined, PGP_CONFIG);
        else await sub.verify(now, PGP_CONFIG);
      } catch (e) {
        state = classify((e as Error).message);
        detail = (e as Error).message;
        // getSigningKey's last error may be about the primary; the subkey's own check says more.
        if (state === 'invalid') {
          await sub.verify(now, PGP_CONFIG).catch((e2: Error) => {
            state = classify(e2.message);
            detail = e2.message;
          });
        }
      }
    }
    parts.push(part(sub.getFingerprint().toUpperCase(), false, signing, expires, state, detail));
  }
  return parts;
}

const when = (iso: string | null): string => (iso === null ? 'never' : iso.slice(0, 10));

function partLabel(p: KeyPart): string {
  if (p.primary) return p.signing ? 'key' : 'primary key';
  return `${p.signing ? 'signing subkey' : 'subkey'} ${shortFingerprint(p.fingerprint)}`;
}

/** What changed between two states of one key, in words ("Emzy: signing subkey 637D…627C now expires 2028-10-12"). */
export function describeChanges(name: string, before: readonly KeyPart[], after: readonly KeyPart[]): string[] {
  const lines: string[] = [];
  for (const a of after) {
    const b = before.find((x) => x.fingerprint === a.fingerprint);
    if (!b) {
      lines.push(
        `${name}: new ${partLabel(a)}${a.expires ? ` (expires ${when(a.expires)})` : ' (does not expire)'}${a.state === 'revoked' ? ', revoked' : ''}`,
      );
      continue;
    }
    if (a.state === 'revoked' && b.state !== 'revoked')
      lines.push(`${name}: ${partLabel(a)} is now revoked${a.detail ? ` (${a.detail})` : ''}`);
    if (a.expires !== b.expires)
      lines.push(
        `${name}: ${partLabel(a)} now ${a.expires === null ? 'never expires' : `expires ${when(a.expires)}`} (was ${b.expires === null ? 'never' : when(b.expires)})`,
      );
    if (a.signing !== b.signing)
      lines.push(`${name}: ${partLabel(a)} ${a.signing ? 'can now sign' : 'can no longer sign'}`);
  }
  return lines;
}

/** Health of one trusted key today, under the signer-policy table. */
export async function keyHealth(
  trusted: TrustedKey,
  now: Date = new Date(),
  table: readonly SignerPolicyEntry[] = PINNED_SIGNERS,
): Promise<KeyHealth> {
  const entry = table.find((s) => s.fingerprint === trusted.fingerprint);
  const role = entry?.role ?? 'custom';
  const required = role === 'release';
  const parts = await keyParts(trusted.key, now);
  const signing = parts.filter((p) => p.signing);
  const usable = signing.some((p) => p.state === 'ok' || p.state === 'expiring');
  const messages: string[] = [];
  for (const p of signing) {
    const label = partLabel(p);
    if (p.state === 'expiring')
      messages.push(`${trusted.name}: ${label} expires ${when(p.expires)} (in ${p.daysLeft} days)`);
    else if (p.state === 'expired')
      messages.push(
        `${trusted.name}: ${label} expired ${when(p.expires)}; signatures made before then still count, newer ones do not until the key is refreshed`,
      );
    else if (p.state === 'revoked')
      messages.push(`${trusted.name}: ${label} is revoked${p.detail ? ` (${p.detail})` : ''}`);
    else if (p.state === 'invalid')
      messages.push(`${trusted.name}: ${label} cannot sign today (${p.detail ?? 'invalid'})`);
  }
  if (signing.length === 0) messages.push(`${trusted.name}: no key that can sign`);
  const status: KeyHealth['status'] = !usable && required ? 'error' : messages.length > 0 ? 'warning' : 'ok';
  if (!usable && required)
    messages.push(
      `${trusted.name} is required by Electrum's release gate: new releases cannot verify until the key is refreshed`,
    );
  else if (!usable) messages.push(`${trusted.name} is a cosigner: the default policy stays usable without this key`);
  const origin = keyOrigin(trusted.key);
  return {
    name: trusted.name,
    fingerprint: trusted.fingerprint,
    role,
    required,
    source: origin.source,
    ...(origin.path ? { sourcePath: origin.path } : {}),
    parts,
    usable,
    status,
    messages,
  };
}
