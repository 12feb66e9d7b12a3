/**
 * A command that stops before it has a report (a usage error, a refused option, an interruption): under --json one
 * object of the contract's shape on stdout, else one line (and the next step) on stderr. One shape for every command.
 */
import { verdictFor, type ExitCode, type ReasonCode } from '../errors.js';
import { SCHEMA } from './schema.js';

export interface Refusal {
  code: ReasonCode;
  message: string;
  hint?: string | undefined;
}

export function refusalJson(r: Refusal, exitCode: number, extra: Record<string, unknown> = {}): string {
  const reason = { code: r.code, message: r.message, ...(r.hint ? { hint: r.hint } : {}) };
  return (
    JSON.stringify({ schema: SCHEMA, verdict: verdictFor(exitCode as ExitCode), exitCode, reason, ...extra }, null, 2) +
    '\n'
  );
}

export function refusalText(r: Pick<Refusal, 'message' | 'hint'>): string {
  return `electrum-verify: ${r.message}\n${r.hint ? `  next: ${r.hint}\n` : ''}`;
}
