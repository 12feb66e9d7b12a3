/**
 * Issue 13 through the real CLI with the GnuPG fixtures: a trusted key's signature that is fine over the bytes but
 * cannot count (expired before it signed, hard-revoked, SHA-1, future-dated) is listed with `counted: false` and a
 * note; alone it gives NOT_ENOUGH_SIGNERS (the first release said SIGNATURE_INVALID), beside a good one it verifies
 * with a warning. A `bad` one still fails everything.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../support/cli.js';
import { cleanupPgpFixtures, sharedPgpFixtures, type PgpFixtures } from '../support/gpg.js';

let f: PgpFixtures;
let combos: Record<string, string>;

beforeAll(async () => {
  f = await sharedPgpFixtures();
  const cat = async (name: string, parts: string[]) => {
    const path = join(f.dir, name);
    await writeFile(path, Buffer.concat(await Promise.all(parts.map((p) => readFile(p)))));
    return path;
  };
  combos = {
    goodPlusExpired: await cat('good-plus-expired.asc', [f.sigs.bySigner.ed25519, f.sigs.bySigner.expiredBefore]),
    goodPlusRevokedSha1Future: await cat('good-plus-three.asc', [
      f.sigs.bySigner.revoked,
      f.sigs.sha1,
      f.sigs.bySigner.rsa4096,
      f.sigs.future,
    ]),
    expiredPlusBad: await cat('expired-plus-bad.asc', [f.sigs.bySigner.expiredBefore, f.sigs.overOther]),
  };
}, 180_000);
afterAll(cleanupPgpFixtures);

const run = (sig: string, extra: string[] = []) =>
  runCli(['verify', f.data, '--signature', sig, '--keyring', f.keyrings.known, '--json', ...extra]);

describe('not counted, never fatal alone', () => {
  it.each([
    ['expiredBefore', 'expired-key', /expired/],
    ['revoked', 'revoked-key', /revoked/],
    ['sha1', 'rejected-algorithm', /SHA-1/],
    ['future', 'future', /future/],
  ] as const)(
    '%s alone → exit 1 NOT_ENOUGH_SIGNERS (was SIGNATURE_INVALID), counted false, a note',
    async (which, status, note) => {
      const sig = which === 'sha1' ? f.sigs.sha1 : which === 'future' ? f.sigs.future : f.sigs.bySigner[which];
      const r = await run(sig);
      const ctx = describeRun(r);
      expect(r.code, ctx).toBe(1);
      expect(r.json.reason.code, ctx).toBe('NOT_ENOUGH_SIGNERS');
      expect(r.json.reason.message, ctx).toMatch(/0 trusted signer\(s\) counted, 1 required — not counted: /);
      const [only] = r.json.signature.found;
      expect(only.status, ctx).toBe(status);
      expect(only.counted, ctx).toBe(false);
      expect(only.note, ctx).toMatch(note);
      expect(r.json.signature.signers, ctx).toEqual([]);
    },
  );

  it('a good signature beside an expired-before one → verified, with a warning naming the one not counted', async () => {
    const r = await run(combos.goodPlusExpired!);
    const ctx = describeRun(r);
    expect(r.code, ctx).toBe(0);
    expect(
      r.json.signature.found.map((x: any) => [x.status, x.counted]),
      ctx,
    ).toEqual([
      ['valid', true],
      ['expired-key', false],
    ]);
    expect(r.json.warnings.join('\n'), ctx).toMatch(
      /signature was not counted: our copy of key [0-9A-F]{16} says the key expired on \d{4}-\d\d-\d\d, before this signature/,
    );
    expect(r.stderr, ctx).toMatch(/was not counted/);
  });

  it('revoked + SHA-1 + future beside one good → verified; with --min-signers 2 → NOT_ENOUGH_SIGNERS listing all three', async () => {
    const ok = await run(combos.goodPlusRevokedSha1Future!);
    expect(ok.code, describeRun(ok)).toBe(0);
    expect(ok.json.signature.found.map((x: any) => x.counted)).toEqual([false, false, true, false]);
    const two = await run(combos.goodPlusRevokedSha1Future!, ['--min-signers', '2']);
    expect(two.code, describeRun(two)).toBe(1);
    expect(two.json.reason.code).toBe('NOT_ENOUGH_SIGNERS');
    // the SHA-1 signature's key (rsa4096) also made the good one, so only the other two are named
    expect(two.json.reason.message).toMatch(
      /1 trusted signer\(s\) counted, 2 required — not counted: key [0-9A-F]{16}: our copy of key [0-9A-F]{16} says it is revoked .*; key [0-9A-F]{16}: dated .* in the future/,
    );
    expect(two.json.reason.message).not.toMatch(/SHA-1/);
  });

  it('an expired-before signature and a bad one → SIGNATURE_INVALID (tampering evidence wins)', async () => {
    const r = await run(combos.expiredPlusBad!);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.json.reason.code).toBe('SIGNATURE_INVALID');
    expect(r.json.signature.found.map((x: any) => x.status)).toEqual(['expired-key', 'bad']);
  });
});
