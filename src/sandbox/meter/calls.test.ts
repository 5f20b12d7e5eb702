// Calls across the meter's boundaries: stack accounting (stack.ts), entries from the host,
// imports that call back, and functions reached through tables (layout.ts, entries.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wat } from '../../testing/wat.js';
import { parseModule } from '../binary/module.js';
import { decodeBody, frameWeight } from './decode.js';
import { DEPTH_EXPORT, FUEL_EXPORT, HOST_CALL_SLOTS, MEMORY_IMPORT, STACK_FRAME_BASE, STACK_LIMIT_SLOTS } from './costs.js';
import { instrument } from './instrument.js';
import { Layout } from './layout.js';
import { FuelMeter } from './runtime.js';
import { CHAIN_CAP, planStack } from './stack.js';

async function load(source: string | Uint8Array, budget = 100_000_000n, imports: WebAssembly.Imports = {}) {
  const inst = instrument(typeof source === 'string' ? await wat(source) : source);
  assert.ok(WebAssembly.validate(inst.bytes), 'instrumented module validates');
  const all: WebAssembly.Imports = { ...imports };
  if (inst.memory) all[MEMORY_IMPORT.module] = { [MEMORY_IMPORT.name]: new WebAssembly.Memory({ initial: inst.memory.min, maximum: 16 }) };
  const instance = await WebAssembly.instantiate(new WebAssembly.Module(inst.bytes), all);
  const meter = new FuelMeter(budget);
  meter.attach(instance);
  return { instance, meter, exports: instance.exports as Record<string, any> };
}

/** Runs `fn`, expecting the meter to stop it; returns the reason and the fuel used. */
function stopped(meter: FuelMeter, fn: () => unknown): { kind: string; fuel: bigint } {
  try {
    fn();
  } catch (e) {
    return { kind: meter.classify(e).kind, fuel: meter.used() };
  }
  assert.fail('expected the guest to be stopped');
}

async function plan(source: string) {
  const info = parseModule(await wat(source));
  const layout = new Layout(info, 0, 1);
  const decoded = info.code.map((_, i) => decodeBody(info, i));
  const weight = (f: number): number => frameWeight(info, layout.funcType(f), f - info.importedFuncs);
  return { plan: planStack(layout, decoded), weight };
}

