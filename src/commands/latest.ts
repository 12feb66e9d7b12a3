/** `electrum-verify latest`: Electrum's signed latest-version announcement, verified, and --installed status. */
import { checkLatest, type LatestOptions, type LatestReport } from '../announce/latest.js';
import { forTerminal } from '../report/links.js';
import { compareVersions } from '../release/catalogue.js';
import { securityFixesAfter } from '../release/security.js';
import { toJson, type Style } from '../report/verify-report.js';

export interface LatestCommandOptions extends Omit<LatestOptions, 'onWarning'> {
  json?: boolean;
}

export interface AnnounceIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  style: Style;
  errStyle: Style;
}

const short = (s: string): string => forTerminal(s.length > 200 ? `${s.slice(0, 200)}…` : s);

/**
 * The tool's own sentences (reasons, hints) are shown whole, never cut: wrapped at word boundaries to `width`
 * columns, continuation lines indented by `indent` spaces. (Parts quoted from an announcement are bounded by the parser.)
 */
export function wrapText(text: string, first: number, indent = 4, width = 100): string {
  const words = forTerminal(text).split(/ +/);
  const lines: string[] = [];
  let line = '';
  let room = width - first;
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > room) {
      lines.push(line);
      line = w;
      room = width - indent;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

export function sourceText(r: LatestReport): string {
  if (r.source.kind === 'file') return `file ${short(r.source.file ?? '')}`;
  const via = r.source.redirects.length > 0 ? ` (via ${r.source.redirects.map(short).join(' → ')})` : '';
  return `${short(r.source.url ?? '')}${via}`;
}

/** The human rendering of a latest report (first line: the verdict). */
export function renderLatest(r: LatestReport, s: Style): string {
  const lines: string[] = [];
  const a = r.announcement;
  if (r.exitCode !== 0 && r.reason !== null && !(r.reason.code === 'VERSION_VULNERABLE' && r.latest !== null)) {
    const head =
      r.reason.code === 'VERSION_VULNERABLE' ? 'VULNERABLE' : r.verdict === 'rejected' ? 'NOT AUTHENTIC' : 'ERROR';
    lines.push(`${s.bad(head)}: ${wrapText(r.reason.message, head.length + 2)}`);
    if (r.reason.hint) lines.push(`  next: ${wrapText(r.reason.hint, 8)}`);
    // A usage error is about the command line: nothing was read or fetched, so there is no source to name.
    if (r.reason.code === 'USAGE' && a === null) return lines.join('\n') + '\n';
    lines.push(`  source: ${sourceText(r)}`);
    if (a !== null) {
      lines.push(`  announced version (not trusted): ${short(a.version)}`);
      for (const sig of a.signatures)
        lines.push(`  signature by ${short(sig.address)}: ${sig.status}${sig.note ? ` (${short(sig.note)})` : ''}`);
    }
    if (r.installed !== null) lines.push(`  installed ${r.installed.version}: ${r.installed.status}`);
    return lines.join('\n') + '\n';
  }
  const latest = r.latest as string;
  const signer = a?.signer;
  if (r.installed?.status === 'vulnerable') {
    lines.push(
      `${s.bad('VULNERABLE')}: installed Electrum ${r.installed.version} is known-vulnerable; the latest release is ${s.bold(latest)}`,
    );
  }
  if (r.replay !== null) {
    lines.push(
      `${s.warn('POSSIBLE REPLAY')}: the server announced ${short(r.replay.announced)}, but ${r.replay.mark} was verified on ${r.replay.markVerifiedAt.slice(0, 10)}; latest is ${s.bold(latest)}`,
    );
  }
  if (r.replay === null && r.installed?.status !== 'vulnerable') {
    lines.push(`${s.ok('VERIFIED')}: the latest Electrum release is ${s.bold(latest)}`);
  }
  if (signer)
    lines.push(`  signed by ${signer.name} (${signer.address}), Bitcoin message signature over "${short(a!.version)}"`);
  lines.push(`  source: ${sourceText(r)}`);
  for (const sig of a?.signatures ?? []) {
    if (sig.status === 'ignored') lines.push(`  ignored: a signature by ${short(sig.address)} (not a pinned address)`);
    if (sig.highS) lines.push(`  note: ${sig.signer}'s signature is high-S (accepted, as Electrum does)`);
  }
  if (a && a.unsignedFields.length > 0) {
    const extra = a.extradata === null ? '' : `: ${short(JSON.stringify(a.extradata))}`;
    lines.push(s.dim(`  not signed, not used: ${a.unsignedFields.map(short).join(', ')}${extra}`));
  }
  if (r.highWaterMark !== null) {
    const m = r.highWaterMark;
    lines.push(
      s.dim(
        `  high-water mark: ${m.version}${m.updated ? ' (raised now)' : ` (verified ${m.verifiedAt.slice(0, 10)})`}`,
      ),
    );
  }
  const i = r.installed;
  if (i !== null) {
    if (i.status === 'vulnerable') {
      const head = `  installed ${i.version}: KNOWN-VULNERABLE: `;
      lines.push(
        `  installed ${i.version}: ${s.bad('KNOWN-VULNERABLE')}: ${wrapText(r.reason?.message ?? '', head.length)}`,
      );
    } else if (
      i.status === 'up-to-date' &&
      r.newerKnown !== null &&
      compareVersions(i.version, r.newerKnown.version) < 0
    ) {
      // Up to date with the announcement, but the tool knows newer releases: say so on the same line.
      const fixes = securityFixesAfter(i.version).map((f) => f.version);
      lines.push(
        `  installed ${i.version}: ${s.ok('up to date')} with the announcement; ${s.warn(`this tool knows ${r.newerKnown.version}`)}${fixes.length > 0 ? ` (security fixes in ${fixes.join(', ')})` : ''}`,
      );
    } else if (i.status === 'up-to-date') {
      lines.push(`  installed ${i.version}: ${s.ok('up to date')}`);
    } else {
      const n = i.behind.length;
      const span =
        n === 0
          ? ''
          : n === 1
            ? ` (1 release behind: ${i.behind[0]})`
            : ` (${n} releases behind: ${i.behind[0]} … ${i.behind[n - 1]})`;
      lines.push(`  installed ${i.version}: ${s.warn('OUTDATED')}${span}`);
      if (i.securityReleases.length > 0) {
        lines.push(
          `  ${s.warn('security fixes since')}: ${i.securityReleases.map((f) => `${f.version} (${f.summary}${f.advisories.length ? `: ${f.advisories.join(', ')}` : ''})`).join('; ')}`,
        );
      }
    }
  }
  return lines.join('\n') + '\n';
}

export async function latestCommand(opts: LatestCommandOptions, io: AnnounceIO): Promise<number> {
  const { json, ...options } = opts;
  const report = await checkLatest({
    ...options,
    onWarning: (message) => io.stderr.write(io.errStyle.warn(`warning: ${forTerminal(message)}\n`)),
  });
  if (json) {
    io.stdout.write(toJson({ ...report }));
  } else {
    const out = report.verdict === 'error' ? io.stderr : io.stdout;
    out.write(renderLatest(report, report.verdict === 'error' ? io.errStyle : io.style));
  }
  return report.exitCode;
}
