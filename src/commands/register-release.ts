/**
 * Commander wiring for `verify-release` and `check-receipt`. src/cli.ts calls
 * `registerReleaseCommands(program, setExit)` once; the commands are imported lazily, as the others are.
 */
import { Option, type Command } from 'commander';
import { keyringOption, once, positiveInt, timeoutOption } from './option-parsers.js';

/** The CLI's interrupt handling (src/cli.ts `Interrupts`), when it offers one: claim() → the command stops by itself. */
export interface ClaimableInterrupts {
  claim(): AbortSignal;
  interruptedBy(): NodeJS.Signals | null;
}

/**
 * Ctrl-C / SIGTERM: the CLI's handlers (src/cli.ts, the only place that installs any) abort the claimed signal; each
 * target then ends INTERRUPTED, the report is still printed, no receipt is written, and the exit is 130/143/129.
 * Without `interrupts` (a caller that builds its own program), a signal ends the process as it would anyway.
 */
function interruptsFor(given: ClaimableInterrupts | undefined): {
  signal: AbortSignal | undefined;
  exitCode: () => number;
  dispose: () => void;
} {
  if (given === undefined) return { signal: undefined, exitCode: () => 130, dispose: () => undefined };
  const signal = given.claim();
  const exitCode = (): number =>
    (({ SIGTERM: 143, SIGHUP: 129 }) as Record<string, number>)[given.interruptedBy() ?? ''] ?? 130;
  return { signal, exitCode, dispose: () => undefined };
}