describe('meter: where the stack height is counted', () => {
  it('checks where every cycle and every tail call passes, reserving room for the unchecked chains above', async () => {
    const { plan: p, weight } = await plan(`(module
      (type $t (func (param i32) (result i32)))
      (table 2 funcref) (elem (i32.const 0) $a $b)
      (func $leaf (param i32) (result i32) (local.get 0))                                     ;; 0
      (func $mid (param i32) (result i32) (call $leaf (local.get 0)))                         ;; 1
      (func $rec (param i32) (result i32)                                                     ;; 2
        (if (result i32) (local.get 0) (then (call $rec (call $mid (local.get 0)))) (else (i32.const 0))))
      (func $a (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 1)))  ;; 3
      (func $b (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 0)))  ;; 4
      (func $target (param i32) (result i32) (local.get 0))                                   ;; 5
      (func $tail (param i32) (result i32) (return_call $target (local.get 0))))              ;; 6
    `);
    const checked = [...p.accounted].map(Boolean);
    // $a and $b can each call itself through the table.
    assert.deepEqual(checked, [false, false, true, true, true, true, false]);
    assert.equal(p.reserve[2], weight(1) + weight(0), '$rec keeps room for $mid and $leaf above it');
    assert.equal(p.entryReserve(1), weight(1) + weight(0));
    assert.equal(p.entryReserve(2), 0, 'an accounted target checks for itself');
    assert.equal(p.entryWeight(1), STACK_FRAME_BASE + 1 + 2);
  });

  it('accounts a function once its chain would pass CHAIN_CAP, so no reserve is huge', async () => {
    const n = 40;
    const funcs = Array.from({ length: n }, (_, i) =>
      `(func $f${i} (local ${'i64 '.repeat(200)}) ${i + 1 < n ? `(call $f${i + 1})` : ''})`).join('\n');
    const { plan: p } = await plan(`(module ${funcs})`);
    for (let i = 0; i < n; i++) assert.ok(p.reserve[i]! <= CHAIN_CAP && p.entryReserve(i) <= CHAIN_CAP, `function ${i}`);
    assert.ok(p.accounted.some(Boolean), 'some of the chain checks');
  });

  it('stops mutual recursion through call_indirect with stack_overflow, at the same fuel every time', async () => {
    const src = `(module (type $t (func (param i32) (result i32)))
      (table 2 funcref) (elem (i32.const 0) $a $b)
      (func $a (param i32) (result i32) (i32.add (call_indirect (type $t) (local.get 0) (i32.const 1)) (i32.const 1)))
      (func $b (param i32) (result i32) (i32.add (call_indirect (type $t) (local.get 0) (i32.const 0)) (i32.const 1)))
      (func (export "go") (result i32) (call $a (i32.const 0))))`;
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { exports, meter } = await load(src);
      const r = stopped(meter, () => exports.go());
      assert.equal(r.kind, 'stack_overflow');
      seen.add(`${r.fuel}`);
      assert.equal(meter.tripped(), true);
    }
    assert.equal(seen.size, 1);
  });

  it('bounds a deep chain of non-recursive functions: it runs when it fits and stops deterministically when not', async () => {
    // Each frame weighs 8 + 64 + 3 = 75 slots: 300 of them fit in the limit, 1200 do not.
    const chain = (n: number) => `(module ${Array.from({ length: n }, (_, i) =>
      `(func $f${i} ${i === 0 ? '(export "go")' : ''} (result i32) (local ${'i64 '.repeat(64)}) ${i + 1 < n ? `(i32.add (call $f${i + 1}) (i32.const 1))` : '(i32.const 0)'})`).join('\n')})`;
    const fits = await load(chain(300));
    assert.equal(fits.exports.go(), 299);
    assert.equal(fits.exports[DEPTH_EXPORT].value, 0);
    const fuel = new Set<bigint>();
    for (let i = 0; i < 2; i++) {
      const deep = await load(chain(1200));
      const r = stopped(deep.meter, () => deep.exports.go());
      assert.equal(r.kind, 'stack_overflow');
      fuel.add(r.fuel);
    }
    assert.equal(fuel.size, 1);
  });

  it('counts every entry from the host: an import that calls an export back forever ends in stack_overflow', async () => {
    const src = `(module (import "env" "reenter" (func $r (param i32) (result i32)))
      (func (export "f") (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1)))))`;
    const results = new Set<string>();
    for (let i = 0; i < 2; i++) {
      let deepest = 0;
      let exports: Record<string, any> = {};
      const loaded = await load(src, 100_000_000n, { env: { reenter: (n: number) => { deepest = n; return exports.f(n); } } });
      exports = loaded.exports;
      const r = stopped(loaded.meter, () => exports.f(0));
      assert.equal(r.kind, 'stack_overflow', 'the meter stops it, not V8');
      assert.ok(deepest > 50 && deepest * HOST_CALL_SLOTS <= STACK_LIMIT_SLOTS, `${deepest} nestings`);
      results.add(`${deepest}:${r.fuel}`);
    }
    assert.equal(results.size, 1);
  });

  it('lets bounded re-entry run and leaves the height as it found it', async () => {
    let exports: Record<string, any> = {};
    const loaded = await load(`(module (import "env" "back" (func $b (param i32) (result i32)))
      (func (export "f") (param i32) (result i32)
        (if (result i32) (local.get 0) (then (i32.add (call $b (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))) (else (i32.const 0)))))`,
    100_000_000n, { env: { back: (n: number) => exports.f(n) } });
    exports = loaded.exports;
    assert.equal(exports.f(10), 10);
    assert.equal(exports[DEPTH_EXPORT].value, 0);
    assert.equal(loaded.meter.tripped(), false);
  });

  it('keeps a stack overflow visible when glue code swallows the trap, and the guest stops at its next check', async () => {
    let exports: Record<string, any> = {};
    let swallowed = 0;
    const loaded = await load(`(module (import "env" "call" (func $c (result i32)))
      (func $deep (export "deep") (result i32) (i32.add (call $deep) (i32.const 1)))
      (func (export "f") (result i32) (local i32)
        (drop (call $c))
        (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br_if $l (i32.lt_u (local.get 0) (i32.const 1000))))
        (local.get 0)))`,
    100_000_000n, { env: { call: () => { try { return exports.deep(); } catch { swallowed++; return 0; } } } });
    exports = loaded.exports;
    const r = stopped(loaded.meter, () => exports.f());
    assert.equal(swallowed, 1);
    assert.equal(r.kind, 'stack_overflow');
    assert.equal(loaded.meter.tripped(), true);
  });
  it('reports a swallowed stack overflow as such even when the host is the next to charge fuel', async () => {
    let exports: Record<string, any> = {};
    let meter!: FuelMeter;
    const loaded = await load(`(module (import "env" "call" (func $c (result i32))) (import "env" "charge" (func $charge))
      (func $deep (export "deep") (result i32) (i32.add (call $deep) (i32.const 1)))
      (func (export "f") (drop (call $c)) (call $charge)))`,
    100_000_000n, { env: { call: () => { try { return exports.deep(); } catch { return 0; } }, charge: () => meter.charge(100) } });
    exports = loaded.exports;
    meter = loaded.meter;
    assert.equal(stopped(meter, () => exports.f()).kind, 'stack_overflow');
  });
});

