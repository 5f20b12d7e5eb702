// The frozen realm, checked from inside QuickJS the way a guest would probe it.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import type { QuickJSContext, QuickJSHandle, QuickJSSyncVariant } from 'quickjs-emscripten-core';
import { HOST_LOG_GLOBAL, LOCKDOWN_SOURCE } from './lockdown-source.js';
import { PERMITS } from './permits.js';

// The package's types describe its CommonJS shape; under NodeNext the default import is the variant.
const QuickJS = await newQuickJSWASMModuleFromVariant(releaseSync as unknown as QuickJSSyncVariant);

/** Every context a test creates, so the last test can check none is left alive. */
const live = new Set<Realm>();

const SEED_A = '00'.repeat(31) + '01';
const SEED_B = 'ab'.repeat(32);
const BLOCK_MS = 1_700_000_000_123;

class Realm {
  readonly ctx: QuickJSContext;
  readonly control: QuickJSHandle;
  readonly logs: string[] = [];
  readonly lockdownMs: number;

  constructor(options: { seal?: boolean } = {}) {
    this.ctx = QuickJS.newContext();
    // Without a QuickJS stack limit, deep guest recursion overflows the host's stack instead.
    this.ctx.runtime.setMaxStackSize(256 * 1024);
    live.add(this);
    const log = this.ctx.newFunction(HOST_LOG_GLOBAL, (level, message) => {
      this.logs.push(`${this.ctx.getString(level)}: ${this.ctx.getString(message)}`);
    });
    this.ctx.setProp(this.ctx.global, HOST_LOG_GLOBAL, log);
    log.dispose();
    const started = performance.now();
    this.control = this.ctx.unwrapResult(this.ctx.evalCode(LOCKDOWN_SOURCE, 'lockdown.js'));
    this.lockdownMs = performance.now() - started;
    if (options.seal ?? true) this.call('seal');
  }

  /** Calls control[method](...args); args are JSON values. */
  call(method: string, ...args: unknown[]): unknown {
    const fn = this.ctx.getProp(this.control, method);
    const handles = args.map((a) => this.toHandle(a));
    try {
      return this.dumpOrThrow(this.ctx.callFunction(fn, this.control, ...handles));
    } finally {
      fn.dispose();
      for (const h of handles) h.dispose();
    }
  }

  private toHandle(value: unknown): QuickJSHandle {
    if (value === undefined) return this.ctx.undefined;
    return this.ctx.unwrapResult(this.ctx.evalCode(`(${JSON.stringify(value)})`));
  }

  /** Evaluates a script and returns its completion value (JSON-dumped), or throws the guest error. */
  run(source: string): unknown {
    return this.dumpOrThrow(this.ctx.evalCode(source, 'guest-script.js'));
  }

  /** The dumped value of a guest call, or the guest's error thrown as a host Error. */
  private dumpOrThrow(result: { value?: QuickJSHandle; error?: QuickJSHandle }): unknown {
    if (result.error) {
      const error = this.ctx.dump(result.error) as { name: string; message: string };
      result.error.dispose();
      throw Object.assign(new Error(`${error.name}: ${error.message}`), { guest: error });
    }
    const value: unknown = this.ctx.dump(result.value!);
    result.value!.dispose();
    return value;
  }

  /** Evaluates an ES module and returns its `result` export. */
  module(source: string): unknown {
    const result = this.ctx.evalCode(source, 'guest.js', { type: 'module' });
    if (result.error) {
      const error = this.ctx.dump(result.error) as { name: string; message: string };
      result.error.dispose();
      throw Object.assign(new Error(`${error.name}: ${error.message}`), { guest: error });
    }
    let exports = result.value;
    if (this.ctx.getPromiseState(exports).type !== 'fulfilled') {
      this.ctx.runtime.executePendingJobs();
    }
    const state = this.ctx.getPromiseState(exports);
    if (state.type === 'fulfilled' && !state.notAPromise) {
      exports.dispose();
      exports = state.value;
    } else if (state.type === 'rejected') {
      const error = this.ctx.dump(state.error) as { name: string; message: string };
      state.error.dispose();
      exports.dispose();
      throw new Error(`${error.name}: ${error.message}`);
    }
    const value = this.ctx.getProp(exports, 'result');
    const dumped: unknown = this.ctx.dump(value);
    value.dispose();
    exports.dispose();
    return dumped;
  }

