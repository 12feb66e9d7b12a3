/**
 * `verify <target…>` with several targets (src/run/verify-targets.ts), in-process, local files made in the run.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyTargetsCommand, type VerifyTargetsOptions } from '../../src/run/verify-targets.js';
import { plainBytes } from '../support/openpgp-test-internals.js';
import { io, makeReleaseFixture, type ReleaseFixture } from './fixture.js';

let rel: ReleaseFixture;
beforeAll(async () => {
  rel = await makeReleaseFixture('4.5.8');
});

async function run(targets: string[], opts: VerifyTargetsOptions = {}) {
  const o = io();
  const code = await verifyTargetsCommand(targets, { keyring: rel.keyringPath, json: true, ...opts }, o as never);
  return {
    code,
    json: opts.json === false ? null : JSON.parse(o.stdout.text()),
    stdout: o.stdout.text(),
    stderr: o.stderr.text(),
  };
}

describe('verify with several targets', () => {
  it('several good files --offline: exit 0, the several-target object with one report per target in order', async () => {
    const files = rel.names.slice(0, 4).map((n) => join(rel.dir, n));
    const r = await run(files, { offline: true });
    expect(r.code).toBe(0);
    expect(Object.keys(r.json)).toEqual(['schema', 'verdict', 'exitCode', 'reason', 'results', 'summary']);
    expect(r.json.results.map((x: any) => x.target.input)).toEqual(files);
    expect(r.json.summary).toMatchObject({ targets: 4, verified: 4 });
    expect(r.stderr.match(/warning: using the keys in /g)).toHaveLength(1);
  });

  it('the most severe result decides: a tampered file (1) outranks a missing file (2)', async () => {
    const dir = await rel.copy();
    const bad = join(dir, rel.names[1]!);
    await writeFile(bad, 'tampered');
    const r = await run([join(dir, rel.names[0]!), join(dir, 'no-such-file.tar.gz'), bad], { offline: true });
    expect(r.code).toBe(1);
    expect(r.json.results.map((x: any) => x.exitCode)).toEqual([0, 2, 1]);
    expect(r.json).toMatchObject({ verdict: 'rejected', exitCode: 1 });
    expect(r.json.reason.code).toBe(r.json.results[2].reason.code);
    // human output: a verdict line per file and a summary
    const t = await run([join(dir, rel.names[0]!), bad], { offline: true, json: false });
    expect(t.stdout).toMatch(/VERIFIED {2}Electrum-4\.5\.8\.tar\.gz/);
    expect(t.stdout).toMatch(/NOT AUTHENTIC/);
    expect(t.stdout).toMatch(/1 of 2 verified, 1 rejected/);
  });

  it('one target: the report is exactly the single-target report', async () => {
    const r = await run([join(rel.dir, rel.names[0]!)], { offline: true });
    expect(r.code).toBe(0);
    expect(r.json.results).toBeUndefined();
    expect(r.json).toMatchObject({ schema: 'electrum-verify/v1', verdict: 'verified', target: { kind: 'file' } });
  });

  it('-o FILE with several targets is a usage error; repeated --signature is for one target', async () => {
    const two = rel.names.slice(0, 2).map((n) => join(rel.dir, n));
    expect((await run(two, { output: join(tmpdir(), 'x.tar.gz') })).code).toBe(2);
    expect((await run(two, { signatures: [join(rel.dir, `${rel.names[0]}.asc`)] })).code).toBe(2);
    expect((await run(two, { format: 'text', json: true })).code).toBe(2);
  });

  it('--signature repeated: per-signer files merged for one target (2 signers counted)', async () => {
    const n = rel.names[0]!;
    const sigs = [join(rel.dir, `${n}.ThomasV.asc`), join(rel.dir, `${n}.sombernight_releasekey.asc`)];
    const r = await run([join(rel.dir, n)], { signatures: sigs, minSigners: 2 });
    expect(r.code, JSON.stringify(r.json.reason)).toBe(0);
    expect(r.json.signature.url).toBe(sigs.join(' + '));
    expect((await run([join(rel.dir, n)], { signatures: [sigs[0]!], minSigners: 2 })).code).toBe(1);
    // a binary .sig (gpg --detach-sign without --armor) merged with an armored .asc
    const binary = join(await mkdtemp(join(tmpdir(), 'ev-vt-')), `${n}.sig`);
    const { data } = await openpgp.unarmor(rel.perSigner[n]!.ThomasV!);
    await writeFile(binary, plainBytes(data));
    const mixed = await run([join(rel.dir, n)], { signatures: [binary, sigs[1]!], minSigners: 2 });
    expect(mixed.code, JSON.stringify(mixed.json.reason)).toBe(0);
    expect(mixed.json.signature.found).toHaveLength(2);
  });

  it('--receipt with one target: written after the verdict, single report unchanged', async () => {
    const p = join(await mkdtemp(join(tmpdir(), 'ev-vt-')), 'r.json');
    const n = rel.names[3]!;
    const r = await run([join(rel.dir, n)], { offline: true, receipt: p });
    expect(r.code).toBe(0);
    const receipt = JSON.parse(await readFile(p, 'utf8'));
    expect(receipt.subject).toEqual([{ name: n, digest: { sha256: r.json.sha256 } }]);
    expect(receipt.predicate.electrumVerify.command).toBe('verify');
    expect(existsSync(p)).toBe(true);
  });
});

describe('--offline with a renamed download (review #7)', () => {
  it('--as NAME finds NAME.asc (and NAME.<signer>.asc) beside the renamed file: verified', async () => {
    const dir = await rel.copy();
    const n = 'Electrum-4.5.8.tar.gz';
    const renamed = join(dir, 'Electrum-4.5.8 (1).tar.gz');
    await rename(join(dir, n), renamed);
    const r = await run([renamed], { offline: true, as: n, minSigners: 2 });
    expect(r.code, JSON.stringify(r.json.reason)).toBe(0);
    expect(r.json.artifact.name).toBe(n);
    expect(r.json.signature.url).toContain(`${n}.asc`);
    // only the per-signer files beside it: found under the --as name too
    await rm(join(dir, `${n}.asc`));
    const p = await run([renamed], { offline: true, as: n, minSigners: 2 });
    expect(p.code, JSON.stringify(p.json.reason)).toBe(0);
    expect(p.json.signature.url).toContain(`${n}.ThomasV.asc`);
  });

  it('without --as: exit 2 (bad local input, nothing fetched), "looks like … renamed", --as NAME in the hint', async () => {
    const dir = await rel.copy();
    const n = 'Electrum-4.5.8.tar.gz';
    const renamed = join(dir, 'Electrum-4.5.8 (1).tar.gz');
    await rename(join(dir, n), renamed);
    const r = await run([renamed], { offline: true });
    expect(r.code).toBe(2);
    expect(r.json.reason.code).toBe('USAGE');
    expect(r.json.reason.message).toMatch(/no signature file beside .*looks like Electrum-4\.5\.8\.tar\.gz renamed/);
    expect(r.json.reason.hint).toMatch(
      /Electrum-4\.5\.8\.tar\.gz\.asc is beside it: pass --as Electrum-4\.5\.8\.tar\.gz/,
    );
    // no .asc at all: the hint names the release folder (no "<version>" placeholder)
    const bare = await mkdtemp(join(tmpdir(), 'ev-vt-'));
    await writeFile(join(bare, n), rel.data[n]!);
    const b = await run([join(bare, n)], { offline: true });
    expect(b.code).toBe(2);
    expect(b.json.reason.hint).toContain('https://download.electrum.org/4.5.8/');
    expect(b.json.reason.hint).not.toContain('<version>');
  });
});

describe('progress for several targets (review #10)', () => {
  function recorder() {
    const calls: string[] = [];
    let made = 0;
    const factory = async (count: number) => {
      made++;
      calls.push(`made ${count}`);
      return {
        stage: (i: number, name: string, stage: string) => void calls.push(`stage ${i} ${name} ${stage}`),
        bytes: (i: number, received: number, total: number | null) =>
          void (received === total && calls.push(`bytes ${i} ${received}/${total}`)),
        done: (i: number) => void calls.push(`done ${i}`),
        stop: () => void calls.push('stop'),
      };
    };
    return { calls, factory, made: () => made };
  }

  it("text output: the display is made before the work, told each target's steps, bytes and end, and stopped before the verdicts", async () => {
    const files = rel.names.slice(0, 3).map((n) => join(rel.dir, n));
    const rec = recorder();
    const o = io({ progress: rec.factory });
    const origWrite = o.stdout.write.bind(o.stdout);
    (o.stdout as any).write = (chunk: string) => (rec.calls.push('stdout'), origWrite(chunk));
    const code = await verifyTargetsCommand(files, { keyring: rel.keyringPath, offline: true }, o as never);
    expect(code, o.stdout.text()).toBe(0);
    expect(rec.calls[0]).toBe('made 3');
    for (const [i, n] of rel.names.slice(0, 3).entries()) {
      expect(rec.calls).toContain(`stage ${i} ${n} read`);
      expect(rec.calls).toContain(`stage ${i} ${n} check`);
      expect(rec.calls).toContain(`bytes ${i} ${rel.data[n]!.length}/${rel.data[n]!.length}`);
      expect(rec.calls).toContain(`done ${i}`);
    }
    const stop = rec.calls.indexOf('stop');
    expect(stop).toBeGreaterThan(Math.max(...[0, 1, 2].map((i) => rec.calls.indexOf(`done ${i}`))));
    expect(rec.calls.indexOf('stdout')).toBeGreaterThan(stop);
    expect(rec.calls.slice(stop + 1).filter((c) => c !== 'stdout' && c !== 'stop')).toEqual([]);
  });

  it('--json and --quiet: no display is made', async () => {
    const files = rel.names.slice(0, 2).map((n) => join(rel.dir, n));
    for (const extra of [{ json: true }, { quiet: true }]) {
      const rec = recorder();
      const code = await verifyTargetsCommand(
        files,
        { keyring: rel.keyringPath, offline: true, ...extra },
        io({ progress: rec.factory }) as never,
      );
      expect(code).toBe(0);
      expect(rec.made()).toBe(0);
    }
  });
});
