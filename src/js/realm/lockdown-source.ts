/**
 * LOCKDOWN_SOURCE turns a fresh QuickJS context into the L4 frozen realm when evaluated once, as
 * a plain script, before any guest code:
 *
 * ```ts
 * const log = ctx.newFunction('__host_log', (level, message) => { logs.push(`${ctx.getString(level)}: ${ctx.getString(message)}`); });
 * ctx.setProp(ctx.global, '__host_log', log);
 * log.dispose();
 * const control = ctx.unwrapResult(ctx.evalCode(LOCKDOWN_SOURCE, 'lockdown.js')); // keep this handle
 * // control.defineGlobal('near', nearObject) …, then control.seal(); snapshot the heap here.
 * // Before each execution: control.begin(seedHex64, blockTimestampMs).
 * ```
 *
 * Host contract:
 * - Before evaluation the global `__host_log(level, message)` must be a function. Lockdown keeps
 *   it in a closure and deletes it from the global. `level` is one of log/info/warn/error/debug,
 *   `message` one formatted line.
 * - The script evaluates to the control object, reachable only through the handle the host keeps:
 *   - `begin(seed, blockTimestampMs)`: per-execution inputs. `seed` is 64 hex digits or 32 bytes
 *     (array of integers 0-255) and reseeds Math.random / crypto.getRandomValues;
 *     `blockTimestampMs` (integer) is what Date.now() and new Date() return until the next begin.
 *     Until the first call: seed of zero bytes, timestamp 0.
 *   - `beginWords(blockTimestampMs, w0..w7)`: the same with the seed as 8 little-endian u32
 *     words — what the engine uses, as it costs the metered guest no parsing.
 *   - `defineGlobal(name, value)`: hardens `value` and adds it as a non-writable,
 *     non-configurable global. Only before `seal`.
 *   - `seal()`: hardens the global object itself (and anything the host put on it). Idempotent.
 *   - `harden(value)`: the guest's harden, for host-built objects.
 *   - `removed`: the paths lockdown deleted (for diagnostics).
 */
import { COMMONS_SOURCE } from './source/commons.js';
import { CONSOLE_SOURCE } from './source/console.js';
import { DATE_PARSE_SOURCE } from './source/date-parse.js';
import { DATE_SOURCE } from './source/date.js';
import { HARDEN_SOURCE } from './source/harden.js';
import { INTRINSICS_SOURCE } from './source/intrinsics.js';
import { OVERRIDES_SOURCE } from './source/overrides.js';
import { RANDOM_SOURCE } from './source/random.js';
import { REMOVE_UNPERMITTED_SOURCE } from './source/remove-unpermitted.js';
import { OVERRIDES, PERMITS } from './permits.js';

