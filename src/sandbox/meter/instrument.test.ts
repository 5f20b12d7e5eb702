import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wat } from '../../testing/wat.js';
import { DEPTH_EXPORT, FUEL_EXPORT, MEMORY_IMPORT, STACK_LIMIT_SLOTS, START_EXPORT } from './costs.js';
import { instrument } from './instrument.js';
import { FuelMeter } from './runtime.js';

/** Instantiates an instrumented module with a memory of `pages` and the given budget. */
async function load(source: string, budget = 1_000_000n, imports: WebAssembly.Imports = {}) {
  const inst = instrument(await wat(source));
  assert.ok(WebAssembly.validate(inst.bytes), 'instrumented module validates');
  const all: WebAssembly.Imports = { ...imports };
  if (inst.memory) all[MEMORY_IMPORT.module] = { [MEMORY_IMPORT.name]: new WebAssembly.Memory({ initial: inst.memory.min, maximum: Math.min(inst.memory.max ?? 16, 16) }) };
  const instance = await WebAssembly.instantiate(new WebAssembly.Module(inst.bytes), all);
  const meter = new FuelMeter(budget);
  meter.attach(instance);
  return { instance, meter, exports: instance.exports as Record<string, any>, inst };
}

const SUM = `(module
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $s)))`;

describe('instrument: fuel', () => {
  it('charges each basic block its instruction count, linear in the work done', async () => {
    const { exports, meter } = await load(SUM);
    assert.equal(exports.sum(10), 55);
    const ten = meter.used();
    exports[FUEL_EXPORT].value = 1_000_000n;
    assert.equal(exports.sum(20), 210);
    const twenty = meter.used();
    // Each iteration: local.get, i32.eqz, br_if | local.get x2, i32.add, local.set, local.get, i32.const, i32.sub, local.set, br = 12.
    assert.equal(twenty - ten, 10n * 12n);
  });

  it('is deterministic: the same call costs the same fuel every time', async () => {
    const seen = new Set<bigint>();
    for (let i = 0; i < 5; i++) {
      const { exports, meter } = await load(SUM);
      exports.sum(1000);
      seen.add(meter.used());
    }
    assert.equal(seen.size, 1);
  });

  it('stops an infinite loop with out_of_fuel', async () => {
    const { exports, meter } = await load(`(module (func (export "spin") (loop $l (br $l))))`, 10_000n);
    assert.throws(() => exports.spin(), WebAssembly.RuntimeError);
    let caught: unknown;
    try { exports.spin(); } catch (e) { caught = e; }
    assert.equal(meter.classify(caught).kind, 'out_of_fuel');
    assert.equal(meter.used(), 10_000n);
  });

  it('charges memory.grow per page and bulk memory per 8 bytes', async () => {
    const src = (body: string) => `(module (memory 1 16) (func (export "f") ${body}))`;
    const base = await load(src('(drop (memory.grow (i32.const 0)))'));
    base.exports.f();
    const grow = await load(src('(drop (memory.grow (i32.const 3)))'));
    grow.exports.f();
    assert.equal(grow.meter.used() - base.meter.used(), 3n * 1024n);
    const fill0 = await load(src('(memory.fill (i32.const 0) (i32.const 1) (i32.const 0))'));
    fill0.exports.f();
    const fill = await load(src('(memory.fill (i32.const 0) (i32.const 1) (i32.const 65536))'));
    fill.exports.f();
    assert.equal(fill.meter.used() - fill0.meter.used(), 65536n / 8n);
  });

  it('stops a huge memory.fill before it runs when fuel cannot pay for it', async () => {
    const { exports, meter } = await load(`(module (memory 16 16) (func (export "f") (memory.fill (i32.const 0) (i32.const 7) (i32.const 1048576))))`, 1000n);
    let err: unknown;
    try { exports.f(); } catch (e) { err = e; }
    assert.equal(meter.classify(err).kind, 'out_of_fuel');
    const mem = (exports as any).memory as WebAssembly.Memory | undefined;
    assert.equal(mem, undefined); // not exported; the fill never ran (checked via fuel)
  });

  it('syncs fuel across calls so host imports see the exact figure', async () => {
    const seen: bigint[] = [];
    let meter!: FuelMeter;
    const host = { env: { probe: () => { seen.push(meter.used()); } } };
    const loaded = await load(`(module (import "env" "probe" (func $p))
      (func (export "f") (call $p) (block (br_if 0 (i32.const 0)) (nop) (nop) (nop)) (call $p)))`, 1_000_000n, host);
    meter = loaded.meter;
    loaded.exports.f();
    assert.equal(seen.length, 2);
    // Blocks are charged when they start: the second probe sees the block after br_if (3 nops + call) paid.
    assert.equal(seen[1]! - seen[0]!, 4n);
  });
});

