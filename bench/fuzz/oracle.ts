/**
 * gpgv as the oracle for signature cases, and the comparison of its answer with the tool's report.
 */
import { spawn } from 'node:child_process';

export interface GpgvSig {
  status: 'GOODSIG' | 'EXPSIG' | 'EXPKEYSIG' | 'REVKEYSIG' | 'BADSIG' | 'ERRSIG' | 'NONE';
  primary?: string;
  errRc?: string;
}

export interface GpgvAnswer {
  code: number;
  sigs: GpgvSig[];
  /** first error line of stderr, normalised (no paths), for classes */
  error: string | null;
  timedOut: boolean;
}

/** `gpgv --status-fd 1 --keyring K sig data`, killed after `timeoutMs`. */
export function runGpgv(
  home: string,
  keyring: string,
  sig: string,
  data: string,
  timeoutMs = 10_000,
): Promise<GpgvAnswer> {
  return new Promise((resolve) => {
    const child = spawn('gpgv', ['--homedir', home, '--status-fd', '1', '--keyring', keyring, sig, data], {
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      const sigs: GpgvSig[] = [];
      let cur: GpgvSig | undefined;
      for (const line of Buffer.concat(out).toString('utf8').split('\n')) {
        const m = /^\[GNUPG:\] (\S+)(?: (.*))?$/.exec(line);
        if (!m) continue;
        const kw = m[1] as string;
        const rest = (m[2] ?? '').split(' ');
        if (kw === 'NEWSIG') {
          cur = { status: 'NONE' };
          sigs.push(cur);
          continue;
        }
        if (!['GOODSIG', 'EXPSIG', 'EXPKEYSIG', 'REVKEYSIG', 'BADSIG', 'ERRSIG', 'VALIDSIG'].includes(kw)) continue;
        if (!cur) {
          cur = { status: 'NONE' };
          sigs.push(cur);
        }
        if (kw === 'VALIDSIG') cur.primary = rest[9]?.toUpperCase();
        else if (kw === 'ERRSIG') {
          cur.status = 'ERRSIG';
          cur.errRc = rest[5];
        } else cur.status = kw as GpgvSig['status'];
      }
      const errLine = Buffer.concat(err)
        .toString('utf8')
        .split('\n')
        .map((l) => l.replace(/^gpgv: /, '').trim())
        .find(
          (l) =>
            /error|invalid|bad|crc|no valid|unknown|malformed|not|can't|cannot/i.test(l) &&
            !/^(Signature made|using|Good|BAD signature|issuer)/.test(l),
        );
      resolve({
        code: code ?? -1,
        sigs,
        error:
          errLine === undefined
            ? null
            : errLine
                .replace(/\/[^\s:]+/g, '<path>')
                .replace(/[0-9A-F]{16,40}/g, '<id>')
                .slice(0, 80),
        timedOut,
      });
    });
  });
}

/** gpgv's verdict on the data under the keyring. */
export type GpgvVerdict = 'good' | 'bad' | 'revoked-or-expired' | 'no-key' | 'unsupported' | 'no-signature' | 'timeout';

export function gpgvVerdict(a: GpgvAnswer): GpgvVerdict {
  if (a.timedOut) return 'timeout';
  if (a.sigs.some((s) => s.status === 'BADSIG')) return 'bad';
  if (a.sigs.some((s) => s.status === 'GOODSIG')) return 'good';
  if (a.sigs.some((s) => s.status === 'EXPKEYSIG' || s.status === 'REVKEYSIG' || s.status === 'EXPSIG'))
    return 'revoked-or-expired';
  if (a.sigs.some((s) => s.status === 'ERRSIG' && s.errRc === '9')) return 'no-key';
  if (a.sigs.some((s) => s.status === 'ERRSIG')) return 'unsupported';
  return 'no-signature';
}

/** Primary fingerprints gpgv found a GOOD signature by (not revoked, not expired). */
export function gpgvGoodPrimaries(a: GpgvAnswer): Set<string> {
  return new Set(a.sigs.filter((s) => s.status === 'GOODSIG' && s.primary).map((s) => s.primary as string));
}

export interface ToolAnswer {
  /** 'threw' when verify() threw (it promises never to) */
  exit: number | 'threw';
  reason: string | null;
  /** counted signers' primary fingerprints */
  signers: string[];
  statuses: string[];
  error?: string;
}

export type Outcome = 'agree' | 'crash' | 'false-verdict' | 'disagree';

/**
 * Compare. A false verdict: the tool verified although gpgv found a BAD signature, or the tool counted a signer that
 * gpgv did not find a GOOD signature by. A disagreement: the tool refused what gpgv calls good (fail closed), or
 * gpgv could not decide in a way the tool did (both recorded by class, not failures).
 */
export function compare(tool: ToolAnswer, gv: GpgvAnswer): { outcome: Outcome; detail: string } {
  if (tool.exit === 'threw') return { outcome: 'crash', detail: `verify() threw: ${tool.error ?? '?'}` };
  const verdict = gpgvVerdict(gv);
  if (tool.exit === 0) {
    if (verdict === 'bad') return { outcome: 'false-verdict', detail: 'tool verified, gpgv BADSIG' };
    const good = gpgvGoodPrimaries(gv);
    const extra = tool.signers.filter((f) => !good.has(f));
    if (extra.length === 0) return { outcome: 'agree', detail: '' };
    // gpgv decided against a signature (revoked, expired) → false verdict; it could not check one (no key, unknown
    // algorithm, unreadable) → the oracle cannot decide that signature: a disagreement, not a false verdict
    const decidedAgainst = gv.sigs.some(
      (s) => s.status === 'REVKEYSIG' || s.status === 'EXPKEYSIG' || s.status === 'EXPSIG',
    );
    const undecided = gv.sigs.length === 0 || gv.sigs.some((s) => s.status === 'ERRSIG' || s.status === 'NONE');
    if (!decidedAgainst && undecided)
      return {
        outcome: 'disagree',
        detail: `tool counted ${extra.length} signer(s) gpgv could not check (gpgv ${verdict})`,
      };
    return {
      outcome: 'false-verdict',
      detail: `tool counted ${extra.length} signer(s) gpgv does not call good (gpgv ${verdict})`,
    };
  }
  if (verdict === 'good') return { outcome: 'disagree', detail: `tool ${tool.reason} (exit ${tool.exit}), gpgv good` };
  return { outcome: 'agree', detail: '' };
}
