/**
 * `electrum-verify verify <file> --signature <asc> --keyring <keys> --json` through the real CLI, against
 * fixtures made during the run with real GnuPG and openpgp.js (test/support/gpg.ts). Every case is also
 * checked against gpgv, signature by signature, so the tool and GnuPG agree on which signatures are
 * cryptographically good or bad over the data.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli, stackTraceLines, verdictForExit, type CliResult } from '../support/cli.js';
import { cleanupPgpFixtures, gpgv, sharedPgpFixtures, type PgpFixtures, type SignerName } from '../support/gpg.js';

let f: PgpFixtures;
let dataSha256: string;

beforeAll(async () => {
  f = await sharedPgpFixtures();
  dataSha256 = createHash('sha256')
    .update(await readFile(f.data))
    .digest('hex');
});
afterAll(cleanupPgpFixtures);

type Status =
  'valid' | 'bad' | 'unknown-key' | 'expired-key' | 'revoked-key' | 'rejected-algorithm' | 'future' | 'malformed';

interface Found {
  issuer: string;
  signer: string | null;
  status: Status;
}

/** Run `verify <data> --signature <sig> --keyring <known> --json [extra]`, memoised per argument list. */
const runs = new Map<string, Promise<CliResult>>();
function verify(sig: string, opts: { data?: string; extra?: string[]; keyring?: string } = {}): Promise<CliResult> {
  const args = [
    'verify',
    opts.data ?? f.data,
    '--signature',
    sig,
    '--keyring',
    opts.keyring ?? f.keyrings.known,
    '--json',
    ...(opts.extra ?? []),
  ];
  const key = JSON.stringify(args);
  let p = runs.get(key);
  if (!p) {
    p = runCli(args);
    runs.set(key, p);
  }
  return p;
}

/** For checkReport: any reason code (a string), when the test is about the status rather than the reason. */
const ANY_REASON = Symbol('any reason');

/** The CONTRACT invariants of every `verify --json` report. */
function checkReport(r: CliResult, code: number, reason: string | null | typeof ANY_REASON): any {
  const j = r.json;
  const ctx = describeRun(r);
  expect(r.code, ctx).toBe(code);
  expect(j, ctx).toBeTypeOf('object');
  expect(j.schema, ctx).toBe('electrum-verify/v1');
  expect(j.exitCode, ctx).toBe(r.code);
  expect(j.verdict, ctx).toBe(verdictForExit(r.code));
  if (reason === null) {
    expect(j.reason, ctx).toBeNull();
  } else {
    if (reason === ANY_REASON) expect(j.reason?.code, ctx).toMatch(/^[A-Z_]+$/);
    else expect(j.reason?.code, ctx).toBe(reason);
    expect(typeof j.reason.message, ctx).toBe('string');
    expect(j.reason.message.length, ctx).toBeGreaterThan(0);
  }
  expect(stackTraceLines(r.stderr), ctx).toEqual([]);
  return j;
}

/** With --keyring: trust "custom" and a warning on stderr. */
function checkCustomTrust(r: CliResult) {
  expect(r.json.trust, describeRun(r)).toBe('custom');
  expect(r.stderr, describeRun(r)).toMatch(/keyring|custom|pinned|warn/i);
}

function found(r: CliResult): Found[] {
  const fs = r.json?.signature?.found;
  expect(Array.isArray(fs), describeRun(r)).toBe(true);
  return fs as Found[];
}

function signerFprs(r: CliResult): string[] {
  const s = r.json?.signature?.signers;
  expect(Array.isArray(s), describeRun(r)).toBe(true);
  return (s as { fingerprint: string }[]).map((x) => x.fingerprint);
}

/** The issuer string names the key that made the signature (key ID or fingerprint, any case). */
function expectIssuer(entry: Found, signer: SignerName) {
  const iss = String(entry.issuer).replace(/^0x/i, '').replace(/\s/g, '').toUpperCase();
  expect(iss.length, `issuer ${entry.issuer}`).toBeGreaterThanOrEqual(16);
  expect(
    f.signers[signer].signingFingerprint.endsWith(iss),
    `issuer ${entry.issuer} vs ${f.signers[signer].signingFingerprint}`,
  ).toBe(true);
}

