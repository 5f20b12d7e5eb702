/**
 * sqlite3 in the guest OS (src/os/sqlite): cold start of the first sqlite3 process (reading sql.js,
 * instrumenting its wasm, the first instance), a warm `sqlite3 :memory: 'select 1'`, inserting
 * 10,000 rows in one transaction into a VFS database (rows/s and fuel), and selects over them.
 * `sqliteFigures()` returns the figures as label → text; run standalone it prints them:
 *
 *   node --import tsx scripts/bench/os-sqlite.ts
 */
import { fileURLToPath } from 'node:url';
import { createGuestOs, type Kernel } from '../../src/os/index.js';
import { nodeSqliteSource } from '../../src/os/node/sqlite-source.js';
import { sqlite3Program } from '../../src/os/sqlite/program.js';
import { ModulePreparer } from '../../src/sandbox/prepare.js';

const BUDGET = 10n ** 12n;
const ROWS = 10_000;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });

export async function sqliteFigures(): Promise<Record<string, string>> {
  const figures: Record<string, string> = {};
  const decoder = new TextDecoder();

  // Cold: everything the first sqlite3 process of a Node process needs (no disk cache of the instrumented wasm).
  const t0 = performance.now();
  const sqlite3 = sqlite3Program({ source: nodeSqliteSource, preparer: new ModulePreparer() });
  await sqlite3.ready();
  const loaded = performance.now();
  const first = await createGuestOs({ maxInstructions: BUDGET, programs: { sqlite3 } }).run(['sqlite3', ':memory:', 'select 1']);
  const t1 = performance.now();
  if (decoder.decode(first.stdout) !== '1\n') throw new Error(`select 1 gave ${decoder.decode(first.stdout)} ${decoder.decode(first.stderr)}`);
  figures['cold start: load sql.js + instrument the wasm + first `select 1`'] = `${fmt(t1 - t0)} ms (load ${fmt(loaded - t0)} ms, process ${fmt(t1 - loaded)} ms)`;

  const run = async (kernel: Kernel, argv: string[], stdin = '') => {
    const t = performance.now();
    const r = await kernel.run(argv, { stdin });
    const ms = performance.now() - t;
    if (r.status !== 0 || r.error) throw new Error(`${argv.join(' ')}: ${r.status} ${JSON.stringify(r.error)} ${decoder.decode(r.stderr)}`);
    return { ms, fuel: r.fuelUsed, out: r.stdout };
  };

  const warm: number[] = [];
  let warmFuel = 0n;
  for (let i = 0; i < 30; i++) {
    const r = await run(createGuestOs({ maxInstructions: BUDGET, programs: { sqlite3 } }), ['sqlite3', ':memory:', 'select 1']);
    warm.push(r.ms);
    warmFuel = r.fuel;
  }
  figures["warm `sqlite3 :memory: 'select 1'` (fresh OS, median of 30)"] = `${fmt(median(warm), 2)} ms, ${fmt(Number(warmFuel), 0)} fuel`;

  const kernel = createGuestOs({ maxInstructions: BUDGET, programs: { sqlite3 }, quotaBytes: 256 * 1048576 });
  await run(kernel, ['sqlite3', '/bench.db', 'create table t(id integer primary key, x integer, y text)']);
  const lines = ['begin;'];
  for (let i = 1; i <= ROWS; i++) lines.push(`insert into t(x, y) values(${i}, 'row number ${i}');`);
  lines.push('commit;');
  const ins = await run(kernel, ['sqlite3', '/bench.db'], `${lines.join('\n')}\n`);
  figures[`insert ${fmt(ROWS, 0)} rows in one transaction (stdin → /bench.db on the VFS)`] = `${fmt(ins.ms)} ms, ${fmt(ROWS / (ins.ms / 1000), 0)} rows/s, ${fmt(Number(ins.fuel), 0)} fuel (${fmt(Number(ins.fuel) / ROWS, 0)} per row)`;

  const agg = await run(kernel, ['sqlite3', '/bench.db', 'select count(*), sum(x), sum(length(y)) from t']);
  figures['select count(*), sum(x), sum(length(y)) over them'] = `${fmt(agg.ms)} ms, ${fmt(Number(agg.fuel), 0)} fuel → ${decoder.decode(agg.out).trim()}`;
  const all = await run(kernel, ['sqlite3', '/bench.db', 'select * from t']);
  figures['select * from t (every row to stdout)'] = `${fmt(all.ms)} ms, ${fmt(Number(all.fuel), 0)} fuel, ${fmt(all.out.length, 0)} bytes out`;

  const auto = ['create table u(x);'];
  for (let i = 1; i <= 200; i++) auto.push(`insert into u values(${i});`);
  const ac = await run(createGuestOs({ maxInstructions: BUDGET, programs: { sqlite3 } }), ['sqlite3', '/auto.db'], `${auto.join('\n')}\n`);
  figures['200 autocommit inserts (each written back to the VFS)'] = `${fmt(ac.ms)} ms, ${fmt(Number(ac.fuel) / 200, 0)} fuel per statement`;
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await sqliteFigures();
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log(`sqlite3 in the guest OS — Node ${process.version}`);
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(width)}  ${v}`);
}
