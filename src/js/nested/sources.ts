/**
 * Guest-side scripts of nested realms (`FrozenRealm`), evaluated once at engine setup.
 *
 * MAIN_SOURCE runs in the contract's realm and defines the `FrozenRealm` class over the host
 * primitive `h.realm(op, index, a, b)`; it also returns `dispatch`, which the host calls when a
 * plugin invokes a function the caller passed in. Values cross only as JSON text, so a plugin
 * can never hold a reference to the caller's objects.
 *
 * PLUGIN_SOURCE runs in each plugin realm (a separate QuickJS context with its own intrinsics)
 * and returns `install(namesJson)`, which defines the caller's functions there as stubs that
 * forward through the captured `__bridge` host function.
 */
export const MAIN_SOURCE = String.raw`(function makeFrozenRealm(h) {
  'use strict';
  const endowments = [];
  const encode = (v) => { const s = JSON.stringify(v); return s === undefined ? 'null' : s; };
  const decode = (s) => (s === undefined ? undefined : JSON.parse(s));
  class FrozenRealm {
    #index;
    constructor(options) {
      const globals = (options && options.globals) || {};
      const fns = {};
      for (const name of Object.keys(globals)) {
        if (typeof globals[name] !== 'function') throw new TypeError('FrozenRealm globals must be functions: ' + name);
        if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new TypeError('bad global name: ' + name);
        fns[name] = globals[name];
      }
      this.#index = h.realm(0, -1, JSON.stringify(Object.keys(fns)));
      endowments[this.#index] = fns;
    }
    /** Evaluates a script in the plugin realm; returns its completion value (copied). */
    evaluate(code) { return decode(h.realm(1, this.#index, String(code))); }
    /** Calls a global function of the plugin realm with copies of the arguments. */
    call(name, ...args) { return decode(h.realm(2, this.#index, String(name), encode(args))); }
  }
  const dispatch = (index, name, argsJson) => {
    const fn = endowments[index] && endowments[index][name];
    if (!fn) throw new TypeError('no such function: ' + name);
    return encode(fn(...JSON.parse(argsJson)));
  };
  return { FrozenRealm, dispatch };
})`;

export const PLUGIN_SOURCE = String.raw`(function () {
  'use strict';
  const bridge = globalThis.__bridge;
  delete globalThis.__bridge;
  return function install(namesJson) {
    for (const name of JSON.parse(namesJson)) {
      Object.defineProperty(globalThis, name, {
        value: harden(function (...args) {
          const out = bridge(name, JSON.stringify(args));
          return out === undefined ? undefined : JSON.parse(out);
        }),
        writable: false, enumerable: true, configurable: false,
      });
    }
  };
})()`;
