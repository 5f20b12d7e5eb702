/**
 * The L3/L4 conformance suite: JS guests that every implementation must run with the same
 * output and fuel (in-thread runtime, Node pool, and later the browser bundle). Environment-
 * neutral: plain Errors, sources inline.
 */
import type { ExecutionResult } from '../../sandbox/result.js';
import type { RunOptions } from '../../sandbox/options.js';
import { equal, expect, failed, ok } from '../../sandbox/conformance/expect.js';

export type RunJs = (source: string, options?: RunOptions & { entry?: string }) => Promise<ExecutionResult>;

export interface JsCase {
  name: string;
  run(run: RunJs): Promise<void>;
}

export const JS_CASES: JsCase[] = [
  {
    name: 'returns JSON.stringify of the entry value; input is parsed JSON or the raw string',
    async run(run) {
      const src = 'export function execute(input) { return { type: typeof input, input }; }';
      equal((await run(src, { input: '{"a":[1,2]}' })).output, '{"type":"object","input":{"a":[1,2]}}', 'JSON input');
      equal((await run(src, { input: 'plain text' })).output, '{"type":"string","input":"plain text"}', 'string input');
      const alt = await run('export function other() { return 7 }', { entry: 'other' });
      ok(alt, 'other entry');
      equal(alt.output, '7', 'other entry output');
      equal((await run('export async function execute() { await null; return [1] }')).output, '[1]', 'async entry');
    },
  },
  {
    name: '100 replays: identical output and fuel',
    async run(run) {
      const src = `export function execute(n) {
        const m = new Map(); for (let i = 0; i < n; i++) m.set('k' + i, i * i);
        return { sum: [...m.values()].reduce((a, b) => a + b, 0), r: Math.random(), t: Date.now(), s: JSON.stringify([...m.keys()].slice(0, 3)) };
      }`;
      const first = await run(src, { input: '500', seed: 's', blockTimestampNs: 5_000_000n });
      ok(first, 'first');
      for (let i = 0; i < 99; i++) {
        const r = await run(src, { input: '500', seed: 's', blockTimestampNs: 5_000_000n });
        equal(r.output, first.output, `replay ${i} output`);
        equal(r.fuel_used, first.fuel_used, `replay ${i} fuel`);
      }
    },
  },
  {
    name: 'Date and Math.random are deterministic per seed and differ across seeds',
    async run(run) {
      const src = 'export function execute() { return [Date.now(), new Date().getTime(), Math.random(), Math.random()] }';
      const a = await run(src, { seed: 'one', blockTimestampNs: 1_700_000_000_123_000_000n });
      const b = await run(src, { seed: 'one', blockTimestampNs: 1_700_000_000_123_000_000n });
      const c = await run(src, { seed: 'two', blockTimestampNs: 1_700_000_000_123_000_000n });
      ok(a, 'a');
      equal(b.output, a.output, 'same seed');
      const [now, date, r1, r2] = JSON.parse(a.output) as number[];
      equal(now, 1_700_000_000_123, 'Date.now is the block timestamp');
      equal(date, 1_700_000_000_123, 'new Date() is the block timestamp');
      expect(r1 !== r2 && r1! >= 0 && r1! < 1, 'Math.random gives a sequence in [0,1)');
      expect(c.output !== a.output, 'another seed, other numbers');
    },
  },
  {
    name: 'infinite loop: out_of_fuel at the budget, and the host keeps serving',
    async run(run) {
      const r = await run('export function execute() { for (;;) {} }', { maxInstructions: 20_000_000 });
      failed(r, 'out_of_fuel', 'loop');
      equal(r.fuel_used, 20_000_000, 'fuel_used');
      ok(await run('export function execute() { return 1 }'), 'after out_of_fuel');
    },
  },
  {
    name: 'a heavy native built-in (a big sort) is metered and stopped',
    async run(run) {
      const src = 'export function execute(n) { const a = []; for (let i = 0; i < n; i++) a.push((i * 7919) % 100003); a.sort((x, y) => x - y); return a.length; }';
      const small = await run(src, { input: '1000' });
      ok(small, 'small sort');
      const big = await run(src, { input: '2000000', maxInstructions: 50_000_000 });
      failed(big, 'out_of_fuel', 'big sort');
    },
  },
  {
    name: 'allocation bomb: out_of_memory',
    async run(run) {
      const r = await run('export function execute() { const a = []; for (;;) a.push(new Array(100000).fill(1)); }', { maxMemoryMb: 32, maxInstructions: 50_000_000_000n });
      failed(r, 'out_of_memory', 'bomb');
      ok(await run('export function execute() { return 1 }', { maxMemoryMb: 32 }), 'after the bomb');
    },
  },
  {
    name: 'recursion: stack_overflow with identical fuel',
    async run(run) {
      const src = 'function f(n) { return f(n + 1) + 1 } export function execute() { return f(0) }';
      const a = await run(src);
      const b = await run(src);
      failed(a, 'stack_overflow', 'recursion');
      equal(b.fuel_used, a.fuel_used, 'same fuel');
    },
  },
  {
    name: 'async ordering is deterministic',
    async run(run) {
      const src = `export async function execute() {
        const log = [];
        const p = Promise.resolve().then(() => log.push('then1')).then(() => log.push('then2'));
        (async () => { log.push('async-start'); await null; log.push('async-after-await'); })();
        globalThis.queueMicrotask?.(() => log.push('microtask'));
        log.push('sync');
        await p; await Promise.all([1, 2].map(async (x) => log.push('all' + x)));
        return log;
      }`;
      const a = await run(src);
      ok(a, 'async');
      for (let i = 0; i < 3; i++) equal((await run(src)).output, a.output, 'order');
    },
  },
  {
    name: 'a guest exception: js_exception Name: message, and the host keeps serving',
    async run(run) {
      const r = await run('export function execute() { throw new RangeError("bad range") }');
      failed(r, 'js_exception', 'throw');
      equal(r.error!.message, 'RangeError: bad range', 'message');
      const rej = await run('export async function execute() { await null; throw new Error("later") }');
      equal(rej.error?.message, 'Error: later', 'rejected promise');
      ok(await run('export function execute() { return 1 }'), 'after');
    },
  },
  {
    name: 'a source that does not parse: invalid_module with the line number',
    async run(run) {
      const r = await run('export function execute() {\n  return 1 +;\n}');
      failed(r, 'invalid_module', 'syntax');
      expect(/line 2/.test(r.error!.message), `message names line 2: ${r.error!.message}`);
      failed(await run('export const x = 1'), 'invalid_module', 'no execute export');
    },
  },
  {
    name: 'output and log caps: output_limit',
    async run(run) {
      failed(await run('export function execute() { return "x".repeat(5000) }', { maxOutputBytes: 1000 }), 'output_limit', 'output');
      const logs = await run('export function execute() { for (let i = 0; ; i++) { try { console.log("line " + i) } catch {} } }', { maxOutputBytes: 1000 });
      failed(logs, 'output_limit', 'logs');
    },
  },
  {
    name: 'the near API: storage, context, hashes, logs, return, promises, panic',
    async run(run) {
      const src = `export function execute() {
        const had = near.storageWrite('k', 'v1');
        near.storageWrite(new Uint8Array([1, 2]), new Uint8Array([3, 4]));
        near.log('hello', 42);
        console.log('from console');
        const h = near.sha256('abc');
        const k = near.keccak256('');
        const p = near.promiseCreate('other.near', 'method', '{}', 0n, 5000000000000n);
        near.promiseThen(p, 'me.near', 'callback', '', 0, 1);
        return {
          had, read: near.storageRead('k'), bytes: Array.from(near.storageReadBytes(new Uint8Array([1, 2]))),
          has: near.storageHasKey('k'), removed: near.storageRemove('k'), gone: near.storageRead('k'),
          me: near.currentAccountId(), height: String(near.blockHeight()), ts: String(near.blockTimestamp()),
          sha: Array.from(h.slice(0, 4)), keccak: Array.from(k.slice(0, 4)), seed: near.randomSeed().length, p: String(p),
        };
      }`;
      const r = await run(src, { blockTimestampNs: 77n });
      ok(r, 'near');
      const o = JSON.parse(r.output);
      equal(o.had, false, 'storageWrite of a new key');
      equal(o.read, 'v1', 'storageRead');
      equal(o.bytes.join(','), '3,4', 'bytes keys and values');
      equal(o.has && o.removed && o.gone === null, true, 'has/remove');
      equal(o.ts, '77', 'blockTimestamp');
      equal(o.sha.join(','), '186,120,22,191', 'sha256("abc")');
      equal(o.keccak.join(','), '197,210,70,1', 'keccak256("")');
      equal(o.seed, 32, 'randomSeed length');
      equal(r.logs.join('|'), 'hello 42|from console', 'logs');
      const panic = await run('export function execute() { try { near.panic("stop") } catch (e) {} return "escaped" }');
      failed(panic, 'js_exception', 'panic');
      equal(panic.error!.message, 'Panic: stop', 'panic message');
    },
  },
  {
    name: 'strings holding U+0000 cross the host boundary whole (keys, values, logs)',
    async run(run) {
      const src = `export function execute() {
        near.storageWrite('k\\u0000a', 'v\\u0000one');
        near.storageWrite('k\\u0000b', 'two');
        near.storageWrite('k', 'plain');
        near.log('log\\u0000line');
        return { a: near.storageRead('k\\u0000a'), b: near.storageRead('k\\u0000b'), k: near.storageRead('k'), has: near.storageHasKey('k\\u0000c'), bytes: Array.from(near.storageReadBytes('k\\u0000a')).length };
      }`;
      const r = await run(src);
      ok(r, 'nul');
      equal(r.output, JSON.stringify({ a: 'v\u0000one', b: 'two', k: 'plain', has: false, bytes: 5 }), 'NUL keys are distinct and values whole');
      equal(JSON.stringify(r.logs), JSON.stringify(['log\u0000line']), 'a log line keeps its NUL');
    },
  },
  {
    name: 'near.ed25519Verify checks RFC 8032 signatures; accountBalance and storageUsage read the context',
    async run(run) {
      // RFC 8032 section 7.1, test 1 (empty message).
      const src = `const hex = (s) => new Uint8Array(s.match(/../g).map((b) => parseInt(b, 16)));
      export function execute() {
        const pk = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
        const sig = hex('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
        const bad = sig.slice(); bad[0] ^= 1;
        let short = 'no error';
        try { near.ed25519Verify(sig.slice(0, 63), '', pk); } catch (e) { short = e.name; }
        return { good: near.ed25519Verify(sig, new Uint8Array(0), pk), tampered: near.ed25519Verify(bad, '', pk), otherMessage: near.ed25519Verify(sig, 'x', pk), short,
          balance: String(near.accountBalance()), usage: String(near.storageUsage()) };
      }`;
      const r = await run(src);
      ok(r, 'ed25519');
      equal(r.output, '{"good":true,"tampered":false,"otherMessage":false,"short":"RangeError","balance":"0","usage":"0"}', 'verify results');
    },
  },
];

