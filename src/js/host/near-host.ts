/**
 * The host half of the NEAR API: raw primitives the realm's `near` object (./near-source.ts)
 * calls. Every call charges HOST_CALL_FUEL plus HOST_BYTE_FUEL per byte crossing the boundary
 * (in either direction), so host work is metered like guest work.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { bytesToKey, type ExecutionState } from './state.js';

/** Fuel per host call, on top of the guest instructions that make it. */
export const HOST_CALL_FUEL = 1000;
/** Fuel per byte passed to or returned from a host call. */
export const HOST_BYTE_FUEL = 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface HostEnv {
  context: QuickJSContext;
  /** The running execution; host calls outside one are a host bug. */
  state(): ExecutionState;
  charge(fuel: number): void;
  /** Stops the guest uncatchably (panic, log cap). */
  abort(kind: 'js_exception' | 'output_limit', message: string): never;
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Reads a string-or-ArrayBuffer storage key as the latin1 map key of its bytes
 * (see state.ts). An ASCII string already is that key, so the common case skips encoding.
 */
function storageKey(env: HostEnv, h: QuickJSHandle | undefined): { id: string; size: number } {
  const ctx = env.context;
  if (h && ctx.typeof(h) === 'string') {
    const s = ctx.getString(h);
    if (ASCII.test(s)) return { id: s, size: s.length };
  }
  const bytes = wireBytes(env, h);
  return { id: bytesToKey(bytes), size: bytes.length };
}

/** Reads a string-or-ArrayBuffer argument as bytes. */
function wireBytes(env: HostEnv, h: QuickJSHandle | undefined): Uint8Array {
  const ctx = env.context;
  if (!h) throw new TypeError('missing argument');
  if (ctx.typeof(h) === 'string') return encoder.encode(ctx.getString(h));
  const life = ctx.getArrayBuffer(h);
  try {
    return life.value.slice();
  } finally {
    life.dispose();
  }
}

function newBytes(ctx: QuickJSContext, bytes: Uint8Array): QuickJSHandle {
  return ctx.newArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

type HostFn = (env: HostEnv, args: QuickJSHandle[]) => QuickJSHandle | undefined;

const CONTEXT_FIELDS = ['currentAccountId', 'signerAccountId', 'predecessorAccountId', 'blockTimestampNs', 'blockHeight', 'attachedDeposit'] as const;

const PRIMITIVES: Record<string, HostFn> = {
  storageRead(env, [k, asString]) {
    const ctx = env.context;
    const key = storageKey(env, k);
    const value = env.state().storage.get(key.id);
    env.charge(HOST_BYTE_FUEL * (key.size + (value?.length ?? 0)));
    if (value === undefined) return ctx.null;
    return ctx.getNumber(asString!) === 1 ? ctx.newString(decoder.decode(value)) : newBytes(ctx, value);
  },
  /** The hot path: a string key read as a string (no type probe, no byte conversion for ASCII). */
  storageReadText(env, [k]) {
    const ctx = env.context;
    const text = ctx.getString(k!);
    const id = ASCII.test(text) ? text : bytesToKey(encoder.encode(text));
    const value = env.state().storage.get(id);
    env.charge(HOST_BYTE_FUEL * (id.length + (value?.length ?? 0)));
    return value === undefined ? ctx.null : ctx.newString(decoder.decode(value));
  },
  storageWrite(env, [k, v]) {
    const key = storageKey(env, k);
    const value = wireBytes(env, v);
    env.charge(HOST_BYTE_FUEL * (key.size + value.length));
    const storage = env.state().storage;
    const existed = storage.has(key.id);
    storage.set(key.id, value);
    return existed ? env.context.true : env.context.false;
  },
  storageRemove(env, [k]) {
    const key = storageKey(env, k);
    env.charge(HOST_BYTE_FUEL * key.size);
    return env.state().storage.delete(key.id) ? env.context.true : env.context.false;
  },
  storageHasKey(env, [k]) {
    const key = storageKey(env, k);
    env.charge(HOST_BYTE_FUEL * key.size);
    return env.state().storage.has(key.id) ? env.context.true : env.context.false;
  },
  context(env, [which]) {
    const field = CONTEXT_FIELDS[env.context.getNumber(which!)];
    if (!field) throw new RangeError('unknown context field');
    const value = env.state().context[field];
    return env.context.newString(String(value));
  },
  randomSeed(env) {
    const seed = env.state().context.randomSeed;
    env.charge(HOST_BYTE_FUEL * seed.length);
    return newBytes(env.context, seed);
  },
  log(env, [message]) {
    const text = env.context.getString(message!);
    logLine(env, text);
    return undefined;
  },
  hash(env, [data, which]) {
    const bytes = wireBytes(env, data);
    env.charge(HOST_BYTE_FUEL * (bytes.length + 32));
    return newBytes(env.context, env.context.getNumber(which!) === 1 ? keccak_256(bytes) : sha256(bytes));
  },
  input(env) {
    const input = env.state().input;
    env.charge(HOST_BYTE_FUEL * input.length);
    return env.context.newString(input);
  },
  valueReturn(env, [value]) {
    const bytes = wireBytes(env, value);
    env.charge(HOST_BYTE_FUEL * bytes.length);
    env.state().returned = bytes;
    return undefined;
  },
  panic(env, [message]) {
    const text = env.context.getString(message!);
    return env.abort('js_exception', text ? `Panic: ${text}` : 'Panic');
  },
  promise(env, [after, accountId, methodName, args, amount, gas]) {
    const ctx = env.context;
    const state = env.state();
    const prev = ctx.getNumber(after!);
    if (prev !== -1 && !(Number.isInteger(prev) && prev >= 0 && prev < state.promises.length)) throw new RangeError(`unknown promise index ${prev}`);
    const bytes = wireBytes(env, args);
    env.charge(HOST_BYTE_FUEL * bytes.length);
    state.promises.push({
      after: prev === -1 ? null : prev,
      accountId: ctx.getString(accountId!),
      methodName: ctx.getString(methodName!),
      args: bytes,
      amount: BigInt(ctx.getString(amount!)),
      gas: BigInt(ctx.getString(gas!)),
    });
    return ctx.newNumber(state.promises.length - 1);
  },
  promiseResultsCount(env) {
    return env.context.newNumber(env.state().promiseResults.length);
  },
  promiseResult(env, [index, asString]) {
    const ctx = env.context;
    const i = ctx.getNumber(index!);
    const results = env.state().promiseResults;
    if (!(Number.isInteger(i) && i >= 0 && i < results.length)) throw new RangeError(`no promise result ${i}`);
    const value = results[i]!;
    if (value === null) return ctx.null;
    env.charge(HOST_BYTE_FUEL * value.length);
    return ctx.getNumber(asString!) === 1 ? ctx.newString(decoder.decode(value)) : newBytes(ctx, value);
  },
  promiseReturn(env, [index]) {
    const i = env.context.getNumber(index!);
    const state = env.state();
    if (!(Number.isInteger(i) && i >= 0 && i < state.promises.length)) throw new RangeError(`unknown promise index ${i}`);
    state.returnedPromise = i;
    return undefined;
  },
};

/** A console line as it appears in `logs`: plain for console.log/info/debug, prefixed for warn/error. */
export function formatConsole(level: string, message: string): string {
  return level === 'warn' || level === 'error' ? `${level}: ${message}` : message;
}

/** Appends a log line (console.* and near.log), enforcing the cap with an uncatchable stop. */
export function logLine(env: HostEnv, text: string): void {
  const state = env.state();
  const size = encoder.encode(text).length + 1;
  env.charge(HOST_BYTE_FUEL * size);
  if (state.logBytes + size > state.maxLogBytes) env.abort('output_limit', `logs exceeded ${state.maxLogBytes} bytes`);
  state.logBytes += size;
  state.logs.push(text);
}

/** Creates the primitives object handle (`h` of near-source.ts). The caller owns the handle. */
export function newNearPrimitives(env: HostEnv): QuickJSHandle {
  const ctx = env.context;
  const obj = ctx.newObject();
  for (const [name, fn] of Object.entries(PRIMITIVES)) {
    const handle = ctx.newFunction(name, (...args) => {
      env.charge(HOST_CALL_FUEL);
      return fn(env, args);
    });
    ctx.setProp(obj, name, handle);
    handle.dispose();
  }
  return obj;
}
