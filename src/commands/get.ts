/**
 * `electrum-verify get`: the authentic Electrum file for this computer, no URL needed.
 *   version: --release V, or the signed announcement (`latest`, with its high-water mark) →
 *   file: --platform P, or the running OS/CPU → https://download.electrum.org/<V>/<file> →
 *   then exactly the verify path on that URL (same checks, report, exit codes and atomic save).
 */
import { checkLatest } from '../announce/latest.js';
import { EXIT, VerifyError, exitCodeFor, isVerifyError, verdictFor } from '../errors.js';
import { forTerminal } from '../report/links.js';
import {
  chooseFile,
  describePlatform,
  detectPlatform,
  filesFor,
  isPlatform,
  PLATFORMS,
  type Platform,
} from '../release/platform.js';
import { parseVersion } from '../release/version.js';
import { SCHEMA, toJson } from '../report/verify-report.js';
import { renderLatest } from './latest.js';
import type { Fetcher } from '../net/index.js';
import type { VerifyCommandOptions, VerifyIO } from './verify.js';
import type { Keyring } from '../trust/keyring.js';

export interface GetCommandOptions {
  release?: string;
  platform?: string;
  output?: string;
  announcement?: string;
  stateDir?: string;
  keyring?: string;
  minSigners?: number;
  force?: boolean;
  maxSize?: number;
  timeoutMs?: number;
  json?: boolean;
  quiet?: boolean;
  /** Transport for the announcement and the download (tests); else each step creates its own. */
  fetcher?: Fetcher;
  /** Tests: the OS and CPU to detect from. */
  os?: string;
  arch?: string;
  env?: NodeJS.ProcessEnv;
}

function failJson(io: VerifyIO, e: VerifyError, extra: Record<string, unknown> = {}): number {
  const exitCode = exitCodeFor(e.code);
  io.stdout.write(
    toJson({
      schema: SCHEMA,
      verdict: verdictFor(exitCode),
      exitCode,
      reason: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
      ...extra,
    }),
  );
  return exitCode;
}

function failHuman(io: VerifyIO, e: VerifyError): number {
  const exit = exitCodeFor(e.code);
  const out = verdictFor(exit) === 'error' ? io.stderr : io.stdout;
  out.write(
    `${io.errStyle.bad(verdictFor(exit) === 'error' ? 'ERROR' : 'REFUSED')}: ${forTerminal(e.message)}\n${e.hint ? `  next: ${e.hint}\n` : ''}`,
  );
  return exit;
}

export async function getCommand(opts: GetCommandOptions, io: VerifyIO): Promise<number> {
  const json = opts.json === true;
  const note = (line: string): void => {
    if (!opts.quiet) io.stderr.write(`${line}\n`);
  };
  const warn = (message: string): void => void io.stderr.write(io.errStyle.warn(`warning: ${forTerminal(message)}\n`));
  let platform: Platform;
  let customKeys: Keyring | undefined;
  try {
    if (opts.release !== undefined && parseVersion(opts.release) === null) {
      throw new VerifyError(
        'USAGE',
        `--release ${JSON.stringify(opts.release.slice(0, 40))} is not an Electrum version number`,
        {
          hint: 'Use a version like 4.7.2, or leave --release out for the latest signed release.',
        },
      );
    }
    if (opts.platform !== undefined && !isPlatform(opts.platform)) {
      throw new VerifyError(
        'USAGE',
        `--platform ${JSON.stringify(opts.platform.slice(0, 40))} is not one of ${PLATFORMS.join(', ')}`,
      );
    }
    platform = (opts.platform as Platform | undefined) ?? detectPlatform(opts.os, opts.arch);
    // Every argument is checked before any network access: a --keyring that cannot be used is a usage error now,
    // not after the announcement was fetched (and the keys loaded here are the ones verify uses: read once).
    if (opts.keyring !== undefined)
      customKeys = await (await import('../trust/keyring.js')).loadCustomKeyring(opts.keyring);
  } catch (e) {
    if (!isVerifyError(e)) throw e;
    return json ? failJson(io, e) : failHuman(io, e);
  }

  // 1. Which version.
  let version: string;
  if (opts.release !== undefined) {
    version = opts.release;
    note(`Electrum ${version} (--release), ${describePlatform(platform)}`);
  } else {
    const latest = await checkLatest({
      ...(opts.announcement !== undefined ? { announcement: opts.announcement } : {}),
      ...(opts.stateDir !== undefined ? { stateDir: opts.stateDir } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.env !== undefined ? { env: opts.env } : {}),
      ...(opts.fetcher !== undefined ? { fetcher: opts.fetcher } : {}),
      ...((io as { signal?: AbortSignal }).signal
        ? { signal: (io as { signal?: AbortSignal }).signal as AbortSignal }
        : {}),
      onWarning: warn,
    });
    if (latest.exitCode !== EXIT.OK || latest.latest === null) {
      // Nothing is downloaded unless the announcement is authentic.
      if (json) io.stdout.write(toJson({ ...latest, command: 'get' }));
      else
        (latest.verdict === 'error' ? io.stderr : io.stdout).write(
          renderLatest(latest, latest.verdict === 'error' ? io.errStyle : io.style),
        );
      return latest.exitCode;
    }
    version = latest.latest;
    const signer = latest.announcement?.signer;
    const announced = forTerminal(latest.announcement?.version ?? '?');
    // A newer release in the tool's own table is a warning (through onWarning above), never the version fetched.
    const how =
      latest.replay !== null
        ? `the latest release (the high-water mark; the server announced ${announced})`
        : `the latest release (announced at ${latest.source.kind === 'file' ? forTerminal(latest.source.file ?? '') : 'https://electrum.org/version'}, signed by ${signer?.name ?? '?'})`;
    note(`Electrum ${version}: ${how}, ${describePlatform(platform)}`);
  }

  // 2. Which file.
  let url: string;
  try {
    url = chooseFile(platform, version).url;
  } catch (e) {
    if (!isVerifyError(e)) throw e;
    return json ? failJson(io, e, { version, platform, available: filesFor(version) }) : failHuman(io, e);
  }
  // -o FILE, -o DIR, -o DIR/: decided where verify decides it (verify/output.ts chooseOutput), from the file's name.
  const output = opts.output;
  note(`Verifying ${url}`);

  // 3. Exactly the verify path.
  const { verifyCommand } = await import('./verify.js');
  const verifyOptions: VerifyCommandOptions = {
    ...(output !== undefined ? { output } : {}),
    ...(opts.keyring !== undefined ? { keyring: opts.keyring } : {}),
    ...(customKeys !== undefined ? { trustedKeys: customKeys } : {}),
    ...(opts.minSigners !== undefined ? { minSigners: opts.minSigners } : {}),
    ...(opts.maxSize !== undefined ? { maxSize: opts.maxSize } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetcher !== undefined ? { fetcher: opts.fetcher } : {}),
    force: opts.force === true,
    allowHosts: [],
    json,
    quiet: opts.quiet === true,
  };
  // verify() itself warns when an authentic file is older than a release with security fixes (e.g. --release 4.7.1).
  return verifyCommand(url, verifyOptions, io);
}
