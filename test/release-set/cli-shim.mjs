// Test support for readme-snippets.test.ts: `electrum-verify` on the PATH of the snippets' shell. It runs the
// compiled CLI (dist/) and, because the release here is signed by keys made in the run, adds
// `--keyring $EV_TEST_KEYRING` (and `--min-signers 2`: both signers, as Electrum's policy requires) to the
// commands that verify. If src/cli.ts does not register verify-release/check-receipt yet, they are added here.
import { CommanderError } from 'commander';
import { buildProgram, main } from '../../dist/cli.js';
import { registerReleaseCommands } from '../../dist/commands/register-release.js';

let args = process.argv.slice(2);
const cmd = args[0];
const keyring = process.env.EV_TEST_KEYRING;
if (keyring && ['verify', 'verify-release', 'check-receipt'].includes(cmd)) {
  args = [cmd, '--keyring', keyring, ...(cmd === 'check-receipt' ? [] : ['--min-signers', '2']), ...args.slice(1)];
}
const argv = [process.argv[0], process.argv[1], ...args];
let code = 0;
const program = buildProgram((c) => (code = c));
if (program.commands.some((c) => c.name() === 'verify-release')) {
  process.exitCode = await main(argv);
} else {
  registerReleaseCommands(program, (c) => (code = c));
  try {
    await program.parseAsync(argv);
    process.exitCode = code;
  } catch (e) {
    process.exitCode = e instanceof CommanderError ? (e.exitCode === 0 ? 0 : 2) : 2;
    if (!(e instanceof CommanderError)) process.stderr.write(String(e) + '\n');
  }
}
