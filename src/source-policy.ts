/**
 * Glue between the origin policy (src/policy) and the reason codes: which URLs the verifier may contact,
 * for the candidate file (official or an approved mirror) and for signatures (official only).
 */
import { VerifyError, type ReasonCode } from './errors.js';
import { judgeMirrorHost, judgeSource, type SourceJudgement, type SourceVerdict } from './policy/origin.js';

const CODE_FOR: Record<SourceVerdict, ReasonCode> = {
  official: 'SOURCE_UNTRUSTED', // never used: official is accepted
  github: 'SOURCE_GITHUB',
  lookalike: 'SOURCE_LOOKALIKE',
  untrusted: 'SOURCE_UNTRUSTED',
  insecure: 'SOURCE_INSECURE',
  invalid: 'SOURCE_INVALID',
};

const HINT =
  'Download Electrum only from https://electrum.org/#download (files are served from https://download.electrum.org/).';

/** Approved mirrors from --allow-host; GitHub and lookalike hosts are a usage error. */
export function mirrorSet(hosts: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (const host of hosts) {
    const judged = judgeMirrorHost(host);
    if (!judged.ok) throw new VerifyError('USAGE', `--allow-host ${host}: ${judged.reason}`);
    set.add(judged.host);
  }
  return set;
}

/** Judge a URL; throw the matching VerifyError unless it is official (or an approved mirror). */
export function requireSource(url: string, mirrors: ReadonlySet<string>, hop: number): SourceJudgement {
  return assertAllowed(judgeSource(url, mirrors), hop);
}

export function assertAllowed(judged: SourceJudgement, hop: number): SourceJudgement {
  if (judged.verdict === 'official' || judged.verdict === 'mirror') return judged;
  if (hop > 0) {
    throw new VerifyError(
      'REDIRECT_OFF_ORIGIN',
      `redirected to ${judged.url}, which is not an allowed source: ${judged.reason}`,
      { hint: HINT },
    );
  }
  throw new VerifyError(CODE_FOR[judged.verdict], judged.reason, { hint: HINT });
}