JS_CASES.push({
  name: 'the near API: batch actions, promiseAnd, yield create/resume and their refusals',
  async run(run) {
    const src = `export function execute() {
      const errors = [];
      const refuse = (f) => { try { f(); errors.push('accepted'); } catch (e) { errors.push(e.name); } };
      const b = near.promiseBatchCreate('a.near');
      near.promiseBatchActionTransfer(b, 7n);
      near.promiseBatchActionFunctionCall(b, 'm', new Uint8Array([1]), 1n, 10n);
      const c = near.promiseCreate('b.near', 'n', '', 0, 5);
      const j = near.promiseAnd(b, c);
      const t = near.promiseBatchThen(j, 'me.near');
      const y = near.promiseYieldCreate('cb', '{}', 3n, 1);
      const y2 = near.promiseYieldCreate('cb', '{}', 3n);
      refuse(() => near.promiseBatchActionTransfer(j, 1n));
      refuse(() => near.promiseReturn(j));
      refuse(() => near.promiseBatchActionTransfer(99, 1n));
      refuse(() => near.promiseBatchActionFunctionCall(b, '', '', 0, 1));
      refuse(() => near.promiseYieldResume(new Uint8Array(31), ''));
      refuse(() => near.promiseYieldResume(y.dataId, 'x'.repeat(1025)));
      return {
        indices: [b, c, j, t, y.promiseIndex, y2.promiseIndex].map(String), types: typeof y.promiseIndex,
        dataId: y.dataId.length, distinct: y.dataId.some((v, i) => v !== y2.dataId[i]), frozen: Object.isFrozen(y),
        resumed: [near.promiseYieldResume(y.dataId, 'ok'), near.promiseYieldResume(y.dataId, 'again')], errors,
      };
    }`;
    const r = await run(src);
    ok(r, 'batch');
    const o = JSON.parse(r.output);
    equal(o.indices.join(','), '0,1,2,3,4,5', 'promise indices (bigint)');
    equal(o.types, 'bigint', 'promiseIndex is a bigint');
    equal(o.dataId, 32, 'a yield data id is 32 bytes');
    equal(o.distinct && o.frozen, true, 'distinct data ids, frozen result');
    equal(o.resumed.join(','), 'true,false', 'a yield resumes once');
    equal(o.errors.join(','), 'RangeError,RangeError,RangeError,RangeError,RangeError,RangeError', 'refusals');
  },
});

