/**
 * Command-line wiring only: parse flags, pick the command, map the result to an exit code.
 * Commands are imported lazily so that `--help` and `check-url` do not load openpgp or undici.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, VerifyError, isVerifyError, type ReasonCode } from './errors.js';
import { registerLatestAndGet } from './commands/register-announce.js';
import { registerKeys } from './commands/keys.js';
import { registerReleaseCommands } from './commands/register-release.js';
import { collect, keyringOption, maxSizeOption, once, positiveInt, timeoutOption } from './commands/option-parsers.js';
import { removeTrackedFilesSync } from './fs/temp-files.js';
import { refusalJson, refusalText } from './report/refusal.js';

export const VERSION = '0.1.0';

const ENVIRONMENT = `
Environment:
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY   proxy for downloads, e.g. HTTPS_PROXY=http://proxy.example:3128
  NODE_EXTRA_CA_CERTS                 extra CA certificates (PEM file), e.g. for a company proxy
  NO_COLOR, FORCE_COLOR               colours off / on (no colours when output is not a terminal)
  ELECTRUM_VERIFY_STATE               state folder (refreshed keys, latest-version mark); default
                                      $XDG_STATE_HOME/electrum-verify, else ~/.local/state/electrum-verify

Exit codes: 0 verified, 1 not authentic, 2 usage error or bad input, 3 rejected source,
            4 network or I/O failure, 5 authentic but a known-vulnerable version,
            130 interrupted (Ctrl-C), 143 terminated (SIGTERM): temporary files are removed.`;

/** check-url and check-message: no network, no files saved; their own exit codes. */
const LINK_ENVIRONMENT = `
Environment:
  NO_COLOR, FORCE_COLOR   colours off / on (no colours when output is not a terminal)

Exit codes: 0 every link is official (or there are none), 3 at least one link is not official,
            2 usage error or unreadable input, 130 interrupted (Ctrl-C).`;

const VERIFY_EXAMPLES = `
Examples:
  $ electrum-verify verify https://download.electrum.org/4.5.8/electrum-4.5.8-x86_64.AppImage
  $ electrum-verify verify ./Electrum-4.5.8.tar.gz                      # fetches only the official .asc
  $ electrum-verify verify ./Electrum-4.5.8.tar.gz --signature ./Electrum-4.5.8.tar.gz.asc   # offline
  $ electrum-verify verify "./Electrum-4.5.8 (1).tar.gz" --as Electrum-4.5.8.tar.gz          # a renamed download
  $ electrum-verify verify https://download.electrum.org/4.5.8/electrum-4.5.8.dmg -o ~/Downloads
  $ electrum-verify verify https://mirror.example.net/electrum-4.5.8.dmg --allow-host mirror.example.net --json
${ENVIRONMENT}`;

/** What an interruptible command gets from the CLI: an abort signal, and which signal (if any) fired. */
export interface Interrupts {
  /** The command will stop by itself when this aborts (else a signal ends the process at once). */
  claim(): AbortSignal;
  interruptedBy(): NodeJS.Signals | null;
}

