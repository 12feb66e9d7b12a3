/**
 * Newer copies of the pinned keys (`electrum-verify keys refresh <file…>`), kept in the user's state folder and
 * merged into the pinned keys every time they are loaded.
 *
 * The pinned `keys/` directory stays the root of trust. A copy can only ADD packets that the pinned primary key
 * itself signed: a new self-signature (e.g. a new expiry), a subkey binding (a signing subkey needs its
 * back-signature too), a revocation. It never adds a fingerprint and never removes anything; third-party
 * certifications are dropped. The stored copy is re-merged through the same checks at every load, so a copy
 * edited by someone else can add nothing the primary did not sign.
 *
 * Layout: `<state>/keys/<PRIMARY FINGERPRINT>.asc` (armored), folders 0700, files 0600.
 */
import { lstat, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { ArmorError, decodeArmorBlock, splitArmor } from '../pgp/armor.js';
import { PGP_CONFIG } from '../pgp/config.js';
import { cloneKeyStructure, keyStructure, structureAsKey, verifyUndated } from '../pgp/openpgp-internals.js';
import { stateFolder } from '../state/folder.js';
import type { TrustedKey } from './keyring.js';

export interface RefreshLoadOptions {
  /** `--state-dir`; else ELECTRUM_VERIFY_STATE, XDG_STATE_HOME, ~/.local/state (state/folder.ts). */
  stateDir?: string | undefined;
  /** Where warnings go (a corrupted or unsafe copy is ignored with a warning). */
  onWarning?: ((message: string) => void) | undefined;
  env?: NodeJS.ProcessEnv;
}

/** Where a loaded key came from, for `electrum-verify keys`. */
export interface KeyOrigin {
  source: 'pinned' | 'refreshed';
  /** The refreshed copy's path (source 'refreshed'). */
  path?: string;
}

const origins = new WeakMap<openpgp.PublicKey, KeyOrigin>();

export function keyOrigin(key: openpgp.PublicKey): KeyOrigin {
  return origins.get(key) ?? { source: 'pinned' };
}

const MAX_KEY_COPY = 4 * 1024 * 1024;
const S = openpgp.enums.signature;
const SIGN = openpgp.enums.keyFlags.signData;

export function refreshedKeysDir(stateDir: string): string {
  return join(stateDir, 'keys');
}

export function refreshedCopyPath(stateDir: string, fingerprint: string): string {
  return join(refreshedKeysDir(stateDir), `${fingerprint.toUpperCase()}.asc`);
}

/** Read one or several public keys from armored or binary bytes. Secret parts, if any, are dropped. */
export async function readKeyBytes(bytes: Uint8Array): Promise<openpgp.PublicKey[]> {
  const text = Buffer.from(bytes).toString('latin1');
  let binaries: Uint8Array[];
  if (/-----BEGIN PGP /.test(text)) {
    // A file may hold secret keys by mistake: read them as public (we keep only public packets).
    const type = /-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(text) ? null : 'PUBLIC KEY BLOCK';
    if (type === null) throw new ArmorError('holds a PRIVATE key block; give public keys only');
    binaries = splitArmor(text, type).map(decodeArmorBlock);
  } else {
    binaries = [bytes];
  }
  const keys: openpgp.PublicKey[] = [];
  for (const binaryKeys of binaries) {
    const read = await openpgp.readKeys({ binaryKeys, config: PGP_CONFIG });
    for (const k of read) keys.push(k.isPrivate() ? k.toPublic() : k);
  }
  return keys;
}

async function verifies(
  sig: openpgp.SignaturePacket,
  key: openpgp.AnyKeyPacket,
  type: number,
  data: object,
): Promise<boolean> {
  if (sig.signatureType !== type) return false;
  try {
    // date null: no date checks here (a newer copy may carry a revocation or a binding that is "expired" today);
    // validity at a given date is decided later by openpgp.js when a signature is checked.
    await verifyUndated(sig, key, type, data);
    return true;
  } catch {
    return false;
  }
}

const id = (sig: openpgp.SignaturePacket): string => Buffer.from(sig.write()).toString('hex');

function pushNew(into: openpgp.SignaturePacket[], from: readonly openpgp.SignaturePacket[]): number {
  const have = new Set(into.map(id));
  let n = 0;
  for (const s of from) {
    const k = id(s);
    if (have.has(k)) continue;
    have.add(k);
    into.push(s);
    n++;
  }
  return n;
}

async function filterAsync<T>(items: readonly T[], keep: (t: T) => Promise<boolean>): Promise<T[]> {
  const out: T[] = [];
  for (const t of items) if (await keep(t)) out.push(t);
  return out;
}

/**
 * `base` (a pinned key) plus the packets of `source` (same primary fingerprint) that the primary key validly
 * signed. Returns a new key; `added` counts the signatures taken from `source`.
 */
export async function mergeVerified(
  base: openpgp.PublicKey,
  source: openpgp.PublicKey,
): Promise<{ key: openpgp.PublicKey; added: number }> {
  if (base.getFingerprint() !== source.getFingerprint()) throw new Error('not the same primary key');
  const merged = cloneKeyStructure(base);
  const src0 = keyStructure(source);
  const primary = merged.keyPacket;
  let added = 0;

  added += pushNew(
    merged.revocationSignatures,
    await filterAsync(src0.revocationSignatures, (s) => verifies(s, primary, S.keyRevocation, { key: primary })),
  );
  added += pushNew(
    merged.directSignatures,
    await filterAsync(src0.directSignatures, (s) => verifies(s, primary, S.key, { key: primary })),
  );

  for (const src of src0.users) {
    const data = { userID: src.userID, userAttribute: src.userAttribute, key: primary };
    const self = await filterAsync(src.selfCertifications, (s) =>
      s.signatureType !== null && s.signatureType >= S.certGeneric && s.signatureType <= S.certPositive
        ? verifies(s, primary, s.signatureType, data)
        : Promise.resolve(false),
    );
    const revs = await filterAsync(src.revocationSignatures, (s) => verifies(s, primary, S.certRevocation, data));
    const dst = merged.users.find(
      (u) =>
        (src.userID !== null && u.userID !== null && u.userID.userID === src.userID.userID) ||
        (src.userAttribute !== null && u.userAttribute !== null && u.userAttribute.equals(src.userAttribute)),
    );
    if (dst) {
      added += pushNew(dst.selfCertifications, self) + pushNew(dst.revocationSignatures, revs);
    } else if (self.length > 0) {
      const user = src.clone();
      user.mainKey = merged;
      user.selfCertifications = self;
      user.otherCertifications = []; // third-party certifications never come in through a refresh
      user.revocationSignatures = revs;
      merged.users.push(user);
      added += self.length + revs.length;
    }
  }

  for (const src of src0.subkeys) {
    const data = { key: primary, bind: src.keyPacket };
    const bindings = await filterAsync(src.bindingSignatures, async (s) => {
      if (!(await verifies(s, primary, S.subkeyBinding, data))) return false;
      // A signing subkey must prove it agrees to be bound (the embedded primary-key-binding back-signature).
      if (((s.keyFlags?.[0] ?? 0) & SIGN) === 0) return true;
      return s.embeddedSignature !== null && (await verifies(s.embeddedSignature, src.keyPacket, S.keyBinding, data));
    });
    const revs = await filterAsync(src.revocationSignatures, (s) => verifies(s, primary, S.subkeyRevocation, data));
    const dst = merged.subkeys.find((k) => k.getFingerprint() === src.getFingerprint());
    if (dst) {
      added += pushNew(dst.bindingSignatures, bindings) + pushNew(dst.revocationSignatures, revs);
    } else if (bindings.length > 0) {
      const subkey = src.clone();
      subkey.mainKey = merged;
      subkey.bindingSignatures = bindings;
      subkey.revocationSignatures = revs;
      merged.subkeys.push(subkey);
      added += bindings.length + revs.length;
    }
  }
  // Round-trip through the packet list so the merged key is exactly what a stored copy will read back as.
  const key =
    added === 0 ? structureAsKey(merged) : await openpgp.readKey({ binaryKey: merged.write(), config: PGP_CONFIG });
  return { key, added };
}

/** The state folder is trusted only if it is ours and nobody else can write to it. */
async function unsafeReason(path: string): Promise<string | null> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return null; // judged by what it points to, below
  if (!info.isDirectory()) return `${path} is not a folder`;
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) return `${path} belongs to another user`;
  if ((info.mode & 0o022) !== 0)
    return `${path} can be written by other users (mode ${(info.mode & 0o777).toString(8)}); run: chmod 700 ${path}`;
  return null;
}

