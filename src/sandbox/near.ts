/**
 * NEAR system calls 400–499 for WASI guests, through ONE extra import:
 *
 *   (import "outlayer" "syscall" (func (param i32 i64 i64 i64 i64 i64 i64) (result i64)))
 *
 * `syscall(nr, a0, …, a5)`: pointers and lengths into guest memory are passed as i64 (each must
 * fit in u32); data the host gives back is written into a guest buffer `(out_ptr, out_cap)` and
 * the call returns its full length — when that is more than `out_cap` nothing is written, so the
 * guest retries with a buffer of the returned size. A negative return is an error: -1 is
 * NOT_FOUND (a missing storage key), any other negative value is -errno with WASI's numbers
 * (-21 EFAULT for a bad pointer, -25 EILSEQ for text that is not UTF-8, -28 EINVAL, -52 ENOSYS for
 * an unknown number). Guest mistakes never throw from the host; only `panic` (405, which ends the
 * guest with a `trap` "panic: <message>"), an over-long log (`output_limit`) and fuel end it.
 *
 * Fuel: like WASI, 100 per call plus ceil(bytes / 8) for the bytes moved between guest and host
 * (keys, values, log text, account ids, hashed data and digests) — deterministic.
 *
 * The context (accounts, block, seed, storage; logs and promises the guest leaves) comes with the
 * run options (`near`); without one a local in-memory context is made per execution
 * (`defaultNearContext`), filled from the NEAR_* environment variables a job gets. The table of
 * numbers is in docs/sandbox.md ("NEAR system calls").
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { GuestAbort } from './signals.js';
import { Errno, WasiErrno } from './wasi/errno.js';
import { GuestMemory } from './wasi/memory.js';

export const NEAR_MODULE = 'outlayer';
export const NEAR_SYSCALL = 'syscall';
/** The import's signature: nr, then six i64 arguments; one i64 result. */
export const NEAR_SIGNATURE = { params: ['i32', 'i64', 'i64', 'i64', 'i64', 'i64', 'i64'], results: ['i64'] } as const;
/** Fuel charged for every NEAR system call, before it does anything (as WASI_CALL_FUEL). */
export const NEAR_CALL_FUEL = 100;

/** The system call numbers (ARCHITECTURE.md, extended within 400–499 from 430). */
export const NearSyscall = {
  STORAGE_READ: 400,
  STORAGE_WRITE: 401,
  STORAGE_REMOVE: 402,
  STORAGE_HAS_KEY: 403,
  LOG: 404,
  PANIC: 405,
  CURRENT_ACCOUNT_ID: 410,
  SIGNER_ACCOUNT_ID: 411,
  PREDECESSOR_ACCOUNT_ID: 412,
  PROMISE_CREATE: 420,
  PROMISE_THEN: 421,
  PROMISE_RETURN: 422,
  BLOCK_HEIGHT: 430,
  BLOCK_TIMESTAMP: 431,
  SHA256: 432,
  RANDOM_SEED: 433,
} as const;

/** Returned for a missing storage key. */
export const NOT_FOUND = -1;

/** Size of the promise descriptor promise_create / promise_then read (see docs/sandbox.md). */
export const PROMISE_DESCRIPTOR_BYTES = 48;

/**
 * Contract storage keyed by the key's bytes as a latin1 string (one char per byte), the shape of
 * src/js/host/state.ts's `Storage`: a `Map<string, Uint8Array>` is one. Over the worker pool it
 * must be a Map (it is cloned to the thread and its final content copied back).
 */
export interface NearStorage {
  get(key: string): Uint8Array | undefined;
  has(key: string): boolean;
  set(key: string, value: Uint8Array): unknown;
  delete(key: string): boolean;
}

/** A promise the guest created with promise_create (after: null) or promise_then. */
export interface NearPromise {
  /** The receiver account. */
  accountId: string;
  methodName: string;
  args: Uint8Array;
  /** Attached deposit in yoctoNEAR (u128). */
  amount: bigint;
  /** Prepaid gas (u64). */
  gas: bigint;
  /** promise_then: the index of the promise this one runs after. */
  after: number | null;
}

/**
 * What NEAR system calls see and leave behind. The guest's logs, promises, returned promise and
 * storage writes land in this same object, which is how the caller gets them back.
 */