/** `electrum-verify ./file` or `electrum-verify https://…`: the command is missing; say which one was meant. */
function nextStep(error: string): string {
  const target = /unknown command '(.+)'/.exec(error)?.[1];
  if (target === undefined || !/[/\\.:]/.test(target)) return '';
  const quoted = `'${target.replace(/'/g, `'\\''`)}'`;
  return /^[a-z][a-z0-9+.-]*:/i.test(target)
    ? `  next: electrum-verify verify ${quoted}   (downloads and verifies; check-url ${quoted} only judges the link)\n`
    : `  next: electrum-verify verify ${quoted}\n`;
}

export function buildProgram(setExit: (code: number) => void, interrupts?: Interrupts): Command {
  const program = new Command();
  const stdio = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  program
    .name('electrum-verify')
    .description(
      'Check that an Electrum release file is authentic before you run it: official source, pinned developer keys, every signature checked.',
    )
    .usage('[--json] [--version] <command> [options]')
    // Options belong to the command they follow: `get --release V` is never the global --version.
    .enablePositionalOptions()
    .option('--json', "print one JSON report on stdout and nothing else (the same as the command's own --json)")
    .option(
      '-v, --version',
      'print the versions of electrum-verify, Node.js and OpenPGP.js, and the pinned key set (also -V)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(str.replace(/^error: /, 'electrum-verify: ') + nextStep(str)),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ electrum-verify verify https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz
  $ electrum-verify verify ./electrum-4.5.8-x86_64.AppImage
  $ electrum-verify check-url 'https://electrum.org@evil.example/update'
  $ pbpaste | electrum-verify check-message -
  $ electrum-verify keys
${ENVIRONMENT}`,
    );

  program
    .command('verify')
    .description('download (or take) Electrum release files and verify their official signatures')
    .argument('<target...>', 'https:// URLs of release files on download.electrum.org, and/or local files')
    .option(
      '--signature <path|url>',
      'use this detached signature (.asc, or a binary .sig) instead of the official one; repeatable for one target (merged)',
      collect,
      [],
    )
    .option(
      '--offline',
      "fetch nothing: each local file's signatures are <file>.asc and every <file>.<signer>.asc beside it",
    )
    .option(
      '-o, --output <path>',
      'where a download is saved: a file path, or an existing folder (default: its name, in the current folder)',
      once(),
    )
    .option('--force', 'allow replacing an existing output file (only after it verified)')
    .option(
      '--as <name>',
      'judge a local file as if it had this official Electrum file name (e.g. after a browser renamed it)',
      once(),
    )
    .option(
      '--min-signers <n>',
      "require any n distinct trusted signers instead of Electrum's own signer policy",
      once(positiveInt(64)),
    )
    .addOption(keyringOption())
    .option(
      '--allow-host <host>',
      'approve this exact host as a mirror for the file (repeatable; never GitHub or lookalikes)',
      collect,
      [],
    )
    .option('--expect-sha256 <hex>', 'additionally require this SHA-256', once())
    .addOption(maxSizeOption())
    .addOption(timeoutOption())
    .option(
      '--receipt <file>',
      'write an in-toto/SLSA verification receipt (unsigned evidence) after the verdicts',
      once(),
    )
    .option('--concurrency <n>', 'targets verified at once (default: the number of cores)', once(positiveInt(64)))
    .addOption(
      new Option('--format <format>', 'github, json or text (default: github when GITHUB_ACTIONS=true)').choices([
        'github',
        'json',
        'text',
      ]),
    )
    .option('--state-dir <dir>', 'state folder with refreshed key copies (see `keys refresh`)', once())
    .option('--json', 'print one JSON report on stdout and nothing else')
    .option('-q, --quiet', 'no progress; only the verdict line')
    .addHelpText('after', VERIFY_EXAMPLES)
    .action(async (targets: string[], _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Record<string, unknown>;
      const signatures = o.signature as string[];
      if (o.json === true && o.format !== undefined)
        throw new VerifyError('USAGE', '--format and --json cannot be used together (--json is --format json)');
      const common = {
        ...(o.output !== undefined ? { output: o.output as string } : {}),
        ...(o.keyring !== undefined ? { keyring: o.keyring as string } : {}),
        ...(o.minSigners !== undefined ? { minSigners: o.minSigners as number } : {}),
        ...(o.expectSha256 !== undefined ? { expectSha256: o.expectSha256 as string } : {}),
        ...(o.as !== undefined ? { as: o.as as string } : {}),
        ...(o.stateDir !== undefined ? { stateDir: o.stateDir as string } : {}),
        force: o.force === true,
        allowHosts: o.allowHost as string[],
        maxSize: o.maxSize as number,
        timeoutMs: o.timeout as number,
        json: o.json === true,
        quiet: o.quiet === true,
      };
      const [{ styleFor }, { needsVerifyTargets }] = await Promise.all([
        import('./report/style.js'),
        import('./run/verify-targets.js'),
      ]);
      const io = {
        stdout: process.stdout,
        stderr: process.stderr,
        style: styleFor(process.stdout),
        errStyle: styleFor(process.stderr),
        ...(interrupts ? { signal: interrupts.claim(), interruptedBy: () => interrupts.interruptedBy() } : {}),
      };
      const many = {
        signatures,
        offline: o.offline === true,
        receipt: o.receipt as string | undefined,
        format: o.format as string | undefined,
      };
      if (needsVerifyTargets(targets, many)) {
        // Several targets, --offline, repeated --signature, --receipt or --format: src/run/verify-targets.ts.
        const { verifyTargetsCommand } = await import('./run/verify-targets.js');
        setExit(
          await verifyTargetsCommand(
            targets,
            {
              ...common,
              ...(signatures.length > 0 ? { signatures } : {}),
              ...(o.receipt !== undefined ? { receipt: o.receipt as string } : {}),
              ...(o.concurrency !== undefined ? { concurrency: o.concurrency as number } : {}),
              ...(o.format !== undefined ? { format: o.format as string } : {}),
              offline: o.offline === true,
            },
            {
              ...io,
              env: process.env,
              progress: async (n: number) =>
                (await import('./commands/progress.js')).createManyProgress(process.stderr, true, n),
            },
          ),
        );
        return;
      }
      const { verifyCommand } = await import('./commands/verify.js');
      setExit(
        await verifyCommand(
          targets[0] as string,
          { ...common, ...(signatures[0] !== undefined ? { signature: signatures[0] } : {}) },
          io,
        ),
      );
    });

  program
    .command('check-url')
    .description(
      'is this link an official Electrum download? (no URLs: one per line on stdin; blank lines and lines starting with # are skipped)',
    )
    .argument('[url...]', 'URLs to judge')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ electrum-verify check-url https://download.electrum.org/4.5.8/electrum-4.5.8.dmg
  $ electrum-verify check-url https://github.com/spesmilo/electrum/releases   # exit 3
  $ cat urls.txt | electrum-verify check-url --json   # one URL per line, # starts a comment line