const GOOD: SignerName[] = ['rsa4096', 'ed25519', 'p256', 'subkey', 'openpgpjs', 'expiredAfter'];

describe('verify: each good signer alone', () => {
  it.each(GOOD)('%s → exit 0, verified, primary fingerprint, custom trust', async (name) => {
    const r = await verify(f.sigs.bySigner[name]);
    const j = checkReport(r, 0, null);
    checkCustomTrust(r);
    expect(j.target?.kind).toBe('file');
    expect(j.sha256).toBe(dataSha256);
    expect(j.size).toBe(64 * 1024);
    expect(j.signature.required).toBe(1);
    expect(j.signature.signers).toHaveLength(1);
    // the PRIMARY key's fingerprint, also when a subkey made the signature
    expect(j.signature.signers[0].fingerprint).toBe(f.signers[name].fingerprint);
    const fd = found(r);
    expect(fd).toHaveLength(1);
    expect(fd[0]!.status).toBe('valid');
    expect(fd[0]!.signer).toBeTypeOf('string');
    expectIssuer(fd[0]!, name);
  });

  it('the subkey signer is reported by its primary, not by the subkey that signed', async () => {
    const r = await verify(f.sigs.bySigner.subkey);
    checkReport(r, 0, null);
    expect(signerFprs(r)).toEqual([f.signers.subkey.fingerprint]);
    expect(signerFprs(r)).not.toContain(f.signers.subkey.signingFingerprint);
  });

  it.each(GOOD)('%s over the data with one byte changed → exit 1 SIGNATURE_INVALID, status bad', async (name) => {
    const r = await verify(f.sigs.bySigner[name], { data: f.tamperedData });
    const j = checkReport(r, 1, 'SIGNATURE_INVALID');
    expect(j.signature?.signers ?? []).toEqual([]);
    expect(found(r).map((x) => x.status)).toEqual(['bad']);
  });
});

describe('verify: key validity, hash and signature-type policy', () => {
  it('key expired AFTER it signed → verified', async () => {
    const r = await verify(f.sigs.bySigner.expiredAfter);
    checkReport(r, 0, null);
    expect(signerFprs(r)).toEqual([f.signers.expiredAfter.fingerprint]);
    expect(found(r)[0]!.status).toBe('valid');
  });

  // Whether a not-counted signature fails the whole check is the signer policy's rule (CONTRACT, "Which
  // signatures count"): these tests pin exit 1 and the status, not the reason code.
  it('key expired BEFORE it signed → exit 1, expired-key', async () => {
    const r = await verify(f.sigs.bySigner.expiredBefore);
    checkReport(r, 1, ANY_REASON);
    expect(found(r).map((x) => x.status)).toEqual(['expired-key']);
    expect(signerFprs(r)).toEqual([]);
  });

  it('hard-revoked key (revocation with no reason) → exit 1, revoked-key', async () => {
    const r = await verify(f.sigs.bySigner.revoked);
    checkReport(r, 1, ANY_REASON);
    expect(found(r).map((x) => x.status)).toEqual(['revoked-key']);
    expect(signerFprs(r)).toEqual([]);
  });

  it('SHA-1 data signature → exit 1, rejected-algorithm', async () => {
    const r = await verify(f.sigs.sha1);
    checkReport(r, 1, ANY_REASON);
    expect(found(r).map((x) => x.status)).toEqual(['rejected-algorithm']);
  });

  it('text-mode (0x01) signature → exit 1 SIGNATURE_INVALID', async () => {
    const r = await verify(f.sigs.textMode);
    checkReport(r, 1, 'SIGNATURE_INVALID');
    const st = found(r).map((x) => x.status);
    expect(st).toHaveLength(1);
    expect(['bad', 'rejected-algorithm']).toContain(st[0]);
  });

  // gpg accepts the LF text's text-mode signature over the CRLF twin too (different bytes); the twin's raw bytes
  // are the canonical text, so a binary digest over them matches: only a signature-type check rejects that one.
  it.each([
    ['LF text it was made over', () => [f.sigs.textModeLf, f.textLf]],
    ['CRLF twin of the LF text', () => [f.sigs.textModeLf, f.textCrlf]],
  ] as [string, () => [string, string]][])(
    'text-mode (0x01) signature over %s → exit 1 SIGNATURE_INVALID',
    async (_n, get) => {
      const [sig, data] = get();
      const r = await verify(sig, { data });
      checkReport(r, 1, 'SIGNATURE_INVALID');
      const st = found(r).map((x) => x.status);
      expect(st).toHaveLength(1);
      expect(['bad', 'rejected-algorithm']).toContain(st[0]);
      expect(signerFprs(r)).toEqual([]);
    },
  );

  it('signature dated one day in the future → exit 1, status future', async () => {
    const r = await verify(f.sigs.future);
    checkReport(r, 1, ANY_REASON);
    const fd = found(r);
    expect(fd).toHaveLength(1);
    expect(fd[0]!.status).toBe('future');
    expect(signerFprs(r)).toEqual([]);
  });
});

