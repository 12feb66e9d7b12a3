/**
 * Issue 11, item 12: a signature cannot be older than the release it signs.
 * src/release/dates.ts holds Electrum's release dates (copied from ../shared/electrum-releases.tsv) and the rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/errors.js';
import {
  FIRST_SAFE_SIGNED_FROM,
  RELEASE_DATES,
  SIGNING_MARGIN_DAYS,
  judgeSignatureDates,
  releaseDateFor,
} from '../../src/release/dates.js';
import { verify } from '../../src/verify.js';
import { SHARED } from '../support/cli.js';

const DAY = 24 * 60 * 60 * 1000;
const d = (iso: string): Date => new Date(iso);

const SHARED_DIR = [SHARED, '/work/shared'].find((p) => existsSync(join(p, 'electrum-releases.tsv'))) ?? null;
if (SHARED_DIR === null)
  console.warn(`release-date table check skipped: no electrum-releases.tsv in ${SHARED} or /work/shared`);

describe.skipIf(SHARED_DIR === null)('the release-date table matches the shared file', () => {
  it('same rows, same order, same dates', () => {
    const rows = readFileSync(join(SHARED_DIR as string, 'electrum-releases.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => {
        const [version, date] = l.split('\t');
        return [version, date];
      });
    expect(rows.length).toBeGreaterThan(150);
    expect(RELEASE_DATES.map((r) => [...r])).toEqual(rows);
  });
});

describe('releaseDateFor', () => {
  it('a listed version: its own date', () => {
    expect(releaseDateFor('4.0.9')).toEqual({ date: d('2020-12-18T00:00:00Z'), listedAs: '4.0.9', basis: 'listed' });
    expect(releaseDateFor('3.3.4')?.date).toEqual(d('2019-02-13T00:00:00Z'));
    expect(releaseDateFor('4.6.0b1')?.date).toEqual(d('2025-06-13T00:00:00Z'));
    // 2.9.4 came out after 3.0.5: dates are looked up by version, not by position
    expect(releaseDateFor('2.9.4')?.date).toEqual(d('2018-01-12T00:00:00Z'));
  });

  it('3.0 and 3.0.0 are the same version', () => {
    expect(releaseDateFor('3.0.0')?.date).toEqual(d('2017-11-01T00:00:00Z'));
    expect(releaseDateFor('3.0')?.date).toEqual(d('2017-11-01T00:00:00Z'));
  });

  it('a version missing from the table uses the next lower listed one', () => {
    expect(releaseDateFor('4.0.10')).toEqual({
      date: d('2020-12-18T00:00:00Z'),
      listedAs: '4.0.9',
      basis: 'next-lower',
    });
    expect(releaseDateFor('4.6.0b2')).toMatchObject({ listedAs: '4.6.0b1', basis: 'next-lower' });
    expect(releaseDateFor('4.7.0b0')).toMatchObject({ listedAs: '4.6.2', basis: 'next-lower' });
    expect(releaseDateFor('3.3.9')).toMatchObject({ listedAs: '3.3.8', date: d('2019-07-11T00:00:00Z') });
  });

  it('a version newer than the table uses the newest date in it', () => {
    expect(releaseDateFor('4.9.0')).toEqual({
      date: d('2026-08-10T00:00:00Z'),
      listedAs: '4.8.1',
      basis: 'newer-than-table',
    });
    expect(releaseDateFor('9999.0')?.date).toEqual(d('2026-08-10T00:00:00Z'));
  });

  it('older than every listed version, or not a version: no date', () => {
    expect(releaseDateFor('0.1')).toBeNull();
    expect(releaseDateFor('4.0.9x')).toBeNull();
    expect(releaseDateFor('')).toBeNull();
  });
});

describe('judgeSignatureDates', () => {
  const TAG_334 = d('2019-02-13T21:24:00Z'); // the real 3.3.4 tag signature (electrum-tags/README.md)

  it('the 3.3.4 signature named as 4.0.9 or 4.1.2: VERSION_MISMATCH, exit 1, message names both', () => {
    const r = judgeSignatureDates('4.0.9', [TAG_334]);
    expect(r?.code).toBe('VERSION_MISMATCH');
    expect(r?.message).toMatch(/^signed on 2019-02-13, before 4\.0\.9 existed \(released 2020-12-18; /);
    expect(r?.hint).toMatch(/Do not run/);
    expect(exitCodeFor('VERSION_MISMATCH')).toBe(EXIT.NOT_AUTHENTIC);
    expect(judgeSignatureDates('4.1.2', [TAG_334])?.message).toMatch(/^signed on 2019-02-13, before 4\.1\.2 existed/);
  });

  it('its own version passes; 3.3.5 (released 2019-05-09, − 60 days = 2019-03-10) does not', () => {
    expect(judgeSignatureDates('3.3.4', [TAG_334])).toBeNull();
    expect(judgeSignatureDates('3.3.5', [TAG_334])?.code).toBe('VERSION_MISMATCH');
  });

  it('(a) 60-day margin, to the millisecond, from 00:00 UTC of the release date', () => {
    const released = d('2020-12-18T00:00:00Z').getTime();
    const edge = new Date(released - SIGNING_MARGIN_DAYS * DAY);
    expect(edge.toISOString()).toBe('2020-10-19T00:00:00.000Z');
    expect(judgeSignatureDates('4.0.9', [edge])).toBeNull();
    const r = judgeSignatureDates('4.0.9', [new Date(edge.getTime() - 1)]);
    expect(r?.code).toBe('VERSION_MISMATCH');
    expect(r?.message).toMatch(/^signed on 2020-10-18, before 4\.0\.9 existed/);
  });

  it('(a) missing version: the next lower listed date, and the message says so', () => {
    // 4.0.10 is not listed: 4.0.9's date (2020-12-18) applies
    expect(judgeSignatureDates('4.0.10', [d('2020-10-19T00:00:00Z')])).toBeNull();
    const r = judgeSignatureDates('4.0.10', [d('2020-10-18T23:59:59Z')]);
    expect(r?.code).toBe('VERSION_MISMATCH');
    expect(r?.message).toMatch(
      /before 4\.0\.10 existed \(not in the release table; 4\.0\.9, the next lower release, came out 2020-12-18/,
    );
  });

  it('(a) newer than the table: the newest date (2026-08-10), same margin', () => {
    expect(judgeSignatureDates('4.9.0', [d('2026-06-11T00:00:00Z')])).toBeNull();
    const r = judgeSignatureDates('4.9.0', [d('2026-06-10T23:59:59Z')]);
    expect(r?.code).toBe('VERSION_MISMATCH');
    expect(r?.message).toMatch(/newer than every release in the table; the newest came out 2026-08-10/);
    expect(judgeSignatureDates('5.0.0', [TAG_334])?.code).toBe('VERSION_MISMATCH');
  });

  it('(b) before 2019-02-10 never counts for 3.3.4 or later, although the margin alone would allow it', () => {
    const real333 = d('2019-01-25T12:00:00Z');
    // the margin alone: 3.3.4 released 2019-02-13, − 60 days = 2018-12-15 < 2019-01-25
    expect(releaseDateFor('3.3.4')!.date.getTime() - SIGNING_MARGIN_DAYS * DAY).toBeLessThan(real333.getTime());
    const r = judgeSignatureDates('3.3.4', [real333]);
    expect(r?.code).toBe('VERSION_MISMATCH');
    expect(r?.message).toMatch(/^signed on 2019-01-25, before 3\.3\.4 existed: a signature made before 2019-02-10/);
    // the floor, to the millisecond
    expect(judgeSignatureDates('3.3.4', [FIRST_SAFE_SIGNED_FROM])).toBeNull();
    expect(judgeSignatureDates('3.3.4', [new Date(FIRST_SAFE_SIGNED_FROM.getTime() - 1)])?.code).toBe(
      'VERSION_MISMATCH',
    );
    // for versions below 3.3.4 the floor does not apply (their own vulnerable-version rule does)
    expect(judgeSignatureDates('3.3.3', [real333])).toBeNull();
    expect(judgeSignatureDates('3.3.4b1', [real333])).toBeNull();
  });

  it('(a) applies below 3.3.4 too: a 2016 signature is not a 3.3.3 release', () => {
    const r = judgeSignatureDates('3.3.3', [d('2016-10-14T10:00:00Z')]);
    expect(r?.code).toBe('VERSION_MISMATCH');
    expect(r?.message).toMatch(/^signed on 2016-10-14, before 3\.3\.3 existed \(released 2019-01-25/);
  });

  it('one early signature among good ones is enough to refuse; the message names the earliest', () => {
    const good = d('2020-12-18T18:41:20Z');
    const r = judgeSignatureDates('4.0.9', [good, d('2020-01-02T00:00:00Z'), TAG_334]);
    expect(r?.code).toBe('VERSION_MISMATCH');
    expect(r?.message).toMatch(/^signed on 2019-02-13,/);
    expect(judgeSignatureDates('4.0.9', [good, good])).toBeNull();
  });

  it('(c) no version: all counted signatures before 2019-02-10 → VERSION_VULNERABLE (exit 5)', () => {
    const r = judgeSignatureDates(null, [d('2019-01-25T12:00:00Z'), d('2018-12-21T00:00:00Z')]);
    expect(r?.code).toBe('VERSION_VULNERABLE');
    expect(r?.message).toMatch(/before 2019-02-10 \(the latest on 2019-01-25\).*older than 3\.3\.4/);
    expect(exitCodeFor('VERSION_VULNERABLE')).toBe(EXIT.VULNERABLE);
    // one signature from 2019-02-10 on: not known to be old
    expect(judgeSignatureDates(null, [d('2019-01-25T12:00:00Z'), FIRST_SAFE_SIGNED_FROM])).toBeNull();
    expect(judgeSignatureDates(null, [TAG_334])).toBeNull();
    // with no version, the margin rule has nothing to compare with
    expect(judgeSignatureDates(null, [d('2026-11-30T00:00:00Z')])).toBeNull();
  });

  it('a version string that is not a version is treated as no version', () => {
    expect(judgeSignatureDates('not-a-version', [d('2018-01-01T00:00:00Z')])?.code).toBe('VERSION_VULNERABLE');
    expect(judgeSignatureDates('not-a-version', [TAG_334])).toBeNull();
  });

  it('no counted signature, or only invalid dates: nothing to judge (the signer policy decides)', () => {
    expect(judgeSignatureDates('4.0.9', [])).toBeNull();
    expect(judgeSignatureDates(null, [])).toBeNull();
    expect(judgeSignatureDates(null, [new Date(Number.NaN)])).toBeNull();
    expect(judgeSignatureDates('4.0.9', [new Date(Number.NaN), TAG_334])?.code).toBe('VERSION_MISMATCH');
  });

  it('a version older than the whole table: only the floor rule could apply, and it does not', () => {
    expect(judgeSignatureDates('0.1', [d('2010-01-01T00:00:00Z')])).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Real data: the real 3.3.4-tag signature verifies over its bytes with the pinned keys; named as 4.0.9 it is refused.

const TAGS = join(SHARED_DIR ?? SHARED, 'electrum-tags');
const ASC = join(SHARED_DIR ?? SHARED, 'electrum-asc');
const KEYS = join(SHARED_DIR ?? SHARED, 'electrum-keys');
const realPresent = existsSync(TAGS) && existsSync(ASC) && existsSync(KEYS);
if (!realPresent) console.warn(`real-data release-date tests skipped: ${TAGS} is absent`);

/** Creation dates of the counted signatures as verify() reports them: valid signatures by a trusted key. */
async function countedDates(data: string, asc: string, keyring?: string): Promise<Date[]> {
  const report = await verify(data, { signature: asc, ...(keyring ? { keyring } : {}) });
  expect(report.exitCode, JSON.stringify(report.reason)).toBe(0);
  return report.signature.found
    .filter(
      (f) =>
        ((f as { counted?: boolean }).counted ?? (f.signer !== null && f.status === 'valid')) && f.created !== null,
    )
    .map((f) => new Date(f.created as string));
}

