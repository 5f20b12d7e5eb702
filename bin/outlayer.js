#!/usr/bin/env node
// Loads the built CLI. `npm install` builds dist/ through the `prepare` script.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('outlayer: dist/ is missing; run `npm install` (or `npm run build`) in the repository first\n');
  process.exit(2);
}
await import(cli.href);
