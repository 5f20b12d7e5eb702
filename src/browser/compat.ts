/**
 * What a browser must offer to run OutLayer, probed with tiny modules rather than user-agent
 * sniffing. The metered modules need multi-value results (fuel returns as an extra result),
 * i64 globals read as BigInt (the fuel counter), and bulk memory (QuickJS uses memory.fill/copy).
 * Cross-origin isolation is *not* needed: nothing uses SharedArrayBuffer.
 */

export interface Compatibility {
  compatible: boolean;
  features: {
    wasm: boolean;
    bigint: boolean;
    /** i64 ↔ BigInt at the JS/wasm boundary. */
    wasmBigInt: boolean;
    wasmMultiValue: boolean;
    wasmBulkMemory: boolean;
    worker: boolean;
    fetch: boolean;
    textEncoding: boolean;
    /** Informational: not required. */
    crossOriginIsolated: boolean;
    /** Informational: crypto.subtle is not required (hashing uses @noble/hashes). */
    secureContext: boolean;
  };
  recommendations: string[];
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
// (func (result i32 i32) i32.const 0 i32.const 0)
const MULTI_VALUE = [...HEADER, 0x01, 0x06, 0x01, 0x60, 0x00, 0x02, 0x7f, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0b];
// (memory 1) (func i32.const 0 i32.const 0 i32.const 0 memory.fill)
const BULK_MEMORY = [...HEADER, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x00, 0x0b];
// (global (export "g") (mut i64) (i64.const 0))
const I64_GLOBAL = [...HEADER, 0x06, 0x06, 0x01, 0x7e, 0x01, 0x42, 0x00, 0x0b, 0x07, 0x05, 0x01, 0x01, 0x67, 0x03, 0x00];

function attempt(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}

/** Checks the features OutLayer needs; `recommendations` says what to do about a missing one. */
export function checkCompatibility(): Compatibility {
  const g = globalThis as Record<string, unknown>;
  const wasm = attempt(() => typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(HEADER)));
  const features: Compatibility['features'] = {
    wasm,
    bigint: typeof BigInt === 'function',
    wasmBigInt: wasm && attempt(() => {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(I64_GLOBAL)));
      return typeof (instance.exports.g as WebAssembly.Global).value === 'bigint';
    }),
    wasmMultiValue: wasm && attempt(() => WebAssembly.validate(new Uint8Array(MULTI_VALUE))),
    wasmBulkMemory: wasm && attempt(() => WebAssembly.validate(new Uint8Array(BULK_MEMORY))),
    worker: typeof g.Worker === 'function',
    fetch: typeof g.fetch === 'function',
    textEncoding: typeof g.TextEncoder === 'function' && typeof g.TextDecoder === 'function',
    crossOriginIsolated: g.crossOriginIsolated === true,
    secureContext: g.isSecureContext === true,
  };
  const recommendations: string[] = [];
  if (!features.wasm) recommendations.push('WebAssembly is unavailable: use a current Chrome, Edge, Firefox or Safari, and check that no policy disables WebAssembly.');
  if (!features.bigint || !features.wasmBigInt) recommendations.push('i64 values cannot cross to JavaScript as BigInt: update the browser (Chrome 85+, Firefox 78+, Safari 15+).');
  if (!features.wasmMultiValue) recommendations.push('WebAssembly multi-value is unsupported: update the browser (Chrome 85+, Firefox 78+, Safari 13.1+).');
  if (!features.wasmBulkMemory) recommendations.push('WebAssembly bulk memory is unsupported: update the browser (Chrome 75+, Firefox 79+, Safari 15+).');
  if (!features.worker) recommendations.push('Web Workers are unavailable: OutLayer runs guests in a Web Worker so the page stays responsive.');
  if (!features.fetch) recommendations.push('fetch is unavailable: the QuickJS wasm and coordinator jobs are fetched.');
  if (!features.textEncoding) recommendations.push('TextEncoder/TextDecoder are unavailable: update the browser.');
  const required = ['wasm', 'bigint', 'wasmBigInt', 'wasmMultiValue', 'wasmBulkMemory', 'worker', 'fetch', 'textEncoding'] as const;
  return { compatible: required.every((k) => features[k]), features, recommendations };
}
