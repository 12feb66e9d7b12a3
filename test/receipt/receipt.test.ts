/**
 * Receipts: written by verify-release --receipt (in-toto Statement v1 + SLSA verification_summary/v1 + our
 * extension), re-checked offline by check-receipt. Release folder and keys made in the run (--keyring).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkReceiptCommand } from '../../src/commands/check-receipt.js';
import { verifyReleaseCommand } from '../../src/commands/verify-release.js';
import { io, makeReleaseFixture, type ReleaseFixture } from '../run/fixture.js';

let rel: ReleaseFixture;
let dir: string;
let receiptPath: string;
let receipt: any;
const V = '4.5.8';

beforeAll(async () => {
  rel = await makeReleaseFixture(V);
  dir = await rel.copy();
  receiptPath = join(await mkdtemp(join(tmpdir(), 'ev-rcpt-')), 'receipt.json');
  const o = io();
  const code = await verifyReleaseCommand(
    V,
    { dir, offline: true, keyring: rel.keyringPath, receipt: receiptPath, json: true },
    o as never,
  );
  expect(code, o.stdout.text()).toBe(0);
  receipt = JSON.parse(await readFile(receiptPath, 'utf8'));
});

async function check(path: string, extra: Record<string, unknown> = {}) {
  const o = io();
  const code = await checkReceiptCommand(path, { keyring: rel.keyringPath, json: true, ...extra }, o as never);
  return { code, json: JSON.parse(o.stdout.text()) };
}

async function tamperedReceipt(edit: (r: any) => void): Promise<string> {
  const copy = structuredClone(receipt);
  edit(copy);
  const p = join(await mkdtemp(join(tmpdir(), 'ev-rcpt-')), 'receipt.json');
  await writeFile(p, JSON.stringify(copy));
  return p;
}

describe('the receipt', () => {
  it('is an in-toto Statement v1 with a SLSA verification summary and our extension, every field typed', () => {
    expect(receipt._type).toBe('https://in-toto.io/Statement/v1');
    expect(receipt.predicateType).toBe('https://slsa.dev/verification_summary/v1');
    expect(receipt.subject).toHaveLength(10);
    for (const s of receipt.subject) {
      expect(typeof s.name).toBe('string');
      expect(s.digest.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(receipt.subject.map((s: any) => s.name).sort()).toEqual([...rel.names].sort());
    const p = receipt.predicate;
    expect(typeof p.verifier.id).toBe('string');
    expect(p.verifier.version['electrum-verify']).toMatch(/^\d+\.\d+\.\d+/);
    expect(new Date(p.timeVerified).toISOString()).toBe(p.timeVerified);
    expect(p.resourceUri).toBe('https://download.electrum.org/4.5.8/');
    expect(p.policy.uri).toMatch(/^urn:electrum-verify:policy:custom-keyring:keys-custom:[0-9a-f]{16}$/);
    expect(p.policy.digest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(p.verificationResult).toBe('PASSED');
    expect(Array.isArray(p.verifiedLevels)).toBe(true);
    const ext = p.electrumVerify;
    expect(ext.schema).toBe('electrum-verify/receipt/v1');
    expect(ext.note).toMatch(/Unsigned evidence, not a signature/);
    expect(ext.keySet).toMatchObject({
      trust: 'custom',
      fingerprints: [...rel.fingerprints].sort(),
      id: p.policy.digest.sha256,
    });
    expect(ext.release).toMatchObject({ version: V, missing: [] });
    expect(ext.files).toHaveLength(10);
    for (const f of ext.files) {
      expect(f).toMatchObject({ verdict: 'verified', exitCode: 0, reason: null });
      expect(f.signers).toHaveLength(2);
      for (const s of f.signers) {
        expect(s.fingerprint).toMatch(/^[0-9A-F]{40}$/);
        expect(new Date(s.created).getTime()).toBeGreaterThan(0);
      }
      // the exact .asc bytes: aggregate + the two per-signer files, byte for byte
      expect(f.signatures.map((x: any) => x.source.split('/').pop())).toEqual([
        `${f.name}.asc`,
        `${f.name}.ThomasV.asc`,
        `${f.name}.sombernight_releasekey.asc`,
      ]);
      expect(Buffer.from(f.signatures[0].base64, 'base64').toString('latin1')).toBe(rel.aggregate[f.name]);
    }
    // written atomically: nothing else beside it
    return readdir(join(receiptPath, '..')).then((names) => expect(names).toEqual(['receipt.json']));
  });

  it('check-receipt passes on the untouched folder (recorded paths, and --dir)', async () => {
    const a = await check(receiptPath);
    expect(a.code, JSON.stringify(a.json.reason)).toBe(0);
    expect(a.json).toMatchObject({ verdict: 'verified', summary: { files: 10, matched: 10, mismatched: 0 } });
    const copy = await rel.copy();
    const b = await check(receiptPath, { dir: copy });
    expect(b.code).toBe(0);
  });

  it('check-receipt fails (exit 1) when a file changed', async () => {
    const copy = await rel.copy();
    const name = 'Electrum-4.5.8.tar.gz';
    const bad = Buffer.from(rel.data[name]!);
    bad[5] = bad[5]! ^ 0x80;
    await writeFile(join(copy, name), bad);
    const r = await check(receiptPath, { dir: copy });
    expect(r.code).toBe(1);
    expect(r.json.reason.code).toBe('RECEIPT_MISMATCH');
    const mism = r.json.results.filter((x: any) => x.status === 'mismatch');
    expect(mism.map((x: any) => x.name)).toEqual([name]);
  });

  it('check-receipt fails when a file is missing (exit 1); none of them there is a wrong --dir (exit 2)', async () => {
    const copy = await rel.copy();
    await unlink(join(copy, 'electrum-4.5.8.dmg'));
    const r = await check(receiptPath, { dir: copy });
    expect(r.code).toBe(1);
    expect(r.json.results.filter((x: any) => x.status === 'mismatch').map((x: any) => x.name)).toEqual([
      'electrum-4.5.8.dmg',
    ]);
    const empty = await mkdtemp(join(tmpdir(), 'ev-rcpt-empty-'));
    const e = await check(receiptPath, { dir: empty });
    expect(e.code).toBe(2);
    expect(e.json.reason).toMatchObject({ code: 'USAGE' });
    expect(e.json.reason.message).toMatch(/none of the 10 file\(s\) the receipt names is in .*nothing was compared/);
  });

  it('check-receipt fails when the embedded .asc changed (one signature dropped, or one byte altered)', async () => {
    const name = 'electrum-4.5.8.dmg';
    // drop the per-signer files and replace the aggregate with ThomasV's block alone: a signer of the receipt is gone
    const dropped = await tamperedReceipt((r) => {
      const f = r.predicate.electrumVerify.files.find((x: any) => x.name === name);
      f.signatures = [{ source: 'x.asc', base64: Buffer.from(rel.perSigner[name]!.ThomasV!).toString('base64') }];
    });
    const a = await check(dropped);
    expect(a.code).toBe(1);
    expect(JSON.stringify(a.json.results.find((x: any) => x.name === name).problems)).toMatch(
      /no counted signature by that key/,
    );
    // a signature of other data in place of one block: the signature is bad over the file
    const swapped = await tamperedReceipt((r) => {
      const f = r.predicate.electrumVerify.files.find((x: any) => x.name === name);
      const other = rel.perSigner['Electrum-4.5.8.tar.gz']!.ThomasV!;
      f.signatures = [
        {
          source: 'x.asc',
          base64: Buffer.from(other + rel.perSigner[name]!.sombernight_releasekey!).toString('base64'),
        },
      ];
    });
    const b = await check(swapped);
    expect(b.code).toBe(1);
    // a subject digest changed
    const digest = await tamperedReceipt((r) => {
      r.subject[0].digest.sha256 = '0'.repeat(64);
    });
    expect((await check(digest)).code).toBe(1);
  });

  it('a file that is not a receipt is exit 2', async () => {
    const p = join(await mkdtemp(join(tmpdir(), 'ev-rcpt-')), 'x.json');
    await writeFile(p, '{"_type":"something else"}');
    expect((await check(p)).code).toBe(2);
    expect((await check(join(p, 'nope'))).code).toBe(2);
  });

  it('a failed run writes a FAILED receipt, and check-receipt does not confirm it', async () => {
    const copy = await rel.copy();
    await writeFile(join(copy, 'electrum-4.5.8.exe'), Buffer.from('tampered'));
    const p = join(await mkdtemp(join(tmpdir(), 'ev-rcpt-')), 'r.json');
    expect(
      await verifyReleaseCommand(
        V,
        { dir: copy, offline: true, keyring: rel.keyringPath, receipt: p, json: true },
        io() as never,
      ),
    ).toBe(1);
    const r = JSON.parse(await readFile(p, 'utf8'));
    expect(r.predicate.verificationResult).toBe('FAILED');
    expect(r.predicate.electrumVerify.exitCode).toBe(1);
    expect((await check(p)).code).toBe(1);
  });

  it('no receipt is written for an interrupted run (exit 130)', async () => {
    const p = join(await mkdtemp(join(tmpdir(), 'ev-rcpt-')), 'r.json');
    const controller = new AbortController();
    const o = io({ signal: controller.signal });
    const running = verifyReleaseCommand(
      V,
      { dir, offline: true, keyring: rel.keyringPath, receipt: p, json: true, concurrency: 1 },
      o as never,
    );
    controller.abort();
    expect(await running).toBe(130);
    const json = JSON.parse(o.stdout.text());
    expect(json).toMatchObject({ verdict: 'error', exitCode: 130, reason: { code: 'INTERRUPTED' } });
    expect(existsSync(p)).toBe(false);
    expect(await readdir(join(p, '..'))).toEqual([]);
  });

  describe('setup mistakes are usage errors (exit 2) that name the cause, never a MISMATCH (review #8)', () => {
    it('a receipt made with --keyring, checked without it: says so and asks for --keyring', async () => {
      const o = io();
      const code = await checkReceiptCommand(receiptPath, { json: true }, o as never);
      expect(code, o.stdout.text()).toBe(2);
      const json = JSON.parse(o.stdout.text());
      expect(json).toMatchObject({ verdict: 'error', exitCode: 2, reason: { code: 'USAGE' } });
      expect(json.reason.message).toMatch(/written with a custom keyring/);
      expect(json.reason.hint).toMatch(/--keyring FILE/);
      expect(json.reason.hint).toContain(rel.fingerprints[0]);
      // text: no "MISMATCH", no "Do not trust"
      const t = io();
      expect(await checkReceiptCommand(receiptPath, {}, t as never)).toBe(2);
      expect(t.stdout.text() + t.stderr.text()).not.toMatch(/MISMATCH|Do not trust/);
    });

    it('a --keyring that holds none of the keys the receipt was made with: says so (exit 2)', async () => {
      const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'nistP256', userIDs: [{ name: 'Other' }] });
      const other = join(await mkdtemp(join(tmpdir(), 'ev-rcpt-')), 'other.asc');
      await writeFile(other, publicKey);
      const r = await check(receiptPath, { keyring: other });
      expect(r.code, JSON.stringify(r.json.reason)).toBe(2);
      expect(r.json.reason.message).toMatch(/holds none of the keys .* was made with \(a custom keyring: /);
      expect(r.json.reason.hint).toMatch(/the keyring the receipt was made with/);
    });

    it('run from another folder (paths relative to where it was written): "not found from this folder", --dir suggested', async () => {
      // as written by `verify-release 4.5.8 --dir m --receipt m/receipt.json` in the folder above m
      const copy = await rel.copy();
      const p = join(copy, 'receipt.json');
      const r0 = structuredClone(receipt);
      for (const f of r0.predicate.electrumVerify.files) f.path = `m/${f.name}`;
      await writeFile(p, JSON.stringify(r0));
      const r = await check(p);
      expect(r.code, JSON.stringify(r.json)).toBe(2);
      expect(r.json.reason.code).toBe('USAGE');
      expect(r.json.reason.message).toMatch(/none of the 10 file\(s\) .* found from this folder \(e\.g\. m\//);
      expect(r.json.reason.hint).toContain(`They are beside the receipt: --dir ${copy}`);
      expect((await check(p, { dir: copy })).code).toBe(0);
    });

    it('a receipt of downloads (URLs) without --dir: exit 2, "give --dir"; with --dir: confirmed', async () => {
      const p = await tamperedReceipt((r) => {
        for (const f of r.predicate.electrumVerify.files) f.path = `https://download.electrum.org/4.5.8/${f.name}`;
      });
      const r = await check(p);
      expect(r.code).toBe(2);
      expect(r.json.reason.message).toMatch(/records downloads \(URLs .*give --dir/);
      expect((await check(p, { dir: await rel.copy() })).code).toBe(0);
    });
  });
});