JS_CASES.push({
  name: 'FrozenRealm: a plugin runs in its own realm and cannot reach the caller',
  async run(run) {
    const plugin = `
      function calculateSwap(p) { return { out: p.amount * p.price, seenNear: typeof near, seenStorage: typeof storage }; }
      function tamper(obj) { obj.stolen = true; try { Array.prototype.push = null } catch (e) {} return typeof FrozenRealm; }
      function usePrice(sym) { return getPrice(sym) * 2; }
      function loop() { for (;;) {} }`;
    const caller = `export function execute() {
      const state = { balance: 10 };
      const realm = new FrozenRealm({ globals: { getPrice: (sym) => (sym === 'NEAR' ? 3 : 0) } });
      realm.evaluate(${JSON.stringify(plugin)});
      const swap = realm.call('calculateSwap', { amount: 5, price: 2 });
      const tampered = realm.call('tamper', state);
      const price = realm.call('usePrice', 'NEAR');
      let error = null;
      try { realm.call('nope') } catch (e) { error = String(e.message) }
      return { swap, tampered, stateAfter: state, price, error, arrayPushOk: typeof [].push };
    }`;
    const r = await run(caller);
    ok(r, 'frozen realm');
    const o = JSON.parse(r.output);
    equal(JSON.stringify(o.swap), '{"out":10,"seenNear":"undefined","seenStorage":"undefined"}', 'plugin result, no near');
    equal(o.tampered, 'undefined', 'plugin sees no FrozenRealm');
    equal(JSON.stringify(o.stateAfter), '{"balance":10}', 'caller object untouched (copied)');
    equal(o.price, 6, 'caller function passed in');
    expect(/no function nope/.test(o.error), `missing function error: ${o.error}`);
    equal(o.arrayPushOk, 'function', 'caller intrinsics untouched');
    const spin = await run(`export function execute() { const r = new FrozenRealm(); r.evaluate('for(;;){}'); }`, { maxInstructions: 30_000_000 });
    failed(spin, 'out_of_fuel', 'plugin loop is metered');
  },
});

