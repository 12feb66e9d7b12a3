/** How check-url and check-message show judgements: one JSON object, or one line per link for a person. */
import type { UrlJudgement } from '../policy/origin.js';

import { SCHEMA } from './schema.js';
import type { Style } from './style.js';

export interface ReportedLink extends UrlJudgement {
  /** What the reader of a message saw, when it differs from the URL judged. */
  text?: string;
}

export function jsonReport(results: readonly ReportedLink[], extra: Record<string, unknown> = {}): string {
  const rows = results.map(({ url, host, verdict, category, reason, text }) => ({
    url,
    host,
    verdict,
    category,
    reason,
    ...(text === undefined ? {} : { text }),
  }));
  return `${JSON.stringify({ schema: SCHEMA, results: rows, ...extra }, null, 2)}\n`;
}

/** Control, format (bidi, zero-width) and separator characters would garble or disguise terminal output: show them escaped. */
export function forTerminal(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
}

const plain = (s: string): string => s;
const PLAIN: Style = { ok: plain, bad: plain, warn: plain, dim: plain, bold: plain };

/** The report style (style.ts); chalk is loaded only when colour is wanted (check-url starts in ~90 ms). */
export async function paintFor(color: boolean): Promise<Style> {
  return color ? (await import('./style.js')).styleWithLevel(1) : PLAIN;
}

const INDENT = ' '.repeat(13);

/** `✔ official   https://…`, or `✘ lookalike  https://…` followed by what the reader saw and the reason. */
export function humanLine(r: ReportedLink, paint: Style): string {
  const official = r.verdict === 'official';
  const mark = official ? paint.ok('✔') : paint.bad('✘');
  const head = `${mark} ${(official ? paint.ok : paint.bad)(r.verdict.padEnd(10))} ${forTerminal(r.url)}\n`;
  if (official) return head;
  const shown = r.text === undefined ? '' : `${INDENT}${paint.dim(`shown as "${forTerminal(r.text)}"`)}\n`;
  return `${head}${shown}${INDENT}${forTerminal(r.reason)}\n`;
}
