/**
 * Builds the `env` import object for one call from the allowlist (abi.ts) and the host
 * functions (host-*.ts): i64 arguments arrive as signed bigints and are handed on as u64,
 * i32 arguments as u32 numbers.
 */
import { ENV_SIGNATURES, type EnvFunctionName } from './abi.js';
import { CONTEXT_FNS } from './host-context.js';
import { MISC_FNS } from './host-misc.js';
import { PROMISE_FNS } from './host-promises.js';
import { STORAGE_FNS } from './host-storage.js';
import type { NearVM } from './logic.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each host function has its own arity and types
type HostFn = (vm: NearVM, ...args: any[]) => bigint | number | void;

/** Every allowlisted function's implementation; the type makes a missing one a compile error. */
export const HOST_FNS: Record<EnvFunctionName, HostFn> = { ...CONTEXT_FNS, ...MISC_FNS, ...STORAGE_FNS, ...PROMISE_FNS };

const toU64 = (v: unknown): bigint => BigInt.asUintN(64, v as bigint);
const toU32 = (v: unknown): number => (v as number) >>> 0;

export function buildEnv(vm: NearVM): WebAssembly.ModuleImports {
  const env: WebAssembly.ModuleImports = {};
  for (const name of Object.keys(ENV_SIGNATURES) as EnvFunctionName[]) {
    const fn = HOST_FNS[name];
    const convert = ENV_SIGNATURES[name].params.map((t) => (t === 'i64' ? toU64 : toU32));
    env[name] = (...args: unknown[]) => {
      const values = args.map((a, i) => convert[i]!(a));
      return fn(vm, ...values);
    };
  }
  return env;
}
