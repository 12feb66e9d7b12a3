#!/usr/bin/env node
// Runs the compiled CLI (npm run build / npm test compile src/ to dist/; the npm package ships dist/).
let run;
try {
  ({ run } = await import('../dist/cli.js'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  // "Cannot find module '…/dist/cli.js' imported from …/bin/electrum-verify.js": not built; any other: a dependency
  const missingDist = / imported from .*[\\/]bin[\\/]electrum-verify\.js\s*$/.test(String(e.message).split('\n')[0]);
  process.stderr.write(
    missingDist
      ? 'electrum-verify: the CLI is not built yet (dist/ is missing).\n  next: run `npm ci && npm run build` first, in the folder electrum-verify was cloned to.\n'
      : `electrum-verify: a dependency is missing (${String(e.message).split('\n')[0]}).\n  next: run \`npm ci\` first (then \`npm run build\`), in the folder electrum-verify was cloned to.\n`,
  );
  process.exit(2);
}
await run(process.argv);
