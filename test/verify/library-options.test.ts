/**
 * The library boundary: what a program passes to `verify()` (src/verify.ts) is checked by type and range, with
 * messages that say what is expected, and no option can turn "no signature counted" into `verified`. Keys are made
 * in the run (test/trust/fixture-keys.ts) and play ThomasV and SomberNight through an injected signer table.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../src/report/verify-report.js';
import type { SignerPolicyEntry } from '../../src/trust/pinned.js';
import { verify, type VerifyOptions } from '../../src/verify.js';
import { DAY, makeKey, signData, table, tempDir, writeKeyring, type TestSigner } from '../trust/fixture-keys.js';

let dir: string;
let data: Buffer;
let file: string; // Electrum-4.5.8.tar.gz: the release gate needs ThomasV + SomberNight
let T: TestSigner;
let S: TestSigner;
let keyring: string;
const asc: Record<string, string> = {};

async function signer(name: string): Promise<TestSigner> {
  const key = await makeKey(name);
  return { name, key, pinned: key.toPublic(), fingerprint: key.getFingerprint().toUpperCase() };
}

beforeAll(async () => {
  dir = await tempDir('ev-libopts-');
  data = randomBytes(4096);
  file = join(dir, 'Electrum-4.5.8.tar.gz');
  await writeFile(file, data);
  [T, S] = await Promise.all([signer('TestThomas'), signer('TestSomber')]);
  keyring = await writeKeyring(dir, [T.pinned, S.pinned]);
  const write = async (name: string, content: string | Uint8Array): Promise<void> => {
    asc[name] = join(dir, name);
    await writeFile(asc[name]!, content);
  };
  await write('thomas.asc', await signData(data, T.key));
  await write('somber.asc', await signData(data, S.key));
  // gpg --detach-sign style: a binary .sig
  const message = await openpgp.createMessage({ binary: data });
  await write('somber.sig', await openpgp.sign({ message, signingKeys: S.key, detached: true, format: 'binary' }));
  // dated a day ahead: "future", listed but never counted
  await write('future.asc', await signData(data, T.key, new Date(Date.now() + DAY)));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (options: Record<string, unknown>, input: unknown = file): Promise<VerifyReport> =>
  verify(input as string, options as VerifyOptions);

function expectUsage(r: VerifyReport, message: RegExp): void {
  expect(r.reason?.code, JSON.stringify(r.reason)).toBe('USAGE');
  expect(r.exitCode).toBe(2);
  expect(r.verdict).toBe('error');
  expect(r.reason?.message).toMatch(message);
  expect(r.reason?.message).not.toMatch(/argument must be of type|Received an instance|ERR_/);
}

describe('minSigners through the library', () => {
  it.each([0, -1, 1.5, Number.NaN, 65, '2', Number.POSITIVE_INFINITY])(
    'minSigners: %s with only a future-dated signature → USAGE (exit 2), never verified',
    async (minSigners) => {
      const r = await run({ signature: asc['future.asc'], keyring, minSigners });
      expectUsage(r, /verify\(\): minSigners must be a whole number from 1 to 64 \(got /);
      expect(r.reason?.hint).toMatch(/Leave it out/);
      // the bad value is never copied into the report
      expect(r.signature.required).toBe(1);
      expect(r.signature.signers).toEqual([]);
    },
  );

  it('minSigners: 1 with only a future-dated signature → NOT_ENOUGH_SIGNERS (the counted one is missing)', async () => {
    const r = await run({ signature: asc['future.asc'], keyring, minSigners: 1 });
    expect(r.reason?.code).toBe('NOT_ENOUGH_SIGNERS');
    expect(r.exitCode).toBe(1);
    expect(r.signature.found.map((f) => [f.status, f.counted])).toEqual([['future', false]]);
  });

  it('minSigners: 64 is accepted as a number (then refused for want of 64 trusted keys)', async () => {
    const r = await run({ signature: asc['thomas.asc'], keyring, minSigners: 64 });
    expect(r.reason?.code).toBe('USAGE');
    expect(r.reason?.message).toMatch(/asks for more signers than there are trusted keys \(2 in /);
  });
});

describe('defence in depth: nothing counted is never verified', () => {
  // A policy table whose only release signer is required from a version that does not exist yet: the release
  // gate then names nobody (required 0). Before the check, a lone uncounted signature passed as `verified`.
  const noneRequired = (): SignerPolicyEntry[] => [
    { name: 'ThomasV', fingerprint: T.fingerprint, role: 'release', requiredFrom: '99.0.0' },
  ];

  it('a requirement of 0 and a future-dated signature → NOT_ENOUGH_SIGNERS, exit 1', async () => {
    const r = await run({ signature: asc['future.asc'], keyring, signerTable: noneRequired() });
    expect(r.signature.required).toBe(0); // the policy really asked for nobody
    expect(r.reason?.code).toBe('NOT_ENOUGH_SIGNERS');
    expect(r.exitCode).toBe(1);
    expect(r.verdict).toBe('rejected');
    expect(r.reason?.message).toMatch(/no signature counted \(1 found, none valid by a trusted key\)/);
  });

  it('the same table with a valid signature still verifies (the check only demands one counted signature)', async () => {
    const r = await run({ signature: asc['thomas.asc'], keyring, signerTable: noneRequired() });
    expect(r.reason).toBeNull();
    expect(r.exitCode).toBe(0);
    expect(r.signature.signers.map((s) => s.fingerprint)).toEqual([T.fingerprint]);
  });
});

describe('signature: several files, as the command line merges repeated --signature', () => {
  it('[ThomasV .asc, SomberNight binary .sig] → merged, the release gate is met, both listed', async () => {
    const r = await run({
      signature: [asc['thomas.asc'], asc['somber.sig']],
      keyring,
      signerTable: table({ ThomasV: T, sombernight_releasekey: S }),
    });
    expect(r.reason, JSON.stringify(r.reason)).toBeNull();
    expect(r.exitCode).toBe(0);
    expect(r.signature.url).toBe(`${asc['thomas.asc']} + ${asc['somber.sig']}`);
    expect(r.signature.signers.map((s) => s.name)).toEqual(['ThomasV', 'sombernight_releasekey']);
  });

  it('each part alone fails the gate; the same block given twice is listed once', async () => {
    const one = await run({
      signature: [asc['thomas.asc'], asc['thomas.asc']],
      keyring,
      signerTable: table({ ThomasV: T, sombernight_releasekey: S }),
    });
    expect(one.reason?.code).toBe('NOT_ENOUGH_SIGNERS');
    expect(one.signature.found).toHaveLength(1);
  });

  it('a missing part is named (USAGE), not a Node type error', async () => {
    const r = await run({ signature: [asc['thomas.asc'], join(dir, 'nope.asc')], keyring });
    expectUsage(r, /nope\.asc/);
  });

  it.each([
    [[], /signature must be .* a list of 1 to 16 of them \(got an empty array\)/],
    [[42], /signature must be .*\(got an array holding 42\)/],
    [42, /signature must be a path or https:\/\/ URL of a detached \.asc, or a list of them \(got 42\)/],
    ['', /signature must be .*\(got ""\)/],
  ])('signature: %j → USAGE saying what is expected', async (signature, message) => {
    expectUsage(await run({ signature, keyring }), message);
  });
});

describe('other option types at the boundary', () => {
  it.each([
    [{ maxSize: -5 }, /maxSize must be a whole number of bytes, at least 1 \(got -5\)/],
    [{ maxSize: '5M' }, /maxSize must be .*\(got "5M"\)/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a number of milliseconds.*\(got NaN\)/],
    [{ force: 'yes' }, /force must be true or false \(got "yes"\)/],
    [{ allowHosts: 'mirror.example' }, /allowHosts must be an array of host names/],
    [{ now: new Date('nonsense') }, /now must be a valid Date \(got an invalid Date\)/],
    [{ keyring: 7 }, /keyring must be a non-empty string/],
    [{ onWarning: 'stderr' }, /onWarning must be a function/],
  ])('%j → USAGE', async (options, message) => {
    expectUsage(await run({ signature: asc['thomas.asc'], ...options }), message);
  });

  it('no target, or options that are not an object → a USAGE report, not a thrown TypeError', async () => {
    expectUsage(
      await verify(undefined as unknown as string),
      /verify\(\): the target must be a non-empty string .*\(got undefined\)/,
    );
    expectUsage(await run(null as unknown as Record<string, unknown>), /the options must be an object \(got null\)/);
  });
});
