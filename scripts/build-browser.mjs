// Copies the QuickJS wasm next to the browser bundles (dist/quickjs.wasm), where the Web Worker
// fetches it on its first JS job, and sql.js's SQLite (for the guest OS's sqlite3) likewise (run
// by `npm run build` / `prepare`, after tsup).
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const wasm = require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
copyFileSync(wasm, `${root}dist/quickjs.wasm`);
// sql.js's SQLite (wasm + glue) for the guest OS's sqlite3, fetched on its first use.
for (const file of ['sql-wasm-browser.wasm', 'sql-wasm-browser.js']) copyFileSync(require.resolve(`sql.js/dist/${file}`), `${root}dist/${file}`);
