/**
 * Loading the keys a verification trusts: the pinned release signers shipped in `keys/`, or a custom
 * `--keyring`. Either way the result is a list of primary keys with the names we show for them.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { VerifyError } from '../errors.js';
import { openRegularFile } from '../fs/local-file.js';
import { ArmorError, decodeArmorBlock, splitArmor } from '../pgp/armor.js';
import { PGP_CONFIG } from '../pgp/config.js';
import { keyStructure } from '../pgp/openpgp-internals.js';
import { PINNED_SIGNERS, pinnedByFingerprint } from './pinned.js';
import { withRefreshedCopies, type RefreshLoadOptions } from './refresh.js';

export interface TrustedKey {
  /** Name shown to users: from the pinned table, or `key <long id>` for an unpinned custom key. */
  readonly name: string;
  /** Primary key fingerprint, upper-case hex. */
  readonly fingerprint: string;
  readonly key: openpgp.PublicKey;
}

export interface Keyring {
  readonly trust: 'pinned' | 'custom';
  readonly keys: readonly TrustedKey[];
}

export const DEFAULT_KEYS_DIR = fileURLToPath(new URL('../../keys/', import.meta.url));
const MAX_KEY_FILE = 4 * 1024 * 1024;

/**
 * The keys in one file: ASCII-armored (one or several blocks, nothing but whitespace between them) or binary
 * (`gpg --export`, a stream of transferable public keys). The file is opened once and read only through that handle,
 * after checking the handle (a path swapped for a device or FIFO between a check and the open is never read).
 */
async function readKeysFromFile(path: string): Promise<openpgp.PublicKey[]> {
  // One open, judged by its handle (fs/local-file.ts): a FIFO, device or folder is refused, in words, at once.
  const { handle, size } = await openRegularFile(path, 'the keyring file');
  let bytes: Buffer;
  try {
    const info = { size };
    if (info.size > MAX_KEY_FILE) throw new Error(`larger than ${MAX_KEY_FILE} bytes`);
    // Read to the end through the handle, whatever the size said (it may grow meanwhile), up to the limit.
    bytes = Buffer.allocUnsafe(info.size + 1);
    let filled = 0;
    for (;;) {
      if (filled === bytes.length)
        bytes = Buffer.concat([bytes, Buffer.allocUnsafe(Math.min(bytes.length, MAX_KEY_FILE + 1 - filled))]);
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled > MAX_KEY_FILE) throw new Error(`larger than ${MAX_KEY_FILE} bytes`);
    }
    bytes = bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) {
    // Binary: readKeys reads every key in the stream, with the same strict config as the armored blocks.
    return openpgp.readKeys({ binaryKeys: new Uint8Array(bytes), config: PGP_CONFIG });
  }
  const blocks = splitArmor(bytes.toString('latin1'), 'PUBLIC KEY BLOCK');
  // readKeys, not readKey: one armored block may hold several keys (gpg --export A B C).
  const perBlock = await Promise.all(
    blocks.map((block) => openpgp.readKeys({ binaryKeys: decodeArmorBlock(block), config: PGP_CONFIG })),
  );
  return perBlock.flat();
}

const bytesOf = (p: { write(): Uint8Array }): string => Buffer.from(p.write()).toString('hex');

function addSignatures(into: openpgp.SignaturePacket[], from: readonly openpgp.SignaturePacket[]): void {
  const have = new Set(into.map(bytesOf));
  for (const s of from) {
    const id = bytesOf(s);
    if (!have.has(id)) {
      have.add(id);
      into.push(s);
    }
  }
}

/** Add to `target` every signature, user and subkey that `copy` (the same key: same fingerprint) has and it lacks. */
function mergeInto(target: openpgp.PublicKey, copy: openpgp.PublicKey): void {
  const t = keyStructure(target);
  const c = keyStructure(copy);
  addSignatures(t.revocationSignatures, c.revocationSignatures);
  addSignatures(t.directSignatures, c.directSignatures);
  for (const user of c.users) {
    const id = bytesOf((user.userID ?? user.userAttribute)!);
    const same = t.users.find((u) => bytesOf((u.userID ?? u.userAttribute)!) === id);
    if (same) {
      addSignatures(same.selfCertifications, user.selfCertifications);
      addSignatures(same.otherCertifications, user.otherCertifications);
      addSignatures(same.revocationSignatures, user.revocationSignatures);
    } else {
      user.mainKey = t;
      t.users.push(user);
    }
  }
  for (const subkey of c.subkeys) {
    const same = t.subkeys.find((s) => s.getFingerprint() === subkey.getFingerprint());
    if (same) {
      addSignatures(same.bindingSignatures, subkey.bindingSignatures);
      addSignatures(same.revocationSignatures, subkey.revocationSignatures);
    } else {
      subkey.mainKey = t;
      t.subkeys.push(subkey);
    }
  }
}

/**
 * Every copy of a key merged into one, as gpg does on import: the self-signatures, user IDs, subkeys and
 * revocations of all copies, so that a revocation or subkey carried only by a later copy is seen. Nothing is
 * judged here; openpgp.js checks every signature when the key is used, at the date that matters. Order: by first
 * appearance. (Keys that are private are returned as they are, for the caller to refuse.)
 */
