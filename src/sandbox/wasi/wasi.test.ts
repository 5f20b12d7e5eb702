import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutlayerError } from '../../errors.js';
import { GuestAbort, GuestExit } from '../signals.js';
import { Clockid } from './constants.js';
import { Errno } from './errno.js';
import { WASI_CALL_FUEL, WASI_MODULE, WASI_SIGNATURES, Wasi, dir } from './index.js';
import { CountingHost, Shim, runWat, testConfig } from './test-harness.js';

const enc = new TextEncoder();

/** Prints the argv (or environ) buffer, NUL separators included. */
const printStrings = (sizes: string, get: string) => `(module
  (import "wasi_snapshot_preview1" "${sizes}" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "${get}" (func $get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $get (i32.const 64) (i32.const 1024)))
    (i32.store (i32.const 16) (i32.const 1024))
    (i32.store (i32.const 20) (i32.load (i32.const 4)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))`;

/** Copies stdin to stdout in 7-byte reads, then exits with the status in the data segment. */
const echo = (exitCode = 0) => `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $more
      (i32.store (i32.const 0) (i32.const 100))
      (i32.store (i32.const 4) (i32.const 7))
      (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (if (i32.eqz (i32.load (i32.const 8))) (then (call $exit (i32.const ${exitCode}))))
      (i32.store (i32.const 4) (i32.load (i32.const 8)))
      (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 12)))
      (br $more))))`;

describe('wasi: process', () => {
  it('passes args and environment in order', async () => {
    const args = await runWat(printStrings('args_sizes_get', 'args_get'), testConfig({ args: ['prog', 'a b', 'ü'] }));
    assert.equal(args.stdout, 'prog\0a b\0ü\0');
    const env = await runWat(printStrings('environ_sizes_get', 'environ_get'), testConfig({ env: [['TZ', 'UTC'], ['LANG', 'C'], ['X', 'a=b']] }));
    assert.equal(env.stdout, 'TZ=UTC\0LANG=C\0X=a=b\0');
  });

  it('copies stdin to stdout and exits through proc_exit', async () => {
    const input = 'hello, deterministic world\n'.repeat(5);
    const r = await runWat(echo(3), testConfig({ stdin: enc.encode(input) }));
    assert.equal(r.stdout, input);
    assert.equal(r.exitCode, 3);
  });

  it('allows exactly maxStdoutBytes and aborts one byte past it', async () => {
    const ok = await runWat(echo(), testConfig({ stdin: enc.encode('x'.repeat(50)), maxStdoutBytes: 50 }));
    assert.equal(ok.abort, null);
    assert.equal(ok.stdout.length, 50);
    const over = await runWat(echo(), testConfig({ stdin: enc.encode('x'.repeat(51)), maxStdoutBytes: 50 }));
    assert.ok(over.abort instanceof GuestAbort);
    assert.equal(over.abort.kind, 'output_limit');
    assert.match(over.abort.message, /stdout exceeded 50 bytes/);
    assert.equal(over.stdout.length, 50, 'bytes up to the cap are kept');
  });

  it('caps stderr separately', async () => {
    const shim = await Shim.create(testConfig({ maxStderrBytes: 4 }));
    assert.deepEqual(shim.write(2, 'abcd'), [0, 4]);
    assert.throws(() => shim.write(2, 'e'), (e: unknown) => e instanceof GuestAbort && e.kind === 'output_limit' && /stderr exceeded 4 bytes/.test(e.message));
    assert.equal(new TextDecoder().decode(shim.wasi.stderr()), 'abcd');
  });

  it('reports stdio as character devices and refuses to seek them', async () => {
    const shim = await Shim.create(testConfig());
    for (const fd of [0, 1, 2]) {
      const [errno, st] = shim.fdstat(fd);
      assert.equal(errno, 0);
      assert.equal(st.filetype, 2);
      assert.equal(shim.call('fd_seek', fd, 0n, 0, shim.alloc(8)), Errno.SPIPE);
    }
    assert.equal(shim.read(1, 4)[0], Errno.BADF, 'stdout is not readable');
    assert.equal(shim.write(0, 'x')[0], Errno.BADF, 'stdin is not writable');
  });

  it('reads stdin to EOF', async () => {
    const shim = await Shim.create(testConfig({ stdin: enc.encode('abc') }));
    assert.deepEqual(shim.read(0, 2), [0, 'ab']);
    assert.deepEqual(shim.read(0, 10), [0, 'c']);
    assert.deepEqual(shim.read(0, 10), [0, '']);
  });

  it('throws GuestExit from proc_exit', async () => {
    const shim = await Shim.create(testConfig());
    assert.throws(() => shim.call('proc_exit', 7), (e: unknown) => e instanceof GuestExit && e.code === 7);
    assert.equal(shim.call('proc_raise', 9), Errno.NOSYS);
    assert.equal(shim.call('sched_yield'), 0);
  });
});

