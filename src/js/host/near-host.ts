/**
 * The host half of the NEAR API: raw primitives the realm's `near` object (./near-source.ts)
 * calls. Every call charges HOST_CALL_FUEL plus HOST_BYTE_FUEL per byte crossing the boundary
 * (in either direction), so host work is metered like guest work.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { bytesToKey, type ExecutionState, type PromiseRecord } from './state.js';

/** Fuel per host call, on top of the guest instructions that make it. */
export const HOST_CALL_FUEL = 1000;
/** Fuel per byte passed to or returned from a host call. */
export const HOST_BYTE_FUEL = 1;
/**
 * Fuel of one `near.ed25519Verify` on top of HOST_CALL_FUEL: nearcore's `ed25519_verify_base`
 * (210,230,670,000 gas) at the devnet's 822,756 gas per fuel, rounded.
 */
export const ED25519_VERIFY_FUEL = 255_000;

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
export function wireBytes(env: HostEnv, h: QuickJSHandle | undefined): Uint8Array {
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

/**
 * A string for the guest. quickjs-emscripten passes strings through C strings, which end at the
 * first NUL, so a text holding U+0000 goes as its UTF-8 bytes instead (the guest side decodes them).
 */
export function textOut(ctx: QuickJSContext, text: string): QuickJSHandle {
  return text.includes('\0') ? newBytes(ctx, encoder.encode(text)) : ctx.newString(text);
}

/** A string from the guest: a string, or (when it holds U+0000, see textOut) its UTF-8 bytes. */
export function textIn(env: HostEnv, h: QuickJSHandle | undefined): string {
  if (h && env.context.typeof(h) === 'string') return env.context.getString(h);
  return decoder.decode(wireBytes(env, h));
}

export function newBytes(ctx: QuickJSContext, bytes: Uint8Array): QuickJSHandle {
  return ctx.newArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** nearcore's limits (max_promises_per_function_call_action, max_number_input_data_dependencies, max_yield_payload_size). */
const MAX_PROMISES = 1024;
const MAX_INPUT_DEPENDENCIES = 128;
const MAX_YIELD_PAYLOAD = 1024;

function promiseAt(state: ExecutionState, index: number): PromiseRecord {
  const p = Number.isInteger(index) && index >= 0 ? state.promises[index] : undefined;
  if (!p) throw new RangeError(`unknown promise index ${index}`);
  return p;
}

/** A promise actions can be appended to (not a promiseAnd join). */
function receiptAt(env: HostEnv, index: number): PromiseRecord {
  const p = promiseAt(env.state(), index);
  if (p.kind === 'and') throw new RangeError('actions cannot be appended to a joint promise (promiseAnd)');
  return p;
}

function pushPromise(state: ExecutionState, p: PromiseRecord): number {
  if (state.promises.length >= MAX_PROMISES) throw new RangeError(`more than ${MAX_PROMISES} promises in one call`);
  state.promises.push(p);
  return state.promises.length - 1;
}

/** A new receipt to `accountId`, after promise `after` (-1: none). */
function newReceipt(env: HostEnv, after: number, accountId: string): number {
  const state = env.state();
  let dependsOn: number[] = [];
  if (after !== -1) {
    const prev = promiseAt(state, after);
    dependsOn = prev.kind === 'and' ? [...prev.dependsOn] : [after];
  }
  if (accountId === '') throw new RangeError('empty account id');
  return pushPromise(state, { kind: 'receipt', accountId, dependsOn, actions: [], yieldDataId: null });
}

function addFunctionCall(env: HostEnv, index: number, methodName: string, args: Uint8Array, amount: bigint, gas: bigint, gasWeight: bigint): void {
  if (methodName === '') throw new RangeError('empty method name');
  if (gas >= 1n << 64n) throw new RangeError('gas must fit in an unsigned 64-bit integer');
  const receipt = receiptAt(env, index);
  env.charge(HOST_BYTE_FUEL * (methodName.length + args.length));
  receipt.actions.push({ type: 'FunctionCall', methodName, args, amount, gas, gasWeight });
}

/** A NEAR key string's shape (`ed25519:` or `secp256k1:` and base58); the chain decodes it. */
const KEY_STRING = /^(ed25519|secp256k1):[1-9A-HJ-NP-Za-km-z]{32,90}$/;

function keyString(text: string): string {
  if (!KEY_STRING.test(text)) throw new TypeError(`invalid public key '${text.slice(0, 100)}' (expected ed25519:<base58>)`);
  return text;
}

type HostFn = (env: HostEnv, args: QuickJSHandle[]) => QuickJSHandle | undefined;

const CONTEXT_FIELDS = ['currentAccountId', 'signerAccountId', 'predecessorAccountId', 'blockTimestampNs', 'blockHeight', 'attachedDeposit', 'accountBalance', 'storageUsage'] as const;

const PRIMITIVES: Record<string, HostFn> = {
  storageRead(env, [k, asString]) {
    const ctx = env.context;
    const key = storageKey(env, k);
    const value = env.state().storage.get(key.id);
    env.charge(HOST_BYTE_FUEL * (key.size + (value?.length ?? 0)));
    if (value === undefined) return ctx.null;
    return ctx.getNumber(asString!) === 1 ? textOut(ctx, decoder.decode(value)) : newBytes(ctx, value);
  },
  /** The hot path: a string key read as a string (no type probe, no byte conversion for ASCII). */
  storageReadText(env, [k]) {
    const ctx = env.context;
    const text = ctx.getString(k!);
    const id = ASCII.test(text) ? text : bytesToKey(encoder.encode(text));
    const value = env.state().storage.get(id);
    env.charge(HOST_BYTE_FUEL * (id.length + (value?.length ?? 0)));
    return value === undefined ? ctx.null : textOut(ctx, decoder.decode(value));
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
    const text = textIn(env, message);
    logLine(env, text);
    return undefined;
  },
  hash(env, [data, which]) {
    const bytes = wireBytes(env, data);
    env.charge(HOST_BYTE_FUEL * (bytes.length + 32));
    return newBytes(env.context, env.context.getNumber(which!) === 1 ? keccak_256(bytes) : sha256(bytes));
  },
  ed25519Verify(env, [signature, message, publicKey]) {
    const sig = wireBytes(env, signature);
    const msg = wireBytes(env, message);
    const pk = wireBytes(env, publicKey);
    env.charge(ED25519_VERIFY_FUEL + HOST_BYTE_FUEL * (sig.length + msg.length + pk.length));
    if (sig.length !== 64) throw new RangeError(`an ed25519 signature is 64 bytes, not ${sig.length}`);
    if (pk.length !== 32) throw new RangeError(`an ed25519 public key is 32 bytes, not ${pk.length}`);
    let valid = false;
    try {
      valid = ed25519.verify(sig, msg, pk);
    } catch {
      valid = false; // not a point on the curve: not a valid signature
    }
    return valid ? env.context.true : env.context.false;
  },
  input(env) {
    const input = env.state().input;
    env.charge(HOST_BYTE_FUEL * input.length);
    return textOut(env.context, input);
  },
  valueReturn(env, [value]) {
    const bytes = wireBytes(env, value);
    env.charge(HOST_BYTE_FUEL * bytes.length);
    env.state().returned = bytes;
    return undefined;
  },
  panic(env, [message]) {
    const text = textIn(env, message);
    return env.abort('js_exception', text ? `Panic: ${text}` : 'Panic');
  },
  /** promiseCreate (after = -1) / promiseThen: a receipt with one FunctionCall. */
  promise(env, [after, accountId, methodName, args, amount, gas]) {
    const ctx = env.context;
    const method = ctx.getString(methodName!);
    if (method === '') throw new RangeError('empty method name');
    const index = newReceipt(env, ctx.getNumber(after!), ctx.getString(accountId!));
    addFunctionCall(env, index, method, wireBytes(env, args), BigInt(ctx.getString(amount!)), BigInt(ctx.getString(gas!)), 0n);
    return ctx.newNumber(index);
  },
  /** promiseBatchCreate (after = -1) / promiseBatchThen: a receipt with no actions yet. */
  promiseBatch(env, [after, accountId]) {
    const ctx = env.context;
    return ctx.newNumber(newReceipt(env, ctx.getNumber(after!), ctx.getString(accountId!)));
  },
  promiseActionFunctionCall(env, [index, methodName, args, amount, gas, gasWeight]) {
    const ctx = env.context;
    addFunctionCall(env, ctx.getNumber(index!), ctx.getString(methodName!), wireBytes(env, args), BigInt(ctx.getString(amount!)), BigInt(ctx.getString(gas!)), BigInt(ctx.getString(gasWeight!)));
    return undefined;
  },
  promiseActionTransfer(env, [index, amount]) {
    const ctx = env.context;
    receiptAt(env, ctx.getNumber(index!)).actions.push({ type: 'Transfer', amount: BigInt(ctx.getString(amount!)) });
    return undefined;
  },
  promiseActionCreateAccount(env, [index]) {
    receiptAt(env, env.context.getNumber(index!)).actions.push({ type: 'CreateAccount' });
    return undefined;
  },
  promiseActionDeployContract(env, [index, code]) {
    const receipt = receiptAt(env, env.context.getNumber(index!));
    const bytes = wireBytes(env, code);
    env.charge(HOST_BYTE_FUEL * bytes.length);
    receipt.actions.push({ type: 'DeployContract', code: bytes });
    return undefined;
  },
  /** kind 0: full access; 1: function call (allowance '' = unlimited, methods comma-separated, '' = any). */
  promiseActionAddKey(env, [index, publicKey, nonce, kind, allowance, receiverId, methodNames]) {
    const ctx = env.context;
    const receipt = receiptAt(env, ctx.getNumber(index!));
    const pk = keyString(ctx.getString(publicKey!));
    const n = BigInt(ctx.getString(nonce!));
    if (n >= 1n << 64n) throw new RangeError('nonce must fit in an unsigned 64-bit integer');
    if (ctx.getNumber(kind!) === 0) {
      receipt.actions.push({ type: 'AddKey', publicKey: pk, nonce: n, permission: { kind: 'FullAccess' } });
      return undefined;
    }
    const allowanceText = ctx.getString(allowance!);
    const receiver = ctx.getString(receiverId!);
    const methodsText = ctx.getString(methodNames!);
    env.charge(HOST_BYTE_FUEL * (receiver.length + methodsText.length));
    const methods = methodsText === '' ? [] : methodsText.split(',');
    if (methods.some((m) => m === '')) throw new RangeError('empty method name in the key\'s method names');
    receipt.actions.push({
      type: 'AddKey',
      publicKey: pk,
      nonce: n,
      permission: { kind: 'FunctionCall', allowance: allowanceText === '' ? null : BigInt(allowanceText), receiverId: receiver, methodNames: methods },
    });
    return undefined;
  },
  promiseActionDeleteKey(env, [index, publicKey]) {
    const ctx = env.context;
    receiptAt(env, ctx.getNumber(index!)).actions.push({ type: 'DeleteKey', publicKey: keyString(ctx.getString(publicKey!)) });
    return undefined;
  },
  promiseActionDeleteAccount(env, [index, beneficiaryId]) {
    const ctx = env.context;
    const beneficiary = ctx.getString(beneficiaryId!);
    if (beneficiary === '') throw new RangeError('empty beneficiary account id');
    receiptAt(env, ctx.getNumber(index!)).actions.push({ type: 'DeleteAccount', beneficiaryId: beneficiary });
    return undefined;
  },
  /** Joins promises given as a comma-separated list of indices. */
  promiseAnd(env, [list]) {
    const text = env.context.getString(list!);
    const state = env.state();
    const dependsOn: number[] = [];
    for (const part of text === '' ? [] : text.split(',')) {
      const joined = promiseAt(state, Number(part));
      dependsOn.push(...(joined.kind === 'and' ? joined.dependsOn : [Number(part)]));
      if (dependsOn.length > MAX_INPUT_DEPENDENCIES) throw new RangeError(`the number of input data dependencies exceeds ${MAX_INPUT_DEPENDENCIES}`);
    }
    return env.context.newNumber(pushPromise(state, { kind: 'and', accountId: '', dependsOn, actions: [], yieldDataId: null }));
  },
  /**
   * A callback on the current account waiting for promiseYieldResume (or the chain's timeout).
   * Its 32-byte data id is sha256 of the call's random seed, a per-call counter and the account,
   * as for WASM contracts (see src/chain/wasm/host-promises.ts); read it with yieldDataId(index).
   */
  promiseYieldCreate(env, [methodName, args, gas, gasWeight]) {
    const ctx = env.context;
    const state = env.state();
    const counter = new Uint8Array(8);
    new DataView(counter.buffer).setBigUint64(0, BigInt(state.yieldsCreated++), true);
    const account = encoder.encode(state.context.currentAccountId);
    const dataId = sha256(new Uint8Array([...encoder.encode('outlayer:yield:'), ...state.context.randomSeed, ...counter, ...account]));
    const index = pushPromise(state, { kind: 'receipt', accountId: state.context.currentAccountId, dependsOn: [], actions: [], yieldDataId: dataId });
    addFunctionCall(env, index, ctx.getString(methodName!), wireBytes(env, args), 0n, BigInt(ctx.getString(gas!)), BigInt(ctx.getString(gasWeight!)));
    return ctx.newNumber(index);
  },
  yieldDataId(env, [index]) {
    const id = promiseAt(env.state(), env.context.getNumber(index!)).yieldDataId;
    if (!id) throw new RangeError('not a yield promise');
    env.charge(HOST_BYTE_FUEL * id.length);
    return newBytes(env.context, id);
  },
  /** true when the payload was accepted for a yield pending on this account (once per data id). */
  promiseYieldResume(env, [dataIdArg, payloadArg]) {
    const state = env.state();
    const dataId = wireBytes(env, dataIdArg);
    const payload = wireBytes(env, payloadArg);
    env.charge(HOST_BYTE_FUEL * (dataId.length + payload.length));
    if (payload.length > MAX_YIELD_PAYLOAD) throw new RangeError(`yield resume payload is ${payload.length} bytes, over the ${MAX_YIELD_PAYLOAD} byte limit`);
    if (dataId.length !== 32) throw new RangeError('yield data id must be 32 bytes');
    const already = state.yieldResumes.some((r) => r.dataId.every((b, i) => b === dataId[i]));
    if (already || !state.isYieldPending(dataId)) return env.context.false;
    state.yieldResumes.push({ dataId, payload });
    return env.context.true;
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
    return ctx.getNumber(asString!) === 1 ? textOut(ctx, decoder.decode(value)) : newBytes(ctx, value);
  },
  promiseReturn(env, [index]) {
    const i = env.context.getNumber(index!);
    const state = env.state();
    if (promiseAt(state, i).kind === 'and') throw new RangeError('a joint promise (promiseAnd) cannot be returned');
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
