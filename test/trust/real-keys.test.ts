/**
 * Real data (issue 13): the shipped pinned keys judged today by `keys --check`, and the real per-signer release
 * signatures in ../shared/electrum-asc mapped to their pinned signers (Emzy through his signing subkey).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { keysCommand } from '../../src/commands/keys.js';
import { findIssuer } from '../../src/pgp/check-signature.js';
import { parseSignatureFile } from '../../src/pgp/signature-file.js';
import { loadPinnedKeyring } from '../../src/trust/keyring.js';
import { keyHealth } from '../../src/trust/key-health.js';
import { mergeSignatureFiles } from '../../src/signature-source.js';
import { describePolicy } from '../../src/trust/describe.js';
import { verify } from '../../src/verify.js';
import { SHARED } from '../support/cli.js';
import { makeKey, revoked, tempDir } from './fixture-keys.js';

const ASC = join(SHARED, 'electrum-asc');
const present = existsSync(ASC);
const EMZY_SIGNING_SUBKEY = '637DB1E23370F84AFF88CCE03152347D07DA627C';
const EMZY_EXPIRY = Date.UTC(2026, 9, 12); // 2026-10-12 (README: S/E/A subkeys expire then)

const plain = {
  ok: (s: string) => s,
  bad: (s: string) => s,
  warn: (s: string) => s,
  dim: (s: string) => s,
  bold: (s: string) => s,
};

async function runKeys(opts: { json?: boolean; check?: boolean }): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        f(String(chunk));
        cb();
      },
    });
  const stateDir = await tempDir('ev-state-empty-');
  const code = await keysCommand(
    { ...opts, stateDir },
    { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), style: plain },
  );
  return { code, out, err };
}

describe.skipIf(!present)('keys --check on the shipped keys', () => {
  it('--json: Emzy signing subkey expired 2026-10-12, the policy still usable (Emzy is a cosigner), exit 0', async () => {
    const r = await runKeys({ json: true, check: true });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.schema).toBe('electrum-verify/v1');
    expect(j.verdict).toBe('usable');
    expect(j.exitCode).toBe(0);
    expect(j.errors).toEqual([]);
    const by = Object.fromEntries(j.keys.map((k: any) => [k.name, k]));
    expect(by.Emzy.role).toBe('cosigner');
    expect(by.Emzy.source).toBe('pinned');
    const sub = by.Emzy.signing.find((s: any) => s.fingerprint === EMZY_SIGNING_SUBKEY);
    expect(sub.expires.slice(0, 10)).toBe('2026-10-12');
    expect(sub.state).toBe(
      Date.now() >= EMZY_EXPIRY + 86_400_000
        ? 'expired'
        : Date.now() >= EMZY_EXPIRY - 60 * 86_400_000
          ? 'expiring'
          : 'ok',
    );
    expect(sub.daysLeft).toBe(Math.floor((Date.parse(sub.expires) - Date.now()) / 86_400_000));
    if (sub.state === 'expired') expect(by.Emzy.usable).toBe(false);
    for (const n of ['ThomasV', 'sombernight_releasekey']) {
      expect(by[n].role).toBe('release');
      expect(by[n].required).toBe(true);
      expect(by[n].usable).toBe(true);
      expect(by[n].status).toBe('ok');
    }
    expect(j.warnings.join('\n')).toMatch(/Emzy: signing subkey 637D…627C expired 2026-10-12/);
  });

  it('human output names the expired subkey and the usable policy', async () => {
    const r = await runKeys({ check: true });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/⚠ Emzy .*cosigner/);
    expect(r.out).toMatch(/subkey 637D…627C: expired 2026-10-12 \(\d+ days ago\)/);
    expect(r.out).toMatch(/Policy usable: every release signer \(ThomasV, sombernight_releasekey\) can sign today\./);
    expect(r.out).toMatch(/copy {5}pinned \(shipped with electrum-verify\)/);
  });

  it('keys (no --check) keeps its contract fields and says where each copy came from', async () => {
    const j = JSON.parse((await runKeys({ json: true })).out);
    expect(j.keys).toHaveLength(5);
    for (const k of j.keys) {
      expect(Object.keys(k)).toEqual(
        expect.arrayContaining([
          'name',
          'fingerprint',
          'signingKeys',
          'algorithm',
          'expires',
          'expiredNow',
          'source',
          'role',
        ]),
      );
      expect(k.source).toBe('pinned');
    }
  });
});

describe('key health of a release signer that cannot sign', () => {
  it('a revoked key the policy requires → error, not usable', async () => {
    const key = await makeKey('TestThomas');
    const pub = await revoked(key);
    const fpr = pub.getFingerprint().toUpperCase();
    const h = await keyHealth({ name: 'ThomasV', fingerprint: fpr, key: pub }, new Date(), [
      { name: 'ThomasV', fingerprint: fpr, role: 'release', requiredFrom: null },
    ]);
    expect(h.status).toBe('error');
    expect(h.usable).toBe(false);
    expect(h.messages.join('\n')).toMatch(/ThomasV is required by Electrum's release gate/);
    // the same key as a cosigner: a warning only
    const c = await keyHealth({ name: 'Emzy', fingerprint: fpr, key: pub }, new Date(), [
      { name: 'Emzy', fingerprint: fpr, role: 'cosigner', requiredFrom: null },
    ]);
    expect(c.status).toBe('warning');
  });
});

describe.skipIf(!present)('real per-signer signature files map to their pinned signers', () => {
  const files: [string, string, string | null][] = [
    ['Electrum-4.1.5.tar.gz.ThomasV.asc', 'ThomasV', null],
    ['Electrum-4.1.5.tar.gz.sombernight_releasekey.asc', 'sombernight_releasekey', null],
    ['Electrum-4.1.5.tar.gz.Emzy.asc', 'Emzy', EMZY_SIGNING_SUBKEY],
    ['Electrum-4.8.1.tar.gz.Emzy.asc', 'Emzy', EMZY_SIGNING_SUBKEY],
    ['Electrum-4.8.1.tar.gz.felixb_f321x.asc', 'felixb_f321x', null],
    ['Electrum-4.8.1.tar.gz.svanstaa.asc', 'svanstaa', null],
  ];
  it.each(files)('%s → %s', async (file, name, subkey) => {
    const ring = await loadPinnedKeyring(undefined, { stateDir: await tempDir('ev-state-empty-') });
    const { packets } = await parseSignatureFile(await readFile(join(ASC, file)));
    expect(packets).toHaveLength(1);
    const match = findIssuer(ring, packets[0]!);
    expect(match?.trusted.name).toBe(name);
    // the file-name suffix is the signer's pinned name
    expect(file.split('.').at(-2)).toBe(name);
    if (subkey) {
      expect(match!.signing.getFingerprint().toUpperCase()).toBe(subkey);
      expect(match!.trusted.fingerprint).not.toBe(subkey);
    } else {
      expect(match!.signing.getFingerprint().toUpperCase()).toBe(match!.trusted.fingerprint);
    }
  });

  it('the 4.1.5 aggregate merged with its per-signer files keeps each block once (3 signatures)', async () => {
    const parts = await Promise.all(
      [
        'RECONSTRUCTED-Electrum-4.1.5.tar.gz.asc',
        'Electrum-4.1.5.tar.gz.ThomasV.asc',
        'Electrum-4.1.5.tar.gz.sombernight_releasekey.asc',
        'Electrum-4.1.5.tar.gz.Emzy.asc',
      ].map((f) => readFile(join(ASC, f))),
    );
    const merged = mergeSignatureFiles(parts);
    const { packets } = await parseSignatureFile(merged);
    expect(packets).toHaveLength(3);
    const ring = await loadPinnedKeyring(undefined, { stateDir: await tempDir('ev-state-empty-') });
    expect(packets.map((p) => findIssuer(ring, p)?.trusted.name)).toEqual([
      'Emzy',
      'sombernight_releasekey',
      'ThomasV',
    ]);
    // without the de-duplication the same blocks would be listed twice
    const { packets: raw } = await parseSignatureFile(
      Buffer.concat(parts.map((p) => Buffer.concat([p, Buffer.from('\n')]))),
    );
    expect(raw).toHaveLength(6);
  });
});

describe.skipIf(!present)('the version rules on real signed tags (--as gives the version)', () => {
  const TAGS = join(SHARED, 'electrum-tags');
  const tag = (v: string) => join(TAGS, `electrum-${v}.payload`);
  const opts = async (v: string, as?: string) => ({
    signature: `${tag(v)}.asc`,
    stateDir: await tempDir('ev-state-empty-'),
    ...(as ? { as } : {}),
  });

  it('4.0.9 judged as Electrum-4.0.9.tar.gz: before 4.1.3 ThomasV alone is the release gate → verified', async () => {
    const r = await verify(tag('4.0.9'), await opts('4.0.9', 'Electrum-4.0.9.tar.gz'));
    expect(r.reason).toBeNull();
    expect(r.signature.requiredSigners).toEqual(['ThomasV']);
    expect(describePolicy(r)[0]).toBe("required: ThomasV (Electrum's release gate before 4.1.3)");
  });

  it("4.7.1 judged as Electrum-4.7.1.tar.gz: ThomasV alone is not Electrum's gate → NOT_ENOUGH_SIGNERS naming SomberNight", async () => {
    const r = await verify(tag('4.7.1'), await opts('4.7.1', 'Electrum-4.7.1.tar.gz'));
    expect(r.reason?.code).toBe('NOT_ENOUGH_SIGNERS');
    expect(r.reason?.message).toBe(
      "Electrum's release gate needs ThomasV + SomberNight; missing: SomberNight (no signature by this key)",
    );
    expect(r.signature.required).toBe(2);
    expect(r.signature.signers.map((s) => s.name)).toEqual(['ThomasV']);
  });

  it('4.7.1 by its tag name (no version): one release signer, with a warning', async () => {
    const r = await verify(tag('4.7.1'), await opts('4.7.1'));
    expect(r.reason).toBeNull();
    expect(r.signature.policy).toBe('any-release-signer');
    expect(r.warnings.some((w) => /could not be applied/.test(w))).toBe(true);
  });
});
