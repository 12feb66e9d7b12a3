/** Bounded reading of the text that check-url and check-message judge, with errors worded for a person. */
import { open } from 'node:fs/promises';

export class InputError extends Error {
  override name = 'InputError';
}

/** How to fix input that is not text, appended to the refusal. */
const NEXT_STEP = 'save the message as plain text (UTF-8) and try again';

/** Whitespace aside, C0 controls never occur in text; in a BOM-less UTF-16 guess they mean it was binary after all. */
const CONTROL = /[\x00-\x08\x0e-\x1f\x7f]/;

function fatalDecode(bytes: Uint8Array, encoding: 'utf-8' | 'utf-16le' | 'utf-16be'): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * UTF-16 written without a byte order mark: text that is mostly ASCII has a NUL in every other byte, at odd
 * offsets (little-endian) or even ones (big-endian), and none at the other parity. Null when it does not look so.
 */
function bomlessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const pairs = bytes.length / 2;
  if (even === 0 && odd * 4 >= pairs) return 'utf-16le';
  if (odd === 0 && even * 4 >= pairs) return 'utf-16be';
  return null;
}

/** The offset of the first byte sequence that is not UTF-8 (overlong forms and surrogates included), -1 if none. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i] as number;
    const more =
      c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (more === -1) return i;
    for (let k = 1; k <= more; k++) {
      const x = b[i + k];
      const lo = k > 1 ? 0x80 : c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
      const hi = k > 1 ? 0xbf : c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
      if (x === undefined || x < lo || x > hi) return i;
    }
    i += more + 1;
  }
  return -1;
}

const hex = (byte: number | undefined): string => `0x${(byte ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * `bytes` as text: UTF-8 (a leading BOM dropped), or UTF-16 when a BOM says so (Notepad's "Unicode", Windows
 * PowerShell 5's `>`) or the NUL pattern shows it. Anything else (NUL bytes, bytes that are not UTF-8, UTF-32) is
 * refused with an InputError naming `what` and `nextStep`: judging undecodable input would report "no links found"
 * for a message that holds some.
 */
export function decodeText(bytes: Uint8Array, what: string, nextStep = NEXT_STEP): string {
  const refuse = (problem: string): InputError => new InputError(`${what} ${problem}; ${nextStep}`);
  const binary = (offset: number): InputError =>
    refuse(`is not a text file (it holds NUL bytes, as binary files do; the first at offset ${offset})`);
  const [b0, b1, b2, b3] = bytes;
  if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff))
    throw refuse('is UTF-32 text, which is not read');

  const bom: 'utf-16le' | 'utf-16be' | null =
    b0 === 0xff && b1 === 0xfe ? 'utf-16le' : b0 === 0xfe && b1 === 0xff ? 'utf-16be' : null;
  const utf16 = bom ?? bomlessUtf16(bytes);
  if (utf16 !== null) {
    const text = fatalDecode(bom === null ? bytes : bytes.subarray(2), utf16);
    if (bom !== null && (text === null || text.includes('\0')))
      throw refuse(`starts with a ${utf16.toUpperCase()} byte order mark but is not ${utf16.toUpperCase()} text`);
    if (text === null || CONTROL.test(text)) throw binary(bytes.indexOf(0));
    return text;
  }

  const body = b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? bytes.subarray(3) : bytes;
  const skipped = bytes.length - body.length;
  const nul = body.indexOf(0);
  if (nul !== -1) throw binary(nul + skipped);
  const bad = firstInvalidUtf8(body);
  if (bad !== -1)
    throw refuse(
      `is not UTF-8 text (byte ${hex(body[bad])} at offset ${bad + skipped} is not valid UTF-8; other encodings such as Windows "ANSI" are not read)`,
    );
  const text = fatalDecode(body, 'utf-8');
  // Never '' for bytes that did not decode: that would read as "no links found".
  if (text === null) throw refuse('is not UTF-8 text');
  return text;
}

/** All of `stream` as text (see decodeText); InputError once it exceeds `maxBytes` or if it is not text. */
export async function readStream(
  stream: NodeJS.ReadableStream,
  maxBytes: number,
  nextStep = NEXT_STEP,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > maxBytes) throw new InputError(`standard input is larger than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return decodeText(Buffer.concat(chunks), 'standard input', nextStep);
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

/** A regular file as text (see decodeText); InputError if it cannot be read, exceeds `maxBytes` or is not text. */
export async function readFileText(path: string, maxBytes: number, nextStep = NEXT_STEP): Promise<string> {
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
      return decodeText(buf.subarray(0, filled), path, nextStep);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new InputError(`cannot read ${path}: ${FS_ERRORS[code] ?? (e as Error).message}`);
  }
}