describe('instrument: stack', () => {
  it('stops unbounded recursion with stack_overflow at the same fuel every time', async () => {
    const used = new Set<bigint>();
    for (let i = 0; i < 3; i++) {
      const { exports, meter } = await load(`(module (func $r (export "r") (param i32) (result i32)
        (i32.add (call $r (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))`, 100_000_000n);
      let err: unknown;
      try { exports.r(0); } catch (e) { err = e; }
      assert.equal(meter.classify(err).kind, 'stack_overflow');
      assert.ok((exports[DEPTH_EXPORT].value as number) > STACK_LIMIT_SLOTS);
      used.add(meter.used());
    }
    assert.equal(used.size, 1);
  });

  it('returns the frame on every exit: return, br to the function label, fallthrough', async () => {
    const { exports } = await load(`(module
      (func $a (param i32) (result i32) (if (local.get 0) (then (return (i32.const 1)))) (i32.const 2))
      (func $b (param i32) (result i32) (block (drop (br_if 1 (i32.const 3) (local.get 0)))) (i32.const 4))
      (func $c (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
      (func (export "f") (result i32)
        (call $a (i32.const 1)) (call $a (i32.const 0)) (i32.add)
        (call $b (i32.const 1)) (call $b (i32.const 0)) (i32.add) (i32.add)
        (call $c (i32.const 5) (i32.const 6)) (i32.sub) (i32.add)))`);
    assert.equal(exports.f(), 3 + 7 + 1);
    assert.equal(exports[DEPTH_EXPORT].value, 0);
  });
});

describe('instrument: module shape', () => {
  it('keeps function, global and table indices: call_indirect and globals still work', async () => {
    const { exports } = await load(`(module
      (global $g (mut i32) (i32.const 40))
      (table 2 funcref) (elem (i32.const 0) $one $two)
      (type $t (func (result i32)))
      (func $one (result i32) (global.get $g))
      (func $two (result i32) (i32.const 2))
      (func (export "f") (result i32) (i32.add (call_indirect (type $t) (i32.const 0)) (call_indirect (type $t) (i32.const 1)))))`);
    assert.equal(exports.f(), 42);
  });

  it('turns a start function into an export the host runs after setting fuel', async () => {
    const { exports, inst } = await load(`(module (global $g (mut i32) (i32.const 0))
      (func $s (global.set $g (i32.const 9))) (start $s)
      (func (export "g") (result i32) (global.get $g)))`);
    assert.equal(inst.hasStart, true);
    assert.equal(exports.g(), 0);
    exports[START_EXPORT]();
    assert.equal(exports.g(), 9);
  });

  it('moves the memory to an import carrying the declared limits', async () => {
    const inst = instrument(await wat('(module (memory (export "memory") 2 5))'));
    assert.deepEqual(inst.memory, { min: 2, max: 5 });
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(inst.bytes));
    assert.deepEqual(imports, [{ module: MEMORY_IMPORT.module, name: MEMORY_IMPORT.name, kind: 'memory' }]);
  });

  it('supports tail calls, releasing the frame before the jump', async () => {
    const { exports } = await load(`(module
      (func $loop (param i32 i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
          (else (return_call $loop (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 1))))))
      (func (export "f") (param i32) (result i32) (call $loop (local.get 0) (i32.const 0))))`, 100_000_000n);
    assert.equal(exports.f(100000), 100000);
    assert.equal(exports[DEPTH_EXPORT].value, 0);
  });

  it('rejects what it cannot meter deterministically, naming it', async () => {
    const shared = await wat('(module (memory 1 1 shared))');
    assert.throws(() => instrument(shared), /shared memory is not supported/);
    assert.throws(() => instrument(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])), /not a WebAssembly module/);
    assert.throws(() => instrument(new Uint8Array([0, 0x61, 0x73])), /truncated/);
  });
});
