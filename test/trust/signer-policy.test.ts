/**
 * Electrum's own signer policy (issue 13), through the library API `verify()` with keys made in the run playing
 * ThomasV, SomberNight and the cosigners (signer table injected; a custom keyring holds their "pinned" copies).
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePolicy } from '../../src/trust/describe.js';
import { signerRequirement } from '../../src/trust/signer-policy.js';
import { verify } from '../../src/verify.js';
import type { VerifyReport } from '../../src/report/verify-report.js';
import {
  DAY,
  makeKey,
  revoked,
  signData,
  table,
  tempDir,
  withExpiry,
  writeKeyring,
  type TestSigner,
} from './fixture-keys.js';

let dir: string;
let data: Buffer;
let T: TestSigner; // ThomasV
let S: TestSigner; // sombernight_releasekey
let E: TestSigner; // Emzy: our copy says the key expired before it signed
let F: TestSigner; // felixb_f321x
let R: TestSigner; // svanstaa: our copy says the key is revoked
let keyring: string;
const sigs: Record<string, string> = {};

async function signer(name: string, created?: Date): Promise<TestSigner> {
  const key = await makeKey(name, created);
  return { name, key, pinned: key.toPublic(), fingerprint: key.getFingerprint().toUpperCase() };
}

beforeAll(async () => {
  dir = await tempDir('ev-policy-');
  data = randomBytes(64 * 1024);
  const t0 = new Date(Date.now() - 40 * DAY);
  [T, S, E, F, R] = await Promise.all([
    signer('TestThomas'),
    signer('TestSomber'),
    signer('TestEmzy', t0),
    signer('TestFelix'),
    signer('TestSvan'),
  ]);
  // Emzy signed 20 days ago; our copy's newest self-signature says the key expired 10 days after creation.
  sigs.E = await signData(data, E.key, new Date(Date.now() - 20 * DAY));
  E.pinned = await withExpiry(E.key, new Date(t0.getTime() + 60_000), 10 * DAY);
  sigs.T = await signData(data, T.key);
  sigs.S = await signData(data, S.key);
  sigs.F = await signData(data, F.key);
  sigs.R = await signData(data, R.key);
  R.pinned = await revoked(R.key);
  sigs.Ebad = await signData(randomBytes(1024), F.key); // felixb's signature over other bytes
  sigs.Sfuture = await signData(data, S.key, new Date(Date.now() + DAY));
  keyring = await writeKeyring(dir, [T.pinned, S.pinned, E.pinned, F.pinned, R.pinned]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** verify() a local file named `name` (its version drives the policy) with the .asc made of `parts`. */
async function run(name: string, parts: string[], extra: { minSigners?: number } = {}): Promise<VerifyReport> {
  const file = join(dir, name);
  await writeFile(file, data);
  const asc = join(dir, `${name}.${parts.join('-')}.asc`);
  await writeFile(asc, parts.map((p) => sigs[p]).join(''));
  return verify(file, {
    signature: asc,
    keyring,
    signerTable: table({ ThomasV: T, sombernight_releasekey: S, Emzy: E, felixb_f321x: F, svanstaa: R }),
    ...extra,
  });
}

const statusOf = (r: VerifyReport, name: string) => r.signature.found.find((f) => f.signer === name);

