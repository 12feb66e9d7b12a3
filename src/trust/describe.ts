/**
 * What `electrum-verify keys` shows about each trusted key: fingerprints of the keys that can sign,
 * algorithm, expiry, and whether a signing key is expired today.
 */
import * as openpgp from 'openpgp';
import type { TrustedKey } from './keyring.js';

export interface KeyDescription {
  name: string;
  fingerprint: string;
  signingKeys: string[];
  algorithm: string;
  /** Earliest expiry among the signing keys (ISO date) or null when none expires. */
  expires: string | null;
  /** True when every signing key is expired today (new signatures cannot be valid). */
  expiredNow: boolean;
}

function algorithmName(key: openpgp.PublicKey | openpgp.Subkey): string {
  const info = key.getAlgorithmInfo();
  if (info.bits) return `${info.algorithm.replace(/EncryptSign|Sign|Encrypt/, '')}${info.bits}`;
  if (info.curve)
    return `${info.algorithm}-${info.curve}`
      .replace('nistP256', 'p256')
      .replace('nistP384', 'p384')
      .replace('nistP521', 'p521');
  return info.algorithm;
}

const SIGN = openpgp.enums.keyFlags.signData;

async function canSign(trusted: TrustedKey, k: openpgp.PublicKey | openpgp.Subkey): Promise<boolean> {
  if (k === trusted.key) {
    const user = await trusted.key.getPrimaryUser(undefined, undefined, undefined).catch(() => null);
    return ((user?.selfCertification.keyFlags?.[0] ?? 0) & SIGN) !== 0;
  }
  const sub = k as openpgp.Subkey;
  const latest = sub.bindingSignatures[sub.bindingSignatures.length - 1];
  return ((latest?.keyFlags?.[0] ?? 0) & SIGN) !== 0;
}

async function expiryOf(k: openpgp.PublicKey | openpgp.Subkey): Promise<Date | null> {
  const t = await k.getExpirationTime().catch(() => null);
  return t instanceof Date ? t : null;
}

export async function describeKey(trusted: TrustedKey, now: Date = new Date()): Promise<KeyDescription> {
  const candidates: Array<openpgp.PublicKey | openpgp.Subkey> = [trusted.key, ...trusted.key.getSubkeys()];
  const signing: Array<openpgp.PublicKey | openpgp.Subkey> = [];
  for (const k of candidates) if (await canSign(trusted, k)) signing.push(k);
  const expiries = await Promise.all(signing.map(expiryOf));
  const dated = expiries.filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime());
  const expiredNow = signing.length > 0 && expiries.every((d) => d !== null && d <= now);
  const first = signing[0];
  return {
    name: trusted.name,
    fingerprint: trusted.fingerprint,
    signingKeys: signing.map((k) => k.getFingerprint().toUpperCase()),
    algorithm: algorithmName(first ?? trusted.key),
    expires: dated[0]?.toISOString() ?? null,
    expiredNow,
  };
}

/** The signer policy in words for the human report (see describe-policy.ts; re-exported here). */
export { describePolicy } from './describe-policy.js';
