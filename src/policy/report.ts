/** How check-url and check-message show judgements: one JSON object, or one line per link for a person. */
import type { UrlJudgement } from './origin.js';

const SCHEMA = 'electrum-verify/v1';

export interface ReportedLink extends UrlJudgement {
  /** What the reader of a message saw, when it differs from the URL judged. */
  text?: string;
}

export function jsonReport(results: readonly ReportedLink[], extra: Record<string, unknown> = {}): string {
  const rows = results.map(({ url, host, verdict, category, reason, text }) => ({ url, host, verdict, category, reason, ...(text === undefined ? {} : { text }) }));
  return `${JSON.stringify({ schema: SCHEMA, results: rows, ...extra }, null, 2)}\n`;
}

/** Control, format (bidi, zero-width) and separator characters would garble or disguise terminal output: show them escaped. */
export function forTerminal(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
}

export interface Paint {
  good: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
}

/** chalk is loaded only when colour is wanted. */
export async function paintFor(color: boolean): Promise<Paint> {
  if (!color) return { good: (s) => s, bad: (s) => s, dim: (s) => s };
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return { good: (s) => chalk.green(s), bad: (s) => chalk.red(s), dim: (s) => chalk.dim(s) };
}

const INDENT = ' '.repeat(13);

/** `✔ official   https://…`, or `✘ lookalike  https://…` followed by what the reader saw and the reason. */
export function humanLine(r: ReportedLink, paint: Paint): string {
  const official = r.verdict === 'official';
  const mark = official ? paint.good('✔') : paint.bad('✘');
  const head = `${mark} ${(official ? paint.good : paint.bad)(r.verdict.padEnd(10))} ${forTerminal(r.url)}\n`;
  if (official) return head;
  const shown = r.text === undefined ? '' : `${INDENT}${paint.dim(`shown as "${forTerminal(r.text)}"`)}\n`;
  return `${head}${shown}${INDENT}${forTerminal(r.reason)}\n`;
}
