// Behaviour of WASM contracts as the devnet runs them: small contracts written here in WAT (and
// one in C, testdata/counter.c) called through runWasmContract.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { keccak_256, keccak_512 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { OutlayerError } from '../../errors.js';
import { ModulePreparer } from '../../sandbox/prepare.js';
import { wat } from '../../testing/wat.js';
import { ENV_SIGNATURES, type EnvFunctionName } from './abi.js';
import { ACTION_FEES, DEFAULT_GAS_PER_FUEL } from './costs.js';
import { executionErrorText } from './errors.js';
import { prepareContract, runWasmContract, type WasmContract } from './run.js';
import type { PromiseResult, WasmCall, WasmCallContext, WasmCallResult } from './types.js';

const TGAS = 10n ** 12n;
const preparer = new ModulePreparer();
const text = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : null);
const bytes = (s: string) => new TextEncoder().encode(s);
const u64le = (b: Uint8Array | null) => new DataView(b!.buffer, b!.byteOffset, b!.byteLength).getBigUint64(0, true);

/** A module importing the named `env` functions (with their NEAR signatures) around `body`. */
function nearWat(imports: EnvFunctionName[], body: string): string {
  const decl = imports.map((name) => {
    const { params, results } = ENV_SIGNATURES[name];
    return `(import "env" "${name}" (func $${name} (param ${params.join(' ')}) (result ${results.join(' ')})))`;
  });
  return `(module\n${decl.join('\n')}\n${body}\n)`;
}

async function load(source: string | Uint8Array): Promise<WasmContract> {
  const prepared = await prepareContract(preparer, typeof source === 'string' ? await wat(source) : source);
  if (!prepared.ok) assert.fail(`${prepared.error.kind}: ${prepared.error.message}`);
  return prepared.contract;
}

function context(over: Partial<WasmCallContext> = {}): WasmCallContext {
  return {
    currentAccountId: 'contract.test.near',
    signerAccountId: 'alice.test.near',
    predecessorAccountId: 'alice.test.near',
    blockIndex: 42n,
    blockTimestampNs: 1_700_000_000_000_000_000n,
    attachedDeposit: 0n,
    prepaidGas: 300n * TGAS,
    randomSeed: new Uint8Array(32).fill(7),
    accountBalance: 10n ** 24n,
    storageUsage: 1000n,
    isView: false,
    ...over,
  };
}

interface CallOptions {
  input?: Uint8Array;
  storage?: Map<string, Uint8Array>;
  context?: Partial<WasmCallContext>;
  promiseResults?: PromiseResult[];
  gasPerFuel?: bigint;
  maxMemoryMb?: number;
}

/** The result plus `storage`: a copy of the input storage with the call's changes applied. */
function call(contract: WasmContract, method: string, o: CallOptions = {}): WasmCallResult & { storage: Map<string, Uint8Array> } {
  const before = o.storage ?? new Map<string, Uint8Array>();
  const c: WasmCall = { method, input: o.input ?? new Uint8Array(0), context: context(o.context), storage: before };
  if (o.promiseResults) c.promiseResults = o.promiseResults;
  if (o.gasPerFuel) c.gasPerFuel = o.gasPerFuel;
  if (o.maxMemoryMb) c.maxMemoryMb = o.maxMemoryMb;
  const r = runWasmContract(contract, c);
  const storage = new Map(before);
  for (const [k, v] of r.storageChanges) {
    if (v) storage.set(k, v);
    else storage.delete(k);
  }
  return { ...r, storage };
}

function assertOk(r: WasmCallResult): void {
  assert.equal(r.error, null, r.error ? `${r.error.kind}: ${r.error.message}` : '');
  assert.equal(r.status, 'ok');
}

const COUNTER = nearWat(
  ['storage_read', 'storage_write', 'storage_remove', 'read_register', 'value_return', 'panic'],
  `(memory (export "memory") 1)
   (data (i32.const 0) "count")
   (data (i32.const 32) "v2")
   (func (export "increment") (local $n i64)
     (if (i64.eq (call $storage_read (i64.const 5) (i64.const 0) (i64.const 0)) (i64.const 1))
       (then (call $read_register (i64.const 0) (i64.const 16))
             (local.set $n (i64.load (i32.const 16)))))
     (i64.store (i32.const 16) (i64.add (local.get $n) (i64.const 1)))
     (drop (call $storage_write (i64.const 5) (i64.const 0) (i64.const 8) (i64.const 16) (i64.const 1)))
     (call $value_return (i64.const 8) (i64.const 16)))
   (func (export "get")
     (if (i64.eq (call $storage_read (i64.const 5) (i64.const 0) (i64.const 0)) (i64.const 1))
       (then (call $value_return (i64.const -1) (i64.const 0)))))
   (func (export "evict")
     (if (i64.eq (call $storage_write (i64.const 5) (i64.const 0) (i64.const 2) (i64.const 32) (i64.const 7)) (i64.const 1))
       (then (call $value_return (i64.const -1) (i64.const 7)))))
   (func (export "remove")
     (drop (call $storage_remove (i64.const 5) (i64.const 0) (i64.const 0))))
   (func (export "write_then_panic")
     (drop (call $storage_write (i64.const 5) (i64.const 0) (i64.const 2) (i64.const 32) (i64.const 0)))
     (call $panic))`,
);

