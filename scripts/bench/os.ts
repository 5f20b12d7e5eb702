/**
 * `npm run bench -- os`: the guest OS (L2). Boot to the first guest instruction (cold and warm;
 * target ≤ 20 ms cold, goal ≤ 5 ms), `echo hi | wc -c` end to end, pipe throughput, the cost of
 * one process spawn, memory per OS instance (target ≤ 8 MB), linux mode against direct mode on the
 * same WASI program (target ≤ 3×), the asyncify rewrite WASI processes need (cold), and a WASI
 * filter streaming in a pipeline; then `qjs` (./os-qjs.ts) and `sqlite3` (./os-sqlite.ts): engine
 * start, a warm process, lines or rows per second. Writes bench-results/os.json.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGuestOs, runShell, type Program } from '../../src/os/index.js';
import { prepareWasiProcess, wasiProgram } from '../../src/os/wasi-program.js';
import { asyncify } from '../../src/sandbox/asyncify/transform.js';
import { prepareCommand, runPrepared } from '../../src/sandbox/execute.js';
import { normalizeOptions } from '../../src/sandbox/options.js';
import { ModulePreparer } from '../../src/sandbox/prepare.js';
import { qjsFigures } from './os-qjs.js';
import { sqliteFigures } from './os-sqlite.js';
import { machineInfo, median, printTable, writeResults, type Figure } from './stats.js';

const BUDGET = 10n ** 11n;

export async function run(args: readonly string[]): Promise<void> {
  const quick = args.includes('--quick');
  const reps = quick ? 10 : 50;
  const figures: Figure[] = [];

  // Boot: a fresh OS (root image with the userland in /bin) until its first process runs.
  let firstRan = 0;
  const probe: Program = async () => {
    firstRan = performance.now();
    return 0;
  };
  const boot = async () => {
    const t = performance.now();
    const os = createGuestOs({ maxInstructions: BUDGET, programs: { probe } });
    await os.run(['probe']);
    return firstRan - t;
  };
  const cold = await boot();
  const warm: number[] = [];
  for (let i = 0; i < reps; i++) warm.push(await boot());
  figures.push({ id: 'boot.cold', label: 'boot to the first guest instruction, cold (first in this process)', value: cold, unit: 'ms', target: 20 });
  figures.push({ id: 'boot.warm', label: 'boot to the first guest instruction, warm (median)', value: median(warm), unit: 'ms', target: 5, samples: warm });

  const shell = async (script: string) => {
    const t = performance.now();
    const r = await runShell(script, { maxInstructions: BUDGET });
    if (r.status !== 'ok') throw new Error(`${script}: ${JSON.stringify(r.error)} ${r.logs.join('\n')}`);
    return { ms: performance.now() - t, r };
  };
  const echo: number[] = [];
  for (let i = 0; i < reps; i++) echo.push((await shell('echo hi | wc -c')).ms);
  figures.push({ id: 'echo-wc', label: '`echo hi | wc -c` end to end (fresh OS, median)', value: median(echo), unit: 'ms', samples: echo });

  const bytes = quick ? 2_000_000 : 10_000_000;
  const pipe = await shell(`yes | head -c ${bytes} | wc -c`);
  figures.push({ id: 'pipe.mbps', label: `pipe throughput, yes | head -c ${bytes / 1e6} MB | wc -c (MB/s)`, value: bytes / 1e6 / (pipe.ms / 1000), unit: '' });
  figures.push({ id: 'pipe.fuel', label: '  its fuel per byte', value: pipe.r.fuel_used / bytes, unit: 'x' });

  const n = quick ? 500 : 3000;
  const list = Array.from({ length: n }, (_, i) => i).join(' ');
  const none = await shell(`for i in ${list}; do :; done`);
  const spawned = await shell(`for i in ${list}; do /bin/true; done`);
  figures.push({ id: 'spawn', label: `one process spawn + wait (sh running /bin/true ${n}×, minus the empty loop)`, value: ((spawned.ms - none.ms) / n) * 1000, unit: 'µs' });
  figures.push({ id: 'spawn.fuel', label: '  its fuel', value: (spawned.r.fuel_used - none.r.fuel_used) / n, unit: 'fuel' });

  // Memory: OS instances kept alive after a pipeline, in a child with --expose-gc.
  const count = quick ? 20 : 100;
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./os-memory.ts', import.meta.url)), String(count)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`os-memory child failed: ${child.stderr}`);
  const { perInstanceBytes } = JSON.parse(child.stdout.trim().split('\n').pop()!) as { perInstanceBytes: number };
  figures.push({ id: 'memory', label: `memory per OS instance (${count} kept alive after a pipeline; KiB)`, value: perInstanceBytes / 1024, unit: '', target: 8192 });

  // Linux mode vs direct on the same WASI program.
  const code = new Uint8Array(readFileSync(new URL('../../examples/determinism.wasm', import.meta.url)));
  const input = '{"seed": 42, "iterations": 3000000}';
  const preparer = new ModulePreparer();
  const prepared = await prepareCommand(preparer, code);

  // The asyncify rewrite, cold. binaryen is loaded in a plain Node child: under tsx (which runs
  // this bench) its 100 MB module takes seconds to load, which a built `outlayer` never pays.
  const loadChild = spawnSync(process.execPath, ['--input-type=module', '-e', "const t = performance.now(); await import('binaryen'); console.log(performance.now() - t)"], { encoding: 'utf8', cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  if (loadChild.status !== 0) throw new Error(`binaryen load child failed: ${loadChild.stderr}`);
  figures.push({ id: 'asyncify.load', label: 'asyncify: loading binaryen (plain Node, once per process)', value: Number(loadChild.stdout.trim()), unit: 'ms' });
  const echoCode = new Uint8Array(readFileSync(new URL('../../examples/echo.wasm', import.meta.url)));
  await asyncify(echoCode); // loads binaryen here (not timed: see above)
  let t0 = performance.now();
  await asyncify(new Uint8Array(readFileSync(new URL('../../examples/hello.wasm', import.meta.url))));
  figures.push({ id: 'asyncify.hello', label: '  rewrite of hello.wasm (4.7 KB)', value: performance.now() - t0, unit: 'ms' });
  t0 = performance.now();
  const asyncPrepared = await prepareWasiProcess(new ModulePreparer(), code);
  figures.push({ id: 'asyncify.determinism', label: '  rewrite + meter + compile of determinism.wasm (38 KB), cold cache', value: performance.now() - t0, unit: 'ms' });
  await prepareWasiProcess(preparer, code);
  t0 = performance.now();
  await prepareWasiProcess(preparer, code);
  figures.push({ id: 'asyncify.cached', label: '  the same from the in-memory cache', value: performance.now() - t0, unit: 'ms' });

  const direct: number[] = [];
  const linux: number[] = [];
  let fuel = { direct: 0, linux: 0 };
  for (let i = 0; i < (quick ? 5 : 20); i++) {
    let t = performance.now();
    const d = await runPrepared(prepared, normalizeOptions({ input }));
    direct.push(performance.now() - t);
    t = performance.now();
    const os = createGuestOs({ maxInstructions: BUDGET, programs: { main: wasiProgram(asyncPrepared, { maxInstructions: BUDGET }) } });
    const l = await os.run(['main'], { stdin: input });
    linux.push(performance.now() - t);
    if (new TextDecoder().decode(l.stdout) !== d.output || l.status !== 0) throw new Error(`linux mode differs: ${JSON.stringify(l)}`);
    fuel = { direct: d.fuel_used, linux: Number(l.fuelUsed) };
  }
  figures.push({ id: 'mode.direct', label: 'determinism.wasm (3e6 iterations), direct (median)', value: median(direct), unit: 'ms' });
  figures.push({ id: 'mode.linux', label: '  the same in linux mode (median)', value: median(linux), unit: 'ms' });
  figures.push({ id: 'mode.ratio', label: '  linux / direct', value: median(linux) / median(direct), unit: 'x', target: 3 });
  figures.push({ id: 'mode.fuel', label: '  fuel: linux − direct (asyncify\'s checks, the kernel\'s syscalls and bytes)', value: fuel.linux - fuel.direct, unit: 'fuel' });

  // Streaming: a WASI filter in a pipeline, against the TypeScript `cat` in the same place.
  const catPrepared = await prepareWasiProcess(preparer, echoCode);
  const streamBytes = quick ? 2_000_000 : 10_000_000;
  const stream = async (filter: string) => {
    const t = performance.now();
    const r = await runShell(`yes abcdefg | head -c ${streamBytes} | ${filter} | wc -c`, { maxInstructions: BUDGET, programs: { 'wasi-cat': wasiProgram(catPrepared, { maxInstructions: BUDGET }) } });
    if (r.output !== `${streamBytes}\n`) throw new Error(`${filter}: ${JSON.stringify(r)}`);
    return { mbps: streamBytes / 1e6 / ((performance.now() - t) / 1000), r };
  };
  const wasiStream = await stream('wasi-cat');
  const tsStream = await stream('cat');
  figures.push({ id: 'stream.wasi', label: `streaming: yes | head -c ${streamBytes / 1e6} MB | wasi-cat | wc -c (MB/s)`, value: wasiStream.mbps, unit: '' });
  figures.push({ id: 'stream.ts', label: '  the same with the TypeScript cat (MB/s)', value: tsStream.mbps, unit: '' });
  figures.push({ id: 'stream.fuel', label: '  fuel per byte with wasi-cat', value: wasiStream.r.fuel_used / streamBytes, unit: 'x' });

  // qjs and sqlite3 report text figures (scripts/bench/os-qjs.ts, os-sqlite.ts).
  const programs = { qjs: await qjsFigures(), sqlite3: await sqliteFigures() };

  console.log(`guest OS bench (${machineInfo().cpu}, ${machineInfo().cores} cores, Node ${process.versions.node})`);
  printTable(figures);
  for (const [name, extra] of Object.entries(programs)) {
    console.log(`\n${name}:`);
    for (const [label, value] of Object.entries(extra)) console.log(`  ${label}: ${value}`);
  }
  console.log(`wrote ${await writeResults('os', { machine: machineInfo(), figures, programs })}`);
}
