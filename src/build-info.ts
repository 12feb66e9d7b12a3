/**
 * Which build of electrum-verify is running: the Node script (`bin/electrum-verify.js` over `dist/`) or the
 * single-file executable (`npm run build:binary`, a Node single-executable application; see README).
 *
 * `node:sea` exists from Node 20.12 / 21.7 on; it is looked up through `process.getBuiltinModule` (Node 22.3+,
 * 20.16+) so that this module loads everywhere the tool supports and never throws: where neither exists, the
 * answer is "not the single-file build", which is right, since a SEA is always built with a newer Node.
 */

interface SeaModule {
  isSea(): boolean;
}

let cached: boolean | undefined;

/** True when running as the single-file executable (a Node SEA), false when running as a Node script. */
export function isSingleExecutable(): boolean {
  if (cached === undefined) {
    let sea: SeaModule | undefined;
    try {
      const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
      sea = getBuiltin?.call(process, 'node:sea') as SeaModule | undefined;
    } catch {
      sea = undefined;
    }
    cached = typeof sea?.isSea === 'function' ? sea.isSea() === true : false;
  }
  return cached;
}

/** A short description of the build for `--version`: "single-file build, Node SEA" or "Node script". */
export function buildKind(): string {
  return isSingleExecutable() ? 'single-file build, Node SEA' : 'Node script';
}
