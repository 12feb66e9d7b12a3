/**
 * Output for pipelines. `--format github|json|text` (default: github when GITHUB_ACTIONS=true, else text):
 * - github: the text output, plus one `::error file=…::…` workflow command per failure on STDERR (so that stdout
 *   stays the tool's own output) and a Markdown summary appended to $GITHUB_STEP_SUMMARY;
 * - json: the same as --json (one object on stdout, nothing else there).
 * `--format` together with `--json` is a usage error. No colour and no progress when CI is set (FORCE_COLOR wins).
 */
import { appendFile } from 'node:fs/promises';
import { VerifyError } from '../errors.js';
import type { VerifyReport } from './verify-report.js';

export type OutputFormat = 'github' | 'json' | 'text';

export function chooseFormat(
  o: { format?: string | undefined; json?: boolean | undefined },
  env: NodeJS.ProcessEnv = process.env,
): OutputFormat {
  if (o.format !== undefined && o.json)
    throw new VerifyError('USAGE', '--format and --json cannot be combined; --json is --format json');
  if (o.format !== undefined) {
    if (o.format !== 'github' && o.format !== 'json' && o.format !== 'text') {
      throw new VerifyError('USAGE', `--format ${o.format}: expected github, json or text`);
    }
    return o.format;
  }
  if (o.json) return 'json';
  return env.GITHUB_ACTIONS === 'true' ? 'github' : 'text';
}

/**
 * Whether GitHub annotations and the step summary are produced: with --format github, and also under --json when
 * GITHUB_ACTIONS=true (the JSON alone on stdout, the annotations on stderr). An explicit --format text|json: no.
 */
export function wantsAnnotations(
  o: { format?: string | undefined; json?: boolean | undefined },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (o.format !== undefined) return o.format === 'github';
  return env.GITHUB_ACTIONS === 'true';
}

/** Colour and progress are off in CI (CI set), unless FORCE_COLOR asks for colour. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
}

/** Workflow-command escaping (actions/toolkit `escapeData` / `escapeProperty`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  file?: string;
  title: string;
  message: string;
}

export function formatAnnotation(a: Annotation): string {
  const props = [a.file !== undefined ? `file=${escapeProperty(a.file)}` : null, `title=${escapeProperty(a.title)}`]
    .filter(Boolean)
    .join(',');
  return `::${a.level} ${props}::${escapeData(a.message)}\n`;
}

function fileOf(r: VerifyReport): string | undefined {
  return r.target.kind === 'file' ? r.target.input : undefined;
}

function nameOf(r: VerifyReport): string {
  return r.artifact?.name ?? r.target.input;
}

/** One annotation per failed target, plus the run's own problems (missing files, strangers, empty folder). */
export function annotationsFor(results: readonly VerifyReport[], extra: readonly Annotation[] = []): Annotation[] {
  const out: Annotation[] = [];
  for (const r of results) {
    if (r.exitCode === 0) continue;
    const file = fileOf(r);
    out.push({
      level: 'error',
      ...(file !== undefined ? { file } : {}),
      title: `electrum-verify: ${r.reason?.code ?? 'FAILED'}`,
      message: `${nameOf(r)}: ${r.reason?.message ?? r.verdict}${r.reason?.hint ? ` — ${r.reason.hint}` : ''}`,
    });
  }
  return [...out, ...extra];
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

const ICON: Record<string, string> = { verified: '✅', rejected: '❌', error: '⚠️' };

/** The Markdown appended to $GITHUB_STEP_SUMMARY. */
export function stepSummary(
  title: string,
  run: { verdict: string; exitCode: number; reason: { message: string } | null },
  results: readonly VerifyReport[],
  notes: readonly string[] = [],
): string {
  const lines = [`### ${cell(title)}: ${ICON[run.verdict] ?? ''} ${run.verdict} (exit ${run.exitCode})`, ''];
  if (run.reason) lines.push(`> ${cell(run.reason.message)}`, '');
  if (results.length > 0) {
    lines.push('| File | Verdict | Signers | SHA-256 |', '| --- | --- | --- | --- |');
    for (const r of results) {
      const signers = r.signature.signers.map((s) => s.name).join(', ');
      const verdict =
        r.exitCode === 0 ? `${ICON.verified} verified` : `${ICON[r.verdict] ?? ''} ${r.reason?.code ?? r.verdict}`;
      lines.push(
        `| \`${cell(nameOf(r))}\` | ${verdict} | ${cell(signers) || '—'} | ${r.sha256 ? `\`${r.sha256}\`` : '—'} |`,
      );
    }
    lines.push('');
  }
  for (const n of notes) lines.push(`- ${cell(n)}`);
  if (notes.length > 0) lines.push('');
  return lines.join('\n') + '\n';
}

/** Append to $GITHUB_STEP_SUMMARY when it is set; a failure to write it is a warning, never the verdict. */
export async function appendStepSummary(
  markdown: string,
  env: NodeJS.ProcessEnv = process.env,
  warn: (m: string) => void = () => undefined,
): Promise<void> {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  await appendFile(path, markdown).catch((e: Error) =>
    warn(`cannot append to GITHUB_STEP_SUMMARY (${path}): ${e.message}`),
  );
}
