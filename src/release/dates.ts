/**
 * Electrum's release dates, and the rule they support: a signature cannot be older than the release it signs.
 *
 * The table is ../shared/electrum-releases.tsv (RELEASE-NOTES, else the git tag date), copied here as code;
 * test/release/dates.test.ts checks that the two match whenever the shared file is present. Rows keep the file's
 * order and spelling; rows whose version does not fit src/release/version.ts's grammar (`0.57a`, `2.0-beta`,
 * `1.7rc0`, `0.61-r1`) are kept in the table but play no part in look-ups.
 *
 * Pure and total: no I/O, never throws.
 */
import { compareParsed, parseVersion, type Version } from './version.js';

/** [version, release date (YYYY-MM-DD, UTC)] in the shared file's order. */
export const RELEASE_DATES: readonly (readonly [version: string, date: string])[] = [
  ['0.56', '2012-06-09'],
  ['0.57', '2012-06-10'],
  ['0.57a', '2012-06-10'],
  ['0.57b', '2012-06-10'],
  ['0.57c', '2012-06-10'],
  ['0.58', '2012-06-12'],
  ['0.59', '2012-06-16'],
  ['0.59a', '2012-06-17'],
  ['0.59b', '2012-06-17'],
  ['0.60', '2012-06-23'],
  ['0.61b', '2012-07-03'],
  ['0.61-r1', '2012-07-07'],
  ['1.1', '2012-10-19'],
  ['1.2', '2012-10-28'],
  ['1.3', '2012-11-08'],
  ['1.5', '2012-11-21'],
  ['1.5.1', '2012-11-22'],
  ['1.5.2', '2012-11-23'],
  ['1.5.3', '2012-11-24'],
  ['1.5.4', '2012-12-01'],
  ['1.5.5', '2012-12-05'],
  ['1.5.6', '2012-12-07'],
  ['1.5.7', '2012-12-18'],
  ['1.5.8', '2013-01-02'],
  ['1.6.0', '2013-01-07'],
  ['1.6.1', '2013-01-11'],
  ['1.6.2', '2013-01-29'],
  ['1.7rc0', '2013-03-13'],
  ['1.7', '2013-03-17'],
  ['1.7.1', '2013-03-20'],
  ['1.7.2', '2013-03-24'],
  ['1.7.3', '2013-04-13'],
  ['1.7.4', '2013-05-14'],
  ['1.8', '2013-06-01'],
  ['1.8.1', '2013-08-04'],
  ['1.9', '2013-11-04'],
  ['1.9.1', '2013-11-05'],
  ['1.9.2', '2013-11-06'],
  ['1.9.3', '2013-11-11'],
  ['1.9.4', '2013-11-12'],
  ['1.9.5', '2013-11-22'],
  ['1.9.6', '2013-12-16'],
  ['1.9.7', '2014-01-11'],
  ['1.9.8', '2014-03-16'],
  ['2.0-beta', '2015-02-01'],
  ['2.0b2', '2015-02-03'],
  ['2.0b3', '2015-02-17'],
  ['2.0', '2015-03-01'],
  ['2.0.1', '2015-03-06'],
  ['2.0.2', '2015-03-09'],
  ['2.0.3', '2015-03-16'],
  ['2.0.4', '2015-03-28'],
  ['2.1.1', '2015-04-24'],
  ['2.1', '2015-04-24'],
  ['2.2', '2015-05-19'],
  ['2.3.1', '2015-06-12'],
  ['2.3', '2015-06-12'],
  ['2.3.2', '2015-06-14'],
  ['2.3.3', '2015-06-27'],
  ['2.4', '2015-07-30'],
  ['2.4.1', '2015-08-12'],
  ['2.4.2', '2015-08-17'],
  ['2.4.3', '2015-08-22'],
  ['2.5', '2015-10-17'],
  ['2.5.1', '2015-10-18'],
  ['2.5.2', '2015-10-28'],
  ['2.5.3', '2015-11-11'],
  ['2.5.4', '2015-11-12'],
  ['2.6', '2016-02-26'],
  ['2.6.1', '2016-03-02'],
  ['2.6.2', '2016-03-07'],
  ['2.6.3', '2016-03-20'],
  ['2.6.4', '2016-04-12'],
  ['2.7.0', '2016-10-02'],
  ['2.7.1', '2016-10-05'],
  ['2.7.2', '2016-10-07'],
  ['2.7.3', '2016-10-08'],
  ['2.7.4', '2016-10-09'],
  ['2.7.5', '2016-10-11'],
  ['2.7.6', '2016-10-12'],
  ['2.7.7', '2016-10-13'],
  ['2.7.8', '2016-10-14'],
  ['2.7.9', '2016-10-17'],
  ['2.7.10', '2016-10-22'],
  ['2.7.11', '2016-10-24'],
  ['2.7.12', '2016-11-09'],
  ['2.7.13', '2017-01-03'],
  ['2.7.14', '2017-01-04'],
  ['2.7.15', '2017-01-06'],
  ['2.7.16', '2017-01-09'],
  ['2.7.17', '2017-01-10'],
  ['2.7.18', '2017-01-24'],
  ['2.8.0', '2017-03-09'],
  ['2.8.1', '2017-03-11'],
  ['2.8.2', '2017-03-21'],
  ['2.8.3', '2017-05-29'],
  ['2.9', '2017-07-27'],
  ['2.9.0', '2017-07-27'],
  ['2.9.2', '2017-08-03'],
  ['2.9.1', '2017-08-03'],
  ['2.9.3', '2017-08-10'],
  ['3.0', '2017-11-01'],
  ['3.0.0', '2017-11-01'],
  ['3.0.1', '2017-11-06'],
  ['3.0.2', '2017-11-13'],
  ['3.0.3', '2017-12-12'],
  ['3.0.4', '2018-01-06'],
  ['3.0.5', '2018-01-08'],
  ['2.9.4', '2018-01-12'],
  ['3.0.6', '2018-02-03'],
  ['3.1.0', '2018-03-05'],
  ['3.1.1', '2018-03-12'],
  ['3.1.2', '2018-03-28'],
  ['3.1.3', '2018-04-16'],
  ['3.2.0', '2018-06-30'],
  ['3.2.1', '2018-07-01'],
  ['3.2.2', '2018-07-02'],
  ['3.2.3', '2018-09-03'],
  ['3.3.0', '2018-12-19'],
  ['3.3.1', '2018-12-20'],
  ['3.3.2', '2018-12-21'],
  ['3.2.4', '2018-12-30'],
  ['3.3.3', '2019-01-25'],
  ['3.3.4', '2019-02-13'],
  ['3.3.5', '2019-05-09'],
  ['3.3.6', '2019-05-16'],
  ['3.3.7', '2019-07-03'],
  ['3.3.8', '2019-07-11'],
  ['4.0.0b0', '2020-06-24'],
  ['4.0.0b1', '2020-06-26'],
  ['4.0.1', '2020-07-03'],
  ['4.0.2', '2020-07-08'],
  ['4.0.3', '2020-09-11'],
  ['4.0.4', '2020-10-15'],
  ['4.0.5', '2020-11-18'],
  ['4.0.6', '2020-12-04'],
  ['4.0.7', '2020-12-09'],
  ['4.0.8', '2020-12-17'],
  ['4.0.9', '2020-12-18'],
  ['4.1.0', '2021-03-30'],
  ['4.1.1', '2021-04-02'],
  ['4.1.2', '2021-04-08'],
  ['4.1.3', '2021-06-16'],
  ['4.1.4', '2021-06-17'],
  ['4.1.5', '2021-07-19'],
  ['4.2.0', '2022-03-16'],
  ['4.2.1', '2022-03-26'],
  ['4.2.2', '2022-05-27'],
  ['4.3.0', '2022-08-05'],
  ['4.3.1', '2022-08-17'],
  ['4.3.2', '2022-09-26'],
  ['4.3.3', '2023-01-03'],
  ['4.3.4', '2023-01-26'],
  ['4.4.0', '2023-04-18'],
  ['4.4.1', '2023-04-27'],
  ['4.4.2', '2023-05-04'],
  ['4.4.3', '2023-05-11'],
  ['4.4.4', '2023-05-31'],
  ['4.4.5', '2023-06-20'],
  ['4.4.6', '2023-08-18'],
  ['4.5.0b0', '2023-12-13'],
  ['4.5.0b1', '2023-12-18'],
  ['4.5.0', '2024-01-12'],
  ['4.5.1', '2024-01-19'],
  ['4.5.2', '2024-01-20'],
  ['4.5.3', '2024-02-23'],
  ['4.5.4', '2024-03-14'],
  ['4.5.5', '2024-05-30'],
  ['4.5.6', '2024-10-16'],
  ['4.5.7', '2024-10-21'],
  ['4.5.8', '2024-10-23'],
  ['4.6.0b0', '2025-06-12'],
  ['4.6.0b1', '2025-06-13'],
  ['4.6.0', '2025-07-16'],
  ['4.6.1', '2025-08-05'],
  ['4.6.2', '2025-08-25'],
  ['4.7.0', '2026-01-22'],
  ['4.7.1', '2026-02-26'],
  ['4.7.2', '2026-04-01'],
  ['4.8.0', '2026-07-08'],
  ['4.8.1', '2026-08-10'],
];