describe('verify: several signatures in one .asc', () => {
  it('the same signature twice → verified, one signer, two found', async () => {
    const r = await verify(f.sigs.sameTwice);
    checkReport(r, 0, null);
    expect(signerFprs(r)).toEqual([f.signers.ed25519.fingerprint]);
    expect(found(r).map((x) => x.status)).toEqual(['valid', 'valid']);
  });

  it('the same signature twice does not count as two signers (--min-signers 2 → NOT_ENOUGH_SIGNERS)', async () => {
    const r = await verify(f.sigs.sameTwice, { extra: ['--min-signers', '2'] });
    checkReport(r, 1, 'NOT_ENOUGH_SIGNERS');
    expect(r.json.signature.required).toBe(2);
  });

  it('three blocks by three signers → 3 found, 3 signers', async () => {
    const r = await verify(f.sigs.threeBlocks);
    checkReport(r, 0, null);
    expect(found(r).map((x) => x.status)).toEqual(['valid', 'valid', 'valid']);
    expectIssuer(found(r)[0]!, 'ed25519');
    expectIssuer(found(r)[1]!, 'p256');
    expectIssuer(found(r)[2]!, 'rsa4096');
    expect([...signerFprs(r)].sort()).toEqual(
      [f.signers.ed25519.fingerprint, f.signers.p256.fingerprint, f.signers.rsa4096.fingerprint].sort(),
    );
  });

  it('three blocks with --min-signers 3 → verified, required 3', async () => {
    const r = await verify(f.sigs.threeBlocks, { extra: ['--min-signers', '3'] });
    checkReport(r, 0, null);
    expect(r.json.signature.required).toBe(3);
  });

  it('three blocks with --min-signers 4 → exit 1 NOT_ENOUGH_SIGNERS', async () => {
    const r = await verify(f.sigs.threeBlocks, { extra: ['--min-signers', '4'] });
    checkReport(r, 1, 'NOT_ENOUGH_SIGNERS');
    expect(r.json.signature.required).toBe(4);
    expect(signerFprs(r)).toHaveLength(3);
  });

  it('three blocks, keys given as ONE armored block holding all keys → verified', async () => {
    const r = await verify(f.sigs.threeBlocks, { keyring: f.keyrings.knownOneBlock });
    checkReport(r, 0, null);
    expect(signerFprs(r)).toHaveLength(3);
  });

  it('unknown signer + good signer → verified; the unknown is listed as unknown-key with signer null', async () => {
    const r = await verify(f.sigs.unknownPlusGood);
    checkReport(r, 0, null);
    const fd = found(r);
    expect(fd.map((x) => x.status)).toEqual(['unknown-key', 'valid']);
    expect(fd[0]!.signer).toBeNull();
    expectIssuer(fd[0]!, 'unknown');
    expect(signerFprs(r)).toEqual([f.signers.ed25519.fingerprint]);
    // the unknown key's user ID says "ThomasV": a name from a key's user ID must never be shown as a signer
    expect(JSON.stringify(r.json.signature.signers)).not.toContain('ThomasV');
  });

  it('unknown signer alone → exit 1 SIGNER_UNKNOWN', async () => {
    const r = await verify(f.sigs.unknownAlone);
    checkReport(r, 1, 'SIGNER_UNKNOWN');
    expect(found(r).map((x) => x.status)).toEqual(['unknown-key']);
    expect(found(r)[0]!.signer).toBeNull();
    expect(signerFprs(r)).toEqual([]);
  });

  it('the unknown signer verifies once its key is the keyring (so SIGNER_UNKNOWN above was about the key)', async () => {
    const r = await verify(f.sigs.unknownAlone, { keyring: f.keyrings.unknownOnly });
    checkReport(r, 0, null);
    expect(signerFprs(r)).toEqual([f.signers.unknown.fingerprint]);
  });

  it('good + bad signature by known keys → exit 1 SIGNATURE_INVALID', async () => {
    const r = await verify(f.sigs.goodPlusBad);
    checkReport(r, 1, 'SIGNATURE_INVALID');
    expect(found(r).map((x) => x.status)).toEqual(['valid', 'bad']);
    expectIssuer(found(r)[1]!, 'p256');
  });

  it('a signature over another file → exit 1 SIGNATURE_INVALID, status bad', async () => {
    const r = await verify(f.sigs.overOther);
    checkReport(r, 1, 'SIGNATURE_INVALID');
    expect(found(r).map((x) => x.status)).toEqual(['bad']);
    expectIssuer(found(r)[0]!, 'rsa4096');
    // and the same signature is fine over the file it was made for
    const ok = await verify(f.sigs.overOther, { data: f.other });
    checkReport(ok, 0, null);
  });
});