/**
 * The pinned keys with their refreshed copies merged in (loadPinnedKeyring calls this). A copy that is missing is
 * fine; one that is unreadable, for another key, or in a folder others can write to is ignored with a warning,
 * and the pinned key is used as shipped.
 */
export async function withRefreshedCopies(
  keys: readonly TrustedKey[],
  options: RefreshLoadOptions = {},
): Promise<TrustedKey[]> {
  const warn = options.onWarning ?? (() => undefined);
  const state = stateFolder(options.stateDir, options.env);
  const dir = refreshedKeysDir(state);
  const exists = await stat(dir).then(
    () => true,
    () => false,
  );
  if (!exists) return [...keys];
  for (const folder of [state, dir]) {
    const why = await unsafeReason(folder).catch((e: Error) => `cannot check ${folder} (${e.message})`);
    if (why !== null) {
      warn(`refreshed key copies ignored: ${why}; the pinned keys are used as shipped`);
      return [...keys];
    }
  }
  const out: TrustedKey[] = [];
  for (const trusted of keys) {
    const path = refreshedCopyPath(state, trusted.fingerprint);
    let bytes: Uint8Array;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a regular file');
      if (info.size > MAX_KEY_COPY) throw new Error(`larger than ${MAX_KEY_COPY} bytes`);
      bytes = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        warn(
          `refreshed copy of ${trusted.name}'s key ignored (${path}: ${(e as Error).message}); using the pinned key`,
        );
      out.push(trusted);
      continue;
    }
    try {
      const copies = (await readKeyBytes(bytes)).filter(
        (k) => k.getFingerprint().toUpperCase() === trusted.fingerprint,
      );
      if (copies.length !== 1)
        throw new Error(copies.length === 0 ? `it does not hold key ${trusted.fingerprint}` : 'it holds the key twice');
      const { key, added } = await mergeVerified(trusted.key, copies[0]!);
      if (added === 0) {
        out.push(trusted);
        continue;
      }
      origins.set(key, { source: 'refreshed', path });
      out.push({ ...trusted, key });
    } catch (e) {
      warn(
        `refreshed copy of ${trusted.name}'s key ignored: ${path} is corrupted (${(e as Error).message}); using the pinned key — run \`electrum-verify keys refresh\` again`,
      );
      out.push(trusted);
    }
  }
  return out;
}

