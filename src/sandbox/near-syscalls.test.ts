// NEAR system calls 400–499 for WASI guests (the `outlayer.syscall` import, ./near.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { repoFile } from '../testing/repo.js';
import { wat } from '../testing/wat.js';
import { executeWasm } from './execute.js';
import { createNearContext, defaultNearContext, NEAR_CALL_FUEL, NearSyscall as N, nearSyscall, NOT_FOUND, type NearSyscallContext } from './near.js';
import { WasmPool } from './node/pool.js';
import { normalizeOptions, type RunOptions } from './options.js';
import { ModulePreparer } from './prepare.js';
import { GuestAbort } from './signals.js';

const EFAULT = -21n;
const EILSEQ = -25n;
const EINVAL = -28n;
const ENOSYS = -52n;
const enc = new TextEncoder();
const dec = new TextDecoder();
const preparer = new ModulePreparer();
const run = (code: Uint8Array, options: RunOptions = {}) => executeWasm(preparer, code, normalizeOptions(options));

/** The syscall bound to a 1-page memory, with the fuel it charged. */
function harness(ctx: NearSyscallContext = createNearContext(), maxLogBytes = 1 << 20) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const state = { fuel: 0 };
  const sys = nearSyscall(ctx, { memory: () => memory, charge: (n) => void (state.fuel += n), maxLogBytes });
  const bytes = () => new Uint8Array(memory.buffer);
  const put = (ptr: number, data: Uint8Array | string) => {
    const b = typeof data === 'string' ? enc.encode(data) : data;
    bytes().set(b, ptr);
    return [BigInt(ptr), BigInt(b.length)] as const;
  };
  const get = (ptr: number, len: number | bigint) => bytes().slice(ptr, ptr + Number(len));
  const call = (nr: number, ...args: (bigint | number)[]) => sys(nr, ...args.map(BigInt));
  return { ctx, memory, state, call, put, get, bytes };
}

const BAD = 0xfffffff0n; // inside u32, outside a 1-page memory

