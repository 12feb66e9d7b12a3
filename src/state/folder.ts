/**
 * The user's state folder: refreshed key copies (`keys refresh`) and the announcement high-water mark (`latest`).
 * `--state-dir` (passed in by the command), then `ELECTRUM_VERIFY_STATE`, then `$XDG_STATE_HOME/electrum-verify`,
 * then `~/.local/state/electrum-verify`. Pure path logic: nothing here creates, reads or trusts the folder.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export function stateFolder(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const own = env.ELECTRUM_VERIFY_STATE;
  if (own !== undefined && own !== '') return resolve(own);
  const xdg = env.XDG_STATE_HOME;
  // XDG: a relative value is invalid and must be ignored.
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'electrum-verify');
  return join(homedir(), '.local', 'state', 'electrum-verify');
}
