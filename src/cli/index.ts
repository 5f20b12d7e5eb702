#!/usr/bin/env node
/** Process entry of the `outlayer` command (bin/outlayer.js loads the built copy of this file). */
import { main } from './main.js';

const code = await main(process.argv.slice(2), {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
});
process.exitCode = code;
