/**
 * Run the real CLI on a pseudo-terminal, as a person does: util-linux `script` gives the child a pty of a real
 * size (`stty cols 120 rows 30`), so stdin, stdout and stderr are all terminals, isTTY is true and columns > 0.
 * Bytes written with `type()` reach the pty as keystrokes: 0x03 is Ctrl-C, turned into SIGINT by the terminal's
 * line discipline (unless the program put the terminal in raw mode, which is exactly the bug this layer catches).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cliCommand, REPO_ROOT } from './cli.js';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface PtyRun {
  /** Everything the terminal showed so far (stdout and stderr interleaved, with escape sequences). */
  readonly screen: () => string;
  /** Type bytes into the terminal. */
  type(bytes: string): void;
  /** Resolves when `pattern` appears on the screen (rejects after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<number>;
  /** The CLI's exit code (script -e passes it through), with the time it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(): void;
}

export function runOnPty(
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; cols?: number; rows?: number; timeoutMs?: number } = {},
): PtyRun {
  const cli = cliCommand(args);
  const line = [cli.command, ...cli.args].map(quote).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', LC_ALL: 'C.UTF-8', ...opts.env };
  delete env.CI; // a person's terminal, not a CI log
  const child: ChildProcessWithoutNullStreams = spawn(
    'script',
    ['-qefc', `stty cols ${opts.cols ?? 120} rows ${opts.rows ?? 30}; exec ${line}`, '/dev/null'],
    {
      cwd: opts.cwd ?? REPO_ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const waiters: Array<{ re: RegExp; resolve: (t: number) => void }> = [];
  const onData = (b: Buffer): void => {
    out += b.toString('utf8');
    for (const w of [...waiters]) {
      if (w.re.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(Date.now());
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.stdin.on('error', () => undefined);
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, at: Date.now() });
    });
  });
  return {
    screen: () => out,
    type: (bytes) => void child.stdin.write(bytes),
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise<number>((resolve, reject) => {
        if (re.test(out)) return resolve(Date.now());
        const timer = setTimeout(
          () => reject(new Error(`${re} did not appear within ${timeoutMs} ms; the screen:\n${out}`)),
          timeoutMs,
        );
        waiters.push({ re, resolve: (t) => (clearTimeout(timer), resolve(t)) });
        void exited.then(() => {
          if (!re.test(out)) {
            clearTimeout(timer);
            reject(new Error(`${re} never appeared; the process ended. The screen:\n${out}`));
          }
        });
      }),
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}

/** The screen without colour and cursor escape sequences. */
export function plain(screen: string): string {
  // eslint-style escapes: CSI sequences, OSC, and carriage-return redraws
  return screen.replace(/\u001B\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\u001B\][^\u0007]*\u0007/g, '');
}