describe('verify: malformed .asc files (local) → exit 1 SIGNATURE_MALFORMED', () => {
  it.each(['garbage', 'truncated', 'cleartext', 'inline', 'big'] as const)('%s', async (k) => {
    const r = await verify(f.sigs[k]);
    const j = checkReport(r, 1, 'SIGNATURE_MALFORMED');
    expect(j.signature?.signers ?? []).toEqual([]);
  });
});

describe('CLI behaviour around verify', () => {
  it('--keyring prints a warning on stderr and reports trust "custom"', async () => {
    const r = await verify(f.sigs.bySigner.ed25519);
    checkReport(r, 0, null);
    checkCustomTrust(r);
    // stdout is the JSON only (runCli enforces exactly one object); without --keyring there is no such warning
    const pinned = await runCli(['verify', f.data, '--signature', f.sigs.bySigner.ed25519, '--json']);
    expect(pinned.json.trust, describeRun(pinned)).toBe('pinned');
    expect(pinned.stderr, describeRun(pinned)).not.toMatch(/custom/i);
  });

  it('human output: a verdict line with VERIFIED and the SHA-256; exit codes as with --json', async () => {
    const ok = await runCli(['verify', f.data, '--signature', f.sigs.bySigner.rsa4096, '--keyring', f.keyrings.known]);
    expect(ok.code, describeRun(ok)).toBe(0);
    expect(ok.stdout + ok.stderr).toMatch(/VERIFIED/);
    expect(ok.stdout + ok.stderr).toContain(dataSha256);
    const bad = await runCli([
      'verify',
      f.tamperedData,
      '--signature',
      f.sigs.bySigner.rsa4096,
      '--keyring',
      f.keyrings.known,
    ]);
    expect(bad.code, describeRun(bad)).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/NOT AUTHENTIC/);
    // NO_COLOR is set by runCli: no ANSI escapes
    expect(ok.stdout + ok.stderr + bad.stdout + bad.stderr).not.toMatch(/\u001b\[/);
  });

  const usageCases: [string, () => string[], RegExp][] = [
    [
      'missing data file',
      () => ['verify', `${f.dir}/no-such-file.bin`, '--signature', f.sigs.bySigner.rsa4096],
      /no-such-file/,
    ],
    ['missing .asc', () => ['verify', f.data, '--signature', `${f.dir}/no-such.asc`], /no-such\.asc/],
    ['unknown flag', () => ['verify', f.data, '--signature', f.sigs.bySigner.rsa4096, '--frobnicate'], /frobnicate/],
    [
      'missing --keyring file',
      () => ['verify', f.data, '--signature', f.sigs.bySigner.rsa4096, '--keyring', `${f.dir}/no-keys.asc`],
      /no-keys\.asc/,
    ],
    [
      'non-numeric --min-signers',
      () => ['verify', f.data, '--signature', f.sigs.bySigner.rsa4096, '--min-signers', 'lots'],
      /min-signers|lots/,
    ],
  ];

  it.each(usageCases)('%s → exit 2, a short reason on stderr, no stack trace', async (_n, args, mentions) => {
    const r = await runCli(args());
    const ctx = describeRun(r);
    expect(r.code, ctx).toBe(2);
    expect(stackTraceLines(r.stderr + r.stdout), ctx).toEqual([]);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/warn/i.test(l));
    expect(lines.length, ctx).toBeGreaterThanOrEqual(1);
    expect(lines.length, ctx).toBeLessThanOrEqual(2);
    expect(r.stderr, ctx).toMatch(mentions);
  });

  it.each(usageCases.filter(([n]) => n.startsWith('missing')))(
    '%s with --json → exit 2, verdict error, one JSON object',
    async (_n, args) => {
      const r = await runCli([...args(), '--json']);
      checkReport(r, 2, r.json?.reason?.code ?? 'USAGE');
      expect(r.json.verdict).toBe('error');
    },
  );
});

