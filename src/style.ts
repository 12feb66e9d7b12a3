/** Terminal colours for one output stream, honouring NO_COLOR and FORCE_COLOR. Loaded only by commands that print. */
import { Chalk } from 'chalk';
import type { Style } from './report.js';
import { colorEnabled } from './color.js';

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const c = new Chalk({ level: colorEnabled(stream, env) ? 2 : 0 });
  return { ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim, bold: c.bold };
}
