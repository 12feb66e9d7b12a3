/**
 * `electrum-verify keys [--json] [--check]` and `electrum-verify keys refresh <file…>`.
 *
 * This module is imported by the CLI at start-up (registerKeys), so it loads nothing heavy itself: openpgp.js,
 * the keyring and the styling are imported when a `keys` command actually runs.
 */
import type { Command } from 'commander';
import type { Style } from '../report/verify-report.js';

interface KeysIo {
  stdout: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  style: Style;
}

export interface KeysOptions {
  json?: boolean;
  check?: boolean;
  stateDir?: string | undefined;
  /** Tests: "today" for --check. */
  now?: Date;
  keysDir?: string;
}

const when = (iso: string | null): string => (iso === null ? 'never' : iso.slice(0, 10));

/** `keys` and `keys --check`. Exit 0, or (with --check) 1 when a key the default policy requires is unusable. */
export async function keysCommand(opts: KeysOptions, io: KeysIo): Promise<number> {
  const [
    { SCHEMA, groupFingerprint, toJson },
    { describeKey },
    { loadPinnedKeyring },
    { keyHealth, shortFingerprint },
  ] = await Promise.all([
    import('../report/verify-report.js'),
    import('../trust/describe.js'),
    import('../trust/keyring.js'),
    import('../trust/key-health.js'),
  ]);
  const warnings: string[] = [];
  const keyring = await loadPinnedKeyring(opts.keysDir, {
    stateDir: opts.stateDir,
    onWarning: (m) => warnings.push(m),
  });
  const now = opts.now ?? new Date();
  const described = await Promise.all(keyring.keys.map((k) => describeKey(k, now)));
  const health = await Promise.all(keyring.keys.map((k) => keyHealth(k, now)));
  const usable = health.every((h) => !h.required || h.usable);
  const exitCode = opts.check && !usable ? 1 : 0;
  const { style } = io;
  for (const w of warnings) (io.stderr ?? io.stdout).write(`${opts.json ? '' : style.warn('warning: ')}${w}\n`);

  if (opts.json) {
    const keys = described.map((d, i) => {
      const h = health[i]!;
      return {
        ...d,
        role: h.role,
        required: h.required,
        source: h.source,
        ...(h.sourcePath ? { sourcePath: h.sourcePath } : {}),
        ...(opts.check
          ? {
              status: h.status,
              usable: h.usable,
              signing: h.parts
                .filter((p) => p.signing)
                .map((p) => ({
                  fingerprint: p.fingerprint,
                  primary: p.primary,
                  expires: p.expires,
                  daysLeft: p.daysLeft,
                  state: p.state,
                })),
              messages: h.messages,
            }
          : {}),
      };
    });
    const check = opts.check
      ? {
          verdict: exitCode === 0 ? 'usable' : 'unusable',
          exitCode,
          checked: now.toISOString(),
          warnings: [...warnings, ...health.filter((h) => h.status === 'warning').flatMap((h) => h.messages)],
          errors: health.filter((h) => h.status === 'error').flatMap((h) => h.messages),
        }
      : {};
    io.stdout.write(toJson({ schema: SCHEMA, ...check, keys }));
    return exitCode;
  }

  const lines = [
    opts.check
      ? `Pinned Electrum release-signing keys, checked ${now.toISOString().slice(0, 10)} (names from electrum-verify, not from the keys):`
      : 'Pinned Electrum release-signing keys (names from electrum-verify, not from the keys):',
    '',
  ];
  for (const [i, k] of described.entries()) {
    const h = health[i]!;
    const role = h.role === 'release' ? 'release signer (required)' : h.role === 'cosigner' ? 'cosigner' : 'custom';
    const mark = !opts.check
      ? ''
      : h.status === 'ok'
        ? style.ok('✔ ')
        : h.status === 'warning'
          ? style.warn('⚠ ')
          : style.bad('✘ ');
    lines.push(`${mark}${style.bold(k.name)}  ${k.algorithm}  ${style.dim(role)}`);
    lines.push(`  primary  ${groupFingerprint(k.fingerprint)}`);
    for (const s of k.signingKeys) if (s !== k.fingerprint) lines.push(`  signs    ${groupFingerprint(s)} (subkey)`);
    if (opts.check) {
      for (const p of h.parts.filter((x) => x.signing)) {
        const label = p.primary ? 'key' : `subkey ${shortFingerprint(p.fingerprint)}`;
        const days =
          p.daysLeft === null ? '' : p.daysLeft >= 0 ? ` (${p.daysLeft} days left)` : ` (${-p.daysLeft} days ago)`;
        const verb = p.state === 'expired' ? 'expired' : p.state === 'revoked' ? 'revoked, expiry' : 'expires';
        const text =
          p.expires === null && p.state !== 'revoked'
            ? `  ${label}: never expires`
            : `  ${label}: ${verb} ${when(p.expires)}${p.expires ? days : ''}`;
        lines.push(p.state === 'ok' ? text : p.state === 'expiring' ? style.warn(text) : style.bad(text));
      }
      for (const m of h.messages) lines.push(style.dim(`  ${m}`));
    } else if (k.expires) {
      const at = k.expires.slice(0, 10);
      lines.push(
        k.expiredNow ? style.warn(`  expired  ${at}: signatures made before then still verify`) : `  expires  ${at}`,
      );
    }
    lines.push(
      `  copy     ${h.source === 'refreshed' ? `refreshed (${h.sourcePath})` : 'pinned (shipped with electrum-verify)'}`,
    );
    lines.push('');
  }
  if (opts.check) {
    const required = health.filter((h) => h.required).map((h) => h.name);
    lines.push(
      usable
        ? style.ok(`Policy usable: every release signer (${required.join(', ')}) can sign today.`)
        : style.bad(
            `Policy NOT usable: ${health
              .filter((h) => h.required && !h.usable)
              .map((h) => h.name)
              .join(
                ', ',
              )} cannot sign today. Update electrum-verify or run \`electrum-verify keys refresh <newer key file>\`.`,
          ),
    );
    lines.push('');
  }
  io.stdout.write(lines.join('\n'));
  return exitCode;
}

