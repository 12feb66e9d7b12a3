/**
 * Step "target": what is being verified. A URL must pass the source policy before anything is contacted; a local
 * file is opened once and judged by its handle (fs/local-file.ts). Either way the file name says which release it
 * claims to be (the artifact), or `--as` says so for a local file.
 */
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { VerifyError } from '../errors.js';
import { openRegularFile } from '../fs/local-file.js';
import { judgeSource } from '../policy/origin.js';
import { artifactFromUrl, parseArtifactName, SUPPORTED_NAMES_HINT, type Artifact } from '../release/catalogue.js';
import { suggestOfficialName } from '../release/suggest.js';
import { parseVersion } from '../release/version.js';
import type { VerifyReport } from '../report/verify-report.js';
import { assertAllowed } from '../source-policy.js';

export interface Target {
  /** The official (or approved mirror) URL, for a download; null for a local file. */
  url: URL | null;
  /** The local file, opened and checked; null for a download. The caller closes it. */
  file: { handle: FileHandle; size: number } | null;
  /** The release the name claims, or null when the name is not one Electrum publishes. */
  artifact: Artifact | null;
  /** The file's name as given (last URL segment, or the local file's base name). */
  name: string;
  /** The local file's folder as given ('.' for a bare name); null for a download. */
  dir: string | null;
}

export async function resolveTarget(
  input: string,
  o: { as?: string | undefined; output?: string | undefined },
  mirrors: ReadonlySet<string>,
  report: VerifyReport,
  onOpen: (handle: FileHandle) => void,
): Promise<Target> {
  let target: Target;
  if (report.target.kind === 'url') {
    if (o.as !== undefined)
      throw new VerifyError('USAGE', '--as applies to a local file; a URL is judged by its own file name');
    const judged = judgeSource(input, mirrors);
    report.source.verdict = judged.verdict;
    assertAllowed(judged, 0);
    const url = new URL(input);
    report.source.url = url.href;
    target = { url, file: null, artifact: artifactFromUrl(url), name: lastSegment(url), dir: null };
  } else {
    if (o.output !== undefined)
      throw new VerifyError(
        'USAGE',
        '--output applies only when downloading a URL; a local file is verified where it is',
      );
    const file = await openRegularFile(
      input,
      'the file',
      looksLikeDomain(input) ? `If you meant a URL, write it in full: https://${input}` : undefined,
    );
    onOpen(file.handle);
    if (file.size === 0)
      throw new VerifyError('USAGE', `the file ${input} is empty (0 bytes); the download probably failed`, {
        hint: 'Download it again from https://electrum.org/#download, then verify it.',
      });
    target = {
      url: null,
      file,
      artifact: o.as === undefined ? parseArtifactName(basename(input)) : asOfficialName(o.as),
      name: basename(input),
      dir: dirname(input),
    };
  }
  if (target.artifact)
    report.artifact = { name: target.artifact.name, version: target.artifact.version, kind: target.artifact.kind };
  return target;
}

/**
 * A name Electrum never published: without --signature there is no way to find its signature (ARTIFACT_UNRECOGNISED,
 * naming the official name it looks like); with --signature it is verified, but the version rules cannot apply.
 * A URL is told apart from a local file: a link to a page or folder, to a signature, or to a wrongly cased name gets
 * the link to use, never advice about renaming a file on disk.
 */
