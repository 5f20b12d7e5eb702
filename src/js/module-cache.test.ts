// The module cache: cached executions give the same result objects (fuel_used included) as
// uncached ones, and only modules whose evaluation depends on nothing per-execution are cached.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { normalizeOptions, type RunOptions } from '../sandbox/options.js';
import { ModulePreparer } from '../sandbox/prepare.js';
import { MODULE_CACHE_SIZE, type ModuleCache } from './module-cache.js';
import { nodeQuickJsSource } from './node/source.js';
import { JsRuntime, type JsResult, type JsRunOptions } from './runtime.js';

const preparer = new ModulePreparer();
// minEvalFuel 0: cache even the small modules of these tests.
const cached = new JsRuntime({ source: nodeQuickJsSource, preparer, moduleCache: { minEvalFuel: 0n } });
const plain = new JsRuntime({ source: nodeQuickJsSource, preparer, moduleCache: false });

/** Everything but the wall-clock duration. */
function comparable(r: JsResult, storage: Map<string, Uint8Array>): unknown {
  const { duration_ms: _d, state, ...rest } = r;
  return { ...rest, storage: [...storage.entries()], promises: state.promises, logs: state.logs };
}

async function cache(): Promise<ModuleCache> {
  const c = (await cached.warm(normalizeOptions({}).maxMemoryMb)).engine.moduleCache;
  assert.ok(c, 'the engine has a module cache');
  return c;
}

/** Runs on both runtimes and checks the results are identical. */
async function both(source: string, options: RunOptions = {}, js: JsRunOptions = {}): Promise<JsResult> {
  const storageA = new Map<string, Uint8Array>();
  const storageB = new Map<string, Uint8Array>();
  const a = await cached.run(source, normalizeOptions(options), { ...js, storage: storageA });
  const b = await plain.run(source, normalizeOptions(options), { ...js, storage: storageB });
  assert.deepEqual(comparable(a, storageA), comparable(b, storageB));
  return a;
}

const RUNS: RunOptions[] = [
  { seed: 'one', blockTimestampNs: 5_000_000n, input: '1' },
  { seed: 'two', blockTimestampNs: 1_700_000_000_123_000_000n, input: '2' },
  { seed: 'three', blockTimestampNs: 0n, input: '{"x":3}' },
  { seed: 'one', blockTimestampNs: 5_000_000n, input: '1' },
];

const COUNTER = `
let counter = 0;
const table = [];
for (let i = 0; i < 2000; i++) table.push({ i, sq: i * i });
export function execute(input) {
  counter++;
  near.log('call', counter);
  near.storageWrite('k' + counter, JSON.stringify(input));
  return { counter, random: Math.random(), now: Date.now(), date: new Date().toISOString(), bytes: [...crypto.getRandomValues(new Uint8Array(4))], sq: table[7].sq };
}`;

