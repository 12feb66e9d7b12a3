/**
 * The announcement high-water mark: the highest announced version this user has verified, kept in the state folder
 * (src/state/folder.ts) as `announcement-mark.json`. An announcement carries no date, so an old, validly signed one
 * can be replayed to hide an update; the mark makes that visible.
 *
 * The file holds the signed announcement itself (version, address, signature) and is re-verified when read, so a
 * damaged or hand-edited file is ignored with a warning, never trusted. Betas never raise the mark.
 * Written atomically (temp file + fsync + rename), file mode 0600, folder created 0700.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseVersion, compareParsed, type Version } from '../release/version.js';
import { ANNOUNCEMENT_SIGNERS } from '../trust/pinned.js';
import { verifyMessage } from './message.js';

export const MARK_FILE = 'announcement-mark.json';
const MARK_SCHEMA = 'electrum-verify/announcement-mark/v1';
const MAX_MARK_BYTES = 4096;

export interface Mark {
  version: string;
  signer: string;
  address: string;
  signature: string;
  /** When it was first verified (ISO 8601). */
  verifiedAt: string;
}

export interface MarkRead {
  mark: Mark | null;
  /** Set when a file exists but cannot be used. */
  warning: string | null;
}

/** Read and re-verify the mark. Never throws: a missing file is null, a bad one is null with a warning. */
export async function readMark(folder: string): Promise<MarkRead> {
  const path = join(folder, MARK_FILE);
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.byteLength > MAX_MARK_BYTES)
      return {
        mark: null,
        warning: `ignored the high-water mark ${path}: it is ${bytes.byteLength} bytes, not a mark file`,
      };
    text = bytes.toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { mark: null, warning: null };
    return {
      mark: null,
      warning: `ignored the high-water mark ${path}: it cannot be read (${code ?? (e as Error).message})`,
    };
  }
  const bad = (why: string): MarkRead => ({
    mark: null,
    warning: `ignored the high-water mark ${path}: ${why}; it will be rewritten by the next verified announcement`,
  });
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return bad('it is not valid JSON (damaged?)');
  }
  if (typeof v !== 'object' || v === null) return bad('it is not a mark object');
  const m = v as Record<string, unknown>;
  if (m.schema !== MARK_SCHEMA) return bad('unknown format');
  const { version, address, signature, verifiedAt } = m;
  if (
    typeof version !== 'string' ||
    typeof address !== 'string' ||
    typeof signature !== 'string' ||
    typeof verifiedAt !== 'string'
  ) {
    return bad('fields are missing');
  }
  const parsed = parseVersion(version);
  if (parsed === null || parsed.beta !== null) return bad(`"${version.slice(0, 40)}" is not a release version`);
  if (Number.isNaN(Date.parse(verifiedAt))) return bad('its date is not a date');
  const signer = ANNOUNCEMENT_SIGNERS.find((s) => s.address === address);
  if (signer === undefined) return bad('its signer is not a pinned announcement address');
  if (verifyMessage(address, signature, version).status !== 'valid')
    return bad('its signature does not verify (edited or damaged)');
  return { mark: { version, signer: signer.name, address, signature, verifiedAt }, warning: null };
}

/** Write the mark atomically (mode 0600; the folder is created 0700 if missing). */
export async function writeMark(folder: string, mark: Mark): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const path = join(folder, MARK_FILE);
  // Unique enough with 'wx' (exclusive create): node:crypto is not loaded for this.
  const temp = join(
    folder,
    `.${MARK_FILE}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`,
  );
  const body = JSON.stringify({ schema: MARK_SCHEMA, ...mark }, null, 2) + '\n';
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
}

export type MarkDecision =
  /** The announcement is higher than the mark (or there is none): it becomes the mark. */
  | { kind: 'raise' }
  /** Same version as the mark. */
  | { kind: 'same' }
  /** Lower than the mark: possible replay; the mark's version stands. */
  | { kind: 'replay' }
  /** A beta (never raises the mark), not lower than the mark. */
  | { kind: 'beta' };

export function decide(announced: string, mark: Mark | null): MarkDecision {
  const a = parseVersion(announced) as Version;
  const m = mark === null ? null : (parseVersion(mark.version) as Version);
  if (m !== null && compareParsed(a, m) < 0) return { kind: 'replay' };
  if (a.beta !== null) return { kind: 'beta' };
  if (m === null || compareParsed(a, m) > 0) return { kind: 'raise' };
  return { kind: 'same' };
}