${LINK_ENVIRONMENT}`,
    )
    .action(async (urls: string[], _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { json?: boolean };
      const [{ checkUrlCommand }, { colorEnabled }] = await Promise.all([
        import('./commands/check-url.js'),
        import('./report/color.js'),
      ]);
      setExit(
        await checkUrlCommand(urls, { json: o.json === true }, { ...stdio, color: colorEnabled(process.stdout) }),
      );
    });

  program
    .command('check-message')
    .description('scan a pasted "please update your wallet" message for links and judge each one')
    .argument('[file]', 'file holding the message, or - for stdin (default: stdin)')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ electrum-verify check-message message.txt
  $ pbpaste | electrum-verify check-message -
${LINK_ENVIRONMENT}`,
    )
    .action(async (file: string | undefined, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { json?: boolean };
      const [{ checkMessageCommand }, { colorEnabled }] = await Promise.all([
        import('./commands/check-message.js'),
        import('./report/color.js'),
      ]);
      setExit(
        await checkMessageCommand(file, { json: o.json === true }, { ...stdio, color: colorEnabled(process.stdout) }),
      );
    });

  registerKeys(program, setExit);
  registerLatestAndGet(program, setExit, interrupts);
  registerReleaseCommands(program, setExit, interrupts);

  return program;
}

/** Under --json, even a failure before any command ran prints one JSON object on stdout. */
function jsonFailure(code: ReasonCode, message: string, exitCode: number = EXIT.USAGE, hint?: string): void {
  process.stdout.write(refusalJson({ code, message, hint }, exitCode));
}

/** `--version`: what a bug report needs. The key-set id changes whenever the pinned keys do. */
async function versionText(): Promise<string> {
  const [{ config }, { pinnedKeySetId }, { buildKind }] = await Promise.all([
    import('openpgp'),
    import('./trust/key-set-id.js'),
    import('./build-info.js'),
  ]);
  return (
    [
      `electrum-verify ${VERSION} (${buildKind()})`,
      `Node.js ${process.version}, ${config.versionString}`,
      `pinned keys: set ${pinnedKeySetId()}`,
    ].join('\n') + '\n'
  );
}

