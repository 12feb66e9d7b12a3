/**
 * Wiring of `latest` and `get` into the commander program (src/cli.ts calls registerLatestAndGet once).
 * Options belong to their command (`get --release`, never the global --version). Command modules are imported
 * inside the actions so that start-up loads nothing else.
 */
import { Option, type Command } from 'commander';
import { PLATFORMS } from '../release/platforms.js';
import { keyringOption, maxSizeOption, once, positiveInt, timeoutOption } from './option-parsers.js';

const LATEST_HELP = `
Examples:
  $ electrum-verify latest                                   # fetch and verify https://electrum.org/version
  $ electrum-verify latest --installed 4.5.8                 # up to date / outdated / known-vulnerable (exit 5)
  $ electrum-verify latest --announcement ./version --json   # offline, a saved copy

The announcement is authentic only with a Bitcoin message signature by a pinned address (ThomasV
13xjmVAB1EATPP8RshTE8S8sNwwSUM9p1P, SomberNight 1Nxgk6NTooV4qZsX5fdqQwrLjYcsQZAfTg). It carries no date:
the highest version verified so far is kept in the state folder, and a lower announcement is reported
as a possible replay. An announcement older than the newest release this tool knows may be stale or
replayed: that release is then the latest (and the one get fetches), with a warning.
Exit codes: 0 verified (also when outdated; see "status"), 1 not signed by a pinned address,
            2 usage / unreadable file, 3 source refused, 4 fetch failed or not an announcement,
            5 --installed is a known-vulnerable version (< 3.3.4).`;

const GET_HELP = `
Examples:
  $ electrum-verify get                                 # the latest signed release, for this computer
  $ electrum-verify get --platform windows-setup -o ~/Downloads
  $ electrum-verify get --release 4.7.2 --platform source --json

Platforms: ${[...PLATFORMS].join(', ')}.
Detected: Linux x86_64 → appimage, Windows → windows-setup, macOS → macos.
After choosing the file, get runs exactly "verify" on its official URL: same checks, report and exit codes.`;

/** The CLI's interrupt hook (src/cli.ts Interrupts), structurally: get passes the signal on to the verify path. */
export interface AnnounceInterrupts {
  claim(): AbortSignal;
  interruptedBy(): NodeJS.Signals | null;
}

export function registerLatestAndGet(
  program: Command,
  setExit: (code: number) => void,
  interrupts?: AnnounceInterrupts,
): void {
  // chalk is loaded only when a stream is coloured (a pipe, NO_COLOR, a script: plain text, nothing loaded).
  const io = async () => {
    const { colorEnabled } = await import('../report/color.js');
    const plain = (s: string): string => s;
    const none = { ok: plain, bad: plain, warn: plain, dim: plain, bold: plain };
    const styled =
      colorEnabled(process.stdout) || colorEnabled(process.stderr)
        ? (await import('../report/style.js')).styleFor
        : null;
    return {
      stdout: process.stdout,
      stderr: process.stderr,
      style: styled && colorEnabled(process.stdout) ? styled(process.stdout) : none,
      errStyle: styled && colorEnabled(process.stderr) ? styled(process.stderr) : none,
    };
  };

  program
    .command('latest')
    .description(
      "Electrum's signed latest-version announcement, verified (and whether an installed version is current)",
    )
    .option(
      '--installed <version>',
      'compare this installed version: up to date, outdated, or known-vulnerable',
      once(),
    )
    .option(
      '--announcement <file>',
      'read a saved announcement instead of fetching https://electrum.org/version',
      once(),
    )
    .option('--state-dir <dir>', 'where the high-water mark is kept (default: $XDG_STATE_HOME/electrum-verify)', once())
    .addOption(timeoutOption('connect/idle timeout'))
    .option('--json', 'print one JSON object on stdout and nothing else')
    .addHelpText('after', LATEST_HELP)
    .action(async (own: Record<string, unknown>, cmd: Command) => {
      // The global --json before the command counts too (`electrum-verify --json latest`).
      const o = { ...cmd.optsWithGlobals(), ...own } as Record<string, unknown>;
      const [{ latestCommand }, streams] = await Promise.all([import('./latest.js'), io()]);
      setExit(
        await latestCommand(
          {
            ...(o.installed !== undefined ? { installed: o.installed as string } : {}),
            ...(o.announcement !== undefined ? { announcement: o.announcement as string } : {}),
            ...(o.stateDir !== undefined ? { stateDir: o.stateDir as string } : {}),
            timeoutMs: o.timeout as number,
            json: o.json === true || cmd.optsWithGlobals().json === true,
          },
          streams,
        ),
      );
    });

  program
    .command('get')
    .description('download the authentic Electrum file for this computer (latest signed release), verified')
    .option('--release <version>', 'this release instead of the latest announced one', once())
    .addOption(
      new Option('--platform <platform>', 'which file (default: detected from this computer)').choices([...PLATFORMS]),
    )
    .option(
      '-o, --output <path|dir>',
      'where to save it (a directory keeps the official name; default: current directory)',
      once(),
    )
    .option(
      '--announcement <file>',
      'take the latest version from a saved announcement instead of https://electrum.org/version',
      once(),
    )
    .option('--state-dir <dir>', 'where the announcement high-water mark is kept', once())
    .option('--force', 'allow replacing an existing output file (only after it verified)')
    .option(
      '--min-signers <n>',
      'distinct pinned signers required (default: per release, see verify --help)',
      once(positiveInt(64)),
    )
    .addOption(keyringOption())
    .addOption(maxSizeOption())
    .addOption(timeoutOption())
    .option('--json', 'print one JSON report on stdout and nothing else')
    .option('-q, --quiet', 'no progress; only the verdict line')
    .addHelpText('after', GET_HELP)
    .action(async (own: Record<string, unknown>, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals(), ...own } as Record<string, unknown>;
      const [{ getCommand }, base] = await Promise.all([import('./get.js'), io()]);
      const streams = interrupts
        ? { ...base, signal: interrupts.claim(), interruptedBy: () => interrupts.interruptedBy() }
        : base;
      setExit(
        await getCommand(
          {
            ...(o.release !== undefined ? { release: o.release as string } : {}),
            ...(o.platform !== undefined ? { platform: o.platform as string } : {}),
            ...(o.output !== undefined ? { output: o.output as string } : {}),
            ...(o.announcement !== undefined ? { announcement: o.announcement as string } : {}),
            ...(o.stateDir !== undefined ? { stateDir: o.stateDir as string } : {}),
            ...(o.keyring !== undefined ? { keyring: o.keyring as string } : {}),
            ...(o.minSigners !== undefined ? { minSigners: o.minSigners as number } : {}),
            force: o.force === true,
            maxSize: o.maxSize as number,
            timeoutMs: o.timeout as number,
            json: o.json === true || cmd.optsWithGlobals().json === true,
            quiet: o.quiet === true,
          },
          streams,
        ),
      );
    });
}
