/**
 * Strict parsing of Electrum's version announcement (https://electrum.org/version):
 *
 *   {"version": "4.7.2", "signatures": {"<address>": "<base64>"}, "extradata": {...}}
 *
 * Bounded (64 KiB; the real files are at most 252 bytes), UTF-8 only, one JSON object. `version` must be an
 * Electrum version string exactly as signed (no surrounding space: the signature covers the raw string).
 * `extradata` and any other field are not signed: they are carried for the report and never used for a decision.
 * A body that is not an announcement at all (HTML, not JSON, wrong shape) is ANNOUNCEMENT_INVALID; a well-formed
 * announcement without signatures is parsed (and then judged unsigned by the signature check).
 */
import { VerifyError } from '../errors.js';
import { parseVersion } from '../release/version.js';

export const MAX_ANNOUNCEMENT_BYTES = 64 * 1024;
const MAX_SIGNATURES = 16;
const MAX_ADDRESS_CHARS = 100;
const MAX_SIGNATURE_CHARS = 200;

export interface AnnouncementSignature {
  /** The address as written in the file (the key of `signatures`). */
  address: string;
  /** The base64 signature as written. */
  signature: string;
}

export interface Announcement {
  /** The signed version string, exactly as in the file. */
  version: string;
  signatures: AnnouncementSignature[];
  /** Unsigned: reported, never used. null when absent. */
  extradata: unknown;
  /** Other top-level fields (unsigned, ignored). */
  otherFields: string[];
}

const HINT = 'The official announcement is the small JSON file at https://electrum.org/version.';

function invalid(where: string, detail: string): VerifyError {
  return new VerifyError('ANNOUNCEMENT_INVALID', `${where} is not an Electrum version announcement: ${detail}`, {
    hint: HINT,
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse announcement bytes; `where` names the source in messages (a URL or a path). */
export function parseAnnouncement(bytes: Uint8Array, where: string): Announcement {
  if (bytes.byteLength > MAX_ANNOUNCEMENT_BYTES) {
    throw invalid(
      where,
      `it is ${bytes.byteLength} bytes; a real one is a few hundred (limit ${MAX_ANNOUNCEMENT_BYTES})`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw invalid(where, 'it is not UTF-8 text');
  }
  const start = text.trimStart();
  if (start.startsWith('<')) {
    throw invalid(where, 'it is an HTML page, not JSON (a captive portal, a proxy error page, or a changed site?)');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalid(where, `it is not JSON (${(e as Error).message.slice(0, 120)})`);
  }
  if (!isPlainObject(value)) throw invalid(where, 'it is not a JSON object');
  const { version, signatures, extradata, ...rest } = value;
  if (typeof version !== 'string') throw invalid(where, 'it has no "version" string');
  if (parseVersion(version) === null) {
    throw invalid(where, `"version" is ${JSON.stringify(version.slice(0, 40))}, not an Electrum version number`);
  }
  const list: AnnouncementSignature[] = [];
  if (signatures !== undefined) {
    if (!isPlainObject(signatures)) throw invalid(where, '"signatures" is not an object of address → signature');
    const entries = Object.entries(signatures);
    if (entries.length > MAX_SIGNATURES)
      throw invalid(where, `it has ${entries.length} signatures (at most ${MAX_SIGNATURES} accepted)`);
    for (const [address, signature] of entries) {
      if (typeof signature !== 'string')
        throw invalid(where, `the signature for "${address.slice(0, MAX_ADDRESS_CHARS)}" is not a string`);
      if (address.length === 0 || address.length > MAX_ADDRESS_CHARS)
        throw invalid(where, 'a signature is listed under an empty or overlong address');
      if (signature.length > MAX_SIGNATURE_CHARS)
        throw invalid(where, `the signature for ${address} is ${signature.length} characters (a real one is 88)`);
      list.push({ address, signature });
    }
  }
  return {
    version,
    signatures: list,
    extradata: extradata === undefined ? null : extradata,
    otherFields: Object.keys(rest),
  };
}
