/**
 * `latest`: the version Electrum announces, authenticated, and what it means for an installed version.
 *
 *   source (https://electrum.org/version through the fetcher, or --announcement FILE) → strict parse →
 *   signature by a pinned address → high-water mark (replay) → release table (a warning) → --installed status.
 *
 * An announcement carries no date: the high-water mark (the highest announcement this user verified) is the floor
 * that guards against a replayed one. The tool's own release table only warns: Electrum does not announce every
 * release (4.0.1, 4.0.2, 4.5.1, never betas), so a newer release in the table never changes the version reported or
 * downloaded; it is said, prominently, with its security fixes.
 *
 * `checkLatest()` never throws a VerifyError: every outcome is a report (like verify()).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  VerifyError,
  isVerifyError,
  exitCodeFor,
  verdictFor,
  EXIT,
  type ExitCode,
  type ReasonCode,
  type Verdict,
} from '../errors.js';
import type { Fetcher } from '../net/index.js';
import { SCHEMA } from '../report/verify-report.js';
import { vulnerableReason } from '../release/catalogue.js';
import { newestKnownRelease, releasesBetween, securityFixesAfter, type SecurityRelease } from '../release/security.js';
import { compareVersions, parseVersion } from '../release/version.js';
import { stateFolder } from '../state/folder.js';
import { checkAnnouncement, type AnnouncementSignatureReport } from './check.js';
import { MARK_FILE, decide, readMark, writeMark, type Mark } from './mark.js';
import { MAX_ANNOUNCEMENT_BYTES, parseAnnouncement } from './parse.js';

import { ANNOUNCEMENT_URL } from './fetch-url.js';

export { ANNOUNCEMENT_URL };

export interface LatestOptions {
  /** Read this file instead of fetching ANNOUNCEMENT_URL. */
  announcement?: string;
  /** --installed V */
  installed?: string;
  /** --state-dir (else ELECTRUM_VERIFY_STATE, XDG_STATE_HOME, ~/.local/state). */
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Transport (tests); otherwise one is created lazily and closed. */
  fetcher?: Fetcher;
  signal?: AbortSignal;
  /** "Now" for the mark's date (tests). */
  now?: Date;
  onWarning?: (message: string) => void;
}

export type InstalledStatus = 'up-to-date' | 'outdated' | 'vulnerable';

export interface LatestReport {
  schema: typeof SCHEMA;
  verdict: Verdict;
  exitCode: ExitCode;
  reason: { code: ReasonCode; message: string; hint?: string } | null;
  /** The version to use: the announced one, or the high-water mark's when the announcement is lower (replay). */
  latest: string | null;
  source: {
    kind: 'url' | 'file';
    url: string | null;
    file: string | null;
    verdict: string | null;
    redirects: string[];
  };
  announcement: {
    version: string;
    /** The pinned signer whose signature verified. */
    signer: { name: string; address: string } | null;
    signatures: AnnouncementSignatureReport[];
    /** Never signed, never used for a decision: shown for information. */
    extradata: unknown;
    unsignedFields: string[];
  } | null;
  highWaterMark: { version: string; verifiedAt: string; signer: string; updated: boolean; file: string } | null;
  replay: { announced: string; mark: string; markVerifiedAt: string } | null;
  /** The tool's own release table knows a newer release than `latest` (a warning: it never changes `latest`). */
  newerKnown: { version: string; date: string } | null;
  installed: {
    version: string;
    status: InstalledStatus;
    /** Releases after the installed one, up to `latest` (from the tool's table). */
    behind: string[];
    securityReleases: Array<Pick<SecurityRelease, 'version' | 'summary' | 'advisories'>>;
  } | null;
  warnings: string[];
}

function emptyReport(o: LatestOptions): LatestReport {
  return {
    schema: SCHEMA,
    verdict: 'error',
    exitCode: EXIT.USAGE,
    reason: null,
    latest: null,
    source:
      o.announcement !== undefined
        ? { kind: 'file', url: null, file: o.announcement, verdict: 'local', redirects: [] }
        : { kind: 'url', url: ANNOUNCEMENT_URL, file: null, verdict: 'official', redirects: [] },
    announcement: null,
    highWaterMark: null,
    replay: null,
    newerKnown: null,
    installed: null,
    warnings: [],
  };
}

