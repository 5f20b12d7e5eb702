/**
 * Runs one WASI preview1 command on the current thread: the core of L1, free of Node-only APIs
 * so it runs unchanged in a Web Worker. The pool (./node/pool.ts) adds threads and the timeout.
 */
import { FuelMeter } from './meter/runtime.js';
import { START_EXPORT } from './meter/costs.js';
import type { NormalizedOptions } from './options.js';
import { InvalidModule, type ModulePreparer, type ModuleTransform, type PreparedModule } from './prepare.js';
import { failure, type ExecutionResult } from './result.js';
import { checkImports } from './imports.js';
import { runResult, setupRun, stopOutcome } from './run-setup.js';

/**
 * Prepares (cached) `code` as a WASI command: validated, rewritten by `transform` if given
 * (asyncify: ./asyncify/transform.ts), metered, imports checked, `_start` present. Throws InvalidModule.
 */
export async function prepareCommand(preparer: ModulePreparer, code: Uint8Array, transform?: ModuleTransform): Promise<PreparedModule> {
  const prepared = await preparer.prepare(code, undefined, transform);
  checkImports(prepared);
  if (!prepared.exports.includes('_start')) throw new InvalidModule('no _start export: OutLayer runs WASI commands, which export _start');
  return prepared;
}

/** Prepares (cached) and runs `code` as a WASI command. Never throws for guest behaviour. */
export async function executeWasm(preparer: ModulePreparer, code: Uint8Array, options: NormalizedOptions): Promise<ExecutionResult> {
  const started = performance.now();
  let prepared: PreparedModule;
  try {
    prepared = await prepareCommand(preparer, code);
  } catch (e) {
    if (e instanceof InvalidModule) return failure('invalid_module', e.message, performance.now() - started);
    throw e;
  }
  return runPrepared(prepared, options, started);
}

export async function runPrepared(prepared: PreparedModule, options: NormalizedOptions, started = performance.now()): Promise<ExecutionResult> {
  const meter = new FuelMeter(options.maxInstructions);
  const setup = setupRun(prepared, options, meter, started);
  if (!('wasi' in setup)) return setup;

  let exitCode: number | null = null;
  let error: ExecutionResult['error'] = null;
  try {
    const instance = await WebAssembly.instantiate(prepared.module, setup.imports);
    meter.attach(instance);
    const start = instance.exports[START_EXPORT];
    if (typeof start === 'function') start();
    (instance.exports._start as () => void)();
    exitCode = 0;
  } catch (e) {
    ({ exitCode, error } = stopOutcome(meter, e));
  }
  return runResult(setup, options, meter, exitCode, error, started);
}
