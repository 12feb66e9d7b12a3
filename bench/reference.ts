// The reference path for contrast: openpgp.js's public streaming API (one hash pass per signature), from
// test/support/reference-verify.ts (not shipped, so not in dist/: this runs under tsx, whose start-up and transpiling
// of the few src/ modules it loads are in its figures). Usage: node --import tsx bench/reference.ts <file> <sig.asc>
// <keys.asc>; exits 0 when every signature is valid.
import { readFile } from 'node:fs/promises';
import { parseSignatureFile } from '../src/pgp/signature-file.js';
import { loadCustomKeyring } from '../src/trust/keyring.js';
import { referenceVerify } from '../test/support/reference-verify.js';

const [file, sig, keys] = process.argv.slice(2) as [string, string, string];
const keyring = await loadCustomKeyring(keys);
const parsed = await parseSignatureFile(new Uint8Array(await readFile(sig)));
const results = await referenceVerify(file, parsed, keyring);
const bad = results.filter((r) => !r.valid);
process.stdout.write(JSON.stringify({ signatures: results.length, valid: results.length - bad.length }) + '\n');
process.exitCode = results.length > 0 && bad.length === 0 ? 0 : 1;