JS_CASES.push({
  name: 'the realm is frozen: intrinsics cannot be modified and there are no ambient globals',
  async run(run) {
    const src = `export function execute() {
      const attempts = {
        'Array.prototype': () => { Array.prototype.push = null },
        'Object.prototype': () => { Object.prototype.polluted = 1 },
        'JSON': () => { JSON.parse = null },
        'Math': () => { Math.random = () => 4 },
        'Function.prototype': () => { Function.prototype.call = null },
        'defineProperty': () => Object.defineProperty(Array.prototype, 'x', { value: 1 }),
        'delete': () => { delete Math.PI },
        'TypedArray': () => { Object.getPrototypeOf(Uint8Array).prototype.fill = null },
        'Generator': () => { Object.getPrototypeOf(function* () {}).prototype.next = null },
        'global near': () => { near.storageRead = null },
        'new global': () => { globalThis.leak = 1 },
      };
      const failed = {};
      for (const [k, f] of Object.entries(attempts)) { try { f(); failed[k] = false } catch (e) { failed[k] = e instanceof TypeError } }
      const ambient = ['SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry', 'setTimeout', 'setInterval', 'fetch', 'WebAssembly', 'process', 'require', 'std', 'os', '__host_log']
        .filter((name) => typeof globalThis[name] !== 'undefined');
      return { failed, ambient, polluted: ({}).polluted === undefined, harden: typeof harden };
    }`;
    const r = await run(src);
    ok(r, 'frozen realm');
    const o = JSON.parse(r.output);
    for (const [k, v] of Object.entries(o.failed)) equal(v, true, `modifying ${k} throws a TypeError`);
    equal(o.ambient.join(','), '', 'ambient globals present');
    equal(o.polluted, true, 'Object.prototype unchanged');
    equal(o.harden, 'function', 'guests get harden');
    // Nothing leaks between executions: a second run sees a fresh realm.
    const leak = await run('let n = 0; export function execute() { return ++n + (globalThis.leak ?? 0) }');
    const again = await run('let n = 0; export function execute() { return ++n + (globalThis.leak ?? 0) }');
    equal(again.output, leak.output, 'fresh module state per execution');
  },
});