export function mergeKeyCopies(keys: readonly openpgp.PublicKey[]): openpgp.PublicKey[] {
  const byFingerprint = new Map<string, openpgp.PublicKey>();
  for (const key of keys) {
    const fingerprint = fingerprintOf(key);
    const first = byFingerprint.get(fingerprint);
    if (first === undefined) byFingerprint.set(fingerprint, key);
    else mergeInto(first, key);
  }
  return [...byFingerprint.values()];
}

function fingerprintOf(key: openpgp.PublicKey): string {
  return key.getFingerprint().toUpperCase();
}

/** Two trusted (sub)keys with one 64-bit key ID would make the issuer lookup ambiguous. */
function assertNoKeyIdCollision(keys: readonly TrustedKey[], code: 'INSTALL_TAMPERED' | 'USAGE'): void {
  const seen = new Map<string, string>();
  for (const { key, fingerprint } of keys) {
    for (const k of [key, ...key.getSubkeys()]) {
      const id = k.getKeyID().toHex();
      const other = seen.get(id);
      if (other !== undefined && other !== fingerprint) {
        throw new VerifyError(
          code,
          `two trusted keys share the key ID ${id.toUpperCase()} (${other} and ${fingerprint})`,
        );
      }
      seen.set(id, fingerprint);
    }
  }
}

/**
 * The pinned release signers. Every file in `keysDir` must be a pinned key and every pinned key must be
 * present: anything else means the installation was modified, and verification cannot be trusted.
 */
export async function loadPinnedKeyring(
  keysDir: string = DEFAULT_KEYS_DIR,
  refresh: RefreshLoadOptions = {},
): Promise<Keyring> {
  const tampered = (message: string): VerifyError =>
    new VerifyError('INSTALL_TAMPERED', `pinned keys: ${message}`, {
      hint: 'Reinstall electrum-verify from a trusted source; do not edit its keys/ folder.',
    });
  let files: string[];
  try {
    files = (await readdir(keysDir)).filter((f) => f.endsWith('.asc')).sort();
  } catch (cause) {
    throw tampered(`cannot read ${keysDir} (${(cause as Error).message})`);
  }
  const found: TrustedKey[] = [];
  for (const file of files) {
    let keys: openpgp.PublicKey[];
    try {
      keys = await readKeysFromFile(join(keysDir, file));
    } catch (cause) {
      throw tampered(`${file} is not a readable public key (${(cause as Error).message})`);
    }
    for (const key of keys) {
      const fingerprint = fingerprintOf(key);
      const pinned = pinnedByFingerprint(fingerprint);
      if (!pinned) throw tampered(`${file} holds key ${fingerprint}, which is not pinned in the code`);
      if (found.some((k) => k.fingerprint === fingerprint)) throw tampered(`key ${fingerprint} appears twice`);
      found.push({ name: pinned.name, fingerprint, key });
    }
  }
  for (const pinned of PINNED_SIGNERS) {
    if (!found.some((k) => k.fingerprint === pinned.fingerprint)) {
      throw tampered(`the key of ${pinned.name} (${pinned.fingerprint}) is missing`);
    }
  }
  // Present in the table's order, whatever the directory order.
  found.sort(
    (a, b) =>
      PINNED_SIGNERS.findIndex((p) => p.fingerprint === a.fingerprint) -
      PINNED_SIGNERS.findIndex((p) => p.fingerprint === b.fingerprint),
  );
  assertNoKeyIdCollision(found, 'INSTALL_TAMPERED');
  // Newer copies from `keys refresh` (user's state folder): only packets the pinned primary keys signed (trust/refresh.ts).
  return { trust: 'pinned', keys: await withRefreshedCopies(found, refresh) };
}

/** `--keyring FILE`: replaces the pinned set with the primary keys in FILE (armored blocks or a binary export); copies of one key are merged. */
export async function loadCustomKeyring(path: string): Promise<Keyring> {
  let keys: openpgp.PublicKey[];
  try {
    keys = await readKeysFromFile(path);
  } catch (cause) {
    if (cause instanceof VerifyError) throw cause; // cannot read it at all: the same words as for any local file
    const why = cause instanceof ArmorError || cause instanceof Error ? cause.message : String(cause);
    throw new VerifyError('USAGE', `--keyring ${path}: cannot use it as a public keyring (${why})`, {
      hint: 'Give a file of public keys: ASCII-armored ("-----BEGIN PGP PUBLIC KEY BLOCK-----", from gpg --armor --export) or binary (from gpg --export).',
    });
  }
  for (const key of keys) {
    if (key.isPrivate()) {
      throw new VerifyError('USAGE', `--keyring ${path}: holds a PRIVATE key; give public keys only`);
    }
  }
  const trusted: TrustedKey[] = [];
  // The same key given twice (two blocks, or twice in one): every copy counts, e.g. a later one's revocation.
  for (const key of mergeKeyCopies(keys)) {
    const fingerprint = fingerprintOf(key);
    const name = pinnedByFingerprint(fingerprint)?.name ?? `key ${fingerprint.slice(-16)}`;
    trusted.push({ name, fingerprint, key });
  }
  assertNoKeyIdCollision(trusted, 'USAGE');
  return { trust: 'custom', keys: trusted };
}