describe('meter: tables and function references', () => {
  it('calls an import placed in a private table through an adapter that publishes the exact fuel', async () => {
    const seen: bigint[] = [];
    let meter!: FuelMeter;
    const loaded = await load(`(module (import "env" "probe" (func $p (param i32)))
      (type $t (func (param i32))) (table 1 funcref) (elem (i32.const 0) $p)
      (func (export "f") (call $p (i32.const 1))
        (block (br_if 0 (i32.const 0)) (nop) (nop) (nop))
        (call_indirect (type $t) (i32.const 2) (i32.const 0))))`,
    100_000_000n, { env: { probe: () => { seen.push(meter.used()); } } });
    meter = loaded.meter;
    loaded.exports.f();
    assert.equal(seen.length, 2);
    // Between the probes: the block after br_if (3 nops), then the one after its end (const, const, call_indirect).
    assert.equal(seen[1]! - seen[0]!, 6n);
  });

  it('keeps a table the host can reach usable from both sides, with the original signatures', async () => {
    const { exports, meter } = await load(`(module (type $t (func (param i32) (result i32)))
      (table (export "table") 3 funcref) (elem (i32.const 0) $dbl $inc)
      (func $dbl (export "dbl") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func (export "via") (param i32 i32) (result i32) (call_indirect (type $t) (local.get 1) (local.get 0))))`);
    const table = exports.table as WebAssembly.Table;
    assert.equal(table.get(0), exports.dbl, 'the table slot and the export are one function');
    assert.equal(table.get(1)(41), 42);
    table.set(2, exports.dbl);
    assert.equal(exports.via(2, 21), 42);
    assert.equal(exports.via(1, 1), 2);
    // A host function in the table, called by the guest, sees the fuel the guest has used.
    let seen = -1n;
    table.set(2, new WebAssembly.Instance(new WebAssembly.Module(await wat(`(module (import "h" "f" (func $f (param i32) (result i32))) (export "f" (func $f)))`)),
      { h: { f: (x: number) => { seen = meter.used(); return x + 100; } } }).exports.f as () => number);
    assert.equal(exports.via(2, 1), 101);
    assert.ok(seen > 0n && seen === meter.used(), 'the caller published its fuel before the call');
    assert.ok(meter.used() > 0n);
    assert.equal(exports[DEPTH_EXPORT].value, 0);
  });

  it('supports ref.func, table.set and funcref globals in a private table', async () => {
    const { exports } = await load(`(module (type $t (func (result i32)))
      (table 2 funcref) (global $g funcref (ref.func $seven)) (elem declare func $eight)
      (func $seven (result i32) (i32.const 7))
      (func $eight (result i32) (i32.const 8))
      (func (export "f") (result i32)
        (table.set (i32.const 0) (global.get $g))
        (table.set (i32.const 1) (ref.func $eight))
        (i32.add (call_indirect (type $t) (i32.const 0)) (call_indirect (type $t) (i32.const 1)))))`);
    assert.equal(exports.f(), 15);
  });

  it('runs return_call_indirect through a private table in constant stack', async () => {
    const { exports } = await load(`(module (type $t (func (param i32 i32) (result i32)))
      (table 1 funcref) (elem (i32.const 0) $count)
      (func $count (param i32 i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
          (else (return_call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 1)) (i32.const 0)))))
      (func (export "f") (param i32) (result i32) (call $count (local.get 0) (i32.const 0))))`);
    assert.equal(exports.f(200000), 200000);
    assert.equal(exports[DEPTH_EXPORT].value, 0);
  });

  it('runs return_call_indirect through a table the host can reach as a call and a return', async () => {
    const { exports } = await load(`(module (type $t (func (param i32 i32) (result i32)))
      (table (export "t") 1 funcref) (elem (i32.const 0) $count)
      (func $count (param i32 i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
          (else (return_call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 1)) (i32.const 0)))))
      (func (export "f") (param i32) (result i32) (call $count (local.get 0) (i32.const 0))))`);
    assert.equal(exports.f(100), 100);
    assert.equal(exports[DEPTH_EXPORT].value, 0);
  });

  it('makes fuel exact after an explicit unreachable', async () => {
    const { exports, meter } = await load(`(module (func (export "f") (nop) (nop) (unreachable)))`);
    const r = stopped(meter, () => exports.f());
    assert.equal(r.kind, 'trap');
    assert.equal(r.fuel, 3n);
    assert.equal(exports[FUEL_EXPORT].value, 100_000_000n - 3n);
  });
});
