/**
 * Run the real CLI (`node bin/electrum-verify.js …`) as a child process from the repository root.
 * `npm test` compiles `src/` to `dist/` first; the bin runs `dist/`.
 *
 * EV_CLI=path runs that executable instead (the single-file build: `npm run build:binary`, then
 * `EV_CLI=dist/bin/electrum-verify-linux-x64 npm run test:e2e`); a relative path is taken from the repository root.
 * Tests that spawn the CLI themselves use `cliCommand(args)` so that they follow EV_CLI too.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(REPO_ROOT, 'bin', 'electrum-verify.js');
/** The executable under test when EV_CLI is set (absolute), else undefined (the Node script). */
export const EV_CLI: string | undefined = process.env.EV_CLI ? resolve(REPO_ROOT, process.env.EV_CLI) : undefined;
/** `../shared` beside the repository (present in CI) */
export const SHARED = resolve(REPO_ROOT, '..', 'shared');

export interface CliResult {
  code: number;
  /** set when the process was killed by a signal */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, when `--json` was passed */
  json?: any;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  cwd?: string;
  /** milliseconds before the child is killed (default 60 s) */
  timeoutMs?: number;
}

/** Is the CLI built (bin present and dist/ compiled; or the EV_CLI executable present)? */
export function cliBuilt(): boolean {
  if (EV_CLI !== undefined) return existsSync(EV_CLI);
  return existsSync(BIN) && existsSync(join(REPO_ROOT, 'dist'));
}

/** The command line that runs the CLI with `args`: `node bin/electrum-verify.js …`, or `$EV_CLI …`. */
export function cliCommand(args: readonly string[]): { command: string; args: string[] } {
  return EV_CLI !== undefined
    ? { command: EV_CLI, args: [...args] }
    : { command: process.execPath, args: [BIN, ...args] };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    // deterministic, colourless output unless the test asks otherwise (stdio are pipes, so no TTY either)
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', LC_ALL: 'C' };
    delete env.FORCE_COLOR;
    Object.assign(env, opts.env);
    const cli = cliCommand(args);
    const child = spawn(cli.command, cli.args, {
      cwd: opts.cwd ?? REPO_ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const result: CliResult = { code: code ?? -1, signal, stdout, stderr };
      if (args.includes('--json')) {
        try {
          result.json = parseSingleJsonObject(stdout);
        } catch (e) {
          reject(
            new Error(
              `--json: stdout is not exactly one JSON object (${(e as Error).message})\n` +
                `exit ${code}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
            ),
          );
          return;
        }
      }
      resolvePromise(result);
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** JSON.parse that insists on a single object (allowing surrounding whitespace / one trailing newline). */
export function parseSingleJsonObject(text: string): any {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) {
    throw new Error('does not start with "{" and end with "}"');
  }
  const v = JSON.parse(trimmed); // throws on two concatenated objects or trailing junk
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
  return v;
}

/** Lines that look like a JavaScript stack trace. */
export function stackTraceLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\s{2,}at\s/.test(l));
}

/** A readable description of a run for assertion messages. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

const VERDICT_FOR_EXIT: Record<number, string> = {
  0: 'verified',
  1: 'rejected',
  2: 'error',
  3: 'rejected',
  4: 'error',
  5: 'rejected',
};

/** The verdict the CONTRACT ties to an exit code. */
export function verdictForExit(code: number): string | undefined {
  return VERDICT_FOR_EXIT[code];
}
