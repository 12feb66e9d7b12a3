#!/usr/bin/env node
// Runs the compiled CLI (npm run build / npm test compile src/ to dist/).
import { main } from '../dist/cli.js';

const code = await main(process.argv);
process.exitCode = code;