/** Program-level options before the command name (`electrum-verify --json -v`). */
function globalOptions(argv: string[]): string[] {
  const out: string[] = [];
  for (const a of argv.slice(2)) {
    if (!a.startsWith('-')) break;
    out.push(a);
  }
  return out;
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = {
  SIGINT: EXIT.INTERRUPTED,
  SIGTERM: EXIT.TERMINATED,
  SIGHUP: EXIT.HANGUP,
};
/** After the first Ctrl-C, a run that has not finished cleaning up within this time is ended anyway. */
const INTERRUPT_GRACE_MS = 1500;

/**
 * Ctrl-C, SIGTERM, SIGHUP: the first one aborts the running command, which removes its temporary files and
 * reports INTERRUPTED (under --json too); a second one, or a command that does not finish within the grace
 * time, ends the process at once, after removing every tracked temporary file and showing the cursor again.
 */
function installInterrupts(json: boolean): Interrupts & { dispose(): void } {
  const controller = new AbortController();
  let fired: NodeJS.Signals | null = null;
  let claimed = false;
  const forceExit = (signal: NodeJS.Signals): never => {
    const removed = removeTrackedFilesSync();
    const code = SIGNAL_EXIT[signal] ?? EXIT.INTERRUPTED;
    if (process.stderr.isTTY) process.stderr.write('\u001B[?25h'); // cursor visible again
    if (json) jsonFailure('INTERRUPTED', `interrupted (${signal}); nothing was saved`, code);
    const cleaned = removed > 0 ? `; ${removed} temporary file(s) removed, nothing was saved` : '';
    process.stderr.write(`\nelectrum-verify: interrupted (${signal})${cleaned}.\n`);
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (fired !== null || !claimed) forceExit(fired ?? signal);
    fired = signal;
    controller.abort(new Error(`interrupted (${signal})`));
    setTimeout(() => forceExit(signal), INTERRUPT_GRACE_MS).unref();
  };
  const signals = Object.keys(SIGNAL_EXIT) as NodeJS.Signals[];
  for (const s of signals) process.on(s, onSignal);
  return {
    claim: () => {
      claimed = true;
      return controller.signal;
    },
    interruptedBy: () => fired,
    dispose: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
}

/**
 * `electrum-verify --help | head`: the reader went away. Only the rest of the output is lost (no EPIPE stack
 * trace); the run finishes and exits with its own code, so `verify … | head` can never turn a rejection into 0.
 */
function closedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
}

/** Run the CLI; resolves to the process exit code. Never prints a stack trace for bad input. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.OK;
  const json = argv.slice(2).includes('--json');
  const globals = globalOptions(argv);
  if (globals.some((a) => a === '-v' || a === '-V' || a === '--version')) {
    process.stdout.write(await versionText());
    return EXIT.OK;
  }
  // Node's deprecation warnings are for developers (e.g. DEP0123 when a proxy is an IP address), not for the person
  // reading a verdict: they would only bury the message that matters.
  process.noDeprecation = true;
  const interrupts = installInterrupts(json);
  process.on('exit', removeTrackedFilesSync);
  closedPipes();
  const program = buildProgram((c) => (code = c), interrupts);
  try {
    await program.parseAsync(argv);
    const fired = interrupts.interruptedBy();
    return fired !== null && code === EXIT.OK ? (SIGNAL_EXIT[fired] ?? EXIT.INTERRUPTED) : code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help ends here with exitCode 0; every parse error is a usage error (2).
      if (e.exitCode === 0) return EXIT.OK;
      if (json) jsonFailure('USAGE', e.message.replace(/^error: /, ''));
      return EXIT.USAGE;
    }
    if (isVerifyError(e)) {
      if (json) jsonFailure(e.code, e.message, e.exitCode, e.hint);
      process.stderr.write(refusalText(e));
      return e.exitCode;
    }
    const message = `internal error: ${(e as Error)?.message ?? String(e)}`;
    if (json) jsonFailure('INTERNAL_ERROR', message);
    process.stderr.write(`electrum-verify: ${message}\n  Please report this; nothing was verified.\n`);
    return EXIT.USAGE;
  } finally {
    interrupts.dispose();
  }
}

/** Resolves once everything written to `stream` so far has been handed to the OS (or the stream is gone). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write('', () => resolve());
    stream.once('close', () => resolve());
  });
}

/**
 * The bin's entry: run, then make sure the process ends right after its output. Nothing should be left
 * running; if something is (a stray timer or socket), it must not keep a person waiting after the verdict.
 * The output is flushed first: a pipe whose reader is slow (`| jq`, `| less`) still gets every byte.
 */
export async function run(argv: string[]): Promise<void> {
  const code = await main(argv);
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  setTimeout(() => process.exit(code), 250).unref();
}
