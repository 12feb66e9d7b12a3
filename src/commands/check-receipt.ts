/**
 * `electrum-verify check-receipt FILE [--dir DIR] [--keyring K] [--json]`: re-check a receipt's evidence offline
 * (src/receipt/check.ts). Exit 0 when every file matches the receipt and verifies now; 1 on any mismatch; 2 when
 * FILE is not a receipt or for a setup mistake (its custom keyring not given, none of its files found, --dir
 * missing for a receipt of URLs): those name the cause and are never reported as a mismatch.
 */
import { EXIT, isVerifyError } from '../errors.js';
import { forTerminal } from '../report/links.js';
import { checkReceipt } from '../receipt/check.js';
import { refusalJson, refusalText } from '../report/refusal.js';
import { toJson, type Style } from '../report/verify-report.js';

export interface CheckReceiptCommandOptions {
  dir?: string;
  keyring?: string;
  keysDir?: string;
  stateDir?: string;
  json?: boolean;
  now?: Date;
}

export interface CheckReceiptIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  style: Style;
  signal?: AbortSignal;
}

export async function checkReceiptCommand(
  file: string,
  o: CheckReceiptCommandOptions,
  io: CheckReceiptIO,
): Promise<number> {
  try {
    const report = await checkReceipt(file, {
      ...(o.dir !== undefined ? { dir: o.dir } : {}),
      ...(o.keyring !== undefined ? { keyring: o.keyring } : {}),
      ...(o.keysDir !== undefined ? { keysDir: o.keysDir } : {}),
      ...(o.stateDir !== undefined ? { stateDir: o.stateDir } : {}),
      ...(o.now ? { now: o.now } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    if (o.json) {
      io.stdout.write(toJson(report));
      return report.exitCode;
    }
    const s = io.style;
    const lines: string[] = [];
    for (const r of report.results) {
      if (r.status === 'match') {
        const signers = r.report?.signature.signers.map((x) => x.name).join(', ') ?? '';
        lines.push(
          `${s.ok('✔ MATCHES')}  ${forTerminal(r.name)}: signed by ${signers}; SHA-256 ${r.report?.sha256 ?? ''}`,
        );
      } else {
        lines.push(`${s.bad('✘ MISMATCH')}  ${forTerminal(r.name)}`);
        for (const p of r.problems) lines.push(`  ${forTerminal(p)}`);
      }
    }
    const head =
      report.exitCode === EXIT.OK ? s.ok(s.bold('✔ RECEIPT CONFIRMED')) : s.bad(s.bold('✘ RECEIPT NOT CONFIRMED'));
    lines.push(
      `${head}  ${forTerminal(file)}: ${report.summary.matched} of ${report.summary.files} file(s) match (verified ${report.receipt.timeVerified ?? '?'}, ${report.receipt.verificationResult ?? '?'})` +
        (report.reason ? ` — ${forTerminal(report.reason.message)}` : ''),
    );
    if (report.reason?.hint) lines.push(`  next:    ${forTerminal(report.reason.hint)}`);
    lines.push(
      s.dim(
        '  A receipt is unsigned evidence, not a signature: this re-checked the signatures it holds against the files and the trusted keys.',
      ),
    );
    io.stdout.write(lines.join('\n') + '\n');
    return report.exitCode;
  } catch (e) {
    if (!isVerifyError(e)) throw e;
    if (o.json) io.stdout.write(refusalJson(e, e.exitCode, { results: [] }));
    else io.stderr.write(refusalText(e));
    return e.exitCode;
  }
}