/** How long before its release date a release may already have been signed (signing before the announcement). */
export const SIGNING_MARGIN_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

/** 3.3.4, the first release that is not vulnerable, was released on 2019-02-13 (3.3.3 on 2019-01-25). */
export const FIRST_SAFE_VERSION = '3.3.4';
/** A signature made before this instant can only be for a release older than 3.3.4 (the margin does not apply). */
export const FIRST_SAFE_SIGNED_FROM = new Date('2019-02-10T00:00:00Z');

interface Row {
  readonly text: string;
  readonly version: Version;
  /** 00:00 UTC of the release date. */
  readonly released: number;
}

/** Parseable rows, ascending by version (stable for equal versions such as 3.0 / 3.0.0). */
const ROWS: readonly Row[] = RELEASE_DATES.flatMap(([text, date]) => {
  const version = parseVersion(text);
  const released = Date.parse(`${date}T00:00:00Z`);
  return version === null || Number.isNaN(released) ? [] : [{ text, version, released }];
}).sort((a, b) => compareParsed(a.version, b.version));

const NEWEST_DATE = Math.max(...ROWS.map((r) => r.released));

export interface ReleaseDate {
  /** 00:00 UTC of the date used. */
  date: Date;
  /** The listed version whose date it is: the version itself, the next lower listed one, or the newest. */
  listedAs: string;
  /** How the date was found. */
  basis: 'listed' | 'next-lower' | 'newer-than-table';
}

