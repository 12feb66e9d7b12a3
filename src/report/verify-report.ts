/**
 * The verification report: the JSON object of the contract (`--json`) and the human rendering of it.
 */
import { EXIT, type ExitCode, type ReasonCode, type Verdict, exitCodeFor, verdictFor } from '../errors.js';
import type { FoundSignature } from '../pgp/check-signature.js';
// Text from outside (URLs, file names, server answers) is shown with control and bidi characters escaped.
import { forTerminal } from './links.js';
import type { Style } from './style.js';
import { formatSize } from '../format.js';
import { describePolicy } from '../trust/describe-policy.js';

import { SCHEMA } from './schema.js';

export { SCHEMA };

export interface SignerEntry {
  name: string;
  fingerprint: string;
  created: string | null;
  signingKey: string | null;
  note?: string;
}

export interface VerifyReport {
  schema: typeof SCHEMA;
  verdict: Verdict;
  exitCode: ExitCode;
  reason: { code: ReasonCode; message: string; hint?: string } | null;
  trust: 'pinned' | 'custom';
  target: { input: string; kind: 'url' | 'file' };
  artifact: { name: string; version: string | null; kind: string | null } | null;
  source: { url: string | null; verdict: string; reason?: string; redirects: string[] };
  signature: {
    url: string | null;
    required: number;
    /** The signers that must each have a counted signature (Electrum's release gate); empty when any n will do. */
    requiredSigners?: string[];
    /** Which rule set `required`: 'release-gate', 'any-release-signer' (version unknown) or 'any-n'. */
    policy?: 'release-gate' | 'any-release-signer' | 'any-n';
    signers: SignerEntry[];
    found: FoundSignature[];
  };
  sha256: string | null;
  size: number | null;
  output: string | null;
  warnings: string[];
}

export function emptyReport(input: string, kind: 'url' | 'file'): VerifyReport {
  return {
    schema: SCHEMA,
    verdict: 'error',
    exitCode: EXIT.USAGE,
    reason: null,
    trust: 'pinned',
    target: { input, kind },
    artifact: null,
    source: { url: kind === 'url' ? input : null, verdict: kind === 'url' ? 'untrusted' : 'local', redirects: [] },
    signature: { url: null, required: 1, signers: [], found: [] },
    sha256: null,
    size: null,
    output: null,
    warnings: [],
  };
}

export function settle(
  report: VerifyReport,
  failure: { code: ReasonCode; message: string; hint?: string | undefined } | null,
): VerifyReport {
  if (failure === null) {
    report.reason = null;
    report.exitCode = EXIT.OK;
  } else {
    report.reason = { code: failure.code, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) };
    report.exitCode = exitCodeFor(failure.code);
  }
  report.verdict = verdictFor(report.exitCode);
  return report;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Minimal styling interface so this module does not depend on chalk directly. */
export type { Style } from './style.js';

const HEADLINE: Record<number, string> = {
  [EXIT.OK]: 'VERIFIED',
  [EXIT.NOT_AUTHENTIC]: 'NOT AUTHENTIC',
  [EXIT.USAGE]: 'ERROR',
  [EXIT.SOURCE_REJECTED]: 'REJECTED SOURCE',
  [EXIT.NETWORK]: 'ERROR',
  [EXIT.VULNERABLE]: 'REFUSED',
  [EXIT.INTERRUPTED]: 'INTERRUPTED',
};

export function groupFingerprint(fpr: string): string {
  return fpr.replace(/(.{4})/g, '$1 ').trim();
}

function subject(report: VerifyReport): string {
  const name = report.artifact?.name;
  if (name === undefined) return forTerminal(report.target.input);
  // A local file judged under another name (--as): both names.
  const own = report.target.kind === 'file' ? report.target.input.split(/[\\/]/).pop() : undefined;
  return forTerminal(own !== undefined && own !== name ? `${own} (as ${name})` : name);
}

/** The human report: a verdict line first, then the evidence, then what to do next. */
export function renderHuman(report: VerifyReport, style: Style): string {
  const lines: string[] = [];
  const head = HEADLINE[report.exitCode] ?? 'ERROR';
  const signers = report.signature.signers.map((s) => s.name).join(', ');
  if (report.exitCode === EXIT.OK) {
    lines.push(`${style.ok(style.bold(`✔ ${head}`))}  ${subject(report)} is signed by ${signers}`);
  } else {
    lines.push(
      `${style.bad(style.bold(`✘ ${head}`))}  ${subject(report)}: ${forTerminal(report.reason?.message ?? 'failed')}`,
    );
  }
  if (report.trust === 'custom')
    lines.push(style.warn('  trust:   a custom keyring (--keyring), not the pinned Electrum release keys'));
  if (report.signature.signers.length > 0 || report.signature.found.length > 0) {
    for (const line of describePolicy(report)) lines.push(`  ${forTerminal(line)}`);
  }
  if (report.source.url && report.source.verdict !== 'official')
    lines.push(`  source:  ${forTerminal(report.source.url)} (${report.source.verdict})`);
  for (const hop of report.source.redirects) lines.push(style.dim(`  via:     ${forTerminal(hop)}`));
  if (report.signature.url) lines.push(`  sigs:    ${forTerminal(report.signature.url)}`);
  for (const s of report.signature.signers) {
    lines.push(
      `  signer:  ${s.name}  ${groupFingerprint(s.fingerprint)}${s.created ? `  signed ${s.created.slice(0, 10)}` : ''}`,
    );
  }
  for (const f of report.signature.found) {
    if (f.status === 'valid' && !f.detail) continue;
    if (f.counted === false && f.signer !== null && f.status !== 'bad' && f.status !== 'malformed') continue; // "not counted" above
    const who = f.signer ?? `unknown key ${f.issuer}`;
    const text = `  ${f.status === 'valid' ? 'note' : f.status}: ${who}${f.detail ? ` — ${forTerminal(f.detail)}` : ''}`;
    lines.push(f.status === 'valid' || f.status === 'unknown-key' ? style.dim(text) : style.bad(text));
  }
  if (report.sha256)
    lines.push(`  SHA-256: ${report.sha256}${report.size !== null ? `  (${formatSize(report.size)})` : ''}`);
  if (report.output) lines.push(`  saved:   ${forTerminal(report.output)}`);
  if (report.reason?.hint) lines.push(`  next:    ${forTerminal(report.reason.hint)}`);
  return lines.join('\n') + '\n';
}
