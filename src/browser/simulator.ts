/**
 * `OutLayer.ContractSimulator`: calls a JS contract's method in the browser with the `near` API,
 * as the devnet does (src/chain/runtime/contracts.ts): the method gets the parsed JSON args,
 * gas is fuel × 10,000 (the devnet's JS_GAS_PER_FUEL), storage persists between successful calls
 * and a failed call rolls it back.
 *
 * @example
 * const sim = new OutLayer.ContractSimulator();
 * const { result, gasUsed } = await sim.execute(source, 'increment', { by: 2 }, { predecessorAccountId: 'alice.near' });
 */
import { OutlayerError } from '../errors.js';
import type { NearContext } from '../js/host/state.js';
import type { ExecutionResult } from '../sandbox/result.js';
import { jobOptions, sharedExecutor, toBytes } from './run.js';

/** The devnet's gas per unit of fuel for JS contracts (src/chain/runtime/fees.ts). */
export const JS_GAS_PER_FUEL = 10_000;
const DEFAULT_GAS = 300_000_000_000_000n; // 300 Tgas, NEAR's per-call maximum

type Int = bigint | number | string;

export interface SimulatorContext {
  currentAccountId?: string;
  signerAccountId?: string;
  predecessorAccountId?: string;
  blockTimestampNs?: Int;
  blockHeight?: Int;
  attachedDeposit?: Int;
  accountBalance?: Int;
  storageUsage?: Int;
  /** 32 bytes (default: zeros). */
  randomSeed?: Uint8Array;
  /** Gas for the call (default 300 Tgas); the fuel budget is gas / 10,000. */
  gas?: Int;
  /** Seeds Math.random / crypto.getRandomValues (default "0"). */
  seed?: string;
}

export interface SimulatorResult {
  /** The method's return value (JSON-parsed), undefined when it returned nothing or failed. */
  result: unknown;
  gasUsed: number;
  /** Wall-clock milliseconds in the worker (informational). */
  executionTime: number;
  mode: ExecutionMode;
  logs: string[];
  error: ExecutionResult['error'];
  fuelUsed: number;
}

export type ExecutionMode = 'direct' | 'linux';

const big = (name: string, v: Int | undefined): bigint | undefined => {
  if (v === undefined) return undefined;
  try {
    return BigInt(v);
  } catch {
    throw new OutlayerError('usage', `${name} must be an integer, got ${JSON.stringify(String(v))}`);
  }
};

export class ContractSimulator {
  #mode: ExecutionMode = 'direct';
  /** Contract storage, keyed by the key's bytes as latin1 (kept between calls). */
  storage = new Map<string, Uint8Array>();

  get mode(): ExecutionMode {
    return this.#mode;
  }

  /**
   * 'direct' runs the contract on QuickJS. 'linux' is refused: the guest OS (L2) runs shell
   * scripts, qjs programs and WASI programs (OutLayer.sh), not contract calls.
   */
  setExecutionMode(mode: ExecutionMode): void {
    if (mode === 'linux') throw new OutlayerError('unsupported_mode', "the simulator runs JS contracts in 'direct' mode only; run scripts and programs under the guest OS with OutLayer.sh");
    if (mode !== 'direct') throw new OutlayerError('usage', `execution mode must be 'direct' or 'linux', got ${JSON.stringify(mode)}`);
    this.#mode = mode;
  }

  /** Contract code from bytes, a `data:` URL or any fetchable URL. */
  async loadContractBytes(source: Uint8Array | ArrayBuffer | string | URL): Promise<Uint8Array> {
    if (source instanceof Uint8Array || source instanceof ArrayBuffer) return toBytes(source);
    const res = await fetch(String(source));
    if (!res.ok) throw new OutlayerError('usage', `could not load the contract from ${String(source).slice(0, 80)}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** Calls `method` of `contract` (JS source or its UTF-8 bytes) with `args` (JSON value, string or bytes). */
  async execute(contract: Uint8Array | string, method: string, args: unknown = undefined, context: SimulatorContext = {}): Promise<SimulatorResult> {
    const code = toBytes(contract);
    if (code.length >= 4 && code[0] === 0 && code[1] === 0x61 && code[2] === 0x73 && code[3] === 0x6d) {
      throw new OutlayerError('usage', 'the simulator runs JS contracts; WebAssembly contracts run on the devnet');
    }
    if (typeof method !== 'string' || method === '') throw new OutlayerError('usage', 'method must be a non-empty string');
    const input = args === undefined ? '' : args instanceof Uint8Array ? args : typeof args === 'string' ? args : JSON.stringify(args);
    const gas = big('gas', context.gas) ?? DEFAULT_GAS;
    const fuel = gas / BigInt(JS_GAS_PER_FUEL);
    const timestamp = big('blockTimestampNs', context.blockTimestampNs) ?? 0n;
    const near: Partial<NearContext> = {
      ...(context.currentAccountId !== undefined && { currentAccountId: context.currentAccountId }),
      ...(context.signerAccountId !== undefined && { signerAccountId: context.signerAccountId }),
      ...(context.predecessorAccountId !== undefined && { predecessorAccountId: context.predecessorAccountId }),
      ...(context.randomSeed !== undefined && { randomSeed: context.randomSeed }),
      blockTimestampNs: timestamp,
      ...(context.blockHeight !== undefined && { blockHeight: big('blockHeight', context.blockHeight)! }),
      ...(context.attachedDeposit !== undefined && { attachedDeposit: big('attachedDeposit', context.attachedDeposit)! }),
      ...(context.accountBalance !== undefined && { accountBalance: big('accountBalance', context.accountBalance)! }),
      ...(context.storageUsage !== undefined && { storageUsage: big('storageUsage', context.storageUsage)! }),
    };
    const options = jobOptions({ input, maxInstructions: fuel < 1n ? 1n : fuel, blockTimestampNs: timestamp, seed: context.seed ?? '0' });
    const outcome = await sharedExecutor().submit({ kind: 'js', code, options, entry: method, contract: { context: near, storage: new Map(this.storage) } });
    const r = outcome.result;
    if (r.status === 'ok' && outcome.storage) this.storage = outcome.storage;
    return {
      result: r.status === 'ok' && r.output !== '' ? JSON.parse(r.output) : undefined,
      gasUsed: r.fuel_used * JS_GAS_PER_FUEL,
      executionTime: r.duration_ms,
      mode: this.#mode,
      logs: r.logs,
      error: r.error,
      fuelUsed: r.fuel_used,
    };
  }
}
