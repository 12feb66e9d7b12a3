/**
 * Command-line wiring only: parse flags, pick the command, map the result to an exit code.
 * Commands are imported lazily so that `--help` and `check-url` do not load openpgp or undici.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, isVerifyError, type ReasonCode } from './errors.js';

const VERSION = '0.1.0';

function positiveInt(max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return Number(value);
  };
}

function byteSize(value: string): number {
  const m = /^(\d+)([KMG]i?B?)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a size in bytes, e.g. 300000000 or 300M');
  const unit = (m[2] ?? '').charAt(0).toUpperCase();
  const n = Number(m[1]) * ({ K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[unit]!;
  const bytes = unit ? n : Number(m[1]);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new InvalidArgumentError('size out of range');
  return bytes;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 3600) throw new InvalidArgumentError('expected seconds, more than 0 and at most 3600');
  return Math.round(n * 1000);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A single-value option given twice is a usage error (silently taking the last one could swap the keyring). */
function once<T>(parse: (value: string) => T = (v) => v as unknown as T) {
  return (value: string, previous: T | undefined): T => {
    if (previous !== undefined) throw new InvalidArgumentError('given more than once');
    return parse(value);
  };
}

const VERIFY_EXAMPLES = `
Examples:
  $ electrum-verify verify https://download.electrum.org/4.5.8/electrum-4.5.8-x86_64.AppImage
  $ electrum-verify verify ./Electrum-4.5.8.tar.gz                      # fetches only the official .asc
  $ electrum-verify verify ./Electrum-4.5.8.tar.gz --signature ./Electrum-4.5.8.tar.gz.asc   # offline
  $ electrum-verify verify https://mirror.example.net/electrum-4.5.8.dmg --allow-host mirror.example.net --json

Exit codes: 0 verified, 1 not authentic, 2 usage/bad input, 3 rejected source,
            4 network or I/O failure, 5 authentic but a known-vulnerable version.`;

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  const stdio = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  program
    .name('electrum-verify')
    .description('Check that an Electrum release file is authentic before you run it: official source, pinned developer keys, every signature checked.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'electrum-verify: ')) })
    .addHelpText('after', `
Examples:
  $ electrum-verify verify https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz
  $ electrum-verify check-url 'https://electrum.org@evil.example/update'
  $ pbpaste | electrum-verify check-message -
  $ electrum-verify keys`);

  program
    .command('verify')
    .description('download (or take) an Electrum release file and verify its official signatures')
    .argument('<target>', 'https:// URL of a release file on download.electrum.org, or a local file')
    .option('--signature <path|url>', 'use this detached .asc instead of fetching the official one (offline use)', once())
    .option('-o, --output <path>', 'where a downloaded file is saved (default: its name, in the current directory)', once())
    .option('--force', 'allow replacing an existing output file (only after it verified)')
    .option('--min-signers <n>', 'distinct pinned signers required (default: 2 from 4.1.3 on, else 1)', once(positiveInt(64)))
    .option('--keyring <file>', 'trust the public keys in this armored file INSTEAD of the pinned Electrum keys', once())
    .option('--allow-host <host>', 'approve this exact host as a mirror for the file (repeatable; never GitHub or lookalikes)', collect, [])
    .option('--expect-sha256 <hex>', 'additionally require this SHA-256', once())
    .addOption(new Option('--max-size <bytes>', 'refuse downloads larger than this (K/M/G suffixes allowed)').argParser(byteSize).default(512 * 1024 * 1024, '512M'))
    .addOption(new Option('--timeout <seconds>', 'connect/idle timeout; a body slower than 1 KiB/s over this window is cut off').argParser(seconds).default(30_000, '30'))
    .option('--json', 'print one JSON report on stdout and nothing else')
    .option('-q, --quiet', 'no progress; only the verdict line')
    .addHelpText('after', VERIFY_EXAMPLES)
    .action(async (target: string, o: Record<string, unknown>) => {
      const [{ verifyCommand }, { styleFor }] = await Promise.all([import('./commands/verify.js'), import('./style.js')]);
      setExit(
        await verifyCommand(
          target,
          {
            ...(o.signature !== undefined ? { signature: o.signature as string } : {}),
            ...(o.output !== undefined ? { output: o.output as string } : {}),
            ...(o.keyring !== undefined ? { keyring: o.keyring as string } : {}),
            ...(o.minSigners !== undefined ? { minSigners: o.minSigners as number } : {}),
            ...(o.expectSha256 !== undefined ? { expectSha256: o.expectSha256 as string } : {}),
            force: o.force === true,
            allowHosts: o.allowHost as string[],
            maxSize: o.maxSize as number,
            timeoutMs: o.timeout as number,
            json: o.json === true,
            quiet: o.quiet === true,
          },
          { stdout: process.stdout, stderr: process.stderr, style: styleFor(process.stdout), errStyle: styleFor(process.stderr) },
        ),
      );
    });

  program
    .command('check-url')
    .description('is this link an official Electrum download? (no URLs: one per line on stdin)')
    .argument('[url...]', 'URLs to judge')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', `
Examples:
  $ electrum-verify check-url https://download.electrum.org/4.5.8/electrum-4.5.8.dmg
  $ electrum-verify check-url https://github.com/spesmilo/electrum/releases   # exit 3
  $ cat urls.txt | electrum-verify check-url --json`)
    .action(async (urls: string[], o: { json?: boolean }) => {
      const [{ checkUrlCommand }, { colorEnabled }] = await Promise.all([import('./commands/check-url.js'), import('./color.js')]);
      setExit(await checkUrlCommand(urls, { json: o.json === true }, { ...stdio, color: colorEnabled(process.stdout) }));
    });

  program
    .command('check-message')
    .description('scan a pasted "please update your wallet" message for links and judge each one')
    .argument('[file]', 'file holding the message, or - for stdin (default: stdin)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', `
Examples:
  $ electrum-verify check-message message.txt
  $ pbpaste | electrum-verify check-message -`)
    .action(async (file: string | undefined, o: { json?: boolean }) => {
      const [{ checkMessageCommand }, { colorEnabled }] = await Promise.all([import('./commands/check-message.js'), import('./color.js')]);
      setExit(await checkMessageCommand(file, { json: o.json === true }, { ...stdio, color: colorEnabled(process.stdout) }));
    });

  program
    .command('keys')
    .description('show the pinned Electrum release-signing keys')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: { json?: boolean }) => {
      const [{ keysCommand }, { styleFor }] = await Promise.all([import('./commands/keys.js'), import('./style.js')]);
      setExit(await keysCommand({ json: o.json === true }, { stdout: process.stdout, style: styleFor(process.stdout) }));
    });

  return program;
}

/** Under --json, even a failure before any command ran prints one JSON object on stdout. */
function jsonFailure(code: ReasonCode, message: string, exitCode: number = EXIT.USAGE): void {
  process.stdout.write(JSON.stringify({ schema: 'electrum-verify/v1', verdict: 'error', exitCode, reason: { code, message } }, null, 2) + '\n');
}

/** Run the CLI; resolves to the process exit code. Never prints a stack trace for bad input. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.OK;
  const json = argv.slice(2).includes('--json');
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exitCode 0; every parse error is a usage error (2).
      if (e.exitCode === 0) return EXIT.OK;
      if (json) jsonFailure('USAGE', e.message.replace(/^error: /, ''));
      return EXIT.USAGE;
    }
    if (isVerifyError(e)) {
      if (json) jsonFailure(e.code, e.message, e.exitCode);
      process.stderr.write(`electrum-verify: ${e.message}\n${e.hint ? `  next: ${e.hint}\n` : ''}`);
      return e.exitCode;
    }
    const message = `internal error: ${(e as Error)?.message ?? String(e)}`;
    if (json) jsonFailure('INTERNAL_ERROR', message);
    process.stderr.write(`electrum-verify: ${message}\n  Please report this; nothing was verified.\n`);
    return EXIT.USAGE;
  }
}