describe('module cache', () => {
  after(() => {
    cached.dispose();
    plain.dispose();
  });

  it('a repeated module is evaluated once and every run equals the uncached one, fuel_used included', async () => {
    const c = await cache();
    c.clear();
    for (const options of RUNS) {
      const r = await both(COUNTER, options);
      assert.equal(r.status, 'ok', JSON.stringify(r.error));
      assert.equal(JSON.parse(r.output).counter, 1, 'module state never leaks into the next execution');
    }
    assert.ok(c.has(COUNTER), 'the module is cached');
    assert.equal(c.size, 1);
  });

  it('does not cache a module whose top level uses the clock, the PRNG, the host or the console (and still runs it right)', async () => {
    const c = await cache();
    const tops = [
      'const t = Date.now();',
      'const t = new Date().getTime();',
      'const t = Date();',
      'const t = Math.random();',
      'const t = crypto.getRandomValues(new Uint8Array(8))[0];',
      "const t = near.log('top');",
      "const t = console.log('top');",
      "const t = near.storageRead('k');",
      'const t = near.blockHeight();',
      "const t = new FrozenRealm({}).evaluate('1 + 1');",
    ];
    for (const top of tops) {
      const source = `${top}\nlet n = 0;\nexport function execute() { return { t: String(t), n: ++n, r: Math.random() } }`;
      for (const options of RUNS.slice(0, 3)) assert.equal((await both(source, options)).status, 'ok');
      assert.equal(c.has(source), false, `not cached: ${top}`);
    }
  });

  it('does not cache a failed evaluation or a missing entry', async () => {
    const c = await cache();
    for (const source of ['throw new Error("top")', 'export const x = ;', 'await new Promise(() => {}); export function execute() {}', 'export function other() { return 1 }']) {
      for (const options of RUNS.slice(0, 2)) assert.equal((await both(source, options)).status, 'error');
      if (!source.includes('other')) assert.equal(c.has(source), false, source);
    }
  });

  it('different sources do not collide', async () => {
    const sources = [1, 2, 3].map((k) => `const k = ${k}; export function execute() { return k }`);
    for (let round = 0; round < 3; round++) {
      for (const [i, source] of sources.entries()) assert.equal((await both(source, RUNS[round])).output, String(i + 1));
    }
    const c = await cache();
    for (const source of sources) assert.ok(c.has(source));
  });

  it('top-level promises and async entries behave the same', async () => {
    const source = `
      const ready = Promise.resolve(41).then((x) => x + 1);
      const later = [];
      await null;
      export async function execute() { later.push(await ready); return { v: await ready, later: later.length, r: Math.random() } }`;
    for (const options of RUNS) assert.equal((await both(source, options)).status, 'ok');
    assert.ok((await cache()).has(source));
  });

  it('after a trap the engine is rebuilt without cache entries, and cached runs stay correct', async () => {
    const source = `let n = 0; export function execute(input) { n++; if (input === 'spin') for (;;) {} return n }`;
    await both(source, RUNS[0]);
    const before = await cache();
    assert.ok(before.has(source));
    const trapped = await both(source, { maxInstructions: 3_000_000n, input: 'spin' });
    assert.equal(trapped.error?.kind, 'out_of_fuel');
    const after = await cache();
    assert.notEqual(after, before, 'a new engine after the trap');
    assert.equal(after.size, 0, 'its cache starts empty');
    for (const options of RUNS) assert.equal((await both(source, options)).output, '1');
    assert.ok(after.has(source));
  });

  it('a budget too small for the cached evaluation falls back to evaluating (same out_of_fuel)', async () => {
    const source = `const big = []; for (let i = 0; i < 20000; i++) big.push(i); export function execute() { return big.length }`;
    await both(source, RUNS[0]);
    assert.ok((await cache()).has(source));
    const r = await both(source, { maxInstructions: 1_000_000n });
    assert.equal(r.error?.kind, 'out_of_fuel');
    assert.equal((await both(source, RUNS[1])).output, '20000');
  });

  it(`keeps at most ${MODULE_CACHE_SIZE} modules, least recently used evicted`, async () => {
    const c = await cache();
    c.clear();
    const sources = Array.from({ length: MODULE_CACHE_SIZE + 2 }, (_, k) => `const k = ${k}; let n = 0; export function execute() { return [k, ++n] }`);
    for (const source of sources) await both(source, RUNS[0]);
    assert.equal(c.size, MODULE_CACHE_SIZE);
    assert.equal(c.has(sources[0]!), false);
    assert.equal(c.has(sources[1]!), false);
    assert.ok(c.has(sources[2]!));
    // A hit makes a module the most recently used: the next insertion evicts sources[3], not it.
    await both(sources[2]!, RUNS[1]);
    await both(sources[0]!, RUNS[1]);
    assert.ok(c.has(sources[2]!));
    assert.equal(c.has(sources[3]!), false);
    for (const [k, source] of sources.entries()) assert.equal((await both(source, RUNS[2])).output, `[${k},1]`);
  });

  it('moduleCache: false on a run evaluates the module', async () => {
    const c = await cache();
    const source = `const k = 'off'; export function execute() { return k }`;
    const r = await cached.run(source, normalizeOptions({}), { moduleCache: false });
    assert.equal(r.output, '"off"');
    assert.equal(c.has(source), false);
  });
});