describe('which signatures count', () => {
  it('cosigner whose pinned copy expired before it signed + both release signers → verified, with a warning', async () => {
    const r = await run('Electrum-4.5.8.tar.gz', ['T', 'E', 'S']);
    expect(r.reason).toBeNull();
    expect(r.exitCode).toBe(0);
    expect(r.signature.required).toBe(2);
    expect(r.signature.requiredSigners).toEqual(['ThomasV', 'sombernight_releasekey']);
    expect(r.signature.signers.map((s) => s.name)).toEqual(['ThomasV', 'sombernight_releasekey']);
    const emzy = statusOf(r, 'Emzy')!;
    expect(emzy.status).toBe('expired-key');
    expect(emzy.counted).toBe(false);
    expect(emzy.note).toMatch(
      /our copy of Emzy's key says the key expired on \d{4}-\d\d-\d\d, before this signature \(\d{4}-\d\d-\d\d\): update electrum-verify or run `electrum-verify keys refresh/,
    );
    expect(statusOf(r, 'ThomasV')!.counted).toBe(true);
    expect(r.warnings.some((w) => /Emzy's signature was not counted/.test(w))).toBe(true);
    // the human line (renderHuman calls describePolicy)
    expect(describePolicy(r)[0]).toBe("required: ThomasV + SomberNight (Electrum's release gate)");
    expect(describePolicy(r)[1]).toMatch(/^not counted: Emzy — our copy of Emzy's key says/);
  });

  it('the same without the second release signer → NOT_ENOUGH_SIGNERS naming SomberNight', async () => {
    const r = await run('Electrum-4.5.8.tar.gz', ['T', 'E']);
    expect(r.reason?.code).toBe('NOT_ENOUGH_SIGNERS');
    expect(r.exitCode).toBe(1);
    expect(r.reason?.message).toMatch(/missing: SomberNight \(no signature by this key\)/);
    expect(r.reason?.message).not.toMatch(/ThomasV \(/);
    expect(statusOf(r, 'Emzy')!.counted).toBe(false);
  });

  it('a release signer whose signature cannot count is named with the reason', async () => {
    const r = await run('Electrum-4.5.8.tar.gz', ['T', 'Sfuture']);
    expect(r.reason?.code).toBe('NOT_ENOUGH_SIGNERS');
    const s = statusOf(r, 'sombernight_releasekey')!;
    expect(s.status).toBe('future');
    expect(s.counted).toBe(false);
    expect(r.reason?.message).toMatch(/missing: SomberNight \(dated .* in the future/);
  });

  it('a revoked cosigner key → not counted, the release still verifies', async () => {
    const r = await run('Electrum-4.8.1.tar.gz', ['R', 'S', 'T']);
    expect(r.exitCode).toBe(0);
    const sv = statusOf(r, 'svanstaa')!;
    expect(sv.status).toBe('revoked-key');
    expect(sv.counted).toBe(false);
    expect(sv.note).toMatch(/revoked/);
    expect(r.signature.signers.map((s) => s.name)).not.toContain('svanstaa');
  });

  it('a bad cosigner signature (other bytes) → SIGNATURE_INVALID, whatever else is good', async () => {
    const r = await run('Electrum-4.8.1.tar.gz', ['T', 'S', 'Ebad']);
    expect(r.reason?.code).toBe('SIGNATURE_INVALID');
    expect(statusOf(r, 'felixb_f321x')!.status).toBe('bad');
  });
});

describe('cosigners alone', () => {
  let G: TestSigner;
  beforeAll(async () => {
    G = await signer('TestEmzy2');
    sigs.G = await signData(data, G.key);
  });
  async function runTwo(minSigners?: number): Promise<VerifyReport> {
    const file = join(dir, 'electrum-4.8.1.dmg');
    await writeFile(file, data);
    const asc = join(dir, 'two-cosigners.asc');
    await writeFile(asc, sigs.F! + sigs.G!);
    const ring = await writeKeyring(dir, [T.pinned, S.pinned, F.pinned, G.key.toPublic()], 'ring2.asc');
    return verify(file, {
      signature: asc,
      keyring: ring,
      signerTable: table({ ThomasV: T, sombernight_releasekey: S, Emzy: G, felixb_f321x: F }),
      ...(minSigners ? { minSigners } : {}),
    });
  }

  it('Emzy + felixb, both valid, on 4.8.1 → NOT_ENOUGH_SIGNERS by default (Electrum would not publish it)', async () => {
    const r = await runTwo();
    expect(r.signature.found.map((f) => [f.signer, f.status, f.counted])).toEqual([
      ['felixb_f321x', 'valid', true],
      ['Emzy', 'valid', true],
    ]);
    expect(r.reason?.code).toBe('NOT_ENOUGH_SIGNERS');
    expect(r.reason?.message).toMatch(
      /ThomasV \+ SomberNight; missing: ThomasV \(no signature by this key\); SomberNight \(no signature by this key\)/,
    );
  });

  it('the same with --min-signers 2 → verified (any 2 distinct trusted keys)', async () => {
    const r = await runTwo(2);
    expect(r.exitCode).toBe(0);
    expect(r.signature.policy).toBe('any-n');
    expect(r.signature.requiredSigners).toEqual([]);
    expect(describePolicy(r)[0]).toBe(
      'required: any 2 distinct trusted keys of the custom keyring · signed by: felixb_f321x, Emzy',
    );
  });
});

describe('versions', () => {
  it('before 4.1.3: ThomasV alone is the release gate', async () => {
    const r = await run('Electrum-4.0.9.tar.gz', ['T']);
    expect(r.exitCode).toBe(0);
    expect(r.signature.required).toBe(1);
    expect(r.signature.requiredSigners).toEqual(['ThomasV']);
    expect(describePolicy(r)[0]).toBe("required: ThomasV (Electrum's release gate before 4.1.3)");
  });

  it('before 4.1.3: SomberNight alone is not enough', async () => {
    const r = await run('Electrum-4.0.9.tar.gz', ['S']);
    expect(r.reason?.code).toBe('NOT_ENOUGH_SIGNERS');
    expect(r.reason?.message).toMatch(/missing: ThomasV/);
  });

  it('from 4.1.3: ThomasV + SomberNight + cosigner → "also signed by"', async () => {
    const r = await run('Electrum-4.1.3.tar.gz', ['S', 'F', 'T']);
    expect(r.exitCode).toBe(0);
    expect(describePolicy(r)).toEqual([
      "required: ThomasV + SomberNight (Electrum's release gate) · also signed by: felixb_f321x",
    ]);
  });

  it('unknown version: any one release signer, with a warning that the version rules could not be applied', async () => {
    const r = await run('some-file.bin', ['S']);
    expect(r.exitCode).toBe(0);
    expect(r.signature.policy).toBe('any-release-signer');
    expect(r.warnings.some((w) => /could not be applied/.test(w))).toBe(true);
    const cos = await run('some-file.bin', ['F']);
    expect(cos.reason?.code).toBe('NOT_ENOUGH_SIGNERS');
  });

  it('signerRequirement: the pinned table by version', () => {
    expect(signerRequirement('4.1.2', { trust: 'pinned' })).toMatchObject({
      mode: 'release-gate',
      requiredSigners: ['ThomasV'],
    });
    expect(signerRequirement('4.1.3', { trust: 'pinned' })).toMatchObject({
      mode: 'release-gate',
      requiredSigners: ['ThomasV', 'sombernight_releasekey'],
    });
    expect(signerRequirement('4.1.3b1', { trust: 'pinned' })).toMatchObject({ requiredSigners: ['ThomasV'] });
    expect(signerRequirement(null, { trust: 'pinned' })).toMatchObject({
      mode: 'any-release-signer',
      required: 1,
      anyOf: ['ThomasV', 'sombernight_releasekey'],
    });
    expect(signerRequirement('4.8.1', { trust: 'custom' })).toMatchObject({ mode: 'any-n', required: 1 });
    expect(signerRequirement('4.8.1', { trust: 'pinned', minSigners: 3 })).toMatchObject({
      mode: 'any-n',
      required: 3,
    });
  });
});
