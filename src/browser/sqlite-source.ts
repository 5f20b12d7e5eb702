/**
 * The browser's SQLite for the guest OS's `sqlite3`: sql.js's wasm and glue text, copied next to
 * the bundles by scripts/build-browser.mjs and fetched by the Web Worker only when a script first
 * runs sqlite3. The same files Node reads (src/os/node/sqlite-source.ts), so fuel is the same.
 */
import { glueFromText, type SqliteSource } from '../os/sqlite/source.js';

export function browserSqliteSource(wasmUrl: string, glueUrl: string): SqliteSource {
  const get = async (url: string): Promise<Response> => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
    return res;
  };
  return {
    wasm: async () => new Uint8Array(await (await get(wasmUrl)).arrayBuffer()),
    glue: async () => glueFromText(await (await get(glueUrl)).text()),
  };
}
