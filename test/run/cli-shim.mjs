// Test support for readme-snippets.test.ts: `electrum-verify` on the PATH of the snippets' shell. It runs the
// compiled CLI (dist/) and, because the release here is signed by keys made in the run, adds
// `--keyring $EV_TEST_KEYRING` (and `--min-signers 2`: both signers, as Electrum's policy requires) to the
// commands that verify.
import { main } from '../../dist/cli.js';

let args = process.argv.slice(2);
const cmd = args[0];
const keyring = process.env.EV_TEST_KEYRING;
if (keyring && ['verify', 'verify-release', 'check-receipt'].includes(cmd)) {
  args = [cmd, '--keyring', keyring, ...(cmd === 'check-receipt' ? [] : ['--min-signers', '2']), ...args.slice(1)];
}
const argv = [process.argv[0], process.argv[1], ...args];
process.exitCode = await main(argv);
