/**
 * The one style interface of every human report (verify, links, keys, latest …) and the colours behind it,
 * honouring NO_COLOR and FORCE_COLOR (color.ts). chalk is loaded by this module only: code that may print
 * without colour imports the Style type alone, or loads this module lazily (links.ts).
 */
import { Chalk } from 'chalk';
import { colorEnabled } from './color.js';

export interface Style {
  ok(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/** The colours for chalk `level` (0: none). */
export function styleWithLevel(level: 0 | 1 | 2 | 3): Style {
  const c = new Chalk({ level });
  return { ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim, bold: c.bold };
}

/** The style for one output stream: colour only on a terminal, unless NO_COLOR / FORCE_COLOR say otherwise. */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return styleWithLevel(colorEnabled(stream, env) ? 2 : 0);
}
