// Loaded with NODE_OPTIONS=--import=<this file> by the pty tests: the CLI's import of `ora` takes 400 ms, as on a
// busy machine or a cold disk. Before the fix, progress calls that arrived during that import each started a
// spinner of their own, and the one left over kept the process alive after the verdict.
import { register } from 'node:module';

register('./slow-imports-hooks.mjs', import.meta.url);
