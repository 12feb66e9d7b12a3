/**
 * `check-url <url...> [--json]`: is each link an official Electrum download? With no URL arguments, one URL per
 * line is read from stdin (blank lines and lines starting with "#" skipped; UTF-8 or UTF-16, see decodeText).
 * Exit 0 only when every URL is official, 3 otherwise, 2 for usage errors and input that is not text.
 */
import { EXIT } from '../errors.js';
import { InputError, readStream } from './input.js';
import { judgeUrl } from '../policy/origin.js';
import { humanLine, jsonReport, paintFor } from '../report/links.js';

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  color: boolean;
}

/** Reading a terminal waits for the person: say what to do, on stderr (stdout stays the report). */
export function promptIfTerminal(io: Pick<CommandIO, 'stdin' | 'stderr'>, what: string): void {
  if (io.stdin.isTTY !== true) return;
  io.stderr.write(`${what}, then press Ctrl-D on an empty line (Ctrl-Z then Enter on Windows). Ctrl-C cancels.\n`);
}

/** Batches from CI may be long; this only bounds memory. */
const MAX_STDIN_BYTES = 16 * 1024 * 1024;

async function urlsFromStdin(stdin: NodeJS.ReadableStream): Promise<string[]> {
  const text = await readStream(stdin, MAX_STDIN_BYTES, 'give the links as plain text (UTF-8), one per line');
  // Only the line's own ASCII whitespace is dropped; anything else stays and is judged as part of the URL.
  // Blank lines and comment lines (first non-blank character "#": no URL starts with it) are skipped.
  return text
    .split('\n')
    .map((line) => line.replace(/^[ \t\r\f\v]+|[ \t\r\f\v]+$/g, ''))
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export async function checkUrlCommand(urls: string[], opts: { json?: boolean }, io: CommandIO): Promise<number> {
  let inputs = urls;
  if (inputs.length === 0) {
    promptIfTerminal(io, 'Paste or type the links to check, one URL per line');
    try {
      inputs = await urlsFromStdin(io.stdin);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      io.stderr.write(`check-url: ${e.message}\n`);
      return EXIT.USAGE;
    }
    if (inputs.length === 0) {
      io.stderr.write('check-url: no URL given (pass URLs as arguments, or one per line on standard input)\n');
      return EXIT.USAGE;
    }
  }

  const results = inputs.map(judgeUrl);
  const rejected = results.filter((r) => r.verdict !== 'official').length;
  if (opts.json === true) {
    io.stdout.write(jsonReport(results));
  } else {
    const paint = await paintFor(io.color);
    let out = results.map((r) => humanLine(r, paint)).join('');
    if (results.length > 1)
      out +=
        rejected === 0
          ? `All ${results.length} URLs are official.\n`
          : `${rejected} of ${results.length} URLs are not official.\n`;
    io.stdout.write(out);
  }
  return rejected === 0 ? EXIT.OK : EXIT.SOURCE_REJECTED;
}
