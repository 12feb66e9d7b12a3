/**
 * Entry point of the single-file build (build/binary.mjs bundles this into one CommonJS file for a Node SEA).
 * The same as bin/electrum-verify.js (`run`: main, then the process ends right after its output), without
 * top-level await (esbuild cannot emit it in CommonJS).
 */
import { run } from '../src/cli.js';

run(process.argv).catch((e: unknown) => {
  // main() maps every error to an exit code; this is only a last resort for a bug
  process.stderr.write(`electrum-verify: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 2;
});
