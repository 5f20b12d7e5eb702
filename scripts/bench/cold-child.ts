/**
 * Child process for the "fresh process" figures: nothing of the meter is optimised by V8 yet and
 * V8's process-wide native-module cache is empty. Prints one JSON line `{"ms": ..., ...}`.
 *   node --import tsx scripts/bench/cold-child.ts instrument <file.wasm>
 *       the first instrument() call of the process
 *   node --import tsx scripts/bench/cold-child.ts prepare-store <file.wasm> <cache dir>
 *       ModulePreparer.prepare() when only the disk store has the module (a restarted worker)
 */
import { readFileSync } from 'node:fs';
import { instrument } from '../../src/sandbox/meter/instrument.js';
import { DiskStore } from '../../src/sandbox/node/disk-store.js';
import { ModulePreparer } from '../../src/sandbox/prepare.js';

const [mode, file, dir] = process.argv.slice(2);
if (!file || (mode !== 'instrument' && mode !== 'prepare-store') || (mode === 'prepare-store' && !dir)) {
  console.error('usage: cold-child.ts instrument <file.wasm> | prepare-store <file.wasm> <dir>');
  process.exit(2);
}
const bytes = new Uint8Array(readFileSync(file));
if (mode === 'instrument') {
  const t0 = performance.now();
  const out = instrument(bytes);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, bytesIn: bytes.length, bytesOut: out.bytes.length }));
} else {
  const preparer = new ModulePreparer(new DiskStore(dir!));
  const t0 = performance.now();
  const prepared = await preparer.prepare(bytes);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, source: prepared.source }));
}
