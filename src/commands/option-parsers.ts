/** Parsers for command-line option values, shared by every command (commander's argParser / custom option functions). */
import { InvalidArgumentError, Option } from 'commander';

export function positiveInt(max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return Number(value);
  };
}

export function byteSize(value: string): number {
  const m = /^(\d+)([KMG]i?B?)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a size in bytes, e.g. 300000000 or 300M');
  const unit = (m[2] ?? '').charAt(0).toUpperCase();
  const n = Number(m[1]) * ({ K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[unit]!;
  const bytes = unit ? n : Number(m[1]);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new InvalidArgumentError('size out of range');
  return bytes;
}

/** Seconds (more than 0, at most an hour) → milliseconds. */
export function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 3600)
    throw new InvalidArgumentError('expected seconds, more than 0 and at most 3600');
  return Math.round(n * 1000);
}

/** A repeatable option's values, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A single-value option given twice is a usage error (silently taking the last one could swap the keyring). */
export function once<T>(parse: (value: string) => T = (v) => v as unknown as T) {
  return (value: string, previous: T | undefined): T => {
    if (previous !== undefined) throw new InvalidArgumentError('given more than once');
    return parse(value);
  };
}

/** `--max-size <bytes>` with its default (512M), the same for every command that downloads. */
export function maxSizeOption(): Option {
  return new Option('--max-size <bytes>', 'refuse downloads larger than this (K/M/G suffixes allowed)')
    .argParser(byteSize)
    .default(512 * 1024 * 1024, '512M');
}

/** `--timeout <seconds>` (default 30), the same for every command that fetches. */
export function timeoutOption(
  what = 'connect/idle timeout; a body slower than 1 KiB/s over this window is cut off',
): Option {
  return new Option('--timeout <seconds>', what).argParser(seconds).default(30_000, '30');
}

/** `--keyring <file>`: the same words on every command that verifies. */
export function keyringOption(): Option {
  return new Option(
    '--keyring <file>',
    'trust the public keys in this file (armored or binary) INSTEAD of the pinned Electrum keys',
  ).argParser(once());
}