export interface NearSyscallContext {
  currentAccountId: string;
  signerAccountId: string;
  predecessorAccountId: string;
  blockHeight: bigint;
  blockTimestampNs: bigint;
  /** Usually 32 bytes. */
  randomSeed: Uint8Array;
  storage: NearStorage;
  /** Lines logged with 404 (also appended to the result's `logs`). */
  logs: string[];
  /** Promises created with 420/421; a promise's index is its position here. */
  promises: NearPromise[];
  /** The promise given to 422 (promise_return), if any. */
  returnedPromise: number | null;
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true });
export const LOCAL_ACCOUNT = 'local.near';

/** A context with the given fields and local defaults for the rest (fresh storage, no logs). */
export function createNearContext(fields: Partial<NearSyscallContext> = {}): NearSyscallContext {
  return {
    currentAccountId: LOCAL_ACCOUNT,
    signerAccountId: LOCAL_ACCOUNT,
    predecessorAccountId: LOCAL_ACCOUNT,
    blockHeight: 0n,
    blockTimestampNs: 0n,
    randomSeed: new Uint8Array(32),
    storage: new Map<string, Uint8Array>(),
    logs: [],
    promises: [],
    returnedPromise: null,
    ...fields,
  };
}

function u64(text: string | undefined): bigint | undefined {
  return text !== undefined && /^[0-9]{1,20}$/.test(text) && BigInt(text) < 2n ** 64n ? BigInt(text) : undefined;
}

/**
 * The local context used when the run options carry none: accounts `local.near`, height 0, the
 * block timestamp of the run, a seed of sha256("near-random-seed:" + seed), fresh storage — unless
 * the environment has NEAR_CONTRACT_ID (current account), NEAR_SENDER_ID (signer, and predecessor
 * unless NEAR_PREDECESSOR_ID is set), NEAR_BLOCK_HEIGHT or NEAR_BLOCK_TIMESTAMP (ns), as a job's does.
 */
export function defaultNearContext(o: { env: readonly (readonly [string, string])[]; seed: string; blockTimestampNs: bigint }): NearSyscallContext {
  const env = new Map(o.env);
  const sender = env.get('NEAR_SENDER_ID') || undefined;
  return createNearContext({
    currentAccountId: env.get('NEAR_CONTRACT_ID') || LOCAL_ACCOUNT,
    signerAccountId: sender ?? LOCAL_ACCOUNT,
    predecessorAccountId: env.get('NEAR_PREDECESSOR_ID') || sender || LOCAL_ACCOUNT,
    blockHeight: u64(env.get('NEAR_BLOCK_HEIGHT')) ?? 0n,
    blockTimestampNs: u64(env.get('NEAR_BLOCK_TIMESTAMP')) ?? o.blockTimestampNs,
    randomSeed: sha256(encoder.encode(`near-random-seed:${o.seed}`)),
  });
}

/** Checks a context given in the run options: null when fine, else a message naming the bad field. */
export function checkNearContext(c: unknown): string | null {
  if (typeof c !== 'object' || c === null) return 'near must be an object';
  const n = c as Record<string, unknown>;
  for (const k of ['currentAccountId', 'signerAccountId', 'predecessorAccountId']) if (typeof n[k] !== 'string') return `near.${k} must be a string`;
  for (const k of ['blockHeight', 'blockTimestampNs']) {
    const v = n[k];
    if (typeof v !== 'bigint' || v < 0n || v >= 2n ** 64n) return `near.${k} must be a bigint from 0 to 2^64-1`;
  }
  if (!(n.randomSeed instanceof Uint8Array)) return 'near.randomSeed must be a Uint8Array';
  const s = n.storage as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || !['get', 'has', 'set', 'delete'].every((m) => typeof s[m] === 'function')) return 'near.storage must be a Map<string, Uint8Array> (or have get/has/set/delete)';
  if (!Array.isArray(n.logs)) return 'near.logs must be an array';
  if (!Array.isArray(n.promises)) return 'near.promises must be an array';
  if (n.returnedPromise !== null && !Number.isSafeInteger(n.returnedPromise)) return 'near.returnedPromise must be null or an index';
  return null;
}

/** The parts of a context a run changes, as they travel back from a pool thread. */
export interface NearChanges {
  storage: Map<string, Uint8Array>;
  logs: string[];
  promises: NearPromise[];
  returnedPromise: number | null;
}

