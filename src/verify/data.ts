/**
 * Step "data": the file's bytes, read or downloaded ONCE, straight into the signature engine. A download goes to a
 * private temp file beside the output (tracked, so Ctrl-C removes it), each redirect judged by the source policy and
 * required to keep the file name; a local file is read from the handle the target step opened.
 */
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VerifyError } from '../errors.js';
import { describeFsError } from '../fs/local-file.js';
import type { Fetcher, FetchOptions } from '../net/index.js';
import { digestFile } from '../pgp/digest-file.js';
import { judgeSource } from '../policy/origin.js';
import type { Artifact } from '../release/catalogue.js';
import type { VerifyReport } from '../report/verify-report.js';
import { requireSource } from '../source-policy.js';
import { PendingDownload } from './output.js';
import type { SignatureEngine } from './signature-engine.js';
import { lastSegment } from './target.js';

export async function downloadInto(
  engine: SignatureEngine,
  request: { url: URL; output: string; artifact: Artifact | null; mirrors: ReadonlySet<string>; maxBytes: number },
  fetcher: Fetcher,
  net: Omit<FetchOptions, 'checkUrl' | 'maxBytes'>,
  report: VerifyReport,
  onProgress: ((received: number, total: number | null) => void) | undefined,
  onTemp: (temp: PendingDownload) => void,
): Promise<void> {
  const { url, artifact, mirrors } = request;
  engine.beforeDownload();
  const got = await fetcher.download(url.href, {
    ...net,
    maxBytes: request.maxBytes,
    destDir: dirname(request.output),
    checkUrl: (hop, n) => {
      requireSource(hop.href, mirrors, n);
      if (n > 0 && artifact && lastSegment(hop) !== artifact.name) {
        throw new VerifyError(
          'REDIRECT_OFF_ORIGIN',
          `redirected from ${artifact.name} to a different file (${hop.href})`,
        );
      }
    },
    onChunk: (chunk) => engine.update(chunk),
    ...(onProgress ? { onProgress } : {}),
  });
  onTemp(new PendingDownload(got.tempPath, got.durable)); // its flush to disk runs while the signatures are checked
  report.source.redirects = got.redirects;
  report.source.url = got.finalUrl;
  // An official URL that redirected to an approved mirror was served by the mirror.
  report.source.verdict = judgeSource(got.finalUrl, mirrors).verdict;
}

export async function readInto(
  engine: SignatureEngine,
  file: { handle: FileHandle; size: number },
  input: string,
  signal: AbortSignal | undefined,
  onProgress: ((received: number, total: number | null) => void) | undefined,
): Promise<void> {
  await engine.beforeRead(file.size);
  await digestFile(file.handle, engine, {
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onProgress: (n: number) => onProgress(n, file.size) } : {}),
  }).catch((e: unknown) => {
    if (signal?.aborted) throw e;
    throw new VerifyError('IO_ERROR', `cannot read ${input}: ${describeFsError(e)}`);
  });
}
