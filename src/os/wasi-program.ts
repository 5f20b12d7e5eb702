/**
 * A WASI preview1 module as a guest-OS process. The module is prepared (validated, metered)
 * before the OS starts; the process reads its stdin to the end, runs the module once with its
 * argv, env and that input — metered by L1 against the OS's budget — then writes its stdout and
 * stderr to fds 1 and 2 and exits with its status.
 *
 * Not yet: a WASI process that blocks mid-run on a pipe (that needs the module rewritten to
 * unwind and rewind its stack, e.g. binaryen's asyncify); its output reaches the pipe when it
 * ends, so `wasi-prog | head` works but `yes-in-wasi | head` would not end. The run is host-async
 * (instantiation), so the kernel's ordering guarantee holds when the WASI process is the only
 * runnable one — the case of `outlayer run --mode linux` (docs/os.md).
 */
import { normalizeOptions } from '../sandbox/options.js';
import { runPrepared } from '../sandbox/execute.js';
import type { PreparedModule } from '../sandbox/prepare.js';
import type { NearSyscallContext } from '../sandbox/near.js';
import type { Program } from './types.js';

export interface WasiProgramOptions {
  /** L1 budget for the module's own instructions (the OS charges what it used). */
  maxInstructions: bigint;
  maxMemoryMb?: number;
  seed?: string;
  blockTimestampNs?: bigint;
  /**
   * The NEAR system-call context every run of the module shares (storage, logs, promises land in
   * it). Absent: each run gets a local in-memory context built from its environment (NEAR_*).
   */
  near?: NearSyscallContext;
}

/** Fuel charged to end the OS when the module itself ran out (far above any budget). */
const EXHAUST = Number.MAX_SAFE_INTEGER;

export function wasiProgram(prepared: PreparedModule, o: WasiProgramOptions): Program {
  return async (p) => {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const chunk = await p.read(0, 65536);
      if (chunk === null) break;
      chunks.push(chunk);
    }
    const input = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      input.set(c, at);
      at += c.length;
    }
    const result = await runPrepared(
      prepared,
      normalizeOptions({
        input,
        args: p.argv.slice(1),
        argv0: p.argv[0] ?? 'main.wasm',
        env: [...p.env.entries()],
        maxInstructions: o.maxInstructions,
        ...(o.maxMemoryMb !== undefined && { maxMemoryMb: o.maxMemoryMb }),
        ...(o.seed !== undefined && { seed: o.seed }),
        ...(o.blockTimestampNs !== undefined && { blockTimestampNs: o.blockTimestampNs }),
        ...(o.near !== undefined && { near: o.near }),
      }),
    );
    p.charge(result.error?.kind === 'out_of_fuel' ? EXHAUST : result.fuel_used);
    if (result.output) await p.write(1, result.output);
    if (result.logs.length > 0) await p.write(2, `${result.logs.join('\n')}\n`);
    if (result.exit_code !== null) return result.exit_code & 255;
    if (result.error) {
      await p.write(2, `${p.argv[0]}: ${result.error.kind}: ${result.error.message}\n`);
      return 134;
    }
    return 0;
  };
}