describe('storage', () => {
  it('a counter keeps its state across calls through the returned storage copy', async () => {
    const counter = await load(COUNTER);
    let storage = new Map<string, Uint8Array>();
    for (let i = 1n; i <= 3n; i++) {
      const before = storage;
      const r = call(counter, 'increment', { storage });
      assertOk(r);
      assert.equal(u64le(r.returnValue), i);
      assert.equal(r.storageWrites, 1);
      assert.notEqual(r.storage, before, 'writes go to a copy');
      assert.equal(before.get('count') === undefined ? 0n : u64le(before.get('count')!), i - 1n, 'the input map is untouched');
      storage = r.storage;
    }
    assert.equal(u64le(call(counter, 'get', { storage }).returnValue), 3n);
    assert.deepEqual([...call(counter, 'increment', { storage }).storageChanges.keys()], ['count']);
  });

  it('storage_write returns 1 and puts the evicted value into the register', async () => {
    const counter = await load(COUNTER);
    const storage = new Map([['count', bytes('old')]]);
    const r = call(counter, 'evict', { storage });
    assertOk(r);
    assert.equal(text(r.returnValue), 'old');
    assert.equal(text(r.storage.get('count')!), 'v2');
    assert.equal(r.storageUsage, 1000n - 1n, 'an overwrite changes usage by the size difference');
    assert.equal(call(counter, 'evict').returnValue, null, 'a new key returns 0');
    assert.equal(call(counter, 'evict').storageUsage, 1000n + 5n + 2n + 40n);
  });

  it('storage_remove deletes the key and the usage it accounted', async () => {
    const counter = await load(COUNTER);
    const r = call(counter, 'remove', { storage: new Map([['count', bytes('abc')], ['other', bytes('x')]]) });
    assertOk(r);
    assert.deepEqual([...r.storage.keys()], ['other']);
    assert.deepEqual([...r.storageChanges], [['count', null]]);
    assert.equal(r.storageUsage, 1000n - (5n + 3n + 40n));
  });

  it('a failed call leaves storage unchanged and drops its changes', async () => {
    const counter = await load(COUNTER);
    const storage = new Map([['count', bytes('old')]]);
    const r = call(counter, 'write_then_panic', { storage });
    assert.equal(r.status, 'panic');
    assert.equal(r.error?.kind, 'GuestPanic');
    assert.equal(r.error?.message, 'explicit guest panic');
    assert.equal(text(r.storage.get('count')!), 'old');
    assert.equal(r.storageChanges.size, 0);
    assert.equal(r.storageUsage, 1000n);
  });

  it('view calls may read storage but not write it (ProhibitedInView)', async () => {
    const counter = await load(COUNTER);
    const storage = new Map([['count', new Uint8Array(8).fill(0)]]);
    assertOk(call(counter, 'get', { storage, context: { isView: true } }));
    const r = call(counter, 'increment', { storage, context: { isView: true } });
    assert.equal(r.status, 'error');
    assert.deepEqual(r.error, { kind: 'ProhibitedInView', message: 'storage_write is not allowed in view calls', hostError: 'ProhibitedInView' });
    assert.equal(r.storage.get('count')![0], 0);
  });
});

