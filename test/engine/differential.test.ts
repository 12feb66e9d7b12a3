/**
 * The one-pass engine (DataHasher + checkSignature) must give the same per-signature verdict as
 * openpgp.js's own streaming verification (reference-verify.ts) on every fixture, and must never call
 * valid what the reference rejects.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignature } from '../../src/pgp/check-signature.js';
import { DataHasher } from '../../src/pgp/data-digest.js';
import { referenceVerify } from '../../src/pgp/reference-verify.js';
import { parseSignatureFile, type SignatureFile } from '../../src/pgp/signature-file.js';
import { loadCustomKeyring, loadPinnedKeyring, type Keyring } from '../../src/trust/keyring.js';
import { cleanupPgpFixtures, sharedPgpFixtures, type PgpFixtures } from '../support/gpg.js';

async function onePass(path: string, file: SignatureFile, keyring: Keyring): Promise<boolean[]> {
  const hasher = new DataHasher(file.packets);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) hasher.update(chunk as Buffer);
  const digests = await hasher.finish();
  const out: boolean[] = [];
  for (const p of file.packets) out.push((await checkSignature(p, digests.digestFor(p), keyring, new Date())).status === 'valid');
  return out;
}

async function compare(dataPath: string, ascPath: string, keyring: Keyring): Promise<{ fast: boolean[]; reference: boolean[] }> {
  const file = await parseSignatureFile(await readFile(ascPath));
  const fast = await onePass(dataPath, file, keyring);
  // Fresh packets for the reference run, so neither path can see state left by the other.
  const again = await parseSignatureFile(await readFile(ascPath));
  const reference = (await referenceVerify(dataPath, again, keyring)).map((r) => r.valid);
  return { fast, reference };
}

let fx: PgpFixtures;
let known: Keyring;
let unknownOnly: Keyring;

beforeAll(async () => {
  fx = await sharedPgpFixtures();
  known = await loadCustomKeyring(fx.keyrings.known);
  unknownOnly = await loadCustomKeyring(fx.keyrings.unknownOnly);
});
afterAll(cleanupPgpFixtures);

describe('one-pass engine agrees with openpgp.js streaming verification', () => {
  // Every parseable .asc fixture, over the signed data, a tampered copy and another file, with two keyrings.
  const parseable = ['sha1', 'textMode', 'sameTwice', 'threeBlocks', 'unknownPlusGood', 'unknownAlone', 'future', 'overOther', 'goodPlusBad'] as const;

  it('for every single-signer fixture and every data file', async () => {
    let compared = 0;
    let validSeen = 0;
    for (const [name, asc] of Object.entries(fx.sigs.bySigner)) {
      for (const data of [fx.data, fx.tamperedData, fx.other]) {
        for (const keyring of [known, unknownOnly]) {
          const { fast, reference } = await compare(data, asc, keyring);
          expect(fast, `${name} over ${data}`).toEqual(reference);
          compared += fast.length;
          validSeen += fast.filter(Boolean).length;
        }
      }
    }
    // Sanity: the comparison covered both outcomes (a comparison of only failures would prove nothing).
    expect(validSeen).toBeGreaterThan(0);
    expect(compared - validSeen).toBeGreaterThan(validSeen);
  });

  it.each(parseable)('for the %s fixture', async (name) => {
    for (const data of [fx.data, fx.tamperedData]) {
      const { fast, reference } = await compare(data, fx.sigs[name], known);
      expect(fast).toEqual(reference);
    }
  });

  it('never calls a signature valid over tampered data', async () => {
    for (const asc of Object.values(fx.sigs.bySigner)) {
      const { fast } = await compare(fx.tamperedData, asc, known);
      expect(fast.every((v) => v === false)).toBe(true);
    }
  });
});

const TAGS = join(import.meta.dirname, '../../../shared/electrum-tags');
const KEYS = join(import.meta.dirname, '../../../shared/electrum-keys');

describe.runIf(existsSync(TAGS))('one-pass engine agrees with openpgp.js on real Electrum tag signatures', () => {
  it.each(['3.3.4', '4.0.9', '4.5.8', '4.7.1', '4.8.1'])('electrum-%s', async (v) => {
    const pinned = await loadPinnedKeyring();
    const somber = await loadCustomKeyring(join(KEYS, 'sombernight.asc'));
    for (const keyring of [pinned, somber]) {
      const { fast, reference } = await compare(join(TAGS, `electrum-${v}.payload`), join(TAGS, `electrum-${v}.payload.asc`), keyring);
      expect(fast).toEqual(reference);
    }
    const tampered = await compare(join(TAGS, 'electrum-4.8.1-tampered.payload'), join(TAGS, 'electrum-4.8.1.payload.asc'), somber);
    expect(tampered.fast).toEqual([false]);
    expect(tampered.reference).toEqual([false]);
  });
});
