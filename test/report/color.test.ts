/** When output is coloured: NO_COLOR wins, then FORCE_COLOR, then CI (no colour), then "is it a terminal". */
import { describe, expect, it } from 'vitest';
import { colorEnabled } from '../../src/report/color.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colorEnabled', () => {
  it.each([
    ['a terminal', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['NO_COLOR on a terminal', tty, { NO_COLOR: '1' }, false],
    ['FORCE_COLOR on a pipe', pipe, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a terminal', tty, { FORCE_COLOR: '0' }, false],
    ['NO_COLOR beats FORCE_COLOR', tty, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    // every command, as the README says (it was verify-release and check-receipt only)
    ['CI=true on a terminal', tty, { CI: 'true' }, false],
    ['CI=1 on a terminal', tty, { CI: '1' }, false],
    ['CI=false on a terminal', tty, { CI: 'false' }, true],
    ['CI=true with FORCE_COLOR', tty, { CI: 'true', FORCE_COLOR: '1' }, true],
  ])('%s → %s', (_name, stream, env, expected) => {
    expect(colorEnabled(stream, env as NodeJS.ProcessEnv)).toBe(expected);
  });
});