const ECHO = nearWat(
  ['input', 'value_return', 'read_register', 'register_len', 'sha256', 'keccak256', 'keccak512', 'ripemd160', 'ed25519_verify', 'attached_deposit', 'account_balance', 'predecessor_account_id', 'signer_account_pk', 'current_account_id', 'block_index', 'block_timestamp', 'random_seed', 'prepaid_gas'],
  `(memory 1)
   (func (export "echo") (call $input (i64.const 0)) (call $value_return (i64.const -1) (i64.const 0)))
   (func (export "echo_mem")
     (call $input (i64.const 0))
     (call $read_register (i64.const 0) (i64.const 100))
     (call $value_return (call $register_len (i64.const 0)) (i64.const 100)))
   (func (export "hash")
     (call $input (i64.const 0))
     (call $sha256 (i64.const -1) (i64.const 0) (i64.const 1))
     (call $keccak256 (i64.const -1) (i64.const 0) (i64.const 2))
     (call $keccak512 (i64.const -1) (i64.const 0) (i64.const 3))
     (call $ripemd160 (i64.const -1) (i64.const 0) (i64.const 4))
     (call $read_register (i64.const 1) (i64.const 0))
     (call $read_register (i64.const 2) (i64.const 32))
     (call $read_register (i64.const 3) (i64.const 64))
     (call $read_register (i64.const 4) (i64.const 128))
     (call $value_return (i64.const 148) (i64.const 0)))
   ;; input: signature (64) | public key (32) | message
   (func (export "verify")
     (call $input (i64.const 0))
     (call $read_register (i64.const 0) (i64.const 1000))
     (i64.store (i32.const 0)
       (call $ed25519_verify (i64.const 64) (i64.const 1000) (i64.sub (call $register_len (i64.const 0)) (i64.const 96)) (i64.const 1096) (i64.const 32) (i64.const 1064)))
     (call $value_return (i64.const 8) (i64.const 0)))
   (func (export "unset_len")
     (i64.store (i32.const 0) (call $register_len (i64.const 42)))
     (call $value_return (i64.const 8) (i64.const 0)))
   (func (export "deposit") (call $attached_deposit (i64.const 8)) (call $value_return (i64.const 16) (i64.const 8)))
   (func (export "balance") (call $account_balance (i64.const 8)) (call $value_return (i64.const 16) (i64.const 8)))
   (func (export "whoami") (call $predecessor_account_id (i64.const 0)) (call $value_return (i64.const -1) (i64.const 0)))
   (func (export "me") (call $current_account_id (i64.const 0)) (call $value_return (i64.const -1) (i64.const 0)))
   (func (export "signer_pk") (call $signer_account_pk (i64.const 0)) (call $value_return (i64.const -1) (i64.const 0)))
   (func (export "seed") (call $random_seed (i64.const 0)) (call $value_return (i64.const -1) (i64.const 0)))
   (func (export "gas") (i64.store (i32.const 0) (call $prepaid_gas)) (call $value_return (i64.const 8) (i64.const 0)))
   (func (export "block")
     (i64.store (i32.const 0) (call $block_index))
     (i64.store (i32.const 8) (call $block_timestamp))
     (call $value_return (i64.const 16) (i64.const 0)))`,
);

