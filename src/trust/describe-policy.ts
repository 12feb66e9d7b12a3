/**
 * The signer policy in words, for the human report (renderHuman). Light on purpose: no openpgp.js here.
 *
 *   required: ThomasV + SomberNight (Electrum's release gate) · also signed by: Emzy, svanstaa
 *   not counted: Emzy — our copy of Emzy's key says its signing subkey expired on 2026-10-12, before this …
 */
import type { VerifyReport } from '../report/verify-report.js';
import { PINNED_SIGNERS } from './pinned.js';

const shown = (name: string): string => PINNED_SIGNERS.find((s) => s.name === name)?.shownAs ?? name;

export function describePolicy(report: VerifyReport): string[] {
  const sig = report.signature;
  const lines: string[] = [];
  const required = sig.requiredSigners ?? [];
  const counted = sig.signers.map((s) => s.name);
  const others = counted.filter((n) => !required.includes(n)).map(shown);
  const also = others.length > 0 ? ` · also signed by: ${others.join(', ')}` : '';
  switch (sig.policy) {
    case 'release-gate':
      lines.push(
        `required: ${required.map(shown).join(' + ')} (Electrum's release gate${required.length === 1 ? ' before 4.1.3' : ''})${also}`,
      );
      break;
    case 'any-release-signer': {
      const release = PINNED_SIGNERS.filter((s) => s.role === 'release').map((s) => shown(s.name));
      const by = counted.map(shown);
      lines.push(
        `required: one release signer (${release.join(' or ')}); the version is unknown, so the version rules were not applied${by.length ? ` · signed by: ${by.join(', ')}` : ''}`,
      );
      break;
    }
    case 'any-n':
      lines.push(
        `required: any ${sig.required} distinct trusted key${sig.required === 1 ? '' : 's'}${report.trust === 'custom' ? ' of the custom keyring' : ' (--min-signers)'}${counted.length ? ` · signed by: ${counted.map(shown).join(', ')}` : ''}`,
      );
      break;
    default:
      break;
  }
  for (const f of sig.found) {
    if (f.counted !== false || f.signer === null || f.status === 'bad' || f.status === 'malformed') continue;
    lines.push(`not counted: ${shown(f.signer)} — ${f.note ?? f.detail ?? f.status}`);
  }
  return lines;
}