describe.skipIf(!realPresent)('real Electrum signatures and release dates', () => {
  it('the real 3.3.4-tag signature (2019-02-13) would be VERSION_MISMATCH as 4.0.9 and 4.1.2, fine as 3.3.4', async () => {
    const dates = await countedDates(join(TAGS, 'electrum-3.3.4.payload'), join(TAGS, 'electrum-3.3.4.payload.asc'));
    expect(dates.map((x) => x.toISOString())).toEqual(['2019-02-13T21:24:00.000Z']);
    const r = judgeSignatureDates('4.0.9', dates);
    expect(r?.code).toBe('VERSION_MISMATCH');
    expect(r?.message).toMatch(/^signed on 2019-02-13, before 4\.0\.9 existed/);
    expect(judgeSignatureDates('4.1.2', dates)?.code).toBe('VERSION_MISMATCH');
    expect(judgeSignatureDates('3.3.4', dates)).toBeNull();
    expect(judgeSignatureDates(null, dates)).toBeNull();
  });

  it.each([
    ['4.0.9', undefined],
    ['4.7.1', undefined],
    ['4.5.8', 'sombernight.asc'],
    ['4.8.1', 'sombernight.asc'],
  ])('the real %s tag signature passes for its own version', async (v, key) => {
    const dates = await countedDates(
      join(TAGS, `electrum-${v}.payload`),
      join(TAGS, `electrum-${v}.payload.asc`),
      key && join(KEYS, key),
    );
    expect(dates).toHaveLength(1);
    expect(judgeSignatureDates(v, dates)).toBeNull();
  });

  it('the real release signatures (4.1.5, 4.8.1, cosigners signing after the release day) pass for their version', async () => {
    for (const [file, v] of [
      ['Electrum-4.1.5.tar.gz.ThomasV.asc', '4.1.5'],
      ['Electrum-4.1.5.tar.gz.sombernight_releasekey.asc', '4.1.5'],
      ['Electrum-4.1.5.tar.gz.Emzy.asc', '4.1.5'],
      ['Electrum-4.8.1.tar.gz.Emzy.asc', '4.8.1'],
      ['Electrum-4.8.1.tar.gz.felixb_f321x.asc', '4.8.1'],
      ['Electrum-4.8.1.tar.gz.svanstaa.asc', '4.8.1'],
    ] as const) {
      const sig = await openpgp.readSignature({ armoredSignature: readFileSync(join(ASC, file), 'utf8') });
      const created = sig.packets[0]!.created as Date;
      expect(judgeSignatureDates(v, [created]), file).toBeNull();
      // and they cannot pass for a much later release
      expect(judgeSignatureDates('9.0.0', [created])?.code ?? null, file).toBe(
        v === '4.8.1' ? null : 'VERSION_MISMATCH',
      );
    }
  });
});
