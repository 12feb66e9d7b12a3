/**
 * Step "options": what a library caller passed to `verify()` is checked before anything else, because the
 * command line's own parsers (commands/option-parsers.ts) do not stand between a program and the library. A value
 * of the wrong type or out of range is a USAGE error that says what is expected, never a fail-open default
 * (`minSigners: 0` would otherwise ask for no signature at all) nor one of Node's internal messages.
 */
import { VerifyError } from '../errors.js';

/** The most signers `minSigners` may ask for (the command line's `--min-signers` has the same bound). */
export const MAX_MIN_SIGNERS = 64;
/** The most signature files one target may name (each is at most 1 MiB; the merged file has the same limit). */
export const MAX_SIGNATURE_FILES = 16;
/** The longest timeout a timer can hold (setTimeout's limit, about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value instanceof Date) return 'an invalid Date';
  return typeof value === 'object' ? 'an object' : typeof value;
};

function wrong(name: string, expected: string, value: unknown, hint?: string, got = describe(value)): never {
  throw new VerifyError('USAGE', `verify(): ${name} must be ${expected} (got ${got})`, hint ? { hint } : {});
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isWhole = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Every option `verify()` takes, checked by type and range (undefined means "not given" throughout). Returns the
 * signature sources as a list: `signature` may name one file or URL, or several, merged as the command line merges
 * repeated `--signature` options.
 */
export function checkVerifyArguments(input: unknown, o: unknown): { signatures: readonly string[] | null } {
  if (!isText(input)) wrong('the target', 'a non-empty string (an https:// URL or a path to a local file)', input);
  if (o === null || typeof o !== 'object' || Array.isArray(o)) wrong('the options', 'an object', o);
  const opts = o as Record<string, unknown>;
  const text = (name: string, what: string): void => {
    if (opts[name] !== undefined && !isText(opts[name])) wrong(name, `a non-empty string (${what})`, opts[name]);
  };
  const flag = (name: string): void => {
    if (opts[name] !== undefined && typeof opts[name] !== 'boolean') wrong(name, 'true or false', opts[name]);
  };
  const callback = (name: string): void => {
    if (opts[name] !== undefined && typeof opts[name] !== 'function') wrong(name, 'a function', opts[name]);
  };

  // signature: one path or URL, or a list of them (merged into one .asc).
  let signatures: string[] | null = null;
  const sig = opts.signature;
  if (Array.isArray(sig)) {
    const bad = sig.findIndex((s) => !isText(s));
    if (sig.length === 0 || sig.length > MAX_SIGNATURE_FILES || bad >= 0)
      wrong(
        'signature',
        `a path or https:// URL of a detached .asc, or a list of 1 to ${MAX_SIGNATURE_FILES} of them`,
        sig,
        'Leave signature out to fetch the official .asc.',
        sig.length === 0
          ? 'an empty array'
          : sig.length > MAX_SIGNATURE_FILES
            ? `${sig.length} entries`
            : `an array holding ${describe(sig[bad])}`,
      );
    signatures = [...(sig as string[])];
  } else if (sig !== undefined) {
    if (!isText(sig)) wrong('signature', 'a path or https:// URL of a detached .asc, or a list of them', sig);
    signatures = [sig];
  }

  text('output', 'the file or folder to save a download to');
  text('keyring', 'the path of an armored or binary public key file');
  text('expectSha256', 'the 64 hex digits of the expected SHA-256');
  text('keysDir', 'a folder');
  text('stateDir', 'a folder');
  text('as', 'an official Electrum file name, e.g. Electrum-4.5.8.tar.gz');
  flag('force');
  if (opts.minSigners !== undefined && !isWhole(opts.minSigners, 1, MAX_MIN_SIGNERS))
    wrong(
      'minSigners',
      `a whole number from 1 to ${MAX_MIN_SIGNERS}`,
      opts.minSigners,
      "Leave it out to apply Electrum's own signer policy; a file is never verified without a counted signature.",
    );
  if (opts.maxSize !== undefined && !isWhole(opts.maxSize, 1, Number.MAX_SAFE_INTEGER))
    wrong('maxSize', 'a whole number of bytes, at least 1', opts.maxSize);
  if (
    opts.timeoutMs !== undefined &&
    !(typeof opts.timeoutMs === 'number' && opts.timeoutMs > 0 && opts.timeoutMs <= MAX_TIMEOUT_MS)
  )
    wrong('timeoutMs', `a number of milliseconds, more than 0 and at most ${MAX_TIMEOUT_MS}`, opts.timeoutMs);
  if (opts.now !== undefined && !(opts.now instanceof Date && !Number.isNaN(opts.now.getTime())))
    wrong('now', 'a valid Date', opts.now);
  if (opts.allowHosts !== undefined && !(Array.isArray(opts.allowHosts) && opts.allowHosts.every(isText)))
    wrong('allowHosts', 'an array of host names', opts.allowHosts);
  if (opts.signerTable !== undefined && !Array.isArray(opts.signerTable))
    wrong('signerTable', 'an array of signer-policy entries', opts.signerTable);
  for (const name of ['trustedKeys', 'fetcher'])
    if (opts[name] !== undefined && (opts[name] === null || typeof opts[name] !== 'object'))
      wrong(name, 'an object', opts[name]);
  if (
    opts.signal !== undefined &&
    !(
      typeof opts.signal === 'object' &&
      opts.signal !== null &&
      typeof (opts.signal as AbortSignal).aborted === 'boolean'
    )
  )
    wrong('signal', 'an AbortSignal', opts.signal);
  callback('onProgress');
  callback('onStage');
  callback('onWarning');
  return { signatures };
}
