/**
 * Host side of nested realms. PLUGIN_REALMS plugin contexts are created and locked down at
 * engine setup, so they are part of the snapshot: `new FrozenRealm()` hands out the next one,
 * already hardened, and the next execution gets them back fresh. Creating contexts during an
 * execution instead would leave stale JS-side wrappers behind every snapshot restore.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import type { JsEngine } from '../engine/engine.js';
import { formatConsole, HOST_BYTE_FUEL, logLine, type HostEnv } from '../host/near-host.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { LOCKDOWN_SOURCE } from '../realm/lockdown-source.js';
import { PLUGIN_SOURCE } from './sources.js';

/** Nested realms one execution may create. */
export const PLUGIN_REALMS = 4;

interface PluginRealm {
  context: QuickJSContext;
  begin: QuickJSHandle;
  install: QuickJSHandle;
  stringify: QuickJSHandle;
  parse: QuickJSHandle;
  global: QuickJSHandle;
}

export interface Plugins {
  /** How many realms the running execution has taken. */
  used: number;
  /** The caller realm's dispatch(index, name, argsJson) function (set after MAIN_SOURCE runs). */
  dispatch: QuickJSHandle | null;
  /** Per-execution clock and seed for plugin realms' `control.begin`. */
  seedHex: string;
  timestampMs: number;
}

function describe(ctx: QuickJSContext, error: QuickJSHandle): string {
  const d = ctx.dump(error) as { name?: string; message?: string } | unknown;
  if (d && typeof d === 'object' && 'message' in d) return `${(d as { name?: string }).name ?? 'Error'}: ${(d as { message?: string }).message}`;
  return `Uncaught ${JSON.stringify(d)}`;
}

/** Calls into a plugin context; a guest error there becomes a host Error (thrown into the caller). */
function call(ctx: QuickJSContext, fn: QuickJSHandle, ...args: QuickJSHandle[]): QuickJSHandle {
  const r = ctx.callFunction(fn, ctx.undefined, ...args);
  if (r.error) {
    const message = describe(ctx, r.error);
    r.error.dispose();
    throw new Error(`in FrozenRealm: ${message}`);
  }
  return r.value;
}

export function setupPlugins(engine: JsEngine, env: HostEnv, plugins: Plugins, main: QuickJSContext): { primitive: QuickJSHandle } {
  const realms: PluginRealm[] = [];
  for (let i = 0; i < PLUGIN_REALMS; i++) {
    const context = engine.runtime.newContext();
    const log = context.newFunction('__host_log', (level, msg) => {
      logLine(env, `[realm ${i}] ${formatConsole(context.getString(level), context.getString(msg))}`);
    });
    context.setProp(context.global, '__host_log', log);
    log.dispose();
    const bridge = context.newFunction('__bridge', (name, argsJson) => {
      const text = `${context.getString(name)}\0${context.getString(argsJson)}`;
      env.charge(HOST_BYTE_FUEL * text.length);
      if (!plugins.dispatch) throw new Error('no caller to bridge to');
      const args = [main.newNumber(i), main.newString(context.getString(name)), main.newString(context.getString(argsJson))];
      const out = main.callFunction(plugins.dispatch, main.undefined, ...args);
      for (const h of args) h.dispose();
      if (out.error) {
        const message = describe(main, out.error);
        out.error.dispose();
        throw new Error(message);
      }
      const result = main.getString(out.value);
      out.value.dispose();
      return context.newString(result);
    });
    context.setProp(context.global, '__bridge', bridge);
    bridge.dispose();
    const json = context.unwrapResult(context.evalCode('JSON', 'outlayer:json'));
    const stringify = context.getProp(json, 'stringify');
    const parse = context.getProp(json, 'parse');
    json.dispose();
    // The installer first: it captures __bridge, which lockdown would delete as unpermitted.
    const install = context.unwrapResult(context.evalCode(PLUGIN_SOURCE, 'outlayer:plugin'));
    const control = context.unwrapResult(context.evalCode(LOCKDOWN_SOURCE, 'outlayer:lockdown'));
    const begin = context.getProp(control, 'begin');
    control.dispose();
    realms.push({ context, begin, install, stringify, parse, global: context.global });
  }

  const primitive = main.newFunction('realm', (opH, indexH, aH, bH) => {
    const op = main.getNumber(opH!);
    if (op === 0) {
      if (plugins.used >= PLUGIN_REALMS) throw new RangeError(`at most ${PLUGIN_REALMS} FrozenRealms per execution`);
      const index = plugins.used++;
      const r = realms[index]!;
      const ctx = r.context;
      const seed = bytesToHex(sha256(new TextEncoder().encode(`${plugins.seedHex}/realm/${index}`)));
      const handles = [ctx.newString(seed), ctx.newNumber(plugins.timestampMs), ctx.newString(main.getString(aH!))];
      try {
        call(ctx, r.begin, handles[0]!, handles[1]!).dispose();
        call(ctx, r.install, handles[2]!).dispose();
      } finally {
        for (const h of handles) h.dispose();
      }
      return main.newNumber(index);
    }
    const r = realms[main.getNumber(indexH!)];
    if (!r || main.getNumber(indexH!) >= plugins.used) throw new RangeError('unknown FrozenRealm');
    const ctx = r.context;
    const owned: QuickJSHandle[] = [];
    try {
      let value: QuickJSHandle;
      if (op === 1) {
        const code = main.getString(aH!);
        env.charge(HOST_BYTE_FUEL * code.length);
        const res = ctx.evalCode(code, `realm-${main.getNumber(indexH!)}.js`, { type: 'global' });
        if (res.error) {
          const message = describe(ctx, res.error);
          res.error.dispose();
          throw new Error(`in FrozenRealm: ${message}`);
        }
        value = res.value;
      } else if (op === 2) {
        const name = main.getString(aH!);
        const args = main.getString(bH!);
        env.charge(HOST_BYTE_FUEL * (name.length + args.length));
        const fn = ctx.getProp(r.global, name);
        owned.push(fn);
        if (ctx.typeof(fn) !== 'function') throw new TypeError(`FrozenRealm has no function ${name}`);
        const argsHandle = ctx.newString(args);
        owned.push(argsHandle);
        const list = call(ctx, r.parse, argsHandle);
        owned.push(list);
        const lengthHandle = ctx.getProp(list, 'length');
        owned.push(lengthHandle);
        const length = ctx.getNumber(lengthHandle);
        const argv: QuickJSHandle[] = [];
        for (let k = 0; k < length; k++) argv.push(ctx.getProp(list, k));
        owned.push(...argv);
        value = call(ctx, fn, ...argv);
      } else {
        throw new RangeError(`unknown realm operation ${op}`);
      }
      owned.push(value);
      const text = call(ctx, r.stringify, value);
      owned.push(text);
      if (ctx.typeof(text) !== 'string') return main.undefined;
      const out = ctx.getString(text);
      env.charge(HOST_BYTE_FUEL * out.length);
      return main.newString(out);
    } finally {
      for (const h of owned) if (h.alive) h.dispose();
    }
  });
  return { primitive };
}
