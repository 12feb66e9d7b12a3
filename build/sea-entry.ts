/**
 * Entry point of the single-file build (build/binary.mjs bundles this into one CommonJS file for a Node SEA).
 * The same as bin/electrum-verify.js, without top-level await (esbuild cannot emit it in CommonJS).
 */
import { main } from '../src/cli.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // main() maps every error to an exit code; this is only a last resort for a bug
    process.stderr.write(`electrum-verify: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