/** Copies a thread's final context (`from`, whose storage is a Map) into the caller's. */
export function applyNearChanges(to: NearSyscallContext, from: NearChanges): void {
  const storage = to.storage;
  if (storage instanceof Map) for (const k of [...storage.keys()]) if (!from.storage.has(k)) storage.delete(k);
  for (const [k, v] of from.storage) storage.set(k, v);
  to.logs.splice(0, to.logs.length, ...from.logs);
  to.promises.splice(0, to.promises.length, ...from.promises);
  to.returnedPromise = from.returnedPromise;
}

const U32 = 2n ** 32n;
const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
};

/**
 * The NEAR system calls on plain values, shared by every guest kind: the WASI import below
 * (which moves bytes in and out of guest memory) and the guest OS's `qjs` (`os.syscall`). A
 * guest mistake throws `WasiErrno` (EINVAL); `panic` and the log cap throw `GuestAbort`.
 */
export interface NearOps {
  storageRead(key: Uint8Array): Uint8Array | undefined;
  /** true when the key existed. */
  storageWrite(key: Uint8Array, value: Uint8Array): boolean;
  storageRemove(key: Uint8Array): boolean;
  storageHasKey(key: Uint8Array): boolean;
  log(line: string): void;
  panic(message: string): never;
  /** Validates the receiver, records the promise, returns its index. `after`: promise_then's. */
  promise(p: Omit<NearPromise, 'after'>, after: bigint | null): bigint;
  promiseReturn(index: bigint): void;
}

const ACCOUNT_ID = /^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$/;

export function nearOps(ctx: NearSyscallContext, maxLogBytes: number): NearOps {
  let logBytes = 0;
  const promiseIndex = (v: bigint): number => {
    if (v < 0n || v >= BigInt(ctx.promises.length)) throw new WasiErrno(Errno.INVAL);
    return Number(v);
  };
  return {
    storageRead: (key) => ctx.storage.get(latin1(key)),
    storageWrite(key, value) {
      const k = latin1(key);
      const existed = ctx.storage.has(k);
      ctx.storage.set(k, value);
      return existed;
    },
    storageRemove: (key) => ctx.storage.delete(latin1(key)),
    storageHasKey: (key) => ctx.storage.has(latin1(key)),
    log(line) {
      logBytes += encoder.encode(line).length;
      if (logBytes > maxLogBytes) throw new GuestAbort('output_limit', `NEAR logs exceeded the ${maxLogBytes}-byte output cap`);
      ctx.logs.push(line);
    },
    panic(message) {
      throw new GuestAbort('trap', `panic: ${message}`);
    },
    promise(p, after) {
      if (p.accountId.length < 2 || p.accountId.length > 64 || !ACCOUNT_ID.test(p.accountId)) throw new WasiErrno(Errno.INVAL);
      if (p.gas < 0n || p.gas >= 2n ** 64n || p.amount < 0n || p.amount >= 2n ** 128n) throw new WasiErrno(Errno.INVAL);
      const afterIndex = after === null ? null : promiseIndex(after);
      ctx.promises.push({ ...p, after: afterIndex });
      return BigInt(ctx.promises.length - 1);
    },
    promiseReturn(index) {
      ctx.returnedPromise = promiseIndex(index);
    },
  };
}

export interface NearHost {
  /** The instance memory (fetched on every access). */
  memory(): WebAssembly.Memory;
  charge(fuel: number): void;
  /** Bytes NEAR logs may take in all (the output cap); past it the guest ends with output_limit. */
  maxLogBytes: number;
}


