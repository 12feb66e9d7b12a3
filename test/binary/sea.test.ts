/**
 * The single-file build (`npm run build:binary`). The tests marked "binary" run only when EV_CLI names the
 * executable (`EV_CLI=dist/bin/electrum-verify-linux-x64 npm run test:e2e`; .ci/run does this after the build):
 * they copy it ALONE into an empty folder and run it from another empty folder with an empty HOME, so anything
 * it needed from beside itself (keys/, node_modules/, dist/) would be missing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKind, isSingleExecutable } from '../../src/build-info.js';
import { describeRun, EV_CLI, runCli, type CliResult } from '../support/cli.js';

describe('build-info (Node script)', () => {
  it('is not the single-file build when run by node', () => {
    expect(isSingleExecutable()).toBe(false);
    expect(buildKind()).toBe('Node script');
  });
});

describe.skipIf(EV_CLI === undefined)('binary (EV_CLI)', () => {
  let work: string;
  let alone: string;
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]): Promise<CliResult> => runCli(args, { env: { ...env, EV_CLI: alone }, cwd });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ev-sea-'));
    await mkdir(join(work, 'bin'));
    await mkdir(join(work, 'cwd'));
    await mkdir(join(work, 'home'));
    alone = join(work, 'bin', basename(EV_CLI!));
    await copyFile(EV_CLI!, alone);
    cwd = join(work, 'cwd');
    env = {
      HOME: join(work, 'home'),
      XDG_STATE_HOME: join(work, 'home', 'state'),
      ELECTRUM_VERIFY_STATE: join(work, 'home', 'ev-state'),
    };
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('the checksum file beside it names it and matches its bytes', async () => {
    const sumFile = `${EV_CLI}.sha256`;
    const text = await readFile(sumFile, 'utf8');
    const digest = createHash('sha256')
      .update(await readFile(EV_CLI!))
      .digest('hex');
    expect(text).toBe(`${digest}  ${basename(EV_CLI!)}\n`);
  });

  it('--version says it is the single-file build, on Node 24', async () => {
    // runCli spawns EV_CLI; it is the copy alone in an empty folder
    const r = await run(['--version']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/single-file build/);
    expect(r.stdout).toMatch(/Node\.js v24\./);
  });

  it('the pinned keys are inside it (keys --json, nothing beside the executable)', async () => {
    const r = await run(['keys', '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const names = (r.json.keys as { name: string }[]).map((k) => k.name).sort();
    expect(names).toEqual(['Emzy', 'ThomasV', 'felixb_f321x', 'sombernight_releasekey', 'svanstaa'].sort());
  });

  it('check-url loads the public-suffix list (tldts) from the bundle', async () => {
    const ok = await run(['check-url', 'https://download.electrum.org/4.5.8/Electrum-4.5.8.tar.gz']);
    expect(ok.code, describeRun(ok)).toBe(0);
    // a lookalike host is judged through tldts (registrable domain)
    const bad = await run([
      'check-url',
      'https://download.electrum.org.evil.example.co.uk/4.5.8/Electrum-4.5.8.tar.gz',
      '--json',
    ]);
    expect(bad.code, describeRun(bad)).toBe(3);
  });

  it('verifies a local 12 MiB file signed with SHA-512 (RSA) and SHA-256 (ECC): the hash worker runs in the binary', async () => {
    const data = randomBytes(12 * 1024 * 1024); // > INLINE_LIMIT (4 MiB): the SHA-512 lane goes to the worker
    const gen = async (name: string, type: 'rsa' | 'ecc') =>
      (
        await openpgp.generateKey({
          type,
          ...(type === 'rsa' ? { rsaBits: 2048 } : { curve: 'nistP256' as const }),
          userIDs: [{ name }],
          format: 'object',
        })
      ).privateKey;
    const [rsa, ecc] = await Promise.all([gen('Sea RSA', 'rsa'), gen('Sea ECC', 'ecc')]);
    const sign = async (key: openpgp.PrivateKey, hash: openpgp.enums.hash) =>
      openpgp.sign({
        message: await openpgp.createMessage({ binary: data }),
        signingKeys: key,
        detached: true,
        format: 'armored',
        config: { preferredHashAlgorithm: hash },
      });
    const asc = (await sign(rsa, openpgp.enums.hash.sha512)) + (await sign(ecc, openpgp.enums.hash.sha256));
    expect(asc).toContain('BEGIN PGP SIGNATURE');
    const dir = join(work, 'files');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'Electrum-4.5.8.tar.gz');
    await writeFile(file, data);
    await writeFile(`${file}.asc`, asc);
    await writeFile(join(dir, 'keys.asc'), rsa.toPublic().armor() + ecc.toPublic().armor());
    const ok = await run([
      'verify',
      file,
      '--signature',
      `${file}.asc`,
      '--keyring',
      join(dir, 'keys.asc'),
      '--min-signers',
      '2',
      '--json',
    ]);
    expect(ok.code, describeRun(ok)).toBe(0);
    expect(ok.json.verdict).toBe('verified');
    // the same with the last byte changed: both digests differ, the worker's included
    data[data.length - 1]! ^= 1;
    await writeFile(file, data);
    const bad = await run([
      'verify',
      file,
      '--signature',
      `${file}.asc`,
      '--keyring',
      join(dir, 'keys.asc'),
      '--min-signers',
      '2',
      '--json',
    ]);
    expect(bad.code, describeRun(bad)).toBe(1);
    expect(dirname(file)).toBe(dir);
  }, 120_000);
});