describe('NEAR system calls: each call', () => {
  it('400 storage_read: value length and bytes; -1 when missing; the needed length when the buffer is small; EFAULT', () => {
    const h = harness(createNearContext({ storage: new Map([['k', enc.encode('value')]]) }));
    const [k, kl] = h.put(0, 'k');
    assert.equal(h.call(N.STORAGE_READ, k, kl, 100, 16), 5n);
    assert.equal(dec.decode(h.get(100, 5)), 'value');
    assert.equal(h.call(N.STORAGE_READ, k, kl, 200, 4), 5n, 'too small: the needed length');
    assert.deepEqual(h.get(200, 5), new Uint8Array(5), 'nothing written');
    assert.equal(h.call(N.STORAGE_READ, k, kl, 300, 5), 5n, 'exactly big enough');
    const [m, ml] = h.put(10, 'missing');
    assert.equal(h.call(N.STORAGE_READ, m, ml, 100, 16), BigInt(NOT_FOUND));
    assert.equal(h.call(N.STORAGE_READ, BAD, 4, 100, 16), EFAULT);
    assert.equal(h.call(N.STORAGE_READ, k, kl, BAD, 16), EFAULT);
    assert.equal(h.call(N.STORAGE_READ, -1n, 1, 100, 16), EFAULT, 'negative pointer');
    assert.equal(h.call(N.STORAGE_READ, 2n ** 32n, 1, 100, 16), EFAULT, 'pointer past u32');
  });

  it('401 storage_write: 0 for a new key, 1 when it replaced one; keys are bytes; EFAULT', () => {
    const h = harness();
    const [k, kl] = h.put(0, new Uint8Array([0, 0xff, 7]));
    const [v, vl] = h.put(50, 'one');
    assert.equal(h.call(N.STORAGE_WRITE, k, kl, v, vl), 0n);
    assert.equal(dec.decode(h.ctx.storage.get('\0\xff\x07')), 'one');
    const [v2, vl2] = h.put(60, 'two!');
    assert.equal(h.call(N.STORAGE_WRITE, k, kl, v2, vl2), 1n);
    assert.equal(dec.decode(h.ctx.storage.get('\0\xff\x07')), 'two!');
    h.bytes().set(enc.encode('XXXX'), 60);
    assert.equal(dec.decode(h.ctx.storage.get('\0\xff\x07')), 'two!', 'the host keeps a copy');
    assert.equal(h.call(N.STORAGE_WRITE, k, kl, BAD, 32), EFAULT);
    assert.equal(h.call(N.STORAGE_WRITE, BAD, 1, v, vl), EFAULT);
    assert.equal(dec.decode(h.ctx.storage.get('\0\xff\x07')), 'two!', 'a failed write changes nothing');
  });

  it('402 storage_remove and 403 storage_has_key: 1 / 0; EFAULT', () => {
    const h = harness(createNearContext({ storage: new Map([['a', enc.encode('1')]]) }));
    const [a, al] = h.put(0, 'a');
    const [b, bl] = h.put(8, 'b');
    assert.equal(h.call(N.STORAGE_HAS_KEY, a, al), 1n);
    assert.equal(h.call(N.STORAGE_HAS_KEY, b, bl), 0n);
    assert.equal(h.call(N.STORAGE_REMOVE, a, al), 1n);
    assert.equal(h.call(N.STORAGE_REMOVE, a, al), 0n);
    assert.equal(h.call(N.STORAGE_HAS_KEY, a, al), 0n);
    assert.equal(h.call(N.STORAGE_REMOVE, BAD, 1), EFAULT);
    assert.equal(h.call(N.STORAGE_HAS_KEY, BAD, 1), EFAULT);
  });

  it('404 log: appends a line; EILSEQ for invalid UTF-8; EFAULT; output_limit past the cap', () => {
    const h = harness(createNearContext(), 10);
    const [p, l] = h.put(0, 'héllo');
    assert.equal(h.call(N.LOG, p, l), 0n);
    assert.deepEqual(h.ctx.logs, ['héllo']);
    const [q, ql] = h.put(20, new Uint8Array([0xc3]));
    assert.equal(h.call(N.LOG, q, ql), EILSEQ);
    assert.equal(h.call(N.LOG, BAD, 5), EFAULT);
    const [r, rl] = h.put(40, 'abcde');
    assert.throws(() => h.call(N.LOG, r, rl), (e: unknown) => e instanceof GuestAbort && e.kind === 'output_limit');
    assert.deepEqual(h.ctx.logs, ['héllo']);
  });

  it('405 panic: ends the guest with a trap "panic: <message>", even with a bad pointer', () => {
    const h = harness();
    const [p, l] = h.put(0, 'boom');
    assert.throws(() => h.call(N.PANIC, p, l), (e: unknown) => e instanceof GuestAbort && e.kind === 'trap' && e.message === 'panic: boom');
    assert.throws(() => h.call(N.PANIC, BAD, 4), (e: unknown) => e instanceof GuestAbort && e.kind === 'trap' && e.message === 'panic: <unreadable message>');
  });

  it('410-412 account ids: length, written when it fits; EFAULT', () => {
    const h = harness(createNearContext({ currentAccountId: 'app.near', signerAccountId: 'alice.near', predecessorAccountId: 'bob.near' }));
    assert.equal(h.call(N.CURRENT_ACCOUNT_ID, 0, 64), 8n);
    assert.equal(dec.decode(h.get(0, 8)), 'app.near');
    assert.equal(h.call(N.SIGNER_ACCOUNT_ID, 100, 64), 10n);
    assert.equal(dec.decode(h.get(100, 10)), 'alice.near');
    assert.equal(h.call(N.PREDECESSOR_ACCOUNT_ID, 200, 64), 8n);
    assert.equal(dec.decode(h.get(200, 8)), 'bob.near');
    assert.equal(h.call(N.SIGNER_ACCOUNT_ID, 300, 3), 10n, 'too small');
    assert.deepEqual(h.get(300, 10), new Uint8Array(10));
    assert.equal(h.call(N.CURRENT_ACCOUNT_ID, 0, 0), 8n, 'a size query');
    assert.equal(h.call(N.CURRENT_ACCOUNT_ID, BAD, 64), EFAULT);
    assert.equal(h.call(N.CURRENT_ACCOUNT_ID, 65500, 64), EFAULT, 'the buffer runs past the memory');
  });

  /** Writes a 48-byte promise descriptor at `at` with the strings placed after it. */
  function descriptor(h: ReturnType<typeof harness>, at: number, account: string, method: string, args: string, gas: bigint, amount: bigint): bigint {
    const [ap, al] = h.put(at + 64, account);
    const [mp, ml] = h.put(at + 128, method);
    const [gp, gl] = h.put(at + 192, args);
    const view = new DataView(h.memory.buffer);
    [ap, al, mp, ml, gp, gl].forEach((v, i) => view.setUint32(at + 4 * i, Number(v), true));
    view.setBigUint64(at + 24, gas, true);
    view.setBigUint64(at + 32, amount & (2n ** 64n - 1n), true);
    view.setBigUint64(at + 40, amount >> 64n, true);
    return BigInt(at);
  }

  it('420-422 promises: recorded in the context; EINVAL for a bad index or account; EFAULT', () => {
    const h = harness();
    const amount = 10n ** 24n + 5n;
    assert.equal(h.call(N.PROMISE_CREATE, descriptor(h, 0, 'bob.near', 'ping', '{"a":1}', 30_000_000_000_000n, amount)), 0n);
    assert.equal(h.call(N.PROMISE_THEN, 0, descriptor(h, 1024, 'app.near', 'on_ping', '', 5n, 0n)), 1n);
    assert.equal(h.call(N.PROMISE_RETURN, 1), 0n);
    assert.deepEqual(h.ctx.promises, [
      { accountId: 'bob.near', methodName: 'ping', args: enc.encode('{"a":1}'), amount, gas: 30_000_000_000_000n, after: null },
      { accountId: 'app.near', methodName: 'on_ping', args: new Uint8Array(0), amount: 0n, gas: 5n, after: 0 },
    ]);
    assert.equal(h.ctx.returnedPromise, 1);
    assert.equal(h.call(N.PROMISE_THEN, 7, descriptor(h, 2048, 'app.near', 'x', '', 0n, 0n)), EINVAL);
    assert.equal(h.call(N.PROMISE_RETURN, 2), EINVAL);
    assert.equal(h.call(N.PROMISE_RETURN, -1n), EINVAL);
    assert.equal(h.call(N.PROMISE_CREATE, descriptor(h, 4096, 'Not An Account', 'x', '', 0n, 0n)), EINVAL);
    assert.equal(h.call(N.PROMISE_CREATE, BAD), EFAULT);
    assert.equal(h.call(N.PROMISE_CREATE, 65536 - 40), EFAULT, 'the descriptor runs past the memory');
    const d = descriptor(h, 8192, 'bob.near', 'x', '', 0n, 0n);
    new DataView(h.memory.buffer).setUint32(8192 + 16, 0xfffffff0, true); // args_ptr
    assert.equal(h.call(N.PROMISE_CREATE, d), EFAULT);
    assert.equal(h.ctx.promises.length, 2, 'failed calls record nothing');
    assert.equal(h.ctx.returnedPromise, 1);
  });

  it('430/431 block height and timestamp (u64 as i64)', () => {
    const h = harness(createNearContext({ blockHeight: 123n, blockTimestampNs: 2n ** 64n - 1n }));
    assert.equal(h.call(N.BLOCK_HEIGHT), 123n);
    assert.equal(h.call(N.BLOCK_TIMESTAMP), -1n);
  });

  it('432 sha256: 32, the digest written when the buffer holds it; EFAULT', () => {
    const h = harness();
    const [p, l] = h.put(0, 'abc');
    assert.equal(h.call(N.SHA256, p, l, 100, 32), 32n);
    assert.deepEqual(h.get(100, 32), sha256(enc.encode('abc')));
    assert.equal(h.call(N.SHA256, p, l, 200, 31), 32n);
    assert.deepEqual(h.get(200, 32), new Uint8Array(32));
    assert.equal(h.call(N.SHA256, BAD, 3, 100, 32), EFAULT);
    assert.equal(h.call(N.SHA256, p, l, BAD, 32), EFAULT);
  });

  it('433 random_seed: the context seed; EFAULT', () => {
    const seed = new Uint8Array(32).map((_, i) => i + 1);
    const h = harness(createNearContext({ randomSeed: seed }));
    assert.equal(h.call(N.RANDOM_SEED, 0, 32), 32n);
    assert.deepEqual(h.get(0, 32), seed);
    assert.equal(h.call(N.RANDOM_SEED, 100, 8), 32n);
    assert.deepEqual(h.get(100, 32), new Uint8Array(32));
    assert.equal(h.call(N.RANDOM_SEED, BAD, 32), EFAULT);
  });

  it('unknown numbers are ENOSYS', () => {
    const h = harness();
    for (const nr of [0, 399, 406, 413, 423, 434, 499, 500, -1]) assert.equal(h.call(nr), ENOSYS, `nr ${nr}`);
  });

  it('fuel: 100 per call plus one per 8 bytes moved', () => {
    const h = harness();
    const [k, kl] = h.put(0, 'key');
    const [v, vl] = h.put(16, 'x'.repeat(17));
    h.call(N.STORAGE_WRITE, k, kl, v, vl);
    assert.equal(h.state.fuel, NEAR_CALL_FUEL + 1 + 3, 'key 3 bytes: 1, value 17 bytes: 3');
    h.state.fuel = 0;
    h.call(N.STORAGE_READ, k, kl, 100, 4);
    assert.equal(h.state.fuel, NEAR_CALL_FUEL + 1, 'nothing copied out when the buffer is small');
    h.state.fuel = 0;
    h.call(N.STORAGE_READ, k, kl, 100, 64);
    assert.equal(h.state.fuel, NEAR_CALL_FUEL + 1 + 3);
    h.state.fuel = 0;
    h.call(N.BLOCK_HEIGHT);
    assert.equal(h.state.fuel, NEAR_CALL_FUEL);
    h.state.fuel = 0;
    h.call(N.STORAGE_READ, BAD, 1, 0, 0);
    assert.equal(h.state.fuel, NEAR_CALL_FUEL, 'a failed call still costs the call');
  });
});