export function registerReleaseCommands(
  program: Command,
  setExit: (code: number) => void,
  interrupts?: ClaimableInterrupts,
): void {
  program
    .command('verify-release')
    .description('verify every file of one Electrum release: in a folder (--dir) or downloaded (--download)')
    .argument('<version>', 'the release version, e.g. 4.5.8')
    .option('--dir <dir>', 'verify the files of this release that are in DIR', once())
    .option('--download', 'download every file of the release and verify it')
    .option('-o, --output <dir>', 'with --download: the folder to save into (default: the current folder)', once())
    .option('--require-all', 'a file of the release that is missing (or not published) is a failure (exit 1)')
    .option('--offline', "fetch nothing: each file's signatures are <file>.asc and <file>.<signer>.asc beside it")
    .option(
      '--receipt <file>',
      'write an in-toto/SLSA verification receipt (unsigned evidence) after the verdicts',
      once(),
    )
    .addOption(keyringOption())
    .option(
      '--min-signers <n>',
      'distinct trusted signers required (replaces the default policy)',
      once(positiveInt(64)),
    )
    .option('--state-dir <dir>', 'state folder with refreshed key copies (see `keys refresh`)', once())
    .option('--concurrency <n>', 'files verified at once (default: the number of cores)', once(positiveInt(64)))
    .addOption(timeoutOption('connect/idle timeout for each request'))
    .option(
      '--force',
      'with --download: download every file again, even one already in DIR (replaced only once the new copy verified)',
    )
    .option('--json', 'print one JSON object on stdout and nothing else')
    .addOption(
      new Option(
        '--format <format>',
        'github (annotations + step summary), json or text; default github when GITHUB_ACTIONS=true',
      ).choices(['github', 'json', 'text']),
    )
    .option('-q, --quiet', 'one verdict line per file and the summary')
    .addHelpText(
      'after',
      `
Examples:
  $ electrum-verify verify-release 4.5.8 --dir ./mirror/4.5.8 --require-all
  $ electrum-verify verify-release 4.5.8 --dir . --offline --receipt receipt.json
  $ electrum-verify verify-release 4.5.8 --download -o ./electrum-4.5.8 --json

--download into a folder that already holds some files (a re-run, a resumed mirror job): those files are not
downloaded again; each is verified where it is against the official .asc fetched now (saved beside it once it
verified). One that fails is reported and left exactly as it was, never replaced or deleted: delete it and run
again, or pass --force to download every file again (a file is replaced only once its new copy verified).

Exit codes: the most severe over the files (130/143, then 1, 3, 5, 2, 4, 0); 1 also for a missing file with
--require-all; 2 for a folder with no file of that version.`,
    )
    .action(async (version: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Record<string, unknown>;
      const [{ verifyReleaseCommand }, { styleFor }] = await Promise.all([
        import('./verify-release.js'),
        import('../report/style.js'),
      ]);
      const env = process.env; // colour and CI rules: report/color.ts
      const stop = interruptsFor(interrupts);
      try {
        setExit(
          await verifyReleaseCommand(
            version,
            {
              ...(o.dir !== undefined ? { dir: o.dir as string } : {}),
              ...(o.output !== undefined ? { output: o.output as string } : {}),
              ...(o.receipt !== undefined ? { receipt: o.receipt as string } : {}),
              ...(o.keyring !== undefined ? { keyring: o.keyring as string } : {}),
              ...(o.minSigners !== undefined ? { minSigners: o.minSigners as number } : {}),
              ...(o.stateDir !== undefined ? { stateDir: o.stateDir as string } : {}),
              ...(o.concurrency !== undefined ? { concurrency: o.concurrency as number } : {}),
              ...(o.format !== undefined ? { format: o.format as string } : {}),
              download: o.download === true,
              requireAll: o.requireAll === true,
              offline: o.offline === true,
              force: o.force === true,
              json: o.json === true,
              quiet: o.quiet === true,
              timeoutMs: o.timeout as number,
            },
            {
              stdout: process.stdout,
              stderr: process.stderr,
              style: styleFor(process.stdout, env),
              errStyle: styleFor(process.stderr, env),
              env: process.env,
              ...(stop.signal ? { signal: stop.signal } : {}),
              interruptedExit: stop.exitCode,
            },
          ),
        );
      } finally {
        stop.dispose();
      }
    });

  program
    .command('check-receipt')
    .description("re-check a receipt's evidence offline: the embedded signatures over the files, with today's keys")
    .argument('<receipt>', 'the receipt written by --receipt')
    .option('--dir <dir>', 'look for the files (by name) in DIR instead of the paths the receipt recorded', once())
    .addOption(keyringOption())
    .option('--state-dir <dir>', 'state folder with refreshed key copies (see `keys refresh`)', once())
    .option('--json', 'print one JSON object on stdout and nothing else')
    .addHelpText(
      'after',
      `
A receipt is unsigned evidence, not a signature: check-receipt verifies the signatures it embeds over the files
as they are now, and that the receipt matches them.

Where the files are looked for: without --dir, at the paths the receipt recorded, as they were given when it was
written (a relative path is relative to the folder it was written FROM, so run check-receipt from there); with
--dir DIR, by file name in DIR. A receipt of downloads (verify URL --receipt) needs --dir. A receipt made with
--keyring needs the same --keyring.

Exit codes: 0 every file matches; 1 a real difference (a file's bytes, its signatures or the receipt changed, or a
file is gone); 2 not a receipt, or a setup mistake: the --keyring it was made with not given, none of its files
found (another folder, a wrong --dir), --dir missing for a receipt of downloads.

Examples:
  $ electrum-verify check-receipt receipt.json --dir ./mirror/4.5.8`,
    )
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Record<string, unknown>;
      const [{ checkReceiptCommand }, { styleFor }] = await Promise.all([
        import('./check-receipt.js'),
        import('../report/style.js'),
      ]);
      const stop = interruptsFor(interrupts);
      try {
        setExit(
          await checkReceiptCommand(
            file,
            {
              ...(o.dir !== undefined ? { dir: o.dir as string } : {}),
              ...(o.keyring !== undefined ? { keyring: o.keyring as string } : {}),
              ...(o.stateDir !== undefined ? { stateDir: o.stateDir as string } : {}),
              json: o.json === true,
            },
            {
              stdout: process.stdout,
              stderr: process.stderr,
              style: styleFor(process.stdout),
              ...(stop.signal ? { signal: stop.signal } : {}),
            },
          ),
        );
      } finally {
        stop.dispose();
      }
    });
}