/** Write `key` as the refreshed copy of its fingerprint: folders 0700, file 0600, replaced atomically. */
export async function storeRefreshedCopy(stateDir: string, key: openpgp.PublicKey): Promise<string> {
  const dir = refreshedKeysDir(stateDir);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const folder of [stateDir, dir]) {
    const why = await unsafeReason(folder);
    if (why !== null) throw new Error(`will not store keys: ${why}`);
  }
  const path = refreshedCopyPath(stateDir, key.getFingerprint());
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(key.armor(PGP_CONFIG));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  return path;
}

/** What `keys refresh` did, per file and per key. */
export interface RefreshResult {
  /** One entry per key whose stored copy changed. */
  changed: Array<{ name: string; fingerprint: string; lines: string[]; path: string }>;
  /** Keys or files that were read but contributed nothing, with the reason ("not pinned", "nothing new"). */
  notes: string[];
  /** Files that could not be read as keys at all. */
  errors: string[];
  stateDir: string;
}

/** gpg's revocation certificate: prose, then a PUBLIC KEY BLOCK whose first line may carry gpg's guard colon. */
const REVOCATION_BLOCK =
  /^:?(-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n[\s\S]*?^-----END PGP PUBLIC KEY BLOCK-----)\s*$/gm;

/**
 * Bare revocation certificates (gpg's `openpgp-revocs.d/<FPR>.rev`, `gpg --gen-revoke`, openpgp.js's
 * `revocationCertificate`): a key-revocation signature alone, with no key. Each one is attached to the pinned key
 * whose fingerprint or key ID it names, and then goes through mergeVerified like any copy: it counts only if that
 * primary key made it. Returns the keys so formed, and a note for each revocation that names no pinned key.
 */
