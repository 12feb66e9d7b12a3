/**
 * Local input files (the target, `--signature`, `--keyring`) are opened ONCE and judged by the opened handle
 * (fstat), never by a separate stat of the path: a file swapped for a symlink to /dev/zero or a FIFO between a
 * check and the open cannot be read forever. O_NONBLOCK keeps the open of a FIFO from waiting for a writer; it
 * changes nothing for a regular file. Every failure is bad local input (USAGE, exit 2) with the reason in words.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { VerifyError } from '../errors.js';

export interface OpenedFile {
  handle: FileHandle;
  size: number;
}

const WHY: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  ENOTDIR: 'a part of the path is not a folder',
  EIO: 'input/output error (is the disk or USB stick still there?)',
};

/** Words for an errno error, for messages ("permission denied", not "EACCES: permission denied, open '…'"). */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code && WHY[code]) ?? (e as Error)?.message ?? String(e);
}

/** Open `path` for reading; it must be a regular file. `what` names it in messages ("the signature file"). */
export async function openRegularFile(path: string, what: string, hint?: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new VerifyError(
      'USAGE',
      `cannot read ${what} ${path}: ${describeFsError(e)}`,
      hint === undefined ? {} : { hint },
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const kind = info.isDirectory()
        ? 'a folder'
        : info.isFIFO()
          ? 'a pipe'
          : info.isCharacterDevice() || info.isBlockDevice()
            ? 'a device'
            : 'not a regular file';
      throw new VerifyError(
        'USAGE',
        `cannot read ${what} ${path}: it is ${kind.startsWith('not') ? kind : kind + ', not a regular file'}`,
        hint === undefined ? {} : { hint },
      );
    }
    return { handle, size: info.size };
  } catch (e) {
    await handle.close().catch(() => undefined);
    if (e instanceof VerifyError) throw e;
    throw new VerifyError('USAGE', `cannot read ${what} ${path}: ${describeFsError(e)}`);
  }
}

/**
 * The whole of a small regular file, from one handle, never more than `maxBytes` (a file that grows while it
 * is read is cut at maxBytes + 1, so the caller sees it is too large). `tooLarge` builds the caller's error.
 */
export async function readSmallRegularFile(
  path: string,
  what: string,
  maxBytes: number,
  tooLarge: (size: number) => Error,
): Promise<Uint8Array> {
  const { handle, size } = await openRegularFile(path, what);
  try {
    if (size > maxBytes) throw tooLarge(size);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(length);
    }
    return buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof VerifyError || e === undefined) throw e;
    if ((e as NodeJS.ErrnoException).code !== undefined)
      throw new VerifyError('USAGE', `cannot read ${what} ${path}: ${describeFsError(e)}`);
    throw e;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
