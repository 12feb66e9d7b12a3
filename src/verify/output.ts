/**
 * Step "save": where a download lands, checked before any byte is fetched, and the move into place once it
 * verified. The temp file is private (0600) until then; the saved file gets the usual mode (0666 & ~umask).
 */
import { access, link, lstat, rename, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { VerifyError } from '../errors.js';
import type { PendingSync } from '../fs/durable.js';
import { discard, release } from '../fs/temp-files.js';

/** A saved download's mode: 0666 under the umask, as curl or a browser would leave it (read once, at load). */
const SAVED_MODE = 0o666 & ~process.umask();

/**
 * Where a download is saved: `-o FILE`, `-o DIR` (an existing folder: DIR/<name>, as curl's --output-dir and
 * wget's -P do), or the file's own name in the current folder. `-o DIR/` (a trailing separator) always means a
 * folder: it must exist (it is never saved as a file named DIR). `-o -` is refused: a file is never streamed to
 * standard output before it is verified. The path is checked now, before any download. `verify` and `get` both
 * come here; `verify-release -o` is a folder option of its own (it creates the folder).
 */
export async function chooseOutput(option: string | undefined, name: string, force: boolean): Promise<string> {
  if (option === '-') {
    throw new VerifyError(
      'USAGE',
      '--output - (standard output) is not supported: a download is never passed on before it has verified',
      {
        hint: 'Save it to a file or folder with -o PATH, then read it from there.',
      },
    );
  }
  let output: string;
  if (option === undefined) output = resolve(safeFileName(name));
  else {
    const info = await stat(option).catch(() => null);
    if (namesFolder(option) && !info?.isDirectory()) {
      const folder = option.replace(/[\\/]+$/, '') || option;
      const other = await lstat(folder).catch(() => null); // stat("file/") fails: say what is there instead
      const trailing = option.slice(-1);
      throw new VerifyError(
        'USAGE',
        other
          ? `--output ${option} names a folder, but ${folder} is not a folder`
          : `--output ${option}: the folder ${option} does not exist; create it first`,
        {
          hint: other
            ? `Give an existing folder, or a file name without the trailing ${trailing}.`
            : `Create it (mkdir ${folder}), or give a file name without the trailing ${trailing}.`,
        },
      );
    }
    output = info?.isDirectory() ? join(resolve(option), safeFileName(name)) : resolve(option);
  }
  await checkOutput(output, force);
  return output;
}

/**
 * A downloaded, not yet verified file: one handle, two ways out. `commit` makes it the output (flushed and given
 * the usual mode through its own handle, then linked or renamed into place); `discard` removes it. Either may be
 * called once; after a failed commit, or any other end, `discard` cleans up, so a caller cannot leave it behind.
 */
export class PendingDownload {
  private done = false;

  constructor(
    readonly path: string,
    private durable: PendingSync | null,
  ) {}

  async commit(output: string, force: boolean): Promise<void> {
    const durable = this.durable;
    this.durable = null;
    await durable?.finish(SAVED_MODE).catch((e: unknown) => {
      throw new VerifyError('IO_ERROR', `cannot save to ${output}: ${(e as Error).message}`);
    });
    await moveIntoPlace(this.path, output, force);
    release(this.path);
    this.done = true;
  }

  /** Remove the temp file (and stop its pending flush). Never throws; nothing to do after a commit. */
  async discard(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.durable?.abandon();
    this.durable = null;
    await discard(this.path);
  }
}

/** `DIR/` (and `DIR\\` on Windows, where both are separators) names a folder, as in cp and rsync. */
function namesFolder(option: string): boolean {
  return option.endsWith(sep) || option.endsWith('/');
}

/** A file name taken from a URL is hostile: no separators, no dot-files, no control characters. */
function safeFileName(name: string): string {
  if (!name || name.length > 255 || /[\\/\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name) || name.startsWith('.')) {
    throw new VerifyError(
      'USAGE',
      `cannot derive a safe file name from the URL ("${name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '?')}")`,
      { hint: 'Say where to save it with --output PATH.' },
    );
  }
  return name;
}

/**
 * The output may not exist, or (with --force) must be a regular file; its folder must exist. Checked before any
 * download, and again by moveIntoPlace. Never replace a device, directory or symlink target (e.g. /dev/null).
 */
async function checkOutput(output: string, force: boolean): Promise<void> {
  const info = await lstat(output).catch(() => null);
  if (info && !force) {
    throw new VerifyError('OUTPUT_EXISTS', `${output} already exists`, {
      hint: 'Choose another path with --output, or pass --force to replace it (only after it verifies).',
    });
  }
  if (info && !info.isFile())
    throw new VerifyError(
      'OUTPUT_EXISTS',
      `${output} exists and is not a regular file; --force replaces only regular files`,
    );
  const dir = await stat(dirname(output)).catch(() => null);
  if (!dir?.isDirectory())
    throw new VerifyError('USAGE', `cannot save to ${output}: the folder ${dirname(output)} does not exist`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function noHardLinks(e: NodeJS.ErrnoException): false {
  if (e.code === 'EPERM' || e.code === 'ENOTSUP' || e.code === 'EOPNOTSUPP' || e.code === 'ENOSYS') return false;
  throw e;
}

/** Without --force, link() fails if the output appeared meanwhile (no check-then-overwrite race). */
async function moveIntoPlace(temp: string, output: string, force: boolean): Promise<void> {
  try {
    if (force) {
      await checkOutput(output, true);
      await rename(temp, output);
    } else if (await link(temp, output).then(() => true, noHardLinks)) await discard(temp);
    else if (await exists(output)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    else await rename(temp, output); // file systems without hard links (FAT, some network shares)
  } catch (e) {
    if (e instanceof VerifyError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new VerifyError('OUTPUT_EXISTS', `${output} already exists`, { hint: 'Pass --force to replace it.' });
    throw new VerifyError('IO_ERROR', `cannot save to ${output}: ${(e as Error).message}`);
  }
}
