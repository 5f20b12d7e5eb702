/**
 * sqlite3's SQLite wasm and glue, read from sql.js in node_modules (Node only). sql.js's
 * `exports` map publishes `./dist/*`, so the files are resolved through it — from src/ under
 * tsx and from the bundled dist/ alike (sql.js stays external).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { glueFromText, type SqliteSource } from '../sqlite/source.js';

const require = createRequire(import.meta.url);

export const nodeSqliteSource: SqliteSource = {
  wasm: async () => new Uint8Array(await readFile(require.resolve('sql.js/dist/sql-wasm-browser.wasm'))),
  glue: async () => glueFromText(await readFile(require.resolve('sql.js/dist/sql-wasm-browser.js'), 'utf8')),
};
