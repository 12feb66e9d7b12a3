/**
 * The architecture's "never" rules, enforced on the import graph of src/ (static imports and dynamic import()):
 * - policy/ judges, it never does I/O (no file system, no network);
 * - the crypto and trust code (pgp/, trust/) never touches the network;
 * - the core (everything but cli.ts and commands/) never knows the command line (commander, cli.ts, commands/);
 * - no module but cli.ts installs process handlers or ends the process;
 * - no module but pgp/openpgp-internals.ts reaches into openpgp.js internals (casts of its objects, its symbols).
 * Each rule is also checked against a deliberate violation, so a broken scanner cannot pass silently.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module a source file imports: package names as written, local ones as paths relative to src/. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g),
  ].map((m) => (m[1] ?? m[2]) as string);
  return specs.map((s) => (s.startsWith('.') ? relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, '.ts') : s));
}

const NETWORK = (spec: string): boolean =>
  /^(node:)?(net|http|https|http2|tls|dgram|dns)$/.test(spec) ||
  spec === 'undici' ||
  spec.startsWith('undici/') ||
  spec.startsWith('net/');
const FILES = (spec: string): boolean => /^(node:)?fs(\/promises)?$/.test(spec) || spec.startsWith('fs/');
const COMMAND_LINE = (spec: string): boolean =>
  spec === 'commander' || spec === 'cli.ts' || spec.startsWith('commands/');

const RULES: Array<{ name: string; applies: (file: string) => boolean; forbidden: (spec: string) => boolean }> = [
  { name: 'policy/ does no I/O', applies: (f) => f.startsWith('policy/'), forbidden: (s) => NETWORK(s) || FILES(s) },
  {
    name: 'pgp/ and trust/ never touch the network',
    applies: (f) => f.startsWith('pgp/') || f.startsWith('trust/'),
    forbidden: NETWORK,
  },
  {
    name: 'the core never knows the command line',
    applies: (f) => f !== 'cli.ts' && !f.startsWith('commands/'),
    forbidden: COMMAND_LINE,
  },
];

function violations(files: Array<{ path: string; imports: string[] }>): string[] {
  const out: string[] = [];
  for (const { path, imports } of files) {
    for (const rule of RULES) {
      if (!rule.applies(path)) continue;
      for (const spec of imports) if (rule.forbidden(spec)) out.push(`${rule.name}: ${path} imports ${spec}`);
    }
  }
  return out;
}

const PROCESS_HOOK = /\bprocess\.(on|once|addListener|prependListener|exit)\(/;
/** In a module that imports openpgp: a cast that reaches past its types, or its private symbols / digest hook. */
const OPENPGP_INTERNALS = /\bas unknown as\b|getOwnPropertySymbols|\.hashed\b/;

describe('architecture', () => {
  const files = sources().map((f) => ({
    path: relative(SRC, f),
    imports: importsOf(f),
    text: readFileSync(f, 'utf8'),
  }));

  it('the scanner sees the imports (sanity: the checklist imports its steps, cli.ts imports commander)', () => {
    expect(files.find((f) => f.path === 'verify.ts')?.imports).toContain('verify/target.ts');
    expect(files.find((f) => f.path === 'cli.ts')?.imports).toContain('commander');
    expect(files.find((f) => f.path === 'net/dispatcher.ts')?.imports.some((s) => s.startsWith('undici'))).toBe(true);
  });

  it('each rule catches a deliberate violation', () => {
    expect(violations([{ path: 'policy/x.ts', imports: ['node:fs/promises'] }])).toHaveLength(1);
    expect(violations([{ path: 'pgp/x.ts', imports: ['net/index.ts'] }])).toHaveLength(1);
    expect(violations([{ path: 'trust/x.ts', imports: ['undici'] }])).toHaveLength(1);
    expect(violations([{ path: 'verify/x.ts', imports: ['commands/verify.ts'] }])).toHaveLength(1);
    expect(PROCESS_HOOK.test("process.on('SIGINT', f)")).toBe(true);
    expect(OPENPGP_INTERNALS.test('(packet as unknown as { params: unknown }).params')).toBe(true);
    expect(
      OPENPGP_INTERNALS.test("Object.getOwnPropertySymbols(packet).find((s) => s.description === 'verified')"),
    ).toBe(true);
  });

  it('no module breaks a rule', () => {
    expect(violations(files)).toEqual([]);
  });

  it('only cli.ts installs process handlers or ends the process (a worker thread may end itself)', () => {
    // pgp/digest-worker.ts is the SOURCE TEXT of the hash worker: its process.exit runs in that worker thread and ends
    // only the thread.
    const allowed = new Set(['cli.ts', 'pgp/digest-worker.ts']);
    const offenders = files.filter((f) => !allowed.has(f.path) && PROCESS_HOOK.test(f.text)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('only pgp/openpgp-internals.ts reaches into openpgp.js internals (its test pins the version)', () => {
    const offenders = files
      .filter((f) => f.path !== 'pgp/openpgp-internals.ts' && f.imports.includes('openpgp'))
      .filter((f) => OPENPGP_INTERNALS.test(f.text))
      .map((f) => f.path)
      .sort();
    expect(offenders).toEqual([]);
    expect(OPENPGP_INTERNALS.test(files.find((f) => f.path === 'pgp/openpgp-internals.ts')?.text ?? '')).toBe(true);
  });
});
