/**
 * `check-message [file|-] [--json]`: find every link and bare domain in a pasted "please update" message
 * (defanged, Markdown and HTML links included), judge each, and remind the reader how Electrum really updates.
 * Exit 0 only when every link is official (a message without links too), 3 otherwise, 2 for unreadable input and
 * input that is not text (the message is read as UTF-8, or UTF-16 as Notepad and Windows PowerShell 5 save it).
 */
import { EXIT } from '../errors.js';
import { InputError, readFileText, readStream } from './input.js';
import { extractLinks } from '../policy/links.js';
import { judgeUrl } from '../policy/origin.js';
import { humanLine, jsonReport, paintFor, type ReportedLink } from '../report/links.js';
import { promptIfTerminal, type CommandIO } from './check-url.js';

const MAX_MESSAGE_BYTES = 1024 * 1024;

export const ADVICE =
  'Electrum never asks you to update through a message from a server, a pop-up or a chat. ' +
  'Get updates only from https://electrum.org and verify them before running them (electrum-verify verify <file or URL>).';

export async function checkMessageCommand(
  file: string | undefined,
  opts: { json?: boolean },
  io: CommandIO,
): Promise<number> {
  let message: string;
  if (file === undefined || file === '-') promptIfTerminal(io, 'Paste the message you received');
  try {
    message =
      file === undefined || file === '-'
        ? await readStream(io.stdin, MAX_MESSAGE_BYTES)
        : await readFileText(file, MAX_MESSAGE_BYTES);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.stderr.write(`check-message: ${e.message}\n`);
    return EXIT.USAGE;
  }

  const results: ReportedLink[] = extractLinks(message).map(({ text, target }) => ({
    ...judgeUrl(target),
    ...(text !== null && text !== target ? { text } : {}),
  }));
  const rejected = results.filter((r) => r.verdict !== 'official').length;

  if (opts.json === true) {
    io.stdout.write(jsonReport(results, { advice: ADVICE }));
  } else {
    const paint = await paintFor(io.color);
    let out: string;
    if (results.length === 0) out = 'No links or domain names found in this message.\n';
    else {
      out = results.map((r) => humanLine(r, paint)).join('');
      const n = results.length;
      if (rejected > 0)
        out += `${rejected} of ${n} ${n === 1 ? 'link is' : 'links are'} not official: do not open ${rejected === 1 ? 'it' : 'them'}.\n`;
      else out += n === 1 ? 'The link is official.\n' : `All ${n} links are official.\n`;
    }
    io.stdout.write(`${out}\n${ADVICE}\n`);
  }
  return rejected === 0 ? EXIT.OK : EXIT.SOURCE_REJECTED;
}