describe('wasi: clocks', () => {
  it('derives every clock from fuel and sleep, never from the host', async () => {
    const host = new CountingHost();
    const start = 1_000_000_000_000n;
    const shim = await Shim.create(testConfig({ clockStartNs: start }), host);
    const out = shim.alloc(8);
    const now = (id: number): bigint => {
      assert.equal(shim.call('clock_time_get', id, 0n, out), 0);
      return shim.u64(out);
    };
    host.instructions = 5000n;
    const mono = now(Clockid.MONOTONIC);
    assert.equal(mono, host.fuelUsed(), 'monotonic = fuel used (the call was charged first)');
    const real = now(Clockid.REALTIME);
    assert.equal(real, start + host.fuelUsed());
    assert.equal(now(Clockid.PROCESS_CPUTIME_ID), host.fuelUsed());
    assert.equal(now(Clockid.THREAD_CPUTIME_ID), host.fuelUsed());
    host.instructions += 1_000_000n;
    assert.ok(now(Clockid.MONOTONIC) > mono + 1_000_000n - 1n, 'advances with fuel');
    assert.equal(shim.call('clock_time_get', 4, 0n, out), Errno.INVAL);
    assert.equal(shim.call('clock_res_get', Clockid.REALTIME, out), 0);
    assert.equal(shim.u64(out), 1n);
    assert.equal(shim.call('clock_res_get', 99, out), Errno.INVAL);
  });

  it('gives the same readings on every run', async () => {
    const readings = async () => {
      const shim = await Shim.create(testConfig());
      const out = shim.alloc(8);
      const seen: bigint[] = [];
      for (const id of [0, 1, 2, 0, 1]) {
        shim.call('clock_time_get', id, 0n, out);
        seen.push(shim.u64(out));
      }
      return seen;
    };
    assert.deepEqual(await readings(), await readings());
  });
});

describe('wasi: random_get', () => {
  const draw = async (seed: string, sizes: number[]): Promise<Uint8Array> => {
    const shim = await Shim.create(testConfig({ seed }));
    const parts: number[] = [];
    for (const n of sizes) {
      const p = shim.alloc(n);
      assert.equal(shim.call('random_get', p, n), 0);
      parts.push(...shim.bytes.slice(p, p + n));
    }
    return new Uint8Array(parts);
  };

  it('is a function of the seed', async () => {
    const a = await draw('seed-a', [32]);
    assert.deepEqual(a, await draw('seed-a', [32]));
    assert.notDeepEqual(a, await draw('seed-b', [32]));
    assert.notDeepEqual(a, new Uint8Array(32));
  });

  it('is one continuous stream across calls', async () => {
    assert.deepEqual(await draw('s', [1, 63, 3, 70, 200]), await draw('s', [337]));
  });

  it('charges for the bytes it produces', async () => {
    const host = new CountingHost();
    const shim = await Shim.create(testConfig(), host);
    const before = host.charged;
    shim.call('random_get', shim.alloc(800), 800);
    assert.equal(host.charged - before, WASI_CALL_FUEL + 100);
  });
});

describe('wasi: imports', () => {
  it('exposes exactly the preview1 allowlist with its signatures', () => {
    const wasi = new Wasi(testConfig(), new CountingHost());
    assert.deepEqual(Object.keys(wasi.imports).sort(), Object.keys(WASI_SIGNATURES).sort());
    assert.equal(Object.keys(WASI_SIGNATURES).length, 46);
    assert.equal(Object.getPrototypeOf(wasi.imports), null, 'no inherited names such as toString');
    assert.equal(WASI_SIGNATURES['toString'], undefined);
    assert.ok(Object.isFrozen(wasi.imports));
    assert.deepEqual(WASI_SIGNATURES['proc_exit'], { params: ['i32'], results: [] });
    assert.deepEqual(WASI_SIGNATURES['fd_pread'], { params: ['i32', 'i32', 'i32', 'i64', 'i32'], results: ['i32'] });
    assert.equal(WASI_MODULE, 'wasi_snapshot_preview1');
  });

  it('charges WASI_CALL_FUEL per call and lets out_of_fuel propagate', async () => {
    const host = new CountingHost();
    const shim = await Shim.create(testConfig(), host);
    shim.call('sched_yield');
    assert.equal(host.charged, WASI_CALL_FUEL);
    host.budget = host.charged + 50;
    assert.throws(() => shim.call('sched_yield'), (e: unknown) => e instanceof GuestAbort && e.kind === 'out_of_fuel');
  });

  it('does not touch the host until the guest calls an import', () => {
    const untouchable = {
      memory: (): never => assert.fail('memory() during construction'),
      charge: (): never => assert.fail('charge() during construction'),
      fuelUsed: (): never => assert.fail('fuelUsed() during construction'),
    };
    const wasi = new Wasi(testConfig({ preopens: [{ guestPath: '/d', root: dir({ a: dir() }) }] }), untouchable);
    assert.equal(wasi.stdout().length, 0);
  });

  it('rejects bad configuration', () => {
    const host = new CountingHost();
    assert.throws(() => new Wasi({ ...testConfig(), bogus: 1 } as never, host), OutlayerError);
    assert.throws(() => new Wasi(testConfig({ env: [['A=B', 'c']] }), host), OutlayerError);
    assert.throws(() => new Wasi(testConfig({ maxStdoutBytes: -1 }), host), OutlayerError);
    const d = dir();
    assert.throws(() => new Wasi(testConfig({ preopens: [{ guestPath: '/x', root: dir({ a: d, b: d }) }] }), host), OutlayerError);
  });
});