async function revocationCertificates(
  bytes: Uint8Array,
  pinned: readonly TrustedKey[],
): Promise<{ keys: openpgp.PublicKey[]; notes: string[] }> {
  const text = Buffer.from(bytes).toString('latin1');
  const keys: openpgp.PublicKey[] = [];
  const notes: string[] = [];
  const binaries = /-----BEGIN PGP /.test(text)
    ? [...text.matchAll(REVOCATION_BLOCK)].map((m) => decodeArmorBlock(m[1]!))
    : [bytes];
  for (const binarySignature of binaries) {
    const { packets } = await openpgp.readSignature({ binarySignature, config: PGP_CONFIG });
    for (const sig of packets) {
      if (sig.signatureType !== S.keyRevocation) continue;
      const fpr = sig.issuerFingerprint ? Buffer.from(sig.issuerFingerprint).toString('hex').toUpperCase() : null;
      const keyId = sig.issuerKeyID.toHex().toUpperCase();
      const owner = pinned.find((k) => (fpr !== null ? k.fingerprint === fpr : k.fingerprint.endsWith(keyId)));
      if (owner === undefined) {
        notes.push(`a revocation certificate for key ${fpr ?? keyId}, which is not pinned; ignored`);
        continue;
      }
      const list = owner.key.toPacketList();
      list.splice(1, 0, sig); // right after the primary key packet, where a key's own revocations go
      keys.push(new openpgp.PublicKey(list));
    }
  }
  return { keys, notes };
}

/**
 * Merge the keys in `files` (armored or binary; or bare revocation certificates) into the refreshed copies of the
 * pinned keys. Only keys whose primary fingerprint is pinned are used, and of those only packets their primary key validly signed. `keyring`
 * replaces the pinned keys (tests: fixture keys playing pinned ones).
 */
export async function refreshKeys(
  files: readonly string[],
  options: {
    stateDir?: string | undefined;
    keysDir?: string | undefined;
    env?: NodeJS.ProcessEnv;
    keyring?: { keys: readonly TrustedKey[] };
    onWarning?: (m: string) => void;
    now?: Date;
  } = {},
): Promise<RefreshResult> {
  const { keyParts, describeChanges, shortFingerprint } = await import('./key-health.js');
  const stateDir = stateFolder(options.stateDir, options.env);
  const load = { stateDir, onWarning: options.onWarning, ...(options.env ? { env: options.env } : {}) };
  let current: TrustedKey[];
  if (options.keyring) current = await withRefreshedCopies(options.keyring.keys, load);
  else current = [...(await (await import('./keyring.js')).loadPinnedKeyring(options.keysDir, load)).keys];
  const result: RefreshResult = { changed: [], notes: [], errors: [], stateDir };
  const now = options.now ?? new Date();
  for (const file of files) {
    let keys: openpgp.PublicKey[];
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a regular file');
      if (info.size > MAX_KEY_COPY) throw new Error(`larger than ${MAX_KEY_COPY} bytes`);
      const bytes = await readFile(file);
      try {
        keys = await readKeyBytes(bytes);
        if (keys.length === 0) throw new Error('no public key in it');
      } catch (notKeys) {
        // Not a key file: it may be a bare revocation certificate for a pinned key.
        const revocations = await revocationCertificates(bytes, current).catch(() => null);
        if (revocations === null || revocations.keys.length + revocations.notes.length === 0) throw notKeys;
        result.notes.push(...revocations.notes.map((n) => `${file}: ${n}`));
        keys = revocations.keys;
      }
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      result.errors.push(`${file}: not a readable key file (${why}); ignored`);
      continue;
    }
    for (const src of keys) {
      const fpr = src.getFingerprint().toUpperCase();
      const i = current.findIndex((k) => k.fingerprint === fpr);
      const trusted = current[i];
      if (i < 0 || trusted === undefined) {
        result.notes.push(
          `${file}: key ${shortFingerprint(fpr)} (${fpr}) is not pinned; ignored (new keys come only with a new release of electrum-verify)`,
        );
        continue;
      }
      const { key, added } = await mergeVerified(trusted.key, src);
      if (added === 0) {
        result.notes.push(`${file}: ${trusted.name}: nothing new that the key itself signed`);
        continue;
      }
      const lines = describeChanges(trusted.name, await keyParts(trusted.key, now), await keyParts(key, now));
      if (lines.length === 0)
        lines.push(`${trusted.name}: ${added} new self-signature(s), no change in expiry, subkeys or revocation`);
      let path: string;
      try {
        path = await storeRefreshedCopy(stateDir, key);
      } catch (e) {
        result.errors.push(
          `${trusted.name}: the refreshed copy cannot be stored in ${stateDir} (${(e as Error).message})`,
        );
        continue;
      }
      origins.set(key, { source: 'refreshed', path });
      current[i] = { ...trusted, key };
      const prior = result.changed.find((c) => c.fingerprint === fpr);
      if (prior) {
        prior.lines.push(...lines);
      } else {
        result.changed.push({ name: trusted.name, fingerprint: fpr, lines, path });
      }
    }
  }
  return result;
}
