/** Bounded reading of the text that check-url and check-message judge, with errors worded for a person. */
import { open } from 'node:fs/promises';

export class InputError extends Error {
  override name = 'InputError';
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** All of `stream` as UTF-8 text; InputError once it exceeds `maxBytes`. */
export async function readStream(stream: NodeJS.ReadableStream, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > maxBytes) throw new InputError(`standard input is larger than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return decode(Buffer.concat(chunks));
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
};

/** A regular file as UTF-8 text; InputError if it cannot be read or exceeds `maxBytes`. */
export async function readFileText(path: string, maxBytes: number): Promise<string> {
  try {
    const fh = await open(path, 'r');
    try {
      const stat = await fh.stat();
      if (!stat.isFile()) throw new InputError(`cannot read ${path}: not a regular file`);
      if (stat.size > maxBytes) throw new InputError(`${path} is larger than ${maxBytes} bytes`);
      // Read one byte more than allowed, in case the file grew since stat.
      const buf = Buffer.alloc(maxBytes + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, filled, buf.length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled > maxBytes) throw new InputError(`${path} is larger than ${maxBytes} bytes`);
      }
      return decode(buf.subarray(0, filled));
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new InputError(`cannot read ${path}: ${FS_ERRORS[code] ?? (e as Error).message}`);
  }
}
