/** Test helper: compiles WAT text with the wabt npm package (tests only, never shipped). */
import wabtInit from 'wabt';

let wabt: Awaited<ReturnType<typeof wabtInit>> | null = null;

export async function wat(source: string, name = 'test.wat'): Promise<Uint8Array<ArrayBuffer>> {
  wabt ??= await wabtInit();
  const mod = wabt.parseWat(name, source, { bulk_memory: true, multi_value: true, tail_call: true, mutable_globals: true, sign_extension: true, sat_float_to_int: true, simd: true });
  try {
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}
