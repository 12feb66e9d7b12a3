/**
 * Real Electrum signatures and keys, read in place from `../shared` (present in CI beside the repository),
 * verified through the real CLI with the SHIPPED pinned keys. Expected outcomes come from the READMEs there
 * (`electrum-tags/README.md`, `electrum-asc/README.md`, `electrum-keys/README.md`).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { describeRun, runCli, SHARED, stackTraceLines, verdictForExit, type CliResult } from '../support/cli.js';

const TAGS = join(SHARED, 'electrum-tags');
const ASC = join(SHARED, 'electrum-asc');
const KEYS = join(SHARED, 'electrum-keys');
const present = existsSync(TAGS) && existsSync(ASC) && existsSync(KEYS);

if (!present) {
  // a visible reason in the log rather than a silent pass
  console.warn(`real-data tests skipped: ${TAGS} (../shared beside the repository) is absent`);
}

const THOMASV = '6694D8DE7BE8EE5631BED9502BD5824B7F9470E6';
const SOMBERNIGHT_PERSONAL = '4AD64339DFA05E20B3F6AD51E7B748CDAF5E5ED9';
const SOMBERNIGHT_PERSONAL_SIGNING_SUBKEY = '6D7A2116DA909E00AC21108BB33B5F232C6271E9';
const EMZY = '9EDAFF80E080659604F4A76B2EBB056FD847F8A7';
const EMZY_SIGNING_SUBKEY = '637DB1E23370F84AFF88CCE03152347D07DA627C';
const FELIXB = 'AA0BC6824B397BBA99776E157ED8D82B37192688';
const SVANSTAA = '33C103B4B2794170546CCF7BCFB2C83C66CD792A';
const SOMBERNIGHT_RELEASE = '0EEDCFD5CAFB459067349B23CA9EEEC43DF911DC';

const PINNED: Record<string, string> = {
  ThomasV: THOMASV,
  sombernight_releasekey: SOMBERNIGHT_RELEASE,
  Emzy: EMZY,
  felixb_f321x: FELIXB,
  svanstaa: SVANSTAA,
};

const tag = (v: string) => join(TAGS, `electrum-${v}.payload`);
const tagAsc = (v: string) => join(TAGS, `electrum-${v}.payload.asc`);

function checkReport(r: CliResult, code: number, reason: string | null): any {
  const ctx = describeRun(r);
  expect(r.code, ctx).toBe(code);
  const j = r.json;
  expect(j.schema, ctx).toBe('electrum-verify/v1');
  expect(j.exitCode, ctx).toBe(code);
  expect(j.verdict, ctx).toBe(verdictForExit(code));
  if (reason === null) expect(j.reason, ctx).toBeNull();
  else expect(j.reason?.code, ctx).toBe(reason);
  expect(stackTraceLines(r.stderr), ctx).toEqual([]);
  return j;
}

function issuerMatches(issuer: string, fpr: string): boolean {
  const iss = issuer.replace(/^0x/i, '').replace(/\s/g, '').toUpperCase();
  return iss.length >= 16 && fpr.endsWith(iss);
}

describe.skipIf(!present)('real signed Electrum git tags, pinned keys', () => {
  it.each(['3.3.4', '4.0.9', '4.7.1'])('%s (ThomasV) → verified with the shipped keys, trust pinned', async (v) => {
    const r = await runCli(['verify', tag(v), '--signature', tagAsc(v), '--json']);
    const j = checkReport(r, 0, null);
    expect(j.trust).toBe('pinned');
    expect(j.signature.signers).toHaveLength(1);
    expect(j.signature.signers[0].name).toBe('ThomasV');
    expect(j.signature.signers[0].fingerprint).toBe(THOMASV);
    expect(j.signature.found).toHaveLength(1);
    expect(j.signature.found[0].status).toBe('valid');
    expect(j.signature.found[0].signer).toBe('ThomasV');
    expect(j.sha256).toBe(
      createHash('sha256')
        .update(await readFile(tag(v)))
        .digest('hex'),
    );
    // pinned keys: no custom-keyring warning
    expect(r.stderr).not.toMatch(/custom/i);
  });

  it('4.7.1: the file name tells no release version, so one signer is enough (required 1)', async () => {
    const r = await runCli(['verify', tag('4.7.1'), '--signature', tagAsc('4.7.1'), '--json']);
    checkReport(r, 0, null);
    expect(r.json.signature.required).toBe(1);
  });

  it.each(['4.5.8', '4.8.1'])('%s (SomberNight personal key, not pinned) → exit 1 SIGNER_UNKNOWN', async (v) => {
    const r = await runCli(['verify', tag(v), '--signature', tagAsc(v), '--json']);
    const j = checkReport(r, 1, 'SIGNER_UNKNOWN');
    expect(j.signature.signers ?? []).toEqual([]);
    expect(j.signature.found).toHaveLength(1);
    expect(j.signature.found[0].status).toBe('unknown-key');
    expect(j.signature.found[0].signer).toBeNull();
    expect(issuerMatches(j.signature.found[0].issuer, SOMBERNIGHT_PERSONAL_SIGNING_SUBKEY)).toBe(true);
  });

  it('4.8.1 with --keyring sombernight.asc → verified, primary fingerprint, trust custom', async () => {
    const r = await runCli([
      'verify',
      tag('4.8.1'),
      '--signature',
      tagAsc('4.8.1'),
      '--keyring',
      join(KEYS, 'sombernight.asc'),
      '--json',
    ]);
    const j = checkReport(r, 0, null);
    expect(j.trust).toBe('custom');
    expect(r.stderr).toMatch(/keyring|custom|pinned|warn/i);
    expect(j.signature.signers.map((s: any) => s.fingerprint)).toEqual([SOMBERNIGHT_PERSONAL]);
    // made by the signing subkey, reported by the primary
    expect(issuerMatches(j.signature.found[0].issuer, SOMBERNIGHT_PERSONAL_SIGNING_SUBKEY)).toBe(true);
  });

  it('4.5.8 with --keyring sombernight.asc → verified (SHA-256 signature by the subkey)', async () => {
    const r = await runCli([
      'verify',
      tag('4.5.8'),
      '--signature',
      tagAsc('4.5.8'),
      '--keyring',
      join(KEYS, 'sombernight.asc'),
      '--json',
    ]);
    checkReport(r, 0, null);
    expect(r.json.signature.signers.map((s: any) => s.fingerprint)).toEqual([SOMBERNIGHT_PERSONAL]);
  });

  it('tampered 4.8.1 payload → exit 1 with the shipped keys', async () => {
    const r = await runCli(['verify', tag('4.8.1-tampered'), '--signature', tagAsc('4.8.1-tampered'), '--json']);
    // the signing key is not pinned, so the tool cannot even get to the digest: unknown signer (or invalid)
    checkReport(r, 1, r.json?.reason?.code);
    expect(['SIGNER_UNKNOWN', 'SIGNATURE_INVALID']).toContain(r.json.reason.code);
    expect(r.json.signature.signers ?? []).toEqual([]);
  });

  it('tampered 4.8.1 payload with --keyring sombernight.asc → exit 1 SIGNATURE_INVALID, status bad', async () => {
    const r = await runCli([
      'verify',
      tag('4.8.1-tampered'),
      '--signature',
      tagAsc('4.8.1-tampered'),
      '--keyring',
      join(KEYS, 'sombernight.asc'),
      '--json',
    ]);
    const j = checkReport(r, 1, 'SIGNATURE_INVALID');
    expect(j.signature.found.map((x: any) => x.status)).toEqual(['bad']);
    expect(j.signature.signers ?? []).toEqual([]);
  });

  it('a ThomasV signature over a different payload → exit 1 SIGNATURE_INVALID', async () => {
    const r = await runCli(['verify', tag('4.0.9'), '--signature', tagAsc('4.7.1'), '--json']);
    const j = checkReport(r, 1, 'SIGNATURE_INVALID');
    expect(j.signature.found.map((x: any) => x.status)).toEqual(['bad']);
    expect(j.signature.found[0].signer).toBe('ThomasV');
  });

  it('Must show (human output): 4.7.1 verified names ThomasV', async () => {
    const r = await runCli(['verify', tag('4.7.1'), '--signature', tagAsc('4.7.1')]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/VERIFIED/);
    expect(r.stdout + r.stderr).toContain('ThomasV');
  });
});

describe.skipIf(!present)('real Electrum release signatures (electrum-asc) over other data', () => {
  const other = tag('4.7.1'); // any data that is not the signed tarball

  it('the reconstructed 3-block 4.1.5 aggregate → 3 found, all bad, exit 1 SIGNATURE_INVALID', async () => {
    const r = await runCli([
      'verify',
      other,
      '--signature',
      join(ASC, 'RECONSTRUCTED-Electrum-4.1.5.tar.gz.asc'),
      '--json',
    ]);
    const j = checkReport(r, 1, 'SIGNATURE_INVALID');
    expect(j.trust).toBe('pinned');
    const fd = j.signature.found;
    expect(fd).toHaveLength(3);
    expect(fd.map((x: any) => x.status)).toEqual(['bad', 'bad', 'bad']);
    // README order: Emzy, sombernight_releasekey, ThomasV
    expect(fd.map((x: any) => x.signer)).toEqual(['Emzy', 'sombernight_releasekey', 'ThomasV']);
    expect(issuerMatches(fd[0].issuer, EMZY_SIGNING_SUBKEY)).toBe(true);
    expect(issuerMatches(fd[1].issuer, SOMBERNIGHT_RELEASE)).toBe(true);
    expect(issuerMatches(fd[2].issuer, THOMASV)).toBe(true);
    expect(j.signature.signers ?? []).toEqual([]);
  });

  it.each([
    ['Electrum-4.8.1.tar.gz.felixb_f321x.asc', 'felixb_f321x', FELIXB],
    ['Electrum-4.8.1.tar.gz.Emzy.asc', 'Emzy', EMZY_SIGNING_SUBKEY],
    ['Electrum-4.8.1.tar.gz.svanstaa.asc', 'svanstaa', SVANSTAA],
    ['Electrum-4.1.5.tar.gz.ThomasV.asc', 'ThomasV', THOMASV],
    ['Electrum-4.1.5.tar.gz.sombernight_releasekey.asc', 'sombernight_releasekey', SOMBERNIGHT_RELEASE],
  ])('%s over other data → bad, attributed to %s', async (file, name, issuerFpr) => {
    const r = await runCli(['verify', other, '--signature', join(ASC, file), '--json']);
    const j = checkReport(r, 1, 'SIGNATURE_INVALID');
    expect(j.signature.found).toHaveLength(1);
    expect(j.signature.found[0].status).toBe('bad');
    expect(j.signature.found[0].signer).toBe(name);
    expect(issuerMatches(j.signature.found[0].issuer, issuerFpr)).toBe(true);
  });
});

// Two of these need only the shipped keys (keys/), not ../shared: they run everywhere.
describe('keys --json', () => {
  it('lists the five pinned release keys with the README fingerprints', async () => {
    const r = await runCli(['keys', '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const j = r.json;
    expect(j.schema).toBe('electrum-verify/v1');
    expect(j.keys).toHaveLength(5);
    const byName = Object.fromEntries(j.keys.map((k: any) => [k.name, k]));
    expect(Object.keys(byName).sort()).toEqual(Object.keys(PINNED).sort());
    for (const [name, fpr] of Object.entries(PINNED)) {
      expect(byName[name].fingerprint, name).toBe(fpr);
      expect(Array.isArray(byName[name].signingKeys), name).toBe(true);
      expect(typeof byName[name].algorithm, name).toBe('string');
      expect(typeof byName[name].expiredNow, name).toBe('boolean');
    }
  });

  it.skipIf(!present)(
    'Emzy: signing subkey listed, and expiredNow computed from today vs 2026-10-12 (reads ../shared/electrum-keys)',
    async () => {
      const r = await runCli(['keys', '--json']);
      const emzy = r.json.keys.find((k: any) => k.name === 'Emzy');
      expect(emzy.signingKeys).toContain(EMZY_SIGNING_SUBKEY);
      // The S/E/A subkeys expire 2026-10-12 (README); the primary never does. "Expired today" is about the key that
      // signs: read its expiry from the key file itself (independently, with openpgp.js) and compare with now.
      const key = await openpgp.readKey({ armoredKey: await readFile(join(KEYS, 'Emzy.asc'), 'utf8') });
      const sub = key.subkeys.find((s) => s.getFingerprint().toUpperCase() === EMZY_SIGNING_SUBKEY)!;
      const expiry = await sub.getExpirationTime();
      expect(expiry).toBeInstanceOf(Date);
      expect((expiry as Date).toISOString().slice(0, 10)).toBe('2026-10-12');
      expect(emzy.expiredNow).toBe(Date.now() >= (expiry as Date).getTime());
      // expires must agree with expiredNow: not null (= never) for a key whose signing subkey has expired
      const ex = emzy.expires;
      if (typeof ex === 'number')
        expect([Math.floor((expiry as Date).getTime() / 1000), (expiry as Date).getTime()]).toContain(ex);
      else expect(String(ex).slice(0, 10)).toBe('2026-10-12');
    },
  );

  it('ThomasV, sombernight_releasekey, svanstaa sign with their primary; felixb is ECDSA P-256', async () => {
    const r = await runCli(['keys', '--json']);
    const by = Object.fromEntries(r.json.keys.map((k: any) => [k.name, k]));
    for (const n of ['ThomasV', 'sombernight_releasekey', 'felixb_f321x', 'svanstaa']) {
      expect(by[n].signingKeys, n).toContain(PINNED[n]);
      expect(by[n].expiredNow, n).toBe(false);
    }
    expect(by.felixb_f321x.algorithm).toMatch(/p-?256|ecdsa/i);
    expect(by.ThomasV.algorithm).toMatch(/rsa/i);
    // encryption subkeys are not signing keys
    expect(by.ThomasV.signingKeys).not.toContain('0A40B32812125B08FCBF90EC1A25C4602021CD84');
    expect(by.Emzy.signingKeys).not.toContain('28EB13F9FD58CE86EAAB091470596D7FF6B55417');
  });
});
