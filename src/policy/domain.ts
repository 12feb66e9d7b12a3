/**
 * Registrable-domain parsing (public suffix list) through tldts, loaded on first use: the official hosts
 * are decided without it, so `--help` and `check-url <official url>` never pay its ~20 ms load time.
 */
import { createRequire } from 'node:module';

type Tldts = typeof import('tldts');
let tldts: Tldts | null = null;

/**
 * `validHostOnly: false` for a letters-digits-hyphens host the URL parser has already accepted: tldts would
 * otherwise give up on names browsers still open, such as a label starting with a hyphen ("-x.eectrum.org"), and
 * the lookalike checks would see no registrable domain.
 */
export function parseDomain(host: string, validHostOnly = true): ReturnType<Tldts['parse']> {
  tldts ??= createRequire(import.meta.url)('tldts') as Tldts;
  return tldts.parse(host, { validateHostname: validHostOnly });
}