export function unrecognisedName(target: Target, hasSignature: boolean, warn: (message: string) => void): void {
  if (target.artifact !== null) return;
  if (!hasSignature && target.url !== null) throw unrecognisedUrl(target.url, target.name);
  const like = suggestOfficialName(target.name);
  if (!hasSignature) {
    const signed = signedFileName(target.name);
    if (signed !== null)
      throw new VerifyError(
        'ARTIFACT_UNRECOGNISED',
        `${target.name} is a signature file (.asc), not an Electrum release file`,
        {
          hint: `Verify the file it signs: electrum-verify verify ${target.dir === null || target.dir === '.' ? signed : join(target.dir, signed)} (its signatures are fetched from download.electrum.org, or read from beside it with --offline).`,
        },
      );
    const renamed = like === null ? '' : `; it looks like ${like} renamed (browsers add " (1)" or change the case)`;
    throw new VerifyError(
      'ARTIFACT_UNRECOGNISED',
      `"${target.name}" is not the name of an Electrum release file${renamed}`,
      {
        hint:
          like !== null
            ? `Rename it to ${like}, or pass --as ${like}; then its official signature is found and Electrum's rules apply.`
            : 'Use the exact file name Electrum publishes (e.g. electrum-4.5.8-x86_64.AppImage), or give the signature with --signature FILE.asc.',
      },
    );
  }
  warn(
    `"${target.name}" is not an official Electrum file name, so the rules for its version (signers required, vulnerable versions) could not be applied from the name` +
      `${like === null ? '' : `; it looks like ${like}`}. Pass --as ${like ?? '<official file name>'} to apply them.`,
  );
}

/** A URL whose last segment is not a release file name: a page or folder, a signature, or a misspelt name. */
function unrecognisedUrl(url: URL, name: string): VerifyError {
  const beside = (file: string): string => new URL(encodeURIComponent(file), url).href;
  const signed = signedFileName(name);
  if (signed !== null)
    return new VerifyError(
      'ARTIFACT_UNRECOGNISED',
      'this link is to a signature (.asc), not to an Electrum release file',
      {
        hint: `Verify the file it signs: ${beside(signed)} (its signature is then fetched from beside it).`,
      },
    );
  if (looksLikePage(name))
    return new VerifyError(
      'ARTIFACT_UNRECOGNISED',
      'this link is to a web page or folder, not to an Electrum release file',
      {
        hint: 'On https://electrum.org/#download, copy the link of the file itself (e.g. https://download.electrum.org/4.5.8/electrum-4.5.8-x86_64.AppImage) and verify that link.',
      },
    );
  const like = suggestOfficialName(name);
  if (like !== null) {
    const cased =
      like.toLowerCase() === name.toLowerCase() ? ' (file names on the download site are case-sensitive)' : '';
    return new VerifyError(
      'ARTIFACT_UNRECOGNISED',
      `"${name}" is not the name of an Electrum release file; the official name is ${like}${cased}`,
      { hint: `Verify ${beside(like)}` },
    );
  }
  return new VerifyError('ARTIFACT_UNRECOGNISED', `"${name}" is not the name of an Electrum release file`, {
    hint: `On https://electrum.org/#download, copy the link of the file itself. ${SUPPORTED_NAMES_HINT}`,
  });
}

/**
 * `X.asc` or a per-signer `X.<signer>.asc` where X is an official file name: a signature, given where the file was
 * expected. Else null.
 */
function signedFileName(name: string): string | null {
  if (!/\.asc$/i.test(name)) return null;
  const file = name.slice(0, -4);
  const official = (n: string): string | null => (parseArtifactName(n) !== null ? n : suggestOfficialName(n));
  return official(file) ?? official(file.replace(/\.[A-Za-z0-9_-]+$/, ''));
}

/** No file name at all (`https://electrum.org/`), a version folder (`…/4.5.8`), a name without a file extension or a web page's. */
function looksLikePage(name: string): boolean {
  return (
    name === '' ||
    parseVersion(name) !== null ||
    !/\.[A-Za-z0-9]{1,10}$/.test(name) ||
    /\.(html?|php|aspx?|jsp)$/i.test(name)
  );
}

/** `--as NAME`: the name must be one Electrum publishes. */
function asOfficialName(name: string): Artifact {
  const artifact = parseArtifactName(name);
  if (artifact !== null) return artifact;
  const like = suggestOfficialName(name);
  throw new VerifyError(
    'USAGE',
    `--as "${name}" is not an official Electrum file name${like === null ? '' : `; did you mean ${like}?`}`,
    {
      hint: like === null ? SUPPORTED_NAMES_HINT : `Pass --as ${like}.`,
    },
  );
}

function looksLikeDomain(s: string): boolean {
  return /^[\w.-]+\.(org|com|net|io)(\/|$)/i.test(s);
}

/** The file name a URL names (percent-decoded when it can be). */
export function lastSegment(url: URL): string {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