/** Builds the `outlayer.syscall` import for one execution. */
export function nearSyscall(ctx: NearSyscallContext, host: NearHost): (nr: number, ...args: bigint[]) => bigint {
  const mem = new GuestMemory(() => host.memory());
  const ops = nearOps(ctx, host.maxLogBytes);
  const chargeBytes = (n: number): void => {
    if (n > 0) host.charge(Math.ceil(n / 8));
  };
  /** An i64 argument that must be a u32 (a pointer or a length); else EFAULT. */
  const u32 = (v: bigint): number => {
    if (v < 0n || v >= U32) throw new WasiErrno(Errno.FAULT);
    return Number(v);
  };
  /** Guest bytes [ptr, ptr + len), copied and charged. */
  const input = (ptr: bigint, len: bigint): Uint8Array => {
    const p = u32(ptr);
    const n = u32(len);
    mem.range(p, n);
    chargeBytes(n);
    return mem.read(p, n);
  };
  const text = (ptr: bigint, len: bigint): string => {
    const bytes = input(ptr, len);
    try {
      return utf8.decode(bytes);
    } catch {
      throw new WasiErrno(Errno.ILSEQ);
    }
  };
  /** Writes `data` into (ptr, cap) when it fits; returns its length either way. */
  const output = (data: Uint8Array, ptr: bigint, cap: bigint): bigint => {
    const p = u32(ptr);
    const c = u32(cap);
    mem.range(p, c);
    if (data.length <= c) {
      chargeBytes(data.length);
      mem.write(p, data);
    }
    return BigInt(data.length);
  };
  /** Reads a 48-byte descriptor: u32 account_ptr, account_len, method_ptr, method_len, args_ptr, args_len; u64 gas; u128 amount. */
  const promise = (descPtr: bigint, after: bigint | null): bigint => {
    const d = u32(descPtr);
    mem.range(d, PROMISE_DESCRIPTOR_BYTES);
    chargeBytes(PROMISE_DESCRIPTOR_BYTES);
    const f = (i: number): bigint => BigInt(mem.u32(d + 4 * i));
    const accountId = text(f(0), f(1));
    if (accountId.length < 2 || accountId.length > 64 || !ACCOUNT_ID.test(accountId)) throw new WasiErrno(Errno.INVAL);
    const methodName = text(f(2), f(3));
    const args = input(f(4), f(5));
    const gas = mem.u64(d + 24);
    const amount = mem.u64(d + 32) | (mem.u64(d + 40) << 64n);
    return ops.promise({ accountId, methodName, args, amount, gas }, after);
  };

  const call = (nr: number, a0: bigint, a1: bigint, a2: bigint, a3: bigint): bigint => {
    switch (nr) {
      case NearSyscall.STORAGE_READ: {
        const value = ops.storageRead(input(a0, a1));
        return value === undefined ? BigInt(NOT_FOUND) : output(value, a2, a3);
      }
      case NearSyscall.STORAGE_WRITE: {
        const key = input(a0, a1);
        return ops.storageWrite(key, input(a2, a3)) ? 1n : 0n;
      }
      case NearSyscall.STORAGE_REMOVE:
        return ops.storageRemove(input(a0, a1)) ? 1n : 0n;
      case NearSyscall.STORAGE_HAS_KEY:
        return ops.storageHasKey(input(a0, a1)) ? 1n : 0n;
      case NearSyscall.LOG:
        ops.log(text(a0, a1));
        return 0n;
      case NearSyscall.PANIC: {
        let message: string;
        try {
          message = text(a0, a1);
        } catch {
          message = '<unreadable message>';
        }
        return ops.panic(message);
      }
      case NearSyscall.CURRENT_ACCOUNT_ID:
        return output(encoder.encode(ctx.currentAccountId), a0, a1);
      case NearSyscall.SIGNER_ACCOUNT_ID:
        return output(encoder.encode(ctx.signerAccountId), a0, a1);
      case NearSyscall.PREDECESSOR_ACCOUNT_ID:
        return output(encoder.encode(ctx.predecessorAccountId), a0, a1);
      case NearSyscall.PROMISE_CREATE:
        return promise(a0, null);
      case NearSyscall.PROMISE_THEN:
        if (a0 < 0n || a0 >= BigInt(ctx.promises.length)) throw new WasiErrno(Errno.INVAL);
        return promise(a1, a0);
      case NearSyscall.PROMISE_RETURN:
        ops.promiseReturn(a0);
        return 0n;
      case NearSyscall.BLOCK_HEIGHT:
        return BigInt.asIntN(64, ctx.blockHeight);
      case NearSyscall.BLOCK_TIMESTAMP:
        return BigInt.asIntN(64, ctx.blockTimestampNs);
      case NearSyscall.SHA256: {
        const digest = sha256(input(a0, a1));
        return output(digest, a2, a3);
      }
      case NearSyscall.RANDOM_SEED:
        return output(ctx.randomSeed, a0, a1);
      default:
        return BigInt(-Errno.NOSYS);
    }
  };

  return (nr, a0 = 0n, a1 = 0n, a2 = 0n, a3 = 0n) => {
    host.charge(NEAR_CALL_FUEL);
    try {
      return call(nr, a0, a1, a2, a3);
    } catch (e) {
      if (e instanceof WasiErrno) return BigInt(-e.errno);
      if (e instanceof GuestAbort) throw e;
      return BigInt(e instanceof RangeError ? -Errno.FAULT : -Errno.INVAL);
    }
  };
}