function settle(r: LatestReport, failure: VerifyError | null, exit?: ExitCode): LatestReport {
  if (failure === null) {
    r.reason = null;
    r.exitCode = exit ?? EXIT.OK;
  } else {
    r.reason = { code: failure.code, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) };
    r.exitCode = exitCodeFor(failure.code);
  }
  r.verdict = verdictFor(r.exitCode);
  return r;
}

/** Read a local announcement through one handle, never more than the limit + 1 bytes (a growing file cannot get past it). */
async function readAnnouncementFile(path: string): Promise<Uint8Array> {
  const unreadable = (e: unknown): VerifyError =>
    new VerifyError(
      'USAGE',
      `cannot read the announcement file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        hint: 'Give the path of a saved copy of https://electrum.org/version.',
      },
    );
  let handle;
  try {
    // O_NONBLOCK: a FIFO or device named by mistake cannot hang the open; the fstat below refuses it.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw unreadable(e);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw unreadable(new Error('not a regular file'));
    const buf = Buffer.alloc(MAX_ANNOUNCEMENT_BYTES + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, null).catch((e: unknown) => {
        throw unreadable(e);
      });
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
    if (n > MAX_ANNOUNCEMENT_BYTES) {
      throw new VerifyError(
        'ANNOUNCEMENT_INVALID',
        `${path} is not an Electrum version announcement: it is larger than ${MAX_ANNOUNCEMENT_BYTES} bytes`,
      );
    }
    return buf.subarray(0, n);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

export async function checkLatest(o: LatestOptions = {}): Promise<LatestReport> {
  const report = emptyReport(o);
  try {
    return await run(o, report);
  } catch (e) {
    if (!isVerifyError(e)) throw e;
    return settle(report, e);
  }
}

async function run(o: LatestOptions, report: LatestReport): Promise<LatestReport> {
  const warn = (message: string): void => {
    report.warnings.push(message);
    o.onWarning?.(message);
  };
  // Options first: a bad --installed is a usage error whatever the network does.
  if (o.installed !== undefined && parseVersion(o.installed) === null) {
    throw new VerifyError(
      'USAGE',
      `--installed ${JSON.stringify(o.installed.slice(0, 40))} is not an Electrum version number`,
      {
        hint: "Use the version shown in Electrum's Help → About, e.g. 4.5.8.",
      },
    );
  }
  const vulnerable = o.installed === undefined ? null : vulnerableReason(o.installed);

  // 1. The announcement bytes.
  let bytes: Uint8Array;
  let where: string;
  try {
    if (o.announcement !== undefined) {
      bytes = await readAnnouncementFile(o.announcement);
      where = o.announcement;
    } else {
      // The origin policy and the network stack load only when something is fetched (fast offline start-up).
      const { fetchAnnouncement } = await import('./fetch.js');
      const fetched = await fetchAnnouncement({
        ...o,
        onRefused: (url, verdict) => ((report.source.verdict = verdict), report.source.redirects.push(url)),
      });
      bytes = fetched.bytes;
      where = ANNOUNCEMENT_URL;
      report.source.url = fetched.finalUrl;
      report.source.redirects = fetched.redirects;
    }
  } catch (e) {
    // A known-vulnerable installed version is a fact without the network: report it (exit 5) with the failure as a warning.
    if (vulnerable !== null && isVerifyError(e))
      return vulnerableOnly(o.installed as string, vulnerable, report, e, warn);
    throw e;
  }

  // 2. Parse and authenticate.
  let failure: VerifyError | null;
  let signatureText = '';
  try {
    const a = parseAnnouncement(bytes, where);
    const checked = checkAnnouncement(a);
    report.announcement = {
      version: a.version,
      signer: checked.signer === null ? null : { name: checked.signer.name, address: checked.signer.address },
      signatures: checked.signatures,
      extradata: a.extradata,
      unsignedFields: [...(a.extradata !== null ? ['extradata'] : []), ...a.otherFields],
    };
    failure = checked.failure;
    signatureText = a.signatures.find((s) => s.address === checked.signer?.address)?.signature ?? '';
  } catch (e) {
    if (!isVerifyError(e)) throw e;
    failure = e;
  }
  if (failure !== null) {
    if (vulnerable !== null) return vulnerableOnly(o.installed as string, vulnerable, report, failure, warn);
    return settle(report, failure);
  }
  const ann = report.announcement!;
  const signer = ann.signer!;

  // 3. Freshness: the high-water mark.
  let latest = ann.version;
  const folder = stateFolder(o.stateDir, o.env ?? process.env);
  const read = await readMark(folder);
  if (read.warning !== null) warn(read.warning);
  const mark = read.mark;
  const decision = decide(ann.version, mark);
  const markFile = join(folder, MARK_FILE);
  if (decision.kind === 'raise') {
    const next: Mark = {
      version: ann.version,
      signer: signer.name,
      address: signer.address,
      signature: signatureText,
      verifiedAt: (o.now ?? new Date()).toISOString(),
    };
    try {
      await writeMark(folder, next);
      report.highWaterMark = {
        version: next.version,
        verifiedAt: next.verifiedAt,
        signer: next.signer,
        updated: true,
        file: markFile,
      };
    } catch (e) {
      warn(
        `could not save the high-water mark in ${folder} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); replays cannot be detected next time`,
      );
      report.highWaterMark = null;
    }
  } else if (mark !== null) {
    report.highWaterMark = {
      version: mark.version,
      verifiedAt: mark.verifiedAt,
      signer: mark.signer,
      updated: false,
      file: markFile,
    };
  }
  if (decision.kind === 'replay' && mark !== null) {
    latest = mark.version;
    report.replay = { announced: ann.version, mark: mark.version, markVerifiedAt: mark.verifiedAt };
    warn(
      `the server announced ${ann.version}, but ${mark.version} was verified on ${mark.verifiedAt.slice(0, 10)}: possible replay ` +
        `of an old announcement (an attacker hiding an update). Using ${mark.version}.`,
    );
  }
  if (decision.kind === 'beta')
    warn(`the announcement names a beta (${ann.version}); betas never raise the high-water mark`);

  // 4. The tool's own release table: a warning only (Electrum does not announce every release); never the version.
  const newest = newestKnownRelease();
  if (compareVersions(newest.version, latest) > 0) {
    report.newerKnown = newest;
    warn(
      `this tool knows Electrum ${newest.version} (released ${newest.date}), newer than the announced ${latest}. ` +
        'Electrum does not announce every release, but an announcement can also be stale or replayed: ' +
        'check https://electrum.org/#download.',
    );
  }
  report.latest = latest;

  // 5. --installed.
  if (o.installed !== undefined) {
    const installed = o.installed;
    const behind = compareVersions(installed, latest) < 0 ? releasesBetween(installed, latest) : [];
    const fixes = compareVersions(installed, latest) < 0 ? securityFixesAfter(installed, latest) : [];
    const status: InstalledStatus =
      vulnerable !== null ? 'vulnerable' : compareVersions(installed, latest) < 0 ? 'outdated' : 'up-to-date';
    report.installed = {
      version: installed,
      status,
      behind,
      securityReleases: fixes.map((f) => ({ version: f.version, summary: f.summary, advisories: f.advisories })),
    };
    if (vulnerable !== null) return settle(report, new VerifyError('VERSION_VULNERABLE', vulnerable));
  }
  return settle(report, null);
}

function vulnerableOnly(
  installed: string,
  reason: string,
  report: LatestReport,
  e: VerifyError,
  warn: (m: string) => void,
): LatestReport {
  warn(`the announcement could not be used (${e.message}); the installed version is known-vulnerable regardless`);
  report.installed = { version: installed, status: 'vulnerable', behind: [], securityReleases: [] };
  return settle(report, new VerifyError('VERSION_VULNERABLE', reason));
}