/**
 * The release date to judge `version` by: its own row; for a version missing from the table, the next lower listed
 * version's; for a version newer than every listed one, the newest date in the table. Null when the string is not a
 * version, or it is older than every listed version.
 */
export function releaseDateFor(version: string): ReleaseDate | null {
  const v = parseVersion(version);
  if (v === null) return null;
  let lower: Row | null = null;
  for (const row of ROWS) {
    const c = compareParsed(row.version, v);
    if (c === 0) return { date: new Date(row.released), listedAs: row.text, basis: 'listed' };
    if (c < 0) lower = row; // ascending: the last one below is the next lower
  }
  if (lower === null) return null;
  const newest = ROWS[ROWS.length - 1];
  if (newest !== undefined && compareParsed(v, newest.version) > 0) {
    return { date: new Date(NEWEST_DATE), listedAs: newest.text, basis: 'newer-than-table' };
  }
  return { date: new Date(lower.released), listedAs: lower.text, basis: 'next-lower' };
}

export interface DateJudgement {
  code: 'VERSION_MISMATCH' | 'VERSION_VULNERABLE';
  message: string;
  hint: string;
}

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

/**
 * The release-date rules, applied to the creation dates of the COUNTED signatures only:
 *  (a) none may predate the release date of `version` less SIGNING_MARGIN_DAYS (date found by releaseDateFor);
 *  (b) for a version ≥ 3.3.4, none may predate 2019-02-10, whatever the margin says;
 *  (c) with no version (`null`, or a string that is not a version), counted signatures that ALL predate 2019-02-10
 *      mean a pre-3.3.4 release: VERSION_VULNERABLE.
 * Null when nothing is wrong, when there is no counted signature (the signer policy decides then), and for invalid
 * dates (they are skipped: a counted signature always has a creation time).
 * The message names the earliest offending signature: "signed on 2019-02-13, before 4.0.9 existed (…)".
 */
export function judgeSignatureDates(
  version: string | null,
  countedSignatureDates: readonly Date[],
): DateJudgement | null {
  const times = countedSignatureDates
    .map((d) => (d instanceof Date ? d.getTime() : Number.NaN))
    .filter((t) => Number.isFinite(t));
  if (times.length === 0) return null;
  const earliest = Math.min(...times);
  const floor = FIRST_SAFE_SIGNED_FROM.getTime();
  const v = version === null ? null : parseVersion(version);

  if (v === null) {
    if (times.every((t) => t < floor)) {
      return {
        code: 'VERSION_VULNERABLE',
        message:
          `every counted signature was made before ${day(floor)} (the latest on ${day(Math.max(...times))}), so this is ` +
          `a release older than ${FIRST_SAFE_VERSION}: those versions displayed messages from malicious servers (the ` +
          'December 2018 phishing attacks) and can no longer connect to the network',
        hint: 'Do not run it: get the current release from https://electrum.org/#download and verify it.',
      };
    }
    return null;
  }

  const hint =
    'The signature is genuine but was made for an older release: the file name does not tell the truth. ' +
    'Do not run this file; get the release you want from https://electrum.org/#download.';
  const shown = version as string;
  if (compareParsed(v, parseVersion(FIRST_SAFE_VERSION) as Version) >= 0 && earliest < floor) {
    return {
      code: 'VERSION_MISMATCH',
      message:
        `signed on ${day(earliest)}, before ${shown} existed: a signature made before ${day(floor)} can only be for a ` +
        `release older than ${FIRST_SAFE_VERSION} (released 2019-02-13)`,
      hint,
    };
  }

  const rel = releaseDateFor(shown);
  if (rel === null) return null;
  const limit = rel.date.getTime() - SIGNING_MARGIN_DAYS * DAY_MS;
  if (earliest < limit) {
    const when =
      rel.basis === 'listed'
        ? `released ${day(rel.date.getTime())}`
        : rel.basis === 'next-lower'
          ? `not in the release table; ${rel.listedAs}, the next lower release, came out ${day(rel.date.getTime())}`
          : `newer than every release in the table; the newest came out ${day(rel.date.getTime())}`;
    return {
      code: 'VERSION_MISMATCH',
      message:
        `signed on ${day(earliest)}, before ${shown} existed (${when}; a release may be signed at most ` +
        `${SIGNING_MARGIN_DAYS} days before its release date)`,
      hint,
    };
  }
  return null;
}
