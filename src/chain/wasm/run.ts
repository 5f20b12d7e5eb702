/**
 * Runs one function call of a WASM contract: a fresh instance of the L1-metered module, the
 * NEAR `env` host functions, and the result the chain needs (return value, logs, gas, the
 * storage copy, promises). Guest behaviour never throws; a bad `call` (a host bug) does.
 *
 * @example
 * const prepared = await prepareContract(preparer, code);
 * if (!prepared.ok) return prepared.error;                 // InvalidModule
 * const result = runWasmContract(prepared.contract, { method: 'increment', input, context, storage });
 * result.status; result.returnValue; result.gasBurnt; result.storage;
 */
import { START_EXPORT } from '../../sandbox/meter/costs.js';
import { FuelMeter } from '../../sandbox/meter/runtime.js';
import { InvalidModule, type ModulePreparer, type PreparedModule } from '../../sandbox/prepare.js';
import { checkContractImports } from './abi.js';
import { DEFAULT_GAS_PER_FUEL, DEFAULT_MAX_MEMORY_MB } from './costs.js';
import { buildEnv } from './env.js';
import { HostAbort, trapDescription, type WasmCallError, type WasmErrorKind } from './errors.js';
import { GasCounter } from './gas.js';
import { NearVM } from './logic.js';
import { GuestMemory } from './memory.js';
import { checkCall } from './options.js';
import type { WasmCall, WasmCallResult } from './types.js';

const PAGE = 65536;

declare const contractBrand: unique symbol;

/** A module that passed the NEAR import allowlist; made only by `prepareContract`. */
export interface WasmContract {
  readonly prepared: PreparedModule;
  readonly [contractBrand]: true;
}

export type PrepareContractResult = { ok: true; contract: WasmContract } | { ok: false; error: WasmCallError };

/**
 * Prepares (validates, meters, compiles; cached by the preparer) a contract's code and checks
 * its imports against the NEAR `env` allowlist; `sha256Hex`, when the caller knows the code's
 * hash, spares hashing it again. Code that cannot run is an `InvalidModule` result.
 */
export async function prepareContract(preparer: ModulePreparer, code: Uint8Array, sha256Hex?: string): Promise<PrepareContractResult> {
  try {
    const prepared = await preparer.prepare(code, sha256Hex);
    checkContractImports(prepared);
    return { ok: true, contract: { prepared } as WasmContract };
  } catch (e) {
    if (e instanceof InvalidModule) return { ok: false, error: { kind: 'InvalidModule', message: e.message, hostError: null } };
    throw e;
  }
}

const err = (kind: WasmErrorKind, message: string, hostError: string | null = null): WasmCallError => ({ kind, message, hostError });

/** Runs `call.method` of `contract`. Synchronous; never throws for anything the guest does. */
export function runWasmContract(contract: WasmContract, call: WasmCall): WasmCallResult {
  checkCall(call);
  const { prepared } = contract;
  const gasPerFuel = call.gasPerFuel ?? DEFAULT_GAS_PER_FUEL;
  const meter = new FuelMeter(call.context.prepaidGas / gasPerFuel);
  const gas = new GasCounter(meter, call.context.prepaidGas, gasPerFuel);

  let memory: WebAssembly.Memory | null = null;
  let early: WasmCallError | null = null;
  // nearcore resolves the method before it runs anything.
  if (call.method === '') early = err('MethodNotFound', 'MethodEmptyName');
  else if (!prepared.exports.includes(call.method)) early = err('MethodNotFound', 'MethodNotFound');
  else if (prepared.memory) {
    const capPages = Math.floor(((call.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB) * 1024 * 1024) / PAGE);
    const { min, max } = prepared.memory;
    if (min > capPages) early = err('MemoryLimit', `the contract needs ${min} pages of initial memory; the cap is ${capPages}`);
    else {
      try {
        memory = new WebAssembly.Memory({ initial: min, maximum: Math.min(max ?? capPages, capPages) });
      } catch (e) {
        early = err('MemoryLimit', `the host could not allocate ${min} pages: ${(e as Error).message}`);
      }
    }
  }

  const vm = new NearVM(gas, new GuestMemory(memory, gas), {
    context: call.context,
    input: call.input,
    storage: call.storage,
    promiseResults: call.promiseResults ?? [],
    isYieldPending: call.isYieldPending ?? (() => true),
  });
  if (early) return outcome(vm, call, early);

  const imports: WebAssembly.Imports = { env: buildEnv(vm) };
  if (memory && prepared.memoryImport) {
    const { module, name } = prepared.memoryImport;
    imports[module] = { ...(imports[module] ?? {}), [name]: memory };
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(prepared.module, imports);
  } catch (e) {
    // e.g. a data segment outside the memory (nearcore: PrepareError::Instantiate).
    return outcome(vm, call, err('InvalidModule', `Error happened during instantiation: ${(e as Error).message}`));
  }
  meter.attach(instance);
  const entry = instance.exports[call.method];
  if (typeof entry !== 'function') return outcome(vm, call, err('MethodNotFound', 'MethodNotFound'));
  if (entry.length !== 0) return outcome(vm, call, err('MethodNotFound', 'MethodInvalidSignature'));

  let error: WasmCallError | null = null;
  try {
    const start = instance.exports[START_EXPORT];
    if (typeof start === 'function') start();
    (entry as () => unknown)();
  } catch (e) {
    error = stopReason(e, meter, gas);
  }
  return outcome(vm, call, error);
}

