/**
 * `electrum-verify verify-release <version> (--dir DIR | --download [-o DIR])`: every file of one release.
 *
 * --dir: every file of the release that is in DIR is verified (its `.asc` from the official site, or with
 *   --offline from beside it); `.asc` files are not strangers; other files are reported; missing files are listed,
 *   and with --require-all a missing file fails the run (exit 1). A folder with no file of that version is exit 2.
 * --download: every file is fetched into DIR (default: the current folder) and verified, and its `.asc` saved
 *   beside it; a file whose official `.asc` does not exist is "not published" (a failure only with --require-all).
 *   A re-run resumes: a file already in DIR (a regular file) is not downloaded again but verified where it is,
 *   against the official `.asc` fetched now (which is then saved beside it); one that fails is reported and left
 *   exactly as it was (never replaced, never deleted). --force downloads every file again instead, and replaces a
 *   file only once its new copy verified. Either way no unverified file is ever written.
 */
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { EXIT, VerifyError, isVerifyError, type ReasonCode } from '../errors.js';
import type { Fetcher } from '../net/index.js';
import { officialFileUrl, type Artifact } from '../release/catalogue.js';
import { classifyFolderEntry, releaseSet, type ReleaseMember } from '../release/release-set.js';
import { buildReceipt, checkReceiptPath, writeFileAtomic, writeReceipt } from '../receipt/statement.js';
import type { Annotation } from '../report/ci.js';
import { chooseFormat, wantsAnnotations } from '../report/ci.js';
import { presentMany, warnOnce, type ManyIO } from '../run/present.js';
import {
  combineReports,
  loadKeySet,
  verifyMany,
  type RunFailure,
  type Target,
  type TargetResult,
} from '../run/verify-many.js';
import { refusalJson, refusalText } from '../report/refusal.js';
import { createManyProgress } from './progress.js';

export interface VerifyReleaseOptions {
  dir?: string;
  download?: boolean;
  output?: string;
  requireAll?: boolean;
  offline?: boolean;
  receipt?: string;
  json?: boolean;
  format?: string;
  quiet?: boolean;
  keyring?: string;
  keysDir?: string;
  stateDir?: string;
  minSigners?: number;
  concurrency?: number;
  timeoutMs?: number;
  maxSize?: number;
  force?: boolean;
  now?: Date;
}

export interface VerifyReleaseIO extends ManyIO {
  signal?: AbortSignal;
  /** Transport for --download (tests); by default one is made from the environment (proxy variables). */
  fetcher?: Fetcher;
  /** Exit code to report for an interrupted run (130 SIGINT, 143 SIGTERM). */
  interruptedExit?: () => number;
}

export interface ReleaseSummary {
  version: string;
  mode: 'dir' | 'download';
  dir: string;
  files: number;
  present: string[];
  /** --download: files that were already in DIR, verified in place and not downloaded again. */
  alreadyPresent: string[];
  missing: string[];
  notPublished: string[];
  strangers: string[];
  otherVersions: string[];
}

function memberArtifact(version: string, m: ReleaseMember, name = m.name): Artifact {
  return { name, version, kind: m.kind };
}

export async function verifyReleaseCommand(
  version: string,
  o: VerifyReleaseOptions,
  io: VerifyReleaseIO,
): Promise<number> {
  let format: ReturnType<typeof chooseFormat> = o.json ? 'json' : 'text';
  try {
    format = chooseFormat(o, io.env);
    return await run(version, o, io, format);
  } catch (e) {
    if (!isVerifyError(e)) throw e;
    // A refusal before anything was verified: one JSON object under --json, else the error on stderr.
    if (format === 'json') {
      io.stdout.write(refusalJson(e, e.exitCode, { results: [] }));
    } else {
      io.stderr.write(refusalText(e));
    }
    return e.exitCode;
  }
}

