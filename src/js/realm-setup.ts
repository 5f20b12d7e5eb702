/**
 * Builds the one realm every execution starts from (before the engine's snapshot): host
 * primitives, L4 lockdown, the frozen `near` global, and the handles `runJs` needs. Host
 * functions reach the running execution through `RealmHandles.current`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { QuickJSHandle } from 'quickjs-emscripten-core';
import { GuestAbort } from '../sandbox/signals.js';
import type { JsEngine } from './engine/engine.js';
import { formatConsole, logLine, newNearPrimitives, type HostEnv } from './host/near-host.js';
import { NEAR_SOURCE } from './host/near-source.js';
import type { ExecutionState } from './host/state.js';
import { setupPlugins, type Plugins } from './nested/plugins.js';
import { MAIN_SOURCE } from './nested/sources.js';
import { LOCKDOWN_SOURCE } from './realm/lockdown-source.js';

export interface RealmHandles {
  current: ExecutionState | null;
  /** Calls from guest code into the host so far (any function made by `newFunction`): the module cache's test. */
  hostCalls: number;
  /** control.beginWords(blockTimestampMs, w0..w7). */
  begin: QuickJSHandle;
  jsonParse: QuickJSHandle;
  jsonStringify: QuickJSHandle;
  /** Nested-realm bookkeeping, reset per execution. */
  plugins: Plugins;
  seedHex(seed: string): string;
  /** The 32 seed bytes of `seedHex` as 8 little-endian u32 words. */
  seedWords(seedHex: string): number[];
  /**
   * Where console lines go: unset, into the execution's `logs` (contracts and jobs); a guest-OS
   * process sets it to write them to its stdout/stderr instead.
   */
  console: ((level: string, message: string) => void) | null;
}

/**
 * Adds globals to the realm before it is sealed (the guest OS's `qjs` adds `std`, `os`, `print`).
 * `define` makes a frozen, non-writable global.
 */
export type RealmExtension = (tools: { engine: JsEngine; env: HostEnv; realm: RealmHandles; define(global: string, value: QuickJSHandle): void }) => void;

export function setupRealm(engine: JsEngine, extend?: RealmExtension): RealmHandles {
  const ctx = engine.context;
  const realm = { current: null, console: null, hostCalls: 0, plugins: { used: 0, dispatch: null, seedHex: '', timestampMs: 0 } } as unknown as RealmHandles;
  // Every host function of the main realm counts its calls (the plugin realms' host functions
  // are reachable only through the `realm` primitive, itself counted).
  const newFunction = ctx.newFunction.bind(ctx) as (...args: unknown[]) => QuickJSHandle;
  (ctx as unknown as { newFunction: unknown }).newFunction = (...args: unknown[]): QuickJSHandle => {
    const fn = args[args.length - 1] as (...a: unknown[]) => unknown;
    args[args.length - 1] = function (this: unknown, ...a: unknown[]) {
      realm.hostCalls++;
      return fn.apply(this, a);
    };
    return newFunction(...args);
  };
  const env: HostEnv = {
    context: ctx,
    state: () => {
      if (!realm.current) throw new Error('host call outside an execution');
      return realm.current;
    },
    charge: (n) => engine.fuel.charge(n),
    abort: (kind, message) => {
      const state = env.state();
      state.abort ??= { kind, message };
      throw new GuestAbort(kind, message);
    },
  };
  // A stopped guest gets an uncatchable interrupt at QuickJS's next check.
  engine.runtime.setInterruptHandler(() => realm.current?.abort != null);

  const log = ctx.newFunction('__host_log', (level, msg) => {
    if (realm.console) realm.console(ctx.getString(level), ctx.getString(msg));
    else logLine(env, formatConsole(ctx.getString(level), ctx.getString(msg)));
  });
  ctx.setProp(ctx.global, '__host_log', log);
  log.dispose();

  // Captured before lockdown: the realm's own JSON, used to move input and output across.
  const json = engine.evalSetup('JSON', 'outlayer:json');
  realm.jsonParse = ctx.getProp(json, 'parse');
  realm.jsonStringify = ctx.getProp(json, 'stringify');
  json.dispose();

  const control = engine.evalSetup(LOCKDOWN_SOURCE, 'outlayer:lockdown');
  realm.begin = ctx.getProp(control, 'beginWords');

  const makeNear = engine.evalSetup(NEAR_SOURCE, 'outlayer:near');
  const primitives = newNearPrimitives(env);
  const near = ctx.unwrapResult(ctx.callFunction(makeNear, ctx.undefined, primitives));
  const defineGlobal = ctx.getProp(control, 'defineGlobal');
  const define = (global: string, value: QuickJSHandle): void => {
    const name = ctx.newString(global);
    ctx.unwrapResult(ctx.callFunction(defineGlobal, control, name, value)).dispose();
    name.dispose();
  };
  define('near', near);

  // Nested realms: plugin contexts built now (so they are in the snapshot), FrozenRealm in the main realm.
  const { primitive } = setupPlugins(engine, env, realm.plugins, ctx);
  const frozenH = ctx.newObject();
  ctx.setProp(frozenH, 'realm', primitive);
  const makeFrozen = engine.evalSetup(MAIN_SOURCE, 'outlayer:frozen-realm');
  const frozen = ctx.unwrapResult(ctx.callFunction(makeFrozen, ctx.undefined, frozenH));
  const frozenClass = ctx.getProp(frozen, 'FrozenRealm');
  define('FrozenRealm', frozenClass);
  realm.plugins.dispatch = ctx.getProp(frozen, 'dispatch');
  for (const h of [primitive, frozenH, makeFrozen, frozen, frozenClass]) h.dispose();
  extend?.({ engine, env, realm, define });
  const seal = ctx.getProp(control, 'seal');
  ctx.unwrapResult(ctx.callFunction(seal, control)).dispose();
  for (const h of [makeNear, primitives, near, defineGlobal, seal, control]) h.dispose();

  Reflect.deleteProperty(ctx, 'newFunction');
  realm.seedWords = (hex) => Array.from({ length: 8 }, (_, i) => {
    const b = (k: number): number => parseInt(hex.slice(2 * (4 * i + k), 2 * (4 * i + k) + 2), 16);
    return (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0;
  });
  realm.seedHex = (seed) => bytesToHex(sha256(new TextEncoder().encode(`outlayer/js-random/v1\0${seed}`)));
  return realm;
}