describe('interop: the tool and gpgv agree signature by signature', () => {
  // (sig, data) pairs; statuses must line up with gpgv's NEWSIG sections in order
  const pairs: [string, () => [string, string]][] = [
    ...GOOD.map((n) => [`${n}`, () => [f.sigs.bySigner[n], f.data]] as [string, () => [string, string]]),
    ...GOOD.map(
      (n) => [`${n} tampered`, () => [f.sigs.bySigner[n], f.tamperedData]] as [string, () => [string, string]],
    ),
    ['expiredBefore', () => [f.sigs.bySigner.expiredBefore, f.data]],
    ['revoked', () => [f.sigs.bySigner.revoked, f.data]],
    ['sha1', () => [f.sigs.sha1, f.data]],
    ['sameTwice', () => [f.sigs.sameTwice, f.data]],
    ['threeBlocks', () => [f.sigs.threeBlocks, f.data]],
    ['unknownPlusGood', () => [f.sigs.unknownPlusGood, f.data]],
    ['unknownAlone', () => [f.sigs.unknownAlone, f.data]],
    ['overOther', () => [f.sigs.overOther, f.data]],
    ['overOther over other', () => [f.sigs.overOther, f.other]],
    ['goodPlusBad', () => [f.sigs.goodPlusBad, f.data]],
  ];

  it.each(pairs)('%s', async (_n, get) => {
    const [sig, data] = get();
    const [ours, theirs] = await Promise.all([verify(sig, { data }), gpgv(f.keyrings.knownBinary, sig, data)]);
    const fd = found(ours);
    const ctx = `${describeRun(ours)}\n--- gpgv ---\n${theirs.statusText}`;
    expect(fd.length, ctx).toBe(theirs.sigs.length);
    fd.forEach((entry, i) => {
      const g = theirs.sigs[i]!;
      switch (entry.status) {
        case 'valid':
          expect(['GOODSIG', 'EXPKEYSIG'], ctx).toContain(g.status);
          break;
        case 'bad':
          expect(g.status, ctx).toBe('BADSIG');
          break;
        case 'unknown-key':
          expect(g.status, ctx).toBe('ERRSIG');
          expect(g.errRc, ctx).toBe('9');
          break;
        default:
          // expired-key / revoked-key / rejected-algorithm: policy, not corruption: gpgv finds the bytes intact
          expect(g.status, ctx).not.toBe('BADSIG');
          expect(g.status, ctx).not.toBe('ERRSIG');
      }
      if (g.status === 'BADSIG') expect(entry.status, ctx).toBe('bad');
    });
    // overall: our "verified" implies no BADSIG anywhere in gpgv's view
    if (ours.code === 0)
      expect(
        theirs.sigs.some((s) => s.status === 'BADSIG'),
        ctx,
      ).toBe(false);
    // and where both found good signatures, by the same primary keys
    const gpgGood = theirs.sigs
      .filter((s) => s.status === 'GOODSIG' || s.status === 'EXPKEYSIG')
      .map((s) => s.primaryFingerprint);
    for (const fp of signerFprs(ours)) expect(gpgGood, ctx).toContain(fp);
  });
});