/** Why the guest stopped; rethrows host bugs. */
function stopReason(e: unknown, meter: FuelMeter, gas: GasCounter): WasmCallError {
  if (e instanceof HostAbort) return err(e.kind, e.message, e.hostError);
  const reason = meter.classify(e);
  switch (reason.kind) {
    case 'out_of_fuel':
      gas.exhaust();
      return err('GasExceeded', 'Exceeded the prepaid gas.', 'GasExceeded');
    case 'stack_overflow':
      return err('StackOverflow', reason.message);
    case 'out_of_memory':
      return err('MemoryLimit', reason.message);
    case 'trap':
      return err('WasmTrap', trapDescription(reason.message));
    case 'exit':
      return err('WasmTrap', `exited with status ${reason.code}`); // no NEAR host function exits
    default:
      return err('WasmTrap', reason.message);
  }
}

/**
 * nearcore's gas weights: on success, prepaid gas nobody used is split between the function
 * calls that asked for a share, by weight; the last one also gets the rounding remainder.
 */
function distributeGas(vm: NearVM): void {
  const weighted: { promise: number; action: number; weight: bigint }[] = [];
  for (const p of vm.promises) {
    p.actions.forEach((a, i) => {
      if (a.type === 'FunctionCall' && a.gasWeight > 0n) weighted.push({ promise: p.index, action: i, weight: a.gasWeight });
    });
  }
  if (weighted.length === 0) return;
  const unused = vm.gas.prepaid - vm.gas.used();
  if (unused <= 0n) return;
  const total = weighted.reduce((n, w) => n + w.weight, 0n);
  const perWeight = unused / total;
  let given = 0n;
  weighted.forEach((w, i) => {
    const share = i === weighted.length - 1 ? unused - given : perWeight * w.weight;
    given += share;
    const actions = vm.promises[w.promise]!.actions;
    const action = actions[w.action]!;
    if (action.type === 'FunctionCall') actions[w.action] = { ...action, gas: action.gas + share };
  });
  vm.gas.reserveRemaining();
}

function outcome(vm: NearVM, call: WasmCall, error: WasmCallError | null): WasmCallResult {
  const ok = error === null;
  if (ok) distributeGas(vm);
  const ret = ok ? vm.returnData : null;
  const gasBurnt = vm.gas.burnt();
  return {
    status: ok ? 'ok' : error.kind === 'GuestPanic' ? 'panic' : 'error',
    returnValue: ret?.kind === 'value' ? ret.value : null,
    returnPromise: ret?.kind === 'promise' ? ret.index : null,
    logs: vm.logs,
    gasBurnt,
    // A failed call's promises are dropped, so the gas reserved for them is not used.
    gasUsed: ok ? vm.gas.used() : gasBurnt,
    fuelUsed: vm.gas.guestFuel(),
    storageChanges: ok ? vm.changes : new Map(),
    storageWrites: vm.storageWrites,
    storageUsage: ok ? vm.storageUsage : call.context.storageUsage,
    // On failure the attached deposit goes back to the predecessor (the chain's refund receipt).
    balance: ok ? vm.balance : call.context.accountBalance,
    promises: ok ? vm.promises : [],
    yieldResumes: ok ? vm.yieldResumes : [],
    error,
  };
}