async function run(
  version: string,
  o: VerifyReleaseOptions,
  io: VerifyReleaseIO,
  format: ReturnType<typeof chooseFormat>,
): Promise<number> {
  const set = releaseSet(version);
  if ((o.dir !== undefined) === (o.download === true)) {
    throw new VerifyError(
      'USAGE',
      'verify-release needs exactly one of --dir DIR (files you have) or --download (fetch them)',
      {
        hint: `e.g. electrum-verify verify-release ${version} --dir ./electrum-${version}/`,
      },
    );
  }
  if (o.download && o.offline)
    throw new VerifyError('USAGE', '--offline cannot be combined with --download (nothing is fetched offline)');
  if (o.output !== undefined && !o.download)
    throw new VerifyError('USAGE', '-o DIR applies to --download; with --dir the files are verified where they are');
  // Warnings (a custom keyring, a refreshed key, an old release…) once each, on stderr (also under --json).
  const warn = warnOnce(io);
  const { keyring, keySet } = await loadKeySet({
    keyring: o.keyring,
    keysDir: o.keysDir,
    stateDir: o.stateDir,
    onWarning: warn,
  });

  const summary: ReleaseSummary = {
    version,
    mode: o.download ? 'download' : 'dir',
    dir: '',
    files: set.members.length,
    present: [],
    alreadyPresent: [],
    missing: [],
    notPublished: [],
    strangers: [],
    otherVersions: [],
  };
  const targets: Target[] = [];
  if (o.download) {
    const dir = resolve(o.output ?? '.');
    await mkdir(dir, { recursive: true }).catch((e: Error) => {
      throw new VerifyError('USAGE', `-o ${o.output}: cannot create the folder (${e.message})`);
    });
    summary.dir = o.output ?? '.';
    for (const m of set.members) {
      const artifact = memberArtifact(version, m);
      const path = join(dir, m.name);
      // Already here (a re-run, a resumed mirror job): verified in place, not fetched again. Anything else by that
      // name (a symlink, a folder) goes the download way, which refuses to replace it.
      const info = o.force ? null : await lstat(path).catch(() => null);
      if (info?.isFile()) {
        summary.alreadyPresent.push(m.name);
        targets.push({ input: path, artifact });
      } else targets.push({ input: officialFileUrl(artifact), artifact, output: path });
    }
  } else {
    const dir = o.dir as string;
    summary.dir = dir;
    let entries: string[];
    try {
      const info = await lstat(dir);
      if (!info.isDirectory()) throw new Error('not a folder');
      entries = (await readdir(dir)).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new VerifyError(
        'USAGE',
        `--dir ${dir}: cannot read the folder (${code === 'ENOENT' ? 'no such folder' : (e as Error).message})`,
      );
    }
    const seen = new Set<ReleaseMember>();
    for (const name of entries) {
      const entry = classifyFolderEntry(set, name);
      if (entry.kind === 'signature') continue;
      if (entry.kind === 'member' && !seen.has(entry.member)) {
        seen.add(entry.member);
        summary.present.push(name);
        targets.push({ input: join(dir, name), artifact: memberArtifact(version, entry.member, name) });
      } else if (entry.kind === 'other-version') summary.otherVersions.push(name);
      else summary.strangers.push(name);
    }
    for (const m of set.members) if (!seen.has(m) && !m.optional) summary.missing.push(m.name);
  }

  // After -o DIR was created (a receipt may go inside it), before any long work.
  if (o.receipt !== undefined) await checkReceiptPath(o.receipt);
  // One progress line on a terminal (text output only), made before the work starts and cleared before any verdict.
  const progress = await createManyProgress(
    io.stderr as NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    format === 'text' && o.quiet !== true,
    targets.length,
  );
  const names = targets.map((t) => t.artifact?.name ?? basename(t.input));
  const results = await verifyMany(targets, {
    onTargetStage: (i, stage) => progress.stage(i, names[i]!, stage),
    onTargetProgress: (i, received, total) => progress.bytes(i, received, total),
    onResult: (_r, i) => progress.done(i),
    offline: o.offline === true,
    keepSignatures: o.receipt !== undefined,
    skipUnpublished: o.download === true,
    ...(o.keyring !== undefined ? { keyring: o.keyring } : {}),
    ...(o.keysDir !== undefined ? { keysDir: o.keysDir } : {}),
    ...(o.minSigners !== undefined ? { minSigners: o.minSigners } : {}),
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.maxSize !== undefined ? { maxSize: o.maxSize } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(io.fetcher ? { fetcher: io.fetcher } : {}),
    trustedKeys: keyring,
    ...(o.stateDir !== undefined ? { stateDir: o.stateDir } : {}),
    relieveMemory: true,
    force: o.force === true,
    onWarning: warn, // also kept in each report's warnings
  }).finally(() => progress.stop());

  const verified: TargetResult[] = [];
  for (const r of results) {
    if (r.unpublished) {
      const m = set.members.find((x) => x.name === r.target.artifact?.name);
      if (m && !m.optional) summary.notPublished.push(m.name);
    } else verified.push(r);
  }
  if (o.download) {
    summary.present = verified.map((r) => r.target.artifact?.name ?? r.target.input);
    // A mirror keeps the signatures too: each verified file's .asc (the exact bytes checked) beside it, so that
    // `verify-release V --dir DIR --offline` can re-check the folder later without the network.
    for (const r of verified) {
      const saved = r.report.output ?? (r.report.target.kind === 'file' ? r.target.input : null);
      if (r.report.exitCode !== EXIT.OK || r.signature === null || saved === null) continue;
      try {
        await writeFileAtomic(`${saved}.asc`, r.signature.merged, 'the signature');
      } catch (e) {
        if (!isVerifyError(e)) throw e;
        r.report.warnings.push(e.message);
        io.stderr.write(io.errStyle.warn(`warning: ${e.message}\n`));
      }
    }
  }

  const failures: RunFailure[] = [];
  const absent = o.download ? summary.notPublished : summary.missing;
  if (o.requireAll && absent.length > 0) {
    failures.push({
      code: 'RELEASE_INCOMPLETE' as ReasonCode,
      message: `${absent.length} file(s) of Electrum ${version} ${o.download ? 'are not published' : `are missing from ${summary.dir}`}: ${absent.join(', ')}`,
      hint: o.download
        ? 'Check the version on https://download.electrum.org/.'
        : `Complete the folder (e.g. electrum-verify verify-release ${version} --download -o ${summary.dir}).`,
    });
  }
  if (verified.length === 0) {
    failures.push({
      code: 'RELEASE_EMPTY' as ReasonCode,
      message: o.download
        ? `no file of Electrum ${version} is published on download.electrum.org`
        : `${summary.dir} holds no file of Electrum ${version}: nothing was verified`,
      hint: o.download
        ? 'Check the version number on https://download.electrum.org/.'
        : `Expected names like ${set.members[0]?.name}.`,
    });
  }
  const many = combineReports(
    verified.map((r) => r.report),
    failures,
  );
  const interrupted = io.signal?.aborted === true || many.summary.interrupted;
  if (interrupted) {
    many.exitCode = io.interruptedExit?.() ?? EXIT.INTERRUPTED;
    many.verdict = 'error';
    many.reason = {
      code: 'INTERRUPTED',
      message: 'interrupted before every file was verified; no receipt was written',
    };
  }
  const out = { ...many, release: summary };

  // The receipt: only after every verdict, never for an interrupted run.
  let receiptError: VerifyError | null = null;
  if (o.receipt !== undefined && !interrupted) {
    const receipt = buildReceipt({
      command: 'verify-release',
      results: verified,
      run: many,
      keySet,
      minSigners: o.minSigners ?? null,
      resourceUri: `https://download.electrum.org/${version}/`,
      release: { ...summary },
    });
    try {
      await writeReceipt(o.receipt, receipt);
    } catch (e) {
      if (!isVerifyError(e)) throw e;
      receiptError = e;
    }
  }

  const notes: string[] = [];
  const annotations: Annotation[] = [];
  if (summary.missing.length > 0) {
    notes.push(`missing: ${summary.missing.join(', ')}`);
    annotations.push({
      level: o.requireAll ? 'error' : 'warning',
      title: 'electrum-verify: missing files',
      message: `missing from ${summary.dir}: ${summary.missing.join(', ')}`,
    });
  }
  if (summary.notPublished.length > 0) notes.push(`not published: ${summary.notPublished.join(', ')}`);
  if (summary.alreadyPresent.length > 0) {
    notes.push(
      `already in ${summary.dir}, verified where they are (not downloaded again): ${summary.alreadyPresent.length} file(s)`,
    );
    const kept = verified
      .filter((r) => r.report.exitCode !== EXIT.OK && r.report.target.kind === 'file')
      .map((r) => r.target.artifact?.name ?? r.target.input);
    if (kept.length > 0)
      notes.push(
        `left as they were (not replaced, not deleted), and NOT verified: ${kept.join(', ')}; delete them and run again, or use --force to download them again (a file is replaced only once its new copy verified)`,
      );
  }
  if (summary.otherVersions.length > 0) {
    notes.push(`not part of ${version} (another version, not verified): ${summary.otherVersions.join(', ')}`);
    for (const n of summary.otherVersions)
      annotations.push({
        level: 'warning',
        file: join(summary.dir, n),
        title: 'electrum-verify: another version',
        message: `${n} is not a file of Electrum ${version}; it was not verified`,
      });
  }
  if (summary.strangers.length > 0) {
    notes.push(`not Electrum release files (not verified): ${summary.strangers.join(', ')}`);
    for (const n of summary.strangers)
      annotations.push({
        level: 'warning',
        file: join(summary.dir, n),
        title: 'electrum-verify: stranger',
        message: `${n} is not a file of Electrum ${version}; it was not verified`,
      });
  }
  for (const f of failures)
    if (f.code === 'RELEASE_EMPTY')
      annotations.push({ level: 'error', title: `electrum-verify: ${f.code}`, message: f.message });
  if (o.receipt !== undefined && !interrupted && receiptError === null) notes.push(`receipt: ${o.receipt}`);
  if (receiptError) {
    out.exitCode = Math.max(out.exitCode, 0) || receiptError.exitCode;
    io.stderr.write(`electrum-verify: ${receiptError.message}\n`);
  }
  const title = `Electrum ${version} (${summary.mode === 'dir' ? summary.dir : `download to ${summary.dir}`})`;
  await presentMany(
    out,
    format,
    { title, notes, annotations, quiet: o.quiet === true },
    io,
    wantsAnnotations(o, io.env),
  );
  return out.exitCode;
}