// A raw guest: it stores six syscall results (i64) at 512 and prints them as hex (96 digits),
// followed by the account id it read.
const GUEST = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "outlayer" "syscall" (func $sys (param i32 i64 i64 i64 i64 i64 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "count")
  (data (i32.const 16) "hello log")
  (data (i32.const 2000) "0123456789abcdef")
  (func $hex (param $from i32) (param $to i32) (param $n i32)
    (local $i i32) (local $b i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $b (i32.load8_u (i32.add (local.get $from) (local.get $i))))
      (i32.store8 (i32.add (local.get $to) (i32.shl (local.get $i) (i32.const 1))) (i32.load8_u (i32.add (i32.const 2000) (i32.shr_u (local.get $b) (i32.const 4)))))
      (i32.store8 (i32.add (local.get $to) (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 1))) (i32.load8_u (i32.add (i32.const 2000) (i32.and (local.get $b) (i32.const 15)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  (func (export "_start")
    ;; result slots at 512.. (i64 each), copied values at 1024..
    (i64.store (i32.const 512) (call $sys (i32.const 400) (i64.const 0) (i64.const 5) (i64.const 1024) (i64.const 8) (i64.const 0) (i64.const 0)))
    (i64.store (i32.const 520) (call $sys (i32.const 401) (i64.const 0) (i64.const 5) (i64.const 16) (i64.const 5) (i64.const 0) (i64.const 0)))
    (i64.store (i32.const 528) (call $sys (i32.const 404) (i64.const 16) (i64.const 9) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))
    (i64.store (i32.const 536) (call $sys (i32.const 430) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))
    (i64.store (i32.const 544) (call $sys (i32.const 400) (i64.const 0xfffffff0) (i64.const 5) (i64.const 1024) (i64.const 8) (i64.const 0) (i64.const 0)))
    (i64.store (i32.const 552) (call $sys (i32.const 410) (i64.const 1024) (i64.const 64) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))
    ;; iovec at 600: the hex of 512..560 (at 3000), then the account id
    (call $hex (i32.const 512) (i32.const 3000) (i32.const 48))
    (i32.store (i32.const 600) (i32.const 3000))
    (i32.store (i32.const 604) (i32.const 96))
    (i32.store (i32.const 608) (i32.const 1024))
    (i32.store (i32.const 612) (i32.wrap_i64 (i64.load (i32.const 552))))
    (drop (call $fd_write (i32.const 1) (i32.const 600) (i32.const 2) (i32.const 700)))
    (if (i64.eq (i64.load (i32.const 536)) (i64.const 99))
      (then (drop (call $sys (i32.const 405) (i64.const 16) (i64.const 5) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))))))`;

function slots(output: string): bigint[] {
  const b = Buffer.from(output.slice(0, 96), 'hex');
  return Array.from({ length: 6 }, (_, i) => b.readBigInt64LE(i * 8));
}
const account = (output: string): string => output.slice(96);

describe('NEAR system calls: through executeWasm', () => {
  let guest: Uint8Array;
  before(async () => {
    guest = await wat(GUEST);
  });

  it('runs a raw guest against a local default context, fuel the same every run', async () => {
    const a = await run(guest);
    const b = await run(guest);
    assert.equal(a.status, 'ok', JSON.stringify(a.error));
    assert.deepEqual(slots(a.output), [-1n, 0n, 0n, 0n, EFAULT, 10n]);
    assert.equal(account(a.output), 'local.near');
    assert.deepEqual(a.logs, ['hello log']);
    assert.equal(a.fuel_used, b.fuel_used);
    assert.equal(a.output, b.output);
  });

  it('uses and updates a given context; panics with kind trap', async () => {
    const near = createNearContext({ currentAccountId: 'app.test.near', blockHeight: 7n, storage: new Map([['count', enc.encode('12345678')]]), logs: ['earlier'] });
    const r = await run(guest, { near });
    assert.deepEqual(slots(r.output), [8n, 1n, 0n, 7n, EFAULT, 13n]);
    assert.deepEqual(r.logs, ['hello log'], 'only this run\'s lines in the result');
    assert.deepEqual(near.logs, ['earlier', 'hello log']);
    assert.equal(dec.decode(near.storage.get('count')), 'hello');

    const p = await run(guest, { near: createNearContext({ blockHeight: 99n }) });
    assert.equal(p.status, 'error');
    assert.deepEqual(p.error, { kind: 'trap', message: 'panic: hello' });
    assert.equal(p.exit_code, null);
  });

  it('fills the default context from NEAR_* env vars', async () => {
    const r = await run(guest, { env: { NEAR_CONTRACT_ID: 'job.near', NEAR_BLOCK_HEIGHT: '42' } });
    assert.deepEqual(slots(r.output).slice(3), [42n, EFAULT, 8n]);
    assert.equal(account(r.output), 'job.near');
    const d = defaultNearContext({ env: [['NEAR_SENDER_ID', 'alice.near'], ['NEAR_BLOCK_TIMESTAMP', '1700000000000000000']], seed: 's', blockTimestampNs: 5n });
    assert.equal(d.signerAccountId, 'alice.near');
    assert.equal(d.predecessorAccountId, 'alice.near');
    assert.equal(d.currentAccountId, 'local.near');
    assert.equal(d.blockTimestampNs, 1700000000000000000n);
    assert.deepEqual(d.randomSeed, sha256(enc.encode('near-random-seed:s')));
  });

  it('allows only outlayer.syscall with its exact signature', async () => {
    const bad = await run(await wat('(module (import "outlayer" "syscall" (func (param i32 i64) (result i64))) (memory 1) (func (export "_start")))'));
    assert.equal(bad.error?.kind, 'invalid_module');
    assert.match(bad.error!.message, /outlayer\.syscall has type \(i32, i64\) -> \(i64\)/);
    const other = await run(await wat('(module (import "outlayer" "log" (func)) (func (export "_start")))'));
    assert.equal(other.error?.kind, 'invalid_module');
    assert.match(other.error!.message, /unknown import outlayer\.log/);
  });

  it('rejects a malformed context with a usage error', () => {
    assert.throws(() => normalizeOptions({ near: { ...createNearContext(), blockHeight: 1 } as never }), /near\.blockHeight/);
    assert.throws(() => normalizeOptions({ near: { ...createNearContext(), storage: {} } as never }), /near\.storage/);
  });

  it('a module without the import is unaffected, even with a context given', async () => {
    const near = createNearContext();
    const plain = await run(repoFile('examples/hello.wasm'));
    const withNear = await run(repoFile('examples/hello.wasm'), { near });
    assert.equal(plain.fuel_used, withNear.fuel_used);
    assert.equal(plain.output, withNear.output);
    assert.deepEqual(plain.logs, withNear.logs);
    assert.deepEqual(near, createNearContext());
  });
});

describe('NEAR system calls: the C guest examples/near.wasm', () => {
  const code = repoFile('examples/near.wasm');
  let pool: WasmPool;
  before(async () => {
    pool = await WasmPool.create({ size: 1, cacheDir: mkdtempSync(join(tmpdir(), 'outlayer-cache-')) });
  });
  after(() => pool.dispose());

  it('in-thread: counts from a fresh local state, same output and fuel every run', async () => {
    const a = await run(code);
    const b = await run(code);
    assert.equal(a.status, 'ok', JSON.stringify(a.error));
    assert.equal(a.output, 'account: local.near\nheight: 0\ncount: 1\n');
    assert.deepEqual(a.logs, ['count = 1']);
    assert.equal(a.fuel_used, 10_555, 'pinned: a change means the meter or the syscall charges changed');
    assert.equal(a.fuel_used, b.fuel_used);
    assert.equal(a.output, b.output);
  });

  it('in-thread with a context: the counter persists from run to run', async () => {
    const near = createNearContext({ currentAccountId: 'counter.near', blockHeight: 1234n });
    const first = await run(code, { near });
    const second = await run(code, { near });
    assert.equal(first.output, 'account: counter.near\nheight: 1234\ncount: 1\n');
    assert.equal(second.output, 'account: counter.near\nheight: 1234\ncount: 2\n');
    assert.deepEqual(near.logs, ['count = 1', 'count = 2']);
    assert.equal(new DataView(near.storage.get('count')!.buffer).getBigUint64(0, true), 2n);
  });

  it('through the pool: the context crosses to the thread and its changes come back', async () => {
    const near = createNearContext({ blockHeight: 5n });
    const inThread = await run(code, { near: createNearContext({ blockHeight: 5n }) });
    const first = await pool.run(code, { kind: 'wasm', near });
    const second = await pool.run(code, { kind: 'wasm', near });
    assert.equal(first.output, 'account: local.near\nheight: 5\ncount: 1\n');
    assert.equal(second.output, 'account: local.near\nheight: 5\ncount: 2\n');
    assert.equal(first.fuel_used, inThread.fuel_used);
    assert.deepEqual(near.logs, ['count = 1', 'count = 2']);
    assert.ok(near.storage.has('count'));
    const plain = await pool.run(code, { kind: 'wasm' });
    assert.equal(plain.output, 'account: local.near\nheight: 0\ncount: 1\n');
    await assert.rejects(pool.run(code, { kind: 'wasm', near: { ...createNearContext(), storage: { get: () => undefined, has: () => false, set: () => 0, delete: () => false } } }), /near\.storage must be a Map/);
  });
});