  dispose(): void {
    this.control.dispose();
    this.ctx.dispose();
    live.delete(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** A sealed realm for read-only probes, shared by the tests that do not change it. */
const shared = new Realm();
after(() => {
  shared.dispose();
  assert.equal(live.size, 0, 'a test left a QuickJS context alive');
});

const PERMITTED_GLOBALS = PERMITS.globalThis!.split(' ');

describe('lockdown', () => {
  it('needs the host log function, and deletes it', () => {
    const ctx = QuickJS.newContext();
    try {
      const result = ctx.evalCode(LOCKDOWN_SOURCE, 'lockdown.js');
      assert.ok(result.error, 'lockdown without __host_log must fail');
      assert.match((ctx.dump(result.error) as { message: string }).message, /__host_log/);
      result.error.dispose();
    } finally {
      ctx.dispose();
    }
    assert.equal(shared.run(`typeof ${HOST_LOG_GLOBAL}`), 'undefined');
  });

  it('removes exactly the properties QuickJS has beyond the permits', () => {
    assert.equal(shared.call('harden', 1), 1);
    const removed = shared.ctx.getProp(shared.control, 'removed');
    const list = shared.ctx.dump(removed) as string[];
    removed.dispose();
    // If the engine changes, this list changes: review the new properties against permits.ts.
    assert.deepEqual(list.sort(), [
      'Function.prototype.columnNumber',
      'Function.prototype.fileName',
      'Function.prototype.lineNumber',
      'Set.groupBy',
      'globalThis.@@toStringTag',
      'globalThis.FinalizationRegistry',
      'globalThis.InternalError',
      'globalThis.SharedArrayBuffer',
      'globalThis.WeakRef',
    ]);
  });

  it('prints how long lockdown takes', () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const realm = new Realm();
      times.push(realm.lockdownMs);
      realm.dispose();
    }
    console.log(`lockdown in QuickJS: ${times.map((t) => t.toFixed(1)).join(', ')} ms (first includes wasm warm-up)`);
  });
});

describe('globals', () => {
  it('are exactly the permitted ones, each frozen, non-writable and non-configurable', () => {
    const report = shared.run(`(() => {
      const out = {};
      for (const key of Reflect.ownKeys(globalThis)) {
        const d = Object.getOwnPropertyDescriptor(globalThis, key);
        const v = d.value;
        out[String(key)] = {
          frozen: (typeof v !== 'object' && typeof v !== 'function') || v === null || Object.isFrozen(v),
          locked: !d.writable && !d.configurable,
        };
      }
      return out;
    })()`) as Record<string, { frozen: boolean; locked: boolean }>;
    assert.deepEqual(Object.keys(report).sort(), [...PERMITTED_GLOBALS].sort());
    for (const [name, r] of Object.entries(report)) {
      assert.ok(r.frozen, `${name} is not frozen`);
      assert.ok(r.locked, `${name} is writable or configurable`);
    }
    assert.equal(shared.run('Object.isFrozen(globalThis)'), true);
  });

  it('keep the standard library working', () => {
    assert.deepEqual(
      shared.run(`[
        [3, 1, 2].toSorted().join(), JSON.stringify({ a: [1n].map(String) }), new Map([[1, 2]]).get(1),
        Object.groupBy([1, 2, 3], (x) => (x % 2 ? 'odd' : 'even')).odd.length, 'abc'.replaceAll('b', 'x'),
        [...new Set([1, 1, 2])].length, Array.from({ length: 3 }, (_, i) => i * i).at(-1),
        new Uint8Array([1, 2, 3]).reduce((a, b) => a + b), /(?<y>\\d{4})/.exec('in 2024').groups.y,
        Iterator.from([1, 2, 3]).map((x) => x * 2).toArray().join(), typeof Proxy, typeof Reflect.ownKeys,
        eval('1 + 1'), new Function('a', 'return a * 2')(21), encodeURIComponent('a b'), escape('ä'),
        typeof structuredClone,
      ]`),
      ['1,2,3', '{"a":["1"]}', 2, 2, 'axc', 2, 4, 6, '2024', '2,4,6', 'function', 'function', 2, 42, 'a%20b', '%E4', 'undefined'],
    );
  });

  it('lose everything ambient, however it is spelled', () => {
    const names = [
      'SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry', 'InternalError', 'setTimeout',
      'setInterval', 'clearTimeout', 'clearInterval', 'setImmediate', 'fetch', 'WebAssembly', 'std', 'os',
      'print', 'performance', '__loadScript', 'scriptArgs', 'bjson', 'gc', 'process', 'require', 'Deno',
      'navigator', 'XMLHttpRequest', 'Worker', 'importScripts', '__host_log',
    ];
    const result = shared.run(`(() => {
      const found = [];
      for (const name of ${JSON.stringify(names)}) {
        if (typeof globalThis[name] !== 'undefined' || name in globalThis) found.push(name);
        try { (0, eval)(name); found.push('eval:' + name); } catch (e) { if (!(e instanceof ReferenceError)) found.push('threw:' + name); }
      }
      if (typeof globalThis['Web' + 'Assembly'] !== 'undefined') found.push('WebAssembly via concatenation');
      if (typeof Function('return this')().SharedArrayBuffer !== 'undefined') found.push('SAB via Function');
      return found;
    })()`);
    assert.deepEqual(result, []);
  });

  it('lose non-standard properties of intrinsics', () => {
    assert.deepEqual(
      shared.run(`[
        'fileName' in function () {}, 'lineNumber' in Function.prototype, 'groupBy' in Set,
        Object.prototype.toString.call(globalThis),
      ]`),
      [false, false, false, '[object Object]'],
    );
  });
});

/** Expressions reaching every intrinsic, named and hidden. */
const INTRINSIC_PROBES: Record<string, string> = {
  'Object.prototype': 'Object.prototype',
  'Function.prototype': 'Function.prototype',
  'Array.prototype': 'Array.prototype',
  JSON: 'JSON',
  Math: 'Math',
  Reflect: 'Reflect',
  'Promise.prototype': 'Promise.prototype',
  '%TypedArray%': 'Object.getPrototypeOf(Uint8Array)',
  '%TypedArray%.prototype': 'Object.getPrototypeOf(Uint8Array.prototype)',
  '%IteratorPrototype%': 'Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))',
  '%ArrayIteratorPrototype%': 'Object.getPrototypeOf([][Symbol.iterator]())',
  '%StringIteratorPrototype%': "Object.getPrototypeOf(''[Symbol.iterator]())",
  '%MapIteratorPrototype%': 'Object.getPrototypeOf(new Map().entries())',
  '%SetIteratorPrototype%': 'Object.getPrototypeOf(new Set().values())',
  '%RegExpStringIteratorPrototype%': "Object.getPrototypeOf('x'.matchAll(/x/g))",
  '%IteratorHelperPrototype%': 'Object.getPrototypeOf([].values().map((x) => x))',
  '%WrapForValidIteratorPrototype%': 'Object.getPrototypeOf(Iterator.from({ next() {} }))',
  '%GeneratorFunction%': 'Object.getPrototypeOf(function* () {}).constructor',
  '%GeneratorFunction.prototype%': 'Object.getPrototypeOf(function* () {})',
  '%GeneratorPrototype%': 'Object.getPrototypeOf(function* () {}).prototype',
  '%AsyncFunction%': 'Object.getPrototypeOf(async function () {}).constructor',
  '%AsyncFunction.prototype%': 'Object.getPrototypeOf(async function () {})',
  '%AsyncGeneratorFunction%': 'Object.getPrototypeOf(async function* () {}).constructor',
  '%AsyncGeneratorPrototype%': 'Object.getPrototypeOf(async function* () {}).prototype',
  '%AsyncIteratorPrototype%': 'Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype)',
  '%ThrowTypeError%': "Object.getOwnPropertyDescriptor(Function.prototype, 'caller').get",
  '%ThrowTypeError% via arguments': "(function () { 'use strict'; return Object.getOwnPropertyDescriptor(arguments, 'callee').get; })()",
  '%InternalError%': '(() => { try { (function f() { f(); })(); } catch (e) { return e.constructor; } })()',
  '%InternalError%.prototype': '(() => { try { (function f() { f(); })(); } catch (e) { return Object.getPrototypeOf(e); } })()',
  'Error.prototype': 'Error.prototype',
  'Symbol.prototype': 'Symbol.prototype',
  'Date.prototype': 'Date.prototype',
  'RegExp.prototype': 'RegExp.prototype',
  'Array.prototype[@@unscopables]': 'Array.prototype[Symbol.unscopables]',
  'Object.prototype.__proto__ accessors': "Object.getOwnPropertyDescriptor(Object.prototype, '__proto__').set",
  'Iterator.prototype.constructor accessor': "Object.getOwnPropertyDescriptor(Iterator.prototype, 'constructor').set",
  console: 'console',
  'console.log': 'console.log',
  crypto: 'crypto',
  harden: 'harden',
  'Promise resolving function': '(() => { let r; new Promise((res) => { r = res; }); return Object.getPrototypeOf(r); })()',
};

describe('intrinsics', () => {
  it('are all frozen, the hidden ones included, with every accessor and prototype they reach', () => {
    const result = shared.run(`(() => {
      const probes = { ${Object.entries(INTRINSIC_PROBES)
        .map(([k, v]) => `${JSON.stringify(k)}: () => ${v}`)
        .join(',\n')} };
      const problems = [];
      for (const [name, probe] of Object.entries(probes)) {
        const root = probe();
        if ((typeof root !== 'object' && typeof root !== 'function') || root === null) { problems.push(name + ' unreachable'); continue; }
        // Transitive: everything reachable through own properties, accessors and prototypes.
        const seen = new Set();
        const queue = [[name, root]];
        while (queue.length) {
          const [path, obj] = queue.pop();
          if (obj === null || seen.has(obj) || obj === globalThis) continue;
          seen.add(obj);
          if (!Object.isFrozen(obj)) problems.push(path + ' is not frozen');
          queue.push([path + '.[[Prototype]]', Object.getPrototypeOf(obj)]);
          for (const key of Reflect.ownKeys(obj)) {
            const d = Object.getOwnPropertyDescriptor(obj, key);
            let got;
            // What a getter returns counts too (lockdown turns some data properties into accessors).
            if (d.get) try { got = d.get.call(obj); } catch {}
            for (const v of [d.value, d.get, d.set, got]) {
              if ((typeof v === 'object' && v !== null) || typeof v === 'function') queue.push([path + '.' + String(key), v]);
            }
          }
        }
      }
      return problems;
    })()`);
    assert.deepEqual(result, []);
  });

  for (const target of ['Array.prototype', 'Object.prototype', 'JSON', 'Math', 'Function.prototype', '%TypedArray%.prototype', '%GeneratorPrototype%', '%AsyncIteratorPrototype%']) {
    it(`${target} cannot be changed: assignment, defineProperty, delete, setPrototypeOf`, () => {
      const probe = INTRINSIC_PROBES[target] ?? target;
      const result = shared.run(`(() => {
        'use strict';
        const target = ${probe};
        const key = Reflect.ownKeys(target).find((k) => !['length', 'name', 'prototype', 'caller', 'arguments'].includes(k));
        const outcome = (fn) => { try { fn(); return 'no error'; } catch (e) { return e.constructor.name; } };
        return {
          assignExisting: outcome(() => { target[key] = 1; }),
          assignNew: outcome(() => { target.addedByGuest = 1; }),
          define: outcome(() => Object.defineProperty(target, key, { value: 1 })),
          defineNew: outcome(() => Object.defineProperty(target, 'addedByGuest', { value: 1 })),
          deleteStrict: outcome(() => { delete target[key]; }),
          deleteSloppy: Function('t', 'k', 'return delete t[k]')(target, key),
          setPrototype: Reflect.setPrototypeOf(target, {}),
          unchanged: !('addedByGuest' in target) && key in target,
        };
      })()`);
      assert.deepEqual(result, {
        assignExisting: 'TypeError',
        assignNew: 'TypeError',
        define: 'TypeError',
        defineNew: 'TypeError',
        deleteStrict: 'TypeError',
        deleteSloppy: false,
        setPrototype: false,
        unchanged: true,
      });
    });
  }

  it('still let objects override what they inherit (the override mistake is repaired)', () => {
    const result = shared.module(`
      class MyError extends RangeError {
        constructor(message) { super(message); this.name = 'MyError'; }
      }
      function Legacy() {}
      Legacy.prototype = Object.create(Error.prototype);
      Legacy.prototype.constructor = Legacy;
      Legacy.prototype.name = 'Legacy';
      Legacy.prototype.toString = function () { return 'legacy'; };
      const record = {};
      record.toString = () => 'custom';
      record.hasOwnProperty = 1;
      const list = [1, 2];
      list.push = 'shadowed';
      const iter = Object.create(Iterator.prototype);
      iter.constructor = 'mine';
      iter[Symbol.toStringTag] = 'tag';
      iter.map = 'mapped';
      let onIntrinsic;
      try { Object.prototype.toString = () => 'hacked'; onIntrinsic = 'no error'; } catch (e) { onIntrinsic = e.constructor.name; }
      export const result = [
        String(new MyError('boom')), new MyError('x') instanceof RangeError, new Legacy().name, String(new Legacy()),
        String(record), record.hasOwnProperty, list.push, Object.keys(record).join(), iter.constructor, iter[Symbol.toStringTag],
        iter.map, onIntrinsic, Object.prototype.toString.call([]), ({}).toString(),
      ];
    `);
    assert.deepEqual(result, [
      'MyError: boom', true, 'Legacy', 'legacy', 'custom', 1, 'shadowed', 'toString,hasOwnProperty', 'mine', 'tag',
      'mapped', 'TypeError', '[object Array]', '[object Object]',
    ]);
  });
});

describe('harden', () => {
  it('freezes transitively (values, accessors, prototypes) and returns its argument', () => {
    const result = shared.module(`
      const proto = { inherited: { deep: [] } };
      const getter = () => 1;
      const obj = Object.create(proto, { acc: { get: getter, enumerable: true } });
      obj.nested = { list: [{ x: 1 }], fn: function () {} };
      obj.bytes = new Uint8Array([1, 2]);
      const same = harden(obj) === obj;
      let mutate;
      try { obj.nested.list[0].x = 2; mutate = 'no error'; } catch (e) { mutate = e.constructor.name; }
      obj.bytes[0] = 9; // elements of a typed array cannot be frozen (ECMA-262 §10.4.5)
      export const result = [
        same, Object.isFrozen(obj), Object.isFrozen(obj.nested.list[0]), Object.isFrozen(proto.inherited.deep),
        Object.isFrozen(getter), Object.isFrozen(obj.nested.fn), Object.isFrozen(obj.nested.fn.prototype),
        Object.isExtensible(obj.bytes), mutate, obj.bytes[0], harden(5), harden(null),
      ];
    `);
    assert.deepEqual(result, [true, true, true, true, true, true, true, false, 'TypeError', 9, 5, null]);
  });
});

describe('Date', () => {
  it('reads the block timestamp given to begin()', () => {
    using realm = new Realm();
    realm.call('begin', SEED_A, BLOCK_MS);
    const result = realm.module(`
      const a = Date.now(); const b = new Date().getTime(); const c = Date();
      export const result = [a, b, c === new Date(${BLOCK_MS}).toString(), typeof c, new Date(0).getTime(), Date.now() === a];
    `);
    assert.deepEqual(result, [BLOCK_MS, BLOCK_MS, true, 'string', 0, true]);
    realm.call('begin', SEED_A, 5);
    assert.equal(realm.run('Date.now()'), 5);
    assert.throws(() => realm.call('begin', SEED_A, 1.5), /RangeError/);
    assert.throws(() => realm.call('begin', SEED_A, 9e15), /RangeError/);
    assert.throws(() => realm.call('begin', SEED_A, '5'), /RangeError/);
  });

  it('hides the original constructor', () => {
    assert.deepEqual(
      shared.run(`[
        Object.getPrototypeOf(new Date(0)).constructor === Date, Date.prototype.constructor === Date,
        new Date(0) instanceof Date, Date.length, Date.name, Object.getPrototypeOf(Date) === Function.prototype,
        (() => { class D extends Date { y() { return this.getUTCFullYear(); } } return new D(0).y(); })(),
        typeof Date.UTC, Date.UTC(2020, 0, 1),
      ]`),
      [true, true, true, 7, 'Date', true, 1970, 'function', 1577836800000],
    );
  });

  it('keeps local time in UTC, whatever the host time zone', () => {
    const previous = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      using realm = new Realm();
      const result = realm.run(`(() => {
        const d = new Date(2020, 0, 1, 10, 30);
        return [
          d.getTime() === Date.UTC(2020, 0, 1, 10, 30), d.getHours(), d.getTimezoneOffset(), d.toString(),
          d.toDateString(), d.toTimeString(), d.toLocaleString(), d.toLocaleDateString(), d.toLocaleTimeString(),
          Date.parse('2020-01-01T10:30'), Date.parse('Jan 1 2020 10:30'), new Date('2020-01-01T10:30').getHours(),
          Date.parse('2020-01-01T10:30:00-05:00'), Date.parse('Wed, 01 Jan 2020 10:30:00 EST'),
          new Date(2020, 0, 1).setHours(25), d.getDay(), new Date(NaN).getTimezoneOffset(), String(new Date(NaN)),
          new Date(-1e14).toString(), new Date(50, 0).getFullYear(), new Date(0).getYear(),
          (() => { const x = new Date(0); x.setYear(99); return x.getTime(); })(), new Date(0).toISOString(),
          JSON.stringify(new Date(0)), new Date(8.64e15 + 1).getTime(),
        ];
      })()`);
      assert.deepEqual(result, [
        true, 10, 0, 'Wed Jan 01 2020 10:30:00 GMT+0000', 'Wed Jan 01 2020', '10:30:00 GMT+0000',
        '01/01/2020, 10:30:00 AM', '01/01/2020', '10:30:00 AM',
        1577874600000, 1577874600000, 10, 1577892600000, 1577892600000,
        Date.UTC(2020, 0, 2, 1), 3, null, 'Invalid Date',
        'Thu Feb 15 -1199 14:13:20 GMT+0000', 1950, 70, Date.UTC(1999, 0, 1), '1970-01-01T00:00:00.000Z',
        '"1970-01-01T00:00:00.000Z"', null,
      ]);
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('parses strings like QuickJS does in UTC', () => {
    const samples = [
      '2020', '2020-02', '2020-02-03', '2020-02-03T04:05', '2020-02-03T04:05:06', '2020-02-03T04:05:06.7',
      '2020-02-03T04:05:06.789123Z', '2020-02-03T04:05:06+01:30', '2020-02-03T04:05:06-0130', '+002020-02-03T04:05Z',
      '-000001-01-01T00:00:00Z', '-000000-01-01T00:00:00Z', '0050-01-01', '2020-02-03T24:00', '2020-02-03T24:01',
      '2020-13-01', '2020-02-30', '2020-02-03T4:05', '2020-02-03T04:05Zjunk', '2020-02-03 04:05',
      'Tue Jan 02 2018 23:04:46 GMT+0100', 'Tue, 02 Jan 2018 23:04:46 GMT', 'Jan 2 2018', '2 Jan 2018 10:00 PM',
      '1/2/2018, 11:40:40 PM', '1/2/18', '12/31/49', '12/31/50', 'January 2, 2018 10:00:00 UTC', 'Jan 2018',
      '2018 Jan 2 10:00 pst', 'Jan 2 2018 10:00 CEST', 'Jan 2 2018 10:00 +5', 'Jan 2 2018 10:00 +0530',
      'Jan 2 2018 10:00 -05:30', 'Jan 2 2018 (comment) 10:00', 'Jan 2 2018 (unclosed', 'Jan 2 2018 )',
      'Thursday, 1 January 1970', '12:00 AM Jan 1 1970', '1970 Jan 1 12:00 AM', '1970 Jan 1 13:00 PM', '',
      'garbage', 'Jan 1 1970 10:00 Z', 'Jan 1 1970 10:00 UT', '32 Jan 2020', '1 2 3 4', 'Jan 1 -50',
      'Sat, 01-Jan-2000 08:00:00 GMT', '2000/01/01 08:00', '2000.01.01', '\u2212000001-01-01T00:00:00Z',
      'Jan 1 2000 \u00e9t\u00e9', '  Jan   1   2000  ', 'Jan 1 2000 10:00:00.123456', `${'x'.repeat(130)} 2000`,
    ];
    const previous = process.env.TZ;
    process.env.TZ = 'UTC';
    let native: unknown;
    const ctx = QuickJS.newContext();
    try {
      const handle = ctx.unwrapResult(ctx.evalCode(`${JSON.stringify(samples)}.map((s) => String(Date.parse(s)))`));
      native = ctx.dump(handle);
      handle.dispose();
    } finally {
      ctx.dispose();
    }
    process.env.TZ = 'Asia/Kolkata';
    try {
      using realm = new Realm();
      const ours = realm.run(`${JSON.stringify(samples)}.map((s) => String(Date.parse(s)))`);
      const table = samples.map((s, i) => [s, (native as string[])[i], (ours as string[])[i]]);
      assert.deepEqual(
        table.filter(([, a, b]) => a !== b),
        [],
      );
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });
});

describe('randomness', () => {
  const draw = (seed: string | number[], probe: string): unknown => {
    using realm = new Realm();
    realm.call('begin', seed, 0);
    return realm.run(probe);
  };
  const SEQUENCE = 'Array.from({ length: 8 }, () => Math.random())';

  it('Math.random is the same sequence for the same seed in fresh contexts, different for another seed', () => {
    const a1 = draw(SEED_A, SEQUENCE) as number[];
    const a2 = draw(SEED_A, SEQUENCE) as number[];
    const b = draw(SEED_B, SEQUENCE) as number[];
    assert.deepEqual(a1, a2);
    assert.notDeepEqual(a1, b);
    for (const x of [...a1, ...b]) assert.ok(x >= 0 && x < 1 && Number.isFinite(x));
    assert.equal(new Set(a1).size, 8);
    const bytes = Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0));
    assert.deepEqual(draw(bytes, SEQUENCE), a1, 'a hex seed and the same bytes as an array agree');
  });

  it('begin() restarts the stream, and rejects bad seeds', () => {
    using realm = new Realm();
    realm.call('begin', SEED_B, 0);
    const first = realm.run(SEQUENCE);
    realm.run(SEQUENCE);
    realm.call('begin', SEED_B, 0);
    assert.deepEqual(realm.run(SEQUENCE), first);
    for (const bad of ['abc', 'zz'.repeat(32), [1, 2, 3], Array(32).fill(256), Array(32).fill(0.5), 7]) {
      assert.throws(() => realm.call('begin', bad, 0), /TypeError: begin: the seed/);
    }
  });

  it('is roughly uniform', () => {
    const mean = draw(SEED_B, 'Array.from({ length: 20000 }, () => Math.random()).reduce((a, b) => a + b) / 20000') as number;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  });

  it('crypto.getRandomValues is deterministic, shares the stream, and checks its argument', () => {
    const probe = `(() => {
      const a = new Uint8Array(7); const same = crypto.getRandomValues(a) === a;
      const b = crypto.getRandomValues(new BigUint64Array(2));
      const c = crypto.getRandomValues(new Uint16Array(new ArrayBuffer(8), 2, 2));
      const errors = [new Float32Array(1), new DataView(new ArrayBuffer(1)), [1, 2], {}, null].map((x) => {
        try { crypto.getRandomValues(x); return 'no error'; } catch (e) { return e.constructor.name; }
      });
      let quota;
      try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { quota = [e.name, e instanceof RangeError]; }
      const big = crypto.getRandomValues(new Uint32Array(16384)).length;
      return [same, [...a], Array.from(b, String), [...c], errors, quota, big, Math.random(), Object.prototype.toString.call(crypto)];
    })()`;
    const first = draw(SEED_A, probe) as unknown[];
    assert.deepEqual(draw(SEED_A, probe), first);
    assert.notDeepEqual(draw(SEED_B, probe), first);
    assert.equal(first[0], true);
    assert.deepEqual(first[4], ['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError']);
    assert.deepEqual(first[5], ['QuotaExceededError', true]);
    assert.equal(first[6], 16384);
    assert.equal(first[8], '[object Crypto]');
    // The same stream: the first 8 bytes of getRandomValues are the two words behind Math.random().
    const words = draw(SEED_A, 'Array.from(crypto.getRandomValues(new Uint32Array(2)))') as number[];
    const x = draw(SEED_A, 'Math.random()') as number;
    assert.equal(x, ((words[0]! >>> 5) * 67108864 + (words[1]! >>> 6)) / 9007199254740992);
  });
});

describe('console', () => {
  it('forwards each level to the host log, formatted like Node', () => {
    using realm = new Realm();
    realm.module(`
      console.log('plain', 1, -0, 2n, true, null, undefined, Symbol('s'));
      console.info({ a: 1, 'b-c': 'x', [Symbol('k')]: [1, , 3], get g() { return 1; } });
      console.warn('%s is %d years, %i%% sure, %f %j %o %c|', 'Ann', 42.5, 99.9, '1.5', { j: 1 }, [1], 'css');
      console.error(new Map([['k', { deep: { deeper: { deepest: 1 } } }]]), new Set([1]), [new Error('inner')]);
      console.debug(function named() {}, class K {}, async () => {}, Object.create(null), new (class Point { constructor() { this.x = 1; } })());
      const circular = { name: 'c' }; circular.self = circular;
      console.log(circular, new Uint8Array([1, 2]), new Date(0), /re/g, new Number(3), 'tail %s');
      console.log(new Array(3), [1, 2, 3].concat(Array(200).fill(0)).length, 'x'.repeat(3), "it's");
      console.log(Array.from({ length: 102 }, (_, i) => i).slice(99));
      export const result = 0;
    `);
    assert.deepEqual(realm.logs, [
      "log: plain 1 -0 2n true null undefined Symbol(s)",
      "info: { a: 1, 'b-c': 'x', g: [Getter], [Symbol(k)]: [ 1, <1 empty item>, 3 ] }",
      'warn: Ann is 42.5 years, 99% sure, 1.5 {"j":1} [ 1 ] |',
      "error: Map(1) { 'k' => { deep: { deeper: [Object] } } } Set(1) { 1 } [ [Error: inner] ]",
      'debug: [Function: named] [class K] [AsyncFunction (anonymous)] [Object: null prototype] {} Point { x: 1 }',
      "log: { name: 'c', self: [Circular] } Uint8Array(2) [ 1, 2 ] 1970-01-01T00:00:00.000Z /re/g [Number: 3] tail %s",
      "log: [ <3 empty items> ] 203 xxx it's",
      'log: [ 99, 100, 101 ]',
    ]);
  });

  it('prints an error with its stack', () => {
    using realm = new Realm();
    realm.module(`
      function thrower() { throw new TypeError('bad'); }
      try { thrower(); } catch (e) { console.error(e); }
      export const result = 0;
    `);
    assert.equal(realm.logs.length, 1);
    assert.match(realm.logs[0]!, /^error: TypeError: bad\n {4}at thrower \(guest\.js:2/);
  });
});

describe('the host contract', () => {
  it('keeps the control object out of the guest’s reach', () => {
    const found = shared.run(`(() => {
      const seen = new Set();
      const queue = [globalThis];
      const hits = [];
      while (queue.length) {
        const obj = queue.pop();
        if (seen.has(obj)) continue;
        seen.add(obj);
        for (const key of Reflect.ownKeys(obj)) {
          if (key === 'begin' || key === 'defineGlobal' || key === 'removed' || key === '${HOST_LOG_GLOBAL}') hits.push(String(key));
          const d = Object.getOwnPropertyDescriptor(obj, key);
          for (const v of [d.value, d.get, d.set]) if ((typeof v === 'object' && v !== null) || typeof v === 'function') queue.push(v);
        }
        const p = Object.getPrototypeOf(obj);
        if (p) queue.push(p);
      }
      return { hits, objects: seen.size };
    })()`) as { hits: string[]; objects: number };
    assert.deepEqual(found.hits, []);
    assert.ok(found.objects > 500, `walked only ${found.objects} objects`);
  });

  it('defineGlobal adds hardened, locked globals until seal(); seal() freezes the global', () => {
    using realm = new Realm({ seal: false });
    assert.equal(realm.run('Object.isFrozen(globalThis)'), false);
    realm.call('defineGlobal', 'near', { blockHeight: 7, nested: { list: [1] } });
    assert.throws(() => realm.call('defineGlobal', 'near', 1), /already defined/);
    assert.throws(() => realm.call('defineGlobal', 'Math', 1), /already defined/);
    assert.throws(() => realm.call('defineGlobal', '', 1), /non-empty string/);
    assert.deepEqual(
      realm.run(`[near.blockHeight, Object.isFrozen(near.nested.list), Object.getOwnPropertyDescriptor(globalThis, 'near').writable,
        (() => { 'use strict'; try { near = 1; return 'no error'; } catch (e) { return e.constructor.name; } })()]`),
      [7, true, false, 'TypeError'],
    );
    realm.run('globalThis.addedByHost = { x: {} }');
    realm.call('seal');
    realm.call('seal');
    assert.throws(() => realm.call('defineGlobal', 'late', 1), /sealed/);
    assert.deepEqual(
      realm.run(`[Object.isFrozen(globalThis), Object.isFrozen(addedByHost.x),
        (() => { 'use strict'; try { globalThis.fresh = 1; return 'no error'; } catch (e) { return e.constructor.name; } })()]`),
      [true, true, 'TypeError'],
    );
  });

  it('runs ES modules and scripts after seal (a global var declaration is refused)', () => {
    using realm = new Realm();
    assert.deepEqual(
      realm.module(`
        let counter = 0;
        const bump = () => ++counter;
        class Box { #v = 1; get v() { return this.#v; } }
        bump();
        export const result = [counter, new Box().v, await Promise.resolve(3), typeof globalThis.counter];
      `),
      [1, 1, 3, 'undefined'],
    );
    assert.equal(realm.run('let scriptLocal = 2; scriptLocal * 2'), 4);
    assert.throws(() => realm.run('var leaked = 1;'), /TypeError/);
  });

  it('queueMicrotask runs callbacks in order, after the current job, and logs what they throw', () => {
    using realm = new Realm();
    realm.module(`
      const order = [];
      queueMicrotask(() => order.push('a'));
      queueMicrotask(() => { throw new Error('oops'); });
      Promise.resolve().then(() => order.push('b'));
      queueMicrotask(() => console.log(order.join()));
      order.push('sync');
      export const result = 0;
    `);
    realm.ctx.runtime.executePendingJobs();
    assert.deepEqual(realm.logs.map((l) => l.split('\n')[0]), ['error: Uncaught Error: oops', 'log: sync,a,b']);
  });
});
