// The reference path for contrast: openpgp.js's public streaming API (one hash pass per signature), from the
// compiled dist/. Usage: node bench/reference.mjs <file> <sig.asc> <keys.asc>; exits 0 when every signature is valid.
import { readFile } from 'node:fs/promises';
import { referenceVerify } from '../dist/pgp/reference-verify.js';
import { parseSignatureFile } from '../dist/pgp/signature-file.js';
import { loadCustomKeyring } from '../dist/trust/keyring.js';

const [file, sig, keys] = process.argv.slice(2);
const keyring = await loadCustomKeyring(keys);
const parsed = await parseSignatureFile(new Uint8Array(await readFile(sig)));
const results = await referenceVerify(file, parsed, keyring);
const bad = results.filter((r) => !r.valid);
process.stdout.write(JSON.stringify({ signatures: results.length, valid: results.length - bad.length }) + '\n');
process.exitCode = results.length > 0 && bad.length === 0 ? 0 : 1;
