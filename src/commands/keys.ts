/** `electrum-verify keys [--json]`: the pinned release-signing keys. */
import { SCHEMA, groupFingerprint, toJson, type Style } from '../report.js';
import { describeKey } from '../trust/describe.js';
import { loadPinnedKeyring } from '../trust/keyring.js';

export async function keysCommand(opts: { json?: boolean }, io: { stdout: NodeJS.WritableStream; style: Style }): Promise<number> {
  const keyring = await loadPinnedKeyring();
  const keys = await Promise.all(keyring.keys.map((k) => describeKey(k)));
  if (opts.json) {
    io.stdout.write(toJson({ schema: SCHEMA, keys }));
    return 0;
  }
  const { style } = io;
  const lines = ['Pinned Electrum release-signing keys (names from electrum-verify, not from the keys):', ''];
  for (const k of keys) {
    lines.push(`${style.bold(k.name)}  ${k.algorithm}`);
    lines.push(`  primary  ${groupFingerprint(k.fingerprint)}`);
    for (const s of k.signingKeys) if (s !== k.fingerprint) lines.push(`  signs    ${groupFingerprint(s)} (subkey)`);
    if (k.expires) {
      const when = k.expires.slice(0, 10);
      lines.push(k.expiredNow ? style.warn(`  expired  ${when}: signatures made before then still verify`) : `  expires  ${when}`);
    }
    lines.push('');
  }
  io.stdout.write(lines.join('\n'));
  return 0;
}
