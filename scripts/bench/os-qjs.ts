/**
 * `qjs` in the guest OS (src/os/qjs): making the first engine (cold), a warm `qjs -e
 * 'print(1)'` on a fresh OS, lines/s through a qjs filter in a pipeline, and a compute loop as
 * a qjs process vs the same loop as a direct JS job (the cost of running JS under L2).
 * `qjsFigures()` returns label → text; run standalone it prints them:
 *
 *   node --import tsx scripts/bench/os-qjs.ts
 */
import { fileURLToPath } from 'node:url';
import { nodeQuickJsSource } from '../../src/js/node/source.js';
import { JsRuntime } from '../../src/js/runtime.js';
import { QjsRuntime, runShell } from '../../src/os/index.js';
import { normalizeOptions } from '../../src/sandbox/options.js';
import { ModulePreparer } from '../../src/sandbox/prepare.js';
import { median } from './stats.js';

const BUDGET = 10n ** 11n;
const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });

export async function qjsFigures(): Promise<Record<string, string>> {
  const figures: Record<string, string> = {};
  const preparer = new ModulePreparer();

  const t0 = performance.now();
  const qjs = await QjsRuntime.create({ source: nodeQuickJsSource, preparer, poolSize: 8 });
  figures['cold: QuickJS read + instrumented + the first qjs engine (realm + snapshot)'] = `${fmt(performance.now() - t0)} ms`;
  const first = await qjs.acquire(); // the one create() made
  const t1 = performance.now();
  const second = await qjs.acquire();
  figures['another engine (wasm already compiled; a pipeline stage needs one each)'] = `${fmt(performance.now() - t1)} ms`;
  qjs.release(first);
  qjs.release(second);

  const check = async (script: string, expect: RegExp): Promise<{ ms: number; fuel: number }> => {
    const t = performance.now();
    const r = await runShell(script, { maxInstructions: BUDGET, qjs });
    const ms = performance.now() - t;
    if (r.error || !expect.test(r.output)) throw new Error(`${script}: ${JSON.stringify(r)}`);
    return { ms, fuel: r.fuel_used };
  };

  const warm: number[] = [];
  let warmFuel = 0;
  for (let i = 0; i < 40; i++) {
    const r = await check(`qjs -e 'print(1)'`, /^1\n$/);
    warm.push(r.ms);
    warmFuel = r.fuel;
  }
  figures["warm `qjs -e 'print(1)'` end to end on a fresh OS (median of 40)"] = `${fmt(median(warm), 2)} ms, ${fmt(warmFuel, 0)} fuel`;

  const LINES = 20_000;
  const filter = await check(`seq 1 ${LINES} | qjs -e 'let l, s = 0; while ((l = await std.in.getline()) !== null) { s += +l; print(l) } console.error(s)' | wc -l`, new RegExp(`^${LINES}\\n$`));
  figures[`\`seq | qjs (getline + print) | wc -l\`, ${fmt(LINES, 0)} lines`] = `${fmt(filter.ms)} ms, ${fmt(LINES / (filter.ms / 1000), 0)} lines/s, ${fmt(filter.fuel / LINES, 0)} fuel per line`;

  // The same compute loop as a qjs process and as a direct JS job (L3 alone), interleaved.
  const N = 300_000;
  const loop = `let s = 0; for (let i = 0; i < ${N}; i++) s = (s + i * i) % 1000003;`;
  const js = new JsRuntime({ source: nodeQuickJsSource, preparer });
  const underOs: number[] = [];
  const direct: number[] = [];
  let osFuel = 0;
  let directFuel = 0;
  for (let i = 0; i < 7; i++) {
    const a = await check(`qjs -e '${loop} print(s)'`, /^\d+\n$/);
    underOs.push(a.ms);
    osFuel = a.fuel;
    const t = performance.now();
    const r = await js.run(`export function execute() { ${loop} return s }`, normalizeOptions({ maxInstructions: BUDGET }));
    direct.push(performance.now() - t);
    directFuel = r.fuel_used;
  }
  js.dispose();
  figures[`compute loop (${fmt(N, 0)} iterations): qjs process / direct JS job`] = `${fmt(median(underOs))} ms / ${fmt(median(direct))} ms = ${fmt(median(underOs) / median(direct), 2)}×; fuel ${fmt(osFuel, 0)} / ${fmt(directFuel, 0)} = ${fmt(osFuel / directFuel, 3)}×`;
  qjs.dispose();
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [label, value] of Object.entries(await qjsFigures())) console.log(`${label}: ${value}`);
}
