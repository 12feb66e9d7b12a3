/**
 * Registrable-domain parsing (public suffix list) through tldts, loaded on first use: the official hosts
 * are decided without it, so `--help` and `check-url <official url>` never pay its ~20 ms load time.
 */
import { createRequire } from 'node:module';

type Tldts = typeof import('tldts');
let tldts: Tldts | null = null;

export function parseDomain(host: string): ReturnType<Tldts['parse']> {
  tldts ??= createRequire(import.meta.url)('tldts') as Tldts;
  return tldts.parse(host);
}
