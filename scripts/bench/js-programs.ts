/**
 * The guest programs of the `js` benchmark, as source text, shared by scripts/bench/js.ts and
 * the SES child (scripts/bench/ses-child.ts) so every engine runs exactly the same code.
 */

/** Body of the compute kernel: sum of i*i modulo a prime. i*i stays below 2^53, so it is exact. */
function kernelBody(iterations: number): string {
  return `let s = 0; for (let i = 0; i < ${iterations}; i++) s = (s + i * i) % 1000003; return s;`;
}

/** The kernel as an OutLayer contract (ES module with `execute`). */
export function kernelModule(iterations: number): string {
  return `export function execute() { ${kernelBody(iterations)} }`;
}

/** The kernel as a script whose completion value is the result (Node vm, SES `evaluate`). */
export function kernelScript(iterations: number): string {
  return `(function kernel() { ${kernelBody(iterations)} })()`;
}

export const TRIVIAL_MODULE = 'export function execute() { return 1 }';
export const TRIVIAL_SCRIPT = '1';

/** A 32-byte key (ASCII, so 32 bytes on the wire) and its 32-byte value. */
export const HOST_KEY = 'outlayer-bench-storage-key-00032';
export const HOST_VALUE = new Uint8Array(32).fill(0x76);

/**
 * Two contracts that differ only in the host call: `n` iterations of `near.storageRead(key)` and
 * the same loop with the call replaced by the key itself (same result type, same `.length`).
 */
export function hostCallModules(n: number): { call: string; base: string } {
  const loop = (value: string): string =>
    `export function execute() { const k = '${HOST_KEY}'; let a = 0; for (let i = 0; i < ${n}; i++) { const v = ${value}; a += v.length; } return a; }`;
  return { call: loop('near.storageRead(k)'), base: loop('k') };
}
