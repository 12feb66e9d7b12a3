/**
 * Printing a several-target run: one verdict line per file and a summary (text), the one JSON object (json), or
 * the text plus GitHub annotations on stderr and a step summary (github). Shared by `verify <target…>` and
 * `verify-release`.
 */
import { renderHuman, toJson, type Style } from '../report/verify-report.js';
import { forTerminal } from '../report/links.js';
import {
  annotationsFor,
  appendStepSummary,
  formatAnnotation,
  stepSummary,
  type Annotation,
  type OutputFormat,
} from '../report/ci.js';
import type { ManyReport } from './verify-many.js';

export interface ManyIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  style: Style;
  errStyle: Style;
  env?: NodeJS.ProcessEnv;
}

export interface Presentation {
  /** The heading of the summary (e.g. "Electrum 4.5.8 in ./mirror"). */
  title: string;
  /** Lines after the per-file verdicts (missing files, strangers, …), already worded. */
  notes: string[];
  /** Extra annotations for the github format (missing files, strangers, an empty folder). */
  annotations: Annotation[];
  quiet?: boolean;
}

export function summaryLine(many: ManyReport): string {
  const s = many.summary;
  const parts = [`${s.verified} of ${s.targets} verified`];
  if (s.rejected) parts.push(`${s.rejected} rejected`);
  if (s.errors) parts.push(`${s.errors} error(s)`);
  return parts.join(', ');
}

export async function presentMany(
  many: ManyReport,
  format: OutputFormat,
  p: Presentation,
  io: ManyIO,
  annotate = format === 'github',
): Promise<void> {
  const env = io.env ?? process.env;
  if (format === 'json') {
    io.stdout.write(toJson(many));
    if (annotate) await annotateGithub(many, p, io, env);
    return;
  }
  const lines: string[] = [];
  // One verdict line per file (the single-target report's first line); a failure also says what to do next.
  for (const r of many.results) {
    const text = renderHuman(r, io.style).split('\n');
    lines.push(text[0] ?? '');
    if (r.exitCode !== 0 && !p.quiet) lines.push(...text.filter((l) => l.startsWith('  next:')));
  }
  io.stdout.write(lines.length > 0 ? lines.join('\n') + '\n' : '');
  const head =
    many.exitCode === 0
      ? io.style.ok(io.style.bold('✔ VERIFIED'))
      : io.style.bad(io.style.bold(many.verdict === 'error' ? '✘ ERROR' : '✘ NOT VERIFIED'));
  const out: string[] = [];
  for (const n of p.notes) out.push(`  ${forTerminal(n)}`);
  out.push(
    `${head}  ${forTerminal(p.title)}: ${summaryLine(many)}${many.reason && many.exitCode !== 0 ? ` — ${forTerminal(many.reason.message)}` : ''}`,
  );
  if (many.reason?.hint && many.exitCode !== 0) out.push(`  next:    ${forTerminal(many.reason.hint)}`);
  io.stdout.write(out.join('\n') + '\n');
  if (annotate) await annotateGithub(many, p, io, env);
}

/** `::error`/`::warning` workflow commands on stderr and the Markdown step summary. */
async function annotateGithub(many: ManyReport, p: Presentation, io: ManyIO, env: NodeJS.ProcessEnv): Promise<void> {
  for (const a of annotationsFor(many.results, p.annotations)) io.stderr.write(formatAnnotation(a));
  await appendStepSummary(stepSummary(p.title, many, many.results, p.notes), env, (m) =>
    io.stderr.write(io.errStyle.warn(`warning: ${m}\n`)),
  );
}

/** Warnings of a run over several files (a custom keyring, a refreshed key, an old release…): each once, on stderr. */
export function warnOnce(io: Pick<ManyIO, 'stderr' | 'errStyle'>): (message: string) => void {
  const warned = new Set<string>();
  return (m) => {
    if (warned.has(m)) return;
    warned.add(m);
    io.stderr.write(io.errStyle.warn(`warning: ${m}\n`));
  };
}

/**
 * The progress of a run over several files, as a display sees it (src/commands/progress.ts draws it on a terminal;
 * this module only calls it). `stop()` clears it before the verdicts are printed.
 */
export interface ManyProgress {
  /** Target `index` (named `name`) starts the step `stage`. */
  stage(index: number, name: string, stage: 'signature' | 'download' | 'read' | 'check'): void;
  bytes(index: number, received: number, total: number | null): void;
  /** Target `index` has its verdict. */
  done(index: number): void;
  /** Clear the line and show the cursor. Idempotent. */
  stop(): void;
}

/** Makes the display for `count` targets (created before the work starts; one that does nothing off a terminal). */
export type ManyProgressFactory = (count: number) => Promise<ManyProgress>;