/** `keys refresh <file…>`: exit 0 when every file was read (changed or not), 2 when a file was not a key file. */
export async function keysRefreshCommand(
  files: readonly string[],
  opts: { json?: boolean; stateDir?: string | undefined; keysDir?: string },
  io: KeysIo,
): Promise<number> {
  const [{ SCHEMA, toJson }, { refreshKeys }] = await Promise.all([
    import('../report/verify-report.js'),
    import('../trust/refresh.js'),
  ]);
  const warnings: string[] = [];
  const r = await refreshKeys(files, {
    stateDir: opts.stateDir,
    keysDir: opts.keysDir,
    onWarning: (m) => warnings.push(m),
  });
  const exitCode = r.errors.length > 0 ? 2 : 0;
  if (opts.json) {
    io.stdout.write(
      toJson({
        schema: SCHEMA,
        verdict: exitCode === 0 ? 'ok' : 'error',
        exitCode,
        stateDir: r.stateDir,
        changed: r.changed,
        notes: r.notes,
        errors: r.errors,
        warnings,
      }),
    );
    return exitCode;
  }
  const { style } = io;
  const lines: string[] = [];
  for (const w of warnings) lines.push(style.warn(`warning: ${w}`));
  for (const c of r.changed) {
    for (const l of c.lines) lines.push(style.ok(l));
    lines.push(style.dim(`  saved ${c.path}`));
  }
  for (const n of r.notes) lines.push(style.dim(n));
  for (const e of r.errors) lines.push(style.bad(e));
  if (r.changed.length === 0) lines.push('No pinned key changed.');
  io.stdout.write(lines.join('\n') + '\n');
  return exitCode;
}

/** The `keys` command and its `refresh` subcommand, for src/cli.ts. */
export function registerKeys(program: Command, setExit: (code: number) => void): void {
  const styled = async (stream: NodeJS.WriteStream): Promise<Style> =>
    (await import('../report/style.js')).styleFor(stream);
  const keys = program
    .command('keys')
    .description('show the pinned Electrum release-signing keys; --check judges their health today')
    .option('--json', 'print one JSON object on stdout')
    .option(
      '--check',
      'expiry and days left of every signing key; exit 1 if a key the default policy requires cannot sign today',
    )
    .option(
      '--state-dir <dir>',
      'state folder with refreshed key copies (default: $ELECTRUM_VERIFY_STATE, $XDG_STATE_HOME/electrum-verify, ~/.local/state/electrum-verify)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ electrum-verify keys
  $ electrum-verify keys --check --json        # for a scheduled CI job: exit 1 when the policy is not usable
  $ electrum-verify keys refresh Emzy.asc      # a newer copy of a pinned key (new expiry, subkeys, revocations)
  $ electrum-verify keys refresh 6694D8DE7BE8EE5631BED9502BD5824B7F9470E6.rev   # a revocation certificate`,
    )
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { json?: boolean; check?: boolean; stateDir?: string };
      setExit(
        await keysCommand(
          { json: o.json === true, check: o.check === true, stateDir: o.stateDir },
          { stdout: process.stdout, stderr: process.stderr, style: await styled(process.stdout) },
        ),
      );
    });
  keys
    .command('refresh')
    .description('merge newer copies of pinned keys (only what their own primary key signed) into the state folder')
    .argument(
      '<file...>',
      'armored or binary public key files (e.g. a newer Emzy.asc from spesmilo/electrum pubkeys/), or a revocation certificate',
    )
    .option('--json', 'print one JSON object on stdout')
    .option('--state-dir <dir>', 'state folder for the refreshed copies')
    .action(async (files: string[], o: { json?: boolean; stateDir?: string }, cmd: Command) => {
      const all = { ...cmd.optsWithGlobals(), ...o } as { json?: boolean; stateDir?: string };
      setExit(
        await keysRefreshCommand(
          files,
          { json: all.json === true, stateDir: all.stateDir },
          { stdout: process.stdout, stderr: process.stderr, style: await styled(process.stdout) },
        ),
      );
    });
}
