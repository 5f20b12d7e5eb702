/**
 * Child process for the SES figures of the `js` area: `lockdown()` freezes this process's own
 * intrinsics, so it cannot run in the bench process. Measures, interleaved, a fresh SES
 * Compartment and (as an anchor against the parent's figures) a fresh Node `vm` context, each
 * for start-up (trivial code) and for the compute kernel. Prints one JSON line.
 *   node --import tsx scripts/bench/ses-child.ts <start samples> <start warm-up> <kernel reps> <iterations>
 */
import 'ses';
import { createContext, Script } from 'node:vm';
import { kernelScript, TRIVIAL_SCRIPT } from './js-programs.js';
import { interleave } from './stats.js';

const [samples, warmup, reps, iterations] = process.argv.slice(2).map(Number);
if (![samples, warmup, reps, iterations].every((n) => Number.isSafeInteger(n) && n! >= 0)) {
  console.error('usage: ses-child.ts <start samples> <start warm-up> <kernel reps> <iterations>');
  process.exit(2);
}

// Everything is imported above: lockdown after that, with SES's defaults.
lockdown();

const kernel = kernelScript(iterations!);
const results = new Set<string>();
const timed = (fn: () => unknown) => async (): Promise<number> => {
  const t0 = performance.now();
  results.add(String(fn()));
  return performance.now() - t0;
};
const start = {
  ses: timed(() => new Compartment().evaluate(TRIVIAL_SCRIPT)),
  vm: timed(() => new Script(TRIVIAL_SCRIPT).runInContext(createContext())),
};
await interleave(warmup!, start);
const starts = await interleave(samples!, start);
const startResults = [...results];
results.clear();
const run = {
  ses: timed(() => new Compartment().evaluate(kernel)),
  vm: timed(() => new Script(kernel).runInContext(createContext())),
};
await interleave(2, run);
const kernels = await interleave(reps!, run);
console.log(JSON.stringify({ start: starts, kernel: kernels, startResults, kernelResults: [...results] }));
