/**
 * Loading the keys a verification trusts: the pinned release signers shipped in `keys/`, or a custom
 * `--keyring`. Either way the result is a list of primary keys with the names we show for them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { VerifyError } from '../errors.js';
import { ArmorError, decodeArmorBlock, splitArmor } from '../pgp/armor.js';
import { PGP_CONFIG } from '../pgp/config.js';
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

async function readKeysFromFile(path: string): Promise<openpgp.PublicKey[]> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error('not a regular file');
  if (info.size > MAX_KEY_FILE) throw new Error(`larger than ${MAX_KEY_FILE} bytes`);
  const blocks = splitArmor(await readFile(path, 'latin1'), 'PUBLIC KEY BLOCK');
  // readKeys, not readKey: one armored block may hold several keys (gpg --export A B C).
  const perBlock = await Promise.all(blocks.map((block) => openpgp.readKeys({ binaryKeys: decodeArmorBlock(block), config: PGP_CONFIG })));
  return perBlock.flat();
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
        throw new VerifyError(code, `two trusted keys share the key ID ${id.toUpperCase()} (${other} and ${fingerprint})`);
      }
      seen.set(id, fingerprint);
    }
  }
}

/**
 * The pinned release signers. Every file in `keysDir` must be a pinned key and every pinned key must be
 * present: anything else means the installation was modified, and verification cannot be trusted.
 */
export async function loadPinnedKeyring(keysDir: string = DEFAULT_KEYS_DIR, refresh: RefreshLoadOptions = {}): Promise<Keyring> {
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
  found.sort((a, b) => PINNED_SIGNERS.findIndex((p) => p.fingerprint === a.fingerprint) - PINNED_SIGNERS.findIndex((p) => p.fingerprint === b.fingerprint));
  assertNoKeyIdCollision(found, 'INSTALL_TAMPERED');
  // Newer copies from `keys refresh` (user's state folder): only packets the pinned primary keys signed (trust/refresh.ts).
  return { trust: 'pinned', keys: await withRefreshedCopies(found, refresh) };
}

/** `--keyring FILE`: replaces the pinned set with the primary keys in FILE (one or several armored blocks). */
export async function loadCustomKeyring(path: string): Promise<Keyring> {
  let keys: openpgp.PublicKey[];
  try {
    keys = await readKeysFromFile(path);
  } catch (cause) {
    const why = cause instanceof ArmorError || cause instanceof Error ? cause.message : String(cause);
    throw new VerifyError('USAGE', `--keyring ${path}: cannot use it as a public keyring (${why})`, {
      hint: 'Give an ASCII-armored file of public keys ("-----BEGIN PGP PUBLIC KEY BLOCK-----").',
    });
  }
  const trusted: TrustedKey[] = [];
  for (const key of keys) {
    if (key.isPrivate()) {
      throw new VerifyError('USAGE', `--keyring ${path}: holds a PRIVATE key; give public keys only`);
    }
    const fingerprint = fingerprintOf(key);
    if (trusted.some((k) => k.fingerprint === fingerprint)) continue;
    const name = pinnedByFingerprint(fingerprint)?.name ?? `key ${fingerprint.slice(-16)}`;
    trusted.push({ name, fingerprint, key });
  }
  assertNoKeyIdCollision(trusted, 'USAGE');
  return { trust: 'custom', keys: trusted };
}
