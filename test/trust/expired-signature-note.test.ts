/** A signature whose OWN expiry has passed is not the key's fault: its note says so, and does not ask for a key refresh. */
import { describe, expect, it } from 'vitest';
import type { FoundSignature } from '../../src/pgp/check-signature.js';
import { applySignerPolicy, signerRequirement } from '../../src/trust/signer-policy.js';

const found = (detail: string): FoundSignature =>
  ({
    issuer: '6694D8DE7BE8EE5631BED9502BD5824B7F9470E6',
    signer: 'ThomasV',
    fingerprint: '6694D8DE7BE8EE5631BED9502BD5824B7F9470E6',
    signingKey: '6694D8DE7BE8EE5631BED9502BD5824B7F9470E6',
    status: 'expired-key',
    created: '2024-01-01T00:00:00.000Z',
    hash: 'SHA-512',
    detail,
  }) as FoundSignature;

describe('the note of an expired signature', () => {
  it.each([
    [
      'the signature itself expired (2024-02-01T00:00:00.000Z); it does not count',
      /^the signature itself expired \(2024-02-01T00:00:00\.000Z\); this signature cannot count$/,
    ],
    [
      'its expiration time (4294967295 seconds after 2024-01-01T00:00:00.000Z) lies past the end of OpenPGP time (2106), which gpg reads as already expired; it does not count',
      /past the end of OpenPGP time \(2106\), which gpg reads as already expired; this signature cannot count$/,
    ],
  ])('%s', async (detail, note) => {
    const f = found(detail);
    const report = { signature: { required: 1, signers: [], found: [f] }, warnings: [] as string[] } as never;
    await expect(applySignerPolicy(report, [f], signerRequirement('4.8.1', { trust: 'pinned' }))).rejects.toMatchObject(
      { code: 'NOT_ENOUGH_SIGNERS' },
    );
    expect((f as FoundSignature & { note?: string }).note).toMatch(note);
    expect((f as FoundSignature & { note?: string }).note).not.toMatch(/keys refresh|update electrum-verify/);
  });
});
