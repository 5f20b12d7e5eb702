/**
 * The allowlist of what a guest may import: WASI preview1 functions with their exact signatures,
 * and the one NEAR system-call entry `outlayer.syscall` (./near.ts). Anything else is rejected
 * before the module runs, with the import named.
 */
import type { PreparedModule } from './prepare.js';
import { InvalidModule } from './prepare.js';
import { NEAR_MODULE, NEAR_SIGNATURE, NEAR_SYSCALL } from './near.js';
import { WASI_MODULE, WASI_SIGNATURES } from './wasi/index.js';

const VALTYPE: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

function show(params: readonly string[], results: readonly string[]): string {
  return `(${params.join(', ')}) -> (${results.join(', ')})`;
}

export function checkImports(prepared: PreparedModule): void {
  for (const imp of prepared.imports) {
    const where = `${imp.module}.${imp.name}`;
    // A memory import is served by the host with the capped memory (see runPrepared).
    if (imp.kind === 'memory') continue;
    if (imp.module === NEAR_MODULE) {
      if (imp.kind !== 'func' || imp.name !== NEAR_SYSCALL) throw new InvalidModule(`unknown import ${where}: ${NEAR_MODULE} provides only the function ${NEAR_SYSCALL}`);
      const type = prepared.types[imp.typeIndex];
      const params = (type?.params ?? []).map((t) => VALTYPE[t] ?? '?');
      const results = (type?.results ?? []).map((t) => VALTYPE[t] ?? '?');
      if (show(params, results) !== show(NEAR_SIGNATURE.params, NEAR_SIGNATURE.results)) {
        throw new InvalidModule(`import ${where} has type ${show(params, results)}; the NEAR system call is ${show(NEAR_SIGNATURE.params, NEAR_SIGNATURE.results)}`);
      }
      continue;
    }
    if (imp.module !== WASI_MODULE) {
      throw new InvalidModule(`unknown import ${where}: only ${WASI_MODULE} functions and ${NEAR_MODULE}.${NEAR_SYSCALL} are provided`);
    }
    const sig = WASI_SIGNATURES[imp.name];
    if (imp.kind !== 'func' || !sig) throw new InvalidModule(`unknown import ${where}: not a WASI preview1 function`);
    const type = prepared.types[imp.typeIndex];
    const params = (type?.params ?? []).map((t) => VALTYPE[t] ?? '?');
    const results = (type?.results ?? []).map((t) => VALTYPE[t] ?? '?');
    if (show(params, results) !== show(sig.params, sig.results)) {
      throw new InvalidModule(`import ${where} has type ${show(params, results)}; WASI preview1 defines ${show(sig.params, sig.results)}`);
    }
  }
}