describe('input, registers and context', () => {
  it('echoes its input through a register and through memory', async () => {
    const echo = await load(ECHO);
    const input = bytes('{"hello":"wasm"}');
    assert.deepEqual(call(echo, 'echo', { input }).returnValue, input);
    assert.deepEqual(call(echo, 'echo_mem', { input }).returnValue, input);
    assert.deepEqual(call(echo, 'echo').returnValue, new Uint8Array(0), 'no input is an empty register');
  });

  it('hashes with sha256, keccak256, keccak512 and ripemd160', async () => {
    const echo = await load(ECHO);
    const input = bytes('abc');
    const r = call(echo, 'hash', { input });
    assertOk(r);
    assert.deepEqual(r.returnValue, new Uint8Array([...sha256(input), ...keccak_256(input), ...keccak_512(input), ...ripemd160(input)]));
  });

  it('verifies ed25519 signatures', async () => {
    const echo = await load(ECHO);
    const secret = new Uint8Array(32).fill(1);
    const message = bytes('signed by the test');
    const signature = ed25519.sign(message, secret);
    const input = new Uint8Array([...signature, ...ed25519.getPublicKey(secret), ...message]);
    assert.equal(u64le(call(echo, 'verify', { input }).returnValue), 1n);
    input[input.length - 1] ^= 1;
    assert.equal(u64le(call(echo, 'verify', { input }).returnValue), 0n);
  });

  it('register_len of an unset register is u64::MAX', async () => {
    assert.equal(u64le(call(await load(ECHO), 'unset_len').returnValue), 2n ** 64n - 1n);
  });

  it('writes u128 amounts little-endian; the balance includes the attached deposit', async () => {
    const echo = await load(ECHO);
    const deposit = 2n ** 100n + 5n;
    const r = call(echo, 'deposit', { context: { attachedDeposit: deposit } });
    const le = (v: bigint) => Uint8Array.from({ length: 16 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
    assert.deepEqual(r.returnValue, le(deposit));
    assert.deepEqual(call(echo, 'balance', { context: { attachedDeposit: 5n, accountBalance: 10n } }).returnValue, le(15n));
    assert.equal(r.balance, 10n ** 24n + deposit);
  });

  it('gives the context: accounts, block, seed, gas, signer key', async () => {
    const echo = await load(ECHO);
    assert.equal(text(call(echo, 'whoami', { context: { predecessorAccountId: 'bob.test.near' } }).returnValue), 'bob.test.near');
    assert.equal(text(call(echo, 'me').returnValue), 'contract.test.near');
    const block = call(echo, 'block').returnValue!;
    assert.equal(u64le(block.subarray(0, 8)), 42n);
    assert.equal(u64le(block.subarray(8)), 1_700_000_000_000_000_000n);
    assert.deepEqual(call(echo, 'seed').returnValue, new Uint8Array(32).fill(7));
    assert.equal(u64le(call(echo, 'gas').returnValue), 300n * TGAS);
    const pk = call(echo, 'signer_pk', { context: { signerPublicKey: { keyType: 'ed25519', data: new Uint8Array(32).fill(9) } } }).returnValue!;
    assert.deepEqual(pk, new Uint8Array([0, ...new Uint8Array(32).fill(9)]));
  });

  it('view calls may not read the predecessor, signer or prepaid gas', async () => {
    const echo = await load(ECHO);
    for (const [method, name] of [['whoami', 'predecessor_account_id'], ['signer_pk', 'signer_account_pk'], ['gas', 'prepaid_gas']] as const) {
      const r = call(echo, method, { context: { isView: true } });
      assert.equal(r.error?.kind, 'ProhibitedInView', method);
      assert.equal(r.error?.message, `${name} is not allowed in view calls`);
    }
    assertOk(call(echo, 'me', { context: { isView: true } }));
  });
});

const LOGS = nearWat(
  ['log_utf8', 'log_utf16', 'panic_utf8', 'abort'],
  `(memory 1)
   (data (i32.const 0) "hello")
   (data (i32.const 16) "nul-terminated\\00")
   (data (i32.const 48) "h\\00i\\00")
   (data (i32.const 64) "boom")
   (data (i32.const 200) "\\ff")
   (data (i32.const 300) "\\04\\00\\00\\00o\\00k\\00")
   (data (i32.const 400) "\\08\\00\\00\\00a\\00.\\00t\\00s\\00")
   (func (export "logs")
     (call $log_utf8 (i64.const 5) (i64.const 0))
     (call $log_utf8 (i64.const -1) (i64.const 16))
     (call $log_utf16 (i64.const 4) (i64.const 48)))
   (func (export "panic") (call $log_utf8 (i64.const 5) (i64.const 0)) (call $panic_utf8 (i64.const 4) (i64.const 64)))
   (func (export "as_abort") (call $abort (i32.const 304) (i32.const 404) (i32.const 7) (i32.const 3)))
   (func (export "too_many") (local $i i32)
     (loop $l
       (call $log_utf8 (i64.const 5) (i64.const 0))
       (local.set $i (i32.add (local.get $i) (i32.const 1)))
       (br_if $l (i32.lt_u (local.get $i) (i32.const 101)))))
   (func (export "bad_utf8") (call $log_utf8 (i64.const 1) (i64.const 200)))`,
);

describe('logs and panics', () => {
  it('logs UTF-8 (sized and NUL-terminated) and UTF-16', async () => {
    const r = call(await load(LOGS), 'logs');
    assertOk(r);
    assert.deepEqual(r.logs, ['hello', 'nul-terminated', 'hi']);
  });

  it('panic_utf8 is a GuestPanic with the message; earlier logs are kept', async () => {
    const r = call(await load(LOGS), 'panic');
    assert.equal(r.status, 'panic');
    assert.deepEqual(r.error, { kind: 'GuestPanic', message: 'boom', hostError: 'GuestPanic' });
    assert.equal(executionErrorText(r.error!), 'Smart contract panicked: boom');
    assert.deepEqual(r.logs, ['hello']);
    assert.ok(r.gasBurnt > 0n);
  });

  it("AssemblyScript's abort logs and panics", async () => {
    const r = call(await load(LOGS), 'as_abort');
    assert.equal(r.error?.kind, 'GuestPanic');
    assert.equal(r.error?.message, 'ok, filename: "a.ts" line: 7 col: 3');
    assert.deepEqual(r.logs, ['ABORT: ok, filename: "a.ts" line: 7 col: 3']);
  });

  it('enforces the log count limit and UTF-8 validity as nearcore errors', async () => {
    const logs = await load(LOGS);
    const r = call(logs, 'too_many');
    assert.deepEqual(r.error, { kind: 'HostError', message: 'The number of logs will exceed the limit 100', hostError: 'NumberOfLogsExceeded' });
    assert.equal(r.logs.length, 100);
    assert.equal(call(logs, 'bad_utf8').error?.hostError, 'BadUTF8');
  });
});

const TRAPS = nearWat(
  ['value_return', 'log_utf8', 'read_register', 'storage_write'],
  `(memory 1)
   (data (i32.const 100) "ok")
   (func (export "spin") (loop $l (br $l)))
   (func (export "unreachable") unreachable)
   (func (export "div0") (drop (i32.div_u (i32.const 1) (i32.const 0))))
   (func $rec (export "recurse") (call $rec))
   (func (export "bad_ptr") (call $value_return (i64.const 8) (i64.const 0xFFFFFFF0)))
   (func (export "bad_ptr_log") (call $log_utf8 (i64.const 10) (i64.const 65530)))
   (func (export "bad_ptr_write") (drop (call $storage_write (i64.const 2) (i64.const 100) (i64.const 4) (i64.const -8) (i64.const 0))))
   (func (export "bad_register") (call $read_register (i64.const 9) (i64.const 0)))
   (func (export "with_param") (param i32))
   (func (export "ok") (call $value_return (i64.const 2) (i64.const 100)))`,
);

describe('gas and traps', () => {
  it('an infinite loop is GasExceeded with the same gasBurnt every run', async () => {
    const traps = await load(TRAPS);
    const runs = [call(traps, 'spin'), call(traps, 'spin'), call(traps, 'spin', { context: { prepaidGas: 30n * TGAS } })];
    for (const r of runs) {
      assert.equal(r.status, 'error');
      assert.deepEqual(r.error, { kind: 'GasExceeded', message: 'Exceeded the prepaid gas.', hostError: 'GasExceeded' });
    }
    assert.equal(runs[0]!.gasBurnt, 300n * TGAS);
    assert.equal(runs[0]!.gasBurnt, runs[1]!.gasBurnt);
    assert.equal(runs[0]!.fuelUsed, runs[1]!.fuelUsed);
    assert.equal(runs[0]!.fuelUsed, (300n * TGAS) / DEFAULT_GAS_PER_FUEL);
    assert.equal(runs[2]!.gasBurnt, 30n * TGAS);
  });

  it('host work exhausting the gas is GasExceeded too, burning at most the prepaid gas', async () => {
    const counter = await load(COUNTER);
    const a = call(counter, 'increment', { context: { prepaidGas: 60_000_000_000n } });
    const b = call(counter, 'increment', { context: { prepaidGas: 60_000_000_000n } });
    assert.equal(a.error?.kind, 'GasExceeded');
    assert.ok(a.gasBurnt <= 60_000_000_000n);
    assert.equal(a.gasBurnt, b.gasBurnt);
    assert.equal(a.storage.size, 0);
  });

  it('gasBurnt is fuelUsed × gasPerFuel plus the host functions’ gas', async () => {
    const counter = await load(COUNTER);
    const a = call(counter, 'increment');
    const b = call(counter, 'increment', { gasPerFuel: 1n });
    assert.equal(a.fuelUsed, b.fuelUsed);
    assert.ok(a.fuelUsed > 10n);
    const hostA = a.gasBurnt - a.fuelUsed * DEFAULT_GAS_PER_FUEL;
    const hostB = b.gasBurnt - b.fuelUsed;
    assert.equal(hostA, hostB);
    // base + storage_read + storage_write + memory and register traffic, as nearcore charges.
    assert.ok(hostA > 120_000_000_000n && hostA < 200_000_000_000n, `host gas ${hostA}`);
    assert.equal(a.gasUsed, a.gasBurnt);
  });

  it('traps are WasmTrap with nearcore’s description; deep recursion is StackOverflow', async () => {
    const traps = await load(TRAPS);
    assert.deepEqual(call(traps, 'unreachable').error, { kind: 'WasmTrap', message: 'An `unreachable` opcode was executed.', hostError: null });
    assert.equal(call(traps, 'div0').error?.message, 'An arithmetic exception, e.g. divided by zero.');
    assert.equal(executionErrorText(call(traps, 'div0').error!), 'WebAssembly trap: An arithmetic exception, e.g. divided by zero.');
    assert.equal(call(traps, 'recurse').error?.kind, 'StackOverflow');
  });

  it('bad guest pointers trap cleanly (MemoryAccessViolation) and the next call works', async () => {
    const traps = await load(TRAPS);
    for (const method of ['bad_ptr', 'bad_ptr_log', 'bad_ptr_write']) {
      const r = call(traps, method);
      assert.equal(r.status, 'error', method);
      assert.deepEqual(r.error, { kind: 'WasmTrap', message: 'Accessed memory outside the bounds.', hostError: 'MemoryAccessViolation' }, method);
      assert.equal(text(call(traps, 'ok').returnValue), 'ok');
    }
    assert.deepEqual(call(traps, 'bad_register').error, { kind: 'HostError', message: 'Accessed invalid register id: 9', hostError: 'InvalidRegisterId' });
  });

  it('resolves methods like nearcore: MethodNotFound, MethodEmptyName, MethodInvalidSignature', async () => {
    const traps = await load(TRAPS);
    assert.deepEqual(call(traps, 'nope').error, { kind: 'MethodNotFound', message: 'MethodNotFound', hostError: null });
    assert.equal(call(traps, 'nope').gasBurnt, 0n);
    assert.equal(call(traps, '').error?.message, 'MethodEmptyName');
    assert.equal(call(traps, 'with_param').error?.message, 'MethodInvalidSignature');
    assert.equal(call(await load(COUNTER), 'memory').error?.kind, 'MethodNotFound');
    assert.equal(call(traps, '__outlayer_fuel').error?.kind, 'MethodNotFound', 'the meter’s exports are not methods');
  });

  it('memory: a module memory above the cap is MemoryLimit; env.memory imports work', async () => {
    const big = await load(nearWat(['value_return'], '(memory 100) (func (export "m"))'));
    assert.equal(call(big, 'm', { maxMemoryMb: 1 }).error?.kind, 'MemoryLimit');
    assertOk(call(big, 'm'));
    const imported = await load(
      nearWat(['value_return'], '(import "env" "memory" (memory 1)) (data (i32.const 0) "hi") (func (export "m") (call $value_return (i64.const 2) (i64.const 0)))'),
    );
    assert.equal(text(call(imported, 'm').returnValue), 'hi');
  });
});

const PROMISES = nearWat(
  ['promise_create', 'promise_then', 'promise_return', 'promise_results_count', 'promise_result', 'value_return', 'promise_batch_create', 'promise_batch_action_transfer', 'promise_batch_action_function_call_weight', 'promise_and', 'promise_yield_create', 'promise_yield_resume', 'input'],
  `(memory 1)
   (data (i32.const 0) "bob.test.near")
   (data (i32.const 16) "ping")
   (data (i32.const 32) "{}")
   (data (i32.const 48) "contract.test.near")
   (data (i32.const 80) "on_ping")
   (data (i32.const 96) "\\01")
   (data (i32.const 128) "\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\7f")
   (func (export "call_bob") (local $p i64)
     (local.set $p (call $promise_create (i64.const 13) (i64.const 0) (i64.const 4) (i64.const 16) (i64.const 2) (i64.const 32) (i64.const 96) (i64.const 5000000000000)))
     (call $promise_return
       (call $promise_then (local.get $p) (i64.const 18) (i64.const 48) (i64.const 7) (i64.const 80) (i64.const 0) (i64.const 0) (i64.const 112) (i64.const 10000000000000))))
   (func (export "on_ping")
     (i64.store (i32.const 200) (call $promise_results_count))
     (i64.store (i32.const 208) (call $promise_result (i64.const 0) (i64.const 3)))
     (if (i64.eq (i64.load (i32.const 208)) (i64.const 1))
       (then (call $value_return (i64.const -1) (i64.const 3)))
       (else (call $value_return (i64.const 16) (i64.const 200)))))
   (func (export "batch") (local $p i64)
     (local.set $p (call $promise_batch_create (i64.const 13) (i64.const 0)))
     (call $promise_batch_action_transfer (local.get $p) (i64.const 96))
     (call $promise_batch_action_function_call_weight (local.get $p) (i64.const 4) (i64.const 16) (i64.const 0) (i64.const 0) (i64.const 112) (i64.const 0) (i64.const 1)))
   (func (export "overspend") (local $p i64)
     (local.set $p (call $promise_batch_create (i64.const 13) (i64.const 0)))
     (call $promise_batch_action_transfer (local.get $p) (i64.const 128)))
   (func (export "too_much_gas")
     (drop (call $promise_create (i64.const 13) (i64.const 0) (i64.const 4) (i64.const 16) (i64.const 0) (i64.const 0) (i64.const 112) (i64.const 400000000000000))))
   (func (export "join") (local $a i64)
     (i64.store (i32.const 240) (call $promise_create (i64.const 13) (i64.const 0) (i64.const 4) (i64.const 16) (i64.const 0) (i64.const 0) (i64.const 112) (i64.const 0)))
     (i64.store (i32.const 248) (call $promise_create (i64.const 13) (i64.const 0) (i64.const 4) (i64.const 16) (i64.const 0) (i64.const 0) (i64.const 112) (i64.const 0)))
     (local.set $a (call $promise_and (i64.const 240) (i64.const 2)))
     (drop (call $promise_then (local.get $a) (i64.const 18) (i64.const 48) (i64.const 7) (i64.const 80) (i64.const 0) (i64.const 0) (i64.const 112) (i64.const 0))))
   (func (export "return_join")
     (i64.store (i32.const 240) (call $promise_create (i64.const 13) (i64.const 0) (i64.const 4) (i64.const 16) (i64.const 0) (i64.const 0) (i64.const 112) (i64.const 0)))
     (call $promise_return (call $promise_and (i64.const 240) (i64.const 1))))
   (func (export "bad_index") (call $promise_return (i64.const 7)))
   (func (export "yield")
     (drop (call $promise_yield_create (i64.const 7) (i64.const 80) (i64.const 2) (i64.const 32) (i64.const 5000000000000) (i64.const 0) (i64.const 4)))
     (call $value_return (i64.const -1) (i64.const 4)))
   (func (export "resume")
     (call $input (i64.const 0))
     (i64.store (i32.const 300) (i64.extend_i32_u (call $promise_yield_resume (i64.const -1) (i64.const 0) (i64.const 2) (i64.const 32))))
     (i64.store (i32.const 308) (i64.extend_i32_u (call $promise_yield_resume (i64.const -1) (i64.const 0) (i64.const 2) (i64.const 32))))
     (call $value_return (i64.const 16) (i64.const 300)))`,
);

describe('promises', () => {
  it('promise_create + promise_then + promise_return are recorded with their actions', async () => {
    const r = call(await load(PROMISES), 'call_bob');
    assertOk(r);
    assert.equal(r.returnPromise, 1);
    assert.equal(r.returnValue, null);
    assert.deepEqual(r.promises, [
      {
        index: 0,
        kind: 'receipt',
        receiverId: 'bob.test.near',
        dependsOn: [],
        actions: [{ type: 'FunctionCall', methodName: 'ping', args: bytes('{}'), deposit: 1n, gas: 5n * TGAS, gasWeight: 0n }],
        yieldDataId: null,
      },
      {
        index: 1,
        kind: 'receipt',
        receiverId: 'contract.test.near',
        dependsOn: [0],
        actions: [{ type: 'FunctionCall', methodName: 'on_ping', args: new Uint8Array(0), deposit: 0n, gas: 10n * TGAS, gasWeight: 0n }],
        yieldDataId: null,
      },
    ]);
    assert.equal(r.balance, 10n ** 24n - 1n, 'the attached deposit leaves the balance');
    assert.ok(r.gasUsed > r.gasBurnt + 15n * TGAS, 'attached gas and execution fees are used, not burnt');
    assert.ok(r.gasBurnt > 2n * TGAS, 'the function-call send fees are burnt');
  });

  it('promises are prohibited in view calls and dropped when the call fails', async () => {
    const promises = await load(PROMISES);
    assert.equal(call(promises, 'call_bob', { context: { isView: true } }).error?.message, 'promise_batch_create is not allowed in view calls');
    const r = call(promises, 'bad_index');
    assert.deepEqual(r.error, { kind: 'HostError', message: '7 does not correspond to existing promises', hostError: 'InvalidPromiseIndex' });
    assert.deepEqual(r.promises, []);
  });

  it('a callback reads promise results: 1 successful (value in the register), 2 failed', async () => {
    const promises = await load(PROMISES);
    const ok = call(promises, 'on_ping', { promiseResults: [{ status: 'successful', value: bytes('pong') }] });
    assert.equal(text(ok.returnValue), 'pong');
    const failed = call(promises, 'on_ping', { promiseResults: [{ status: 'failed' }] }).returnValue!;
    assert.equal(u64le(failed.subarray(0, 8)), 1n);
    assert.equal(u64le(failed.subarray(8)), 2n);
    assert.equal(call(promises, 'on_ping').error?.hostError, 'InvalidPromiseResultIndex');
    assert.equal(call(promises, 'on_ping', { context: { isView: true } }).error?.kind, 'ProhibitedInView');
  });

  it('batches actions; gas weights share the unused gas; overspending the balance fails', async () => {
    const promises = await load(PROMISES);
    const r = call(promises, 'batch');
    assertOk(r);
    const [transfer, fn] = r.promises[0]!.actions;
    assert.deepEqual(transfer, { type: 'Transfer', deposit: 1n });
    assert.equal(fn?.type, 'FunctionCall');
    assert.equal(r.gasUsed, 300n * TGAS, 'all unused gas went to the weighted call');
    const F = ACTION_FEES;
    const execFees = F.new_action_receipt.exec + F.transfer.exec + F.function_call_base.exec + F.function_call_byte.exec * 4n;
    assert.equal(fn.type === 'FunctionCall' && fn.gas, 300n * TGAS - r.gasBurnt - execFees);
    assert.deepEqual(call(promises, 'overspend').error, { kind: 'HostError', message: 'Exceeded the account balance.', hostError: 'BalanceExceeded' });
    const tooMuch = call(promises, 'too_much_gas');
    assert.equal(tooMuch.error?.kind, 'GasExceeded');
    assert.ok(tooMuch.gasBurnt < TGAS * 10n, 'gas that could not be attached is not burnt');
  });

  it('promise_and joins receipts; a joint promise cannot be returned', async () => {
    const promises = await load(PROMISES);
    const r = call(promises, 'join');
    assertOk(r);
    assert.deepEqual(
      r.promises.map((p) => [p.kind, p.dependsOn]),
      [['receipt', []], ['receipt', []], ['and', [0, 1]], ['receipt', [0, 1]]],
    );
    assert.equal(call(promises, 'return_join').error?.hostError, 'CannotReturnJointPromise');
  });

  it('promise_yield_create records a callback with a data id; promise_yield_resume records the payload', async () => {
    const promises = await load(PROMISES);
    const y = call(promises, 'yield');
    assertOk(y);
    const dataId = y.returnValue!;
    assert.equal(dataId.length, 32);
    assert.deepEqual(y.promises[0]?.yieldDataId, dataId);
    assert.equal(y.promises[0]?.receiverId, 'contract.test.near');
    assert.deepEqual(call(promises, 'yield').returnValue, dataId, 'deterministic for the same seed');
    assert.notDeepEqual(call(promises, 'yield', { context: { randomSeed: new Uint8Array(32) } }).returnValue, dataId);

    const r = call(promises, 'resume', { input: dataId });
    assertOk(r);
    assert.equal(u64le(r.returnValue!.subarray(0, 8)), 1n);
    assert.equal(u64le(r.returnValue!.subarray(8)), 0n, 'a second resume of the same id is refused');
    assert.deepEqual(r.yieldResumes, [{ dataId, payload: bytes('{}') }]);
    const pending = runWasmContract(await load(PROMISES), {
      method: 'resume',
      input: dataId,
      context: context(),
      storage: new Map(),
      isYieldPending: () => false,
    });
    assert.equal(u64le(pending.returnValue!.subarray(0, 8)), 0n);
    assert.equal(call(promises, 'resume', { input: bytes('short') }).error?.hostError, 'DataIdMalformed');
  });
});

describe('a contract written in C (testdata/counter.c)', () => {
  it('counts, logs and resets', async () => {
    const counter = await load(new Uint8Array(readFileSync(new URL('./testdata/counter.wasm', import.meta.url))));
    let storage = new Map<string, Uint8Array>();
    for (const expected of ['1', '2']) {
      const r = call(counter, 'increment', { storage });
      assertOk(r);
      assert.equal(text(r.returnValue), expected);
      assert.deepEqual(r.logs, ['incremented']);
      storage = r.storage;
    }
    assert.equal(text(call(counter, 'get', { storage, context: { isView: true } }).returnValue), '2');
    const reset = call(counter, 'reset', { storage });
    assertOk(reset);
    assert.equal(reset.storage.size, 0);
  });
});

describe('calls', () => {
  it('rejects a malformed call as a usage error (a host bug, not a guest failure)', async () => {
    const counter = await load(COUNTER);
    const good: WasmCall = { method: 'get', input: new Uint8Array(0), context: context(), storage: new Map() };
    assert.throws(() => runWasmContract(counter, { ...good, extra: 1 } as WasmCall), (e: unknown) => e instanceof OutlayerError && /unknown option extra/.test(e.message));
    assert.throws(() => runWasmContract(counter, { ...good, context: { ...context(), randomSeed: new Uint8Array(3) } }), /randomSeed must be a 32-byte/);
    assert.throws(() => runWasmContract(counter, { ...good, context: { ...context(), prepaidGas: 2n ** 64n } }), /prepaidGas must be a u64/);
    assert.throws(() => runWasmContract(counter, { ...good, gasPerFuel: 0n }), /gasPerFuel/);
  });
});