/** The global the host defines before lockdown; lockdown deletes it. */
export const HOST_LOG_GLOBAL = '__host_log';
/** The levels passed to the host log function, one per console method. */
export const LOG_LEVELS = ['log', 'info', 'warn', 'error', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const MAIN_SOURCE = String.raw`
const hidden = collectHiddenIntrinsics(); // first: InternalError is still on the global
// "read" is the property right after "now": see source/date.ts.
const clock = { now: 0, read: 0 };
const rng = makeRandom();
const { harden, hardened } = makeHardener();
const { console, show } = makeConsole(hostLog);
const resolved = OriginalPromise.resolve();
const queueMicrotask = {
  /** HTML's queueMicrotask; an exception thrown by the callback is logged, as a browser reports it. */
  queueMicrotask(callback) {
    if (typeof callback !== 'function') throw new OriginalTypeError('queueMicrotask: the callback must be a function');
    promiseThen(resolved, () => {
      try {
        apply(callback, undefined, []);
      } catch (error) {
        hostLog('error', 'Uncaught ' + show(error));
      }
    });
  },
}.queueMicrotask;

const setGlobal = (name, value) => defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
setGlobal('Date', tameDate(clock));
defineProperty(Math, 'random', { value: rng.random, writable: true, enumerable: false, configurable: true });
setGlobal('console', console);
setGlobal('crypto', rng.crypto);
setGlobal('harden', harden);
setGlobal('queueMicrotask', queueMicrotask);

const roots = [['globalThis', globalThis]];
for (let i = 0; i < hidden.length; i++) append(roots, hidden[i]);
const { named, removed } = removeUnpermitted(roots, permits);
enableOverrides(named, overrides);

// Freeze every intrinsic but not yet the global object: the host may still add to it.
weakSetAdd(hardened, globalThis);
const globalKeys = ownKeys(globalThis);
for (let i = 0; i < globalKeys.length; i++) harden(getOwnPropertyDescriptor(globalThis, globalKeys[i]).value);
for (let i = 0; i < hidden.length; i++) harden(hidden[i][1]);
harden(getPrototypeOf(globalThis));

const seedBytes = (seed) => {
  const bytes = [];
  if (typeof seed === 'string' && seed.length === 64) {
    // Runs before every execution and is metered: a plain loop, not a RegExp and parseInt.
    const hex = (c) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);
    for (let i = 0; i < 32; i++) {
      const hi = hex(seed.charCodeAt(2 * i));
      const lo = hex(seed.charCodeAt(2 * i + 1));
      if (hi < 0 || lo < 0) break;
      bytes[i] = hi * 16 + lo;
    }
    if (bytes.length === 32) return bytes;
  }
  if (isObject(seed) && seed.length === 32) {
    for (let i = 0; i < 32; i++) {
      const b = seed[i];
      if (!numberIsInteger(b) || b < 0 || b > 255) break;
      bytes[i] = b;
    }
    if (bytes.length === 32) return bytes;
  }
  throw new OriginalTypeError('begin: the seed must be 64 hex digits or 32 integers 0-255');
};

const checkTimestamp = (ms) => {
  if (typeof ms !== 'number' || !numberIsInteger(ms) || abs(ms) > 8.64e15) {
    throw new OriginalRangeError('begin: the block timestamp must be an integer number of ms within ±8.64e15');
  }
};

let sealed = false;
return harden({
  begin(seed, blockTimestampMs) {
    const bytes = seedBytes(seed);
    checkTimestamp(blockTimestampMs);
    rng.seed(bytes);
    clock.now = blockTimestampMs + 0;
  },
  /**
   * begin() for hosts: the 32 seed bytes as 8 little-endian u32 words, so the metered guest
   * does no parsing before every execution (a hex seed costs ~240k fuel, this ~10k).
   */
  beginWords(blockTimestampMs, w0, w1, w2, w3, w4, w5, w6, w7) {
    const words = [w0, w1, w2, w3, w4, w5, w6, w7];
    for (let i = 0; i < 8; i++) {
      if (typeof words[i] !== 'number' || !numberIsInteger(words[i]) || words[i] < 0 || words[i] > 0xffffffff) {
        throw new OriginalTypeError('beginWords: the seed must be 8 integers 0-0xffffffff');
      }
    }
    checkTimestamp(blockTimestampMs);
    rng.seedWords(words);
    clock.now = blockTimestampMs + 0;
  },
  defineGlobal(name, value) {
    if (sealed) throw new OriginalTypeError('defineGlobal: the realm is sealed');
    if (typeof name !== 'string' || name === '') throw new OriginalTypeError('defineGlobal: the name must be a non-empty string');
    if (hasOwn(globalThis, name)) throw new OriginalTypeError('defineGlobal: ' + name + ' is already defined');
    harden(value);
    defineProperty(globalThis, name, { value, writable: false, enumerable: false, configurable: false });
  },
  seal() {
    if (sealed) return;
    sealed = true;
    weakSetDelete(hardened, globalThis);
    harden(globalThis);
  },
  harden,
  removed,
});
`;

const HEADER = `// OutLayer L4 lockdown: evaluate once, as a script, in a fresh QuickJS context.
// Host globals required before evaluation (deleted by this script):
//   ${HOST_LOG_GLOBAL}(level: 'log'|'info'|'warn'|'error'|'debug', message: string)
// Evaluates to the control object { begin(seed, blockTimestampMs), defineGlobal(name, value),
// seal(), harden(value), removed }, which the guest cannot reach.
`;

const HOST_PRIMITIVES_SOURCE = `
const hostLog = globalThis.${HOST_LOG_GLOBAL};
if (typeof hostLog !== 'function') {
  throw new TypeError('lockdown: define ${HOST_LOG_GLOBAL}(level, message) on the global before lockdown');
}
if (!Reflect.deleteProperty(globalThis, '${HOST_LOG_GLOBAL}')) throw new TypeError('lockdown: cannot delete ${HOST_LOG_GLOBAL}');
`;

export const LOCKDOWN_SOURCE: string = [
  HEADER,
  '(function lockdown(permits, overrides) {',
  "'use strict';",
  HOST_PRIMITIVES_SOURCE,
  COMMONS_SOURCE,
  INTRINSICS_SOURCE,
  REMOVE_UNPERMITTED_SOURCE,
  HARDEN_SOURCE,
  OVERRIDES_SOURCE,
  DATE_PARSE_SOURCE,
  DATE_SOURCE,
  RANDOM_SOURCE,
  CONSOLE_SOURCE,
  MAIN_SOURCE,
  `})(${JSON.stringify(PERMITS)}, ${JSON.stringify(OVERRIDES)});`,
  '',
].join('\n');
