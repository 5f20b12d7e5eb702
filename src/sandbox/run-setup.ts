/**
 * What every WASI run of a prepared module needs before and after the guest runs: the capped
 * memory, the WASI host, the NEAR system calls for a module that imports them, the import object,
 * and the result object at the end. Shared by the one-piece run (./execute.ts) and the run that
 * pauses on host promises (./asyncify/run.ts).
 */
import { GuestAbort } from './signals.js';
import type { FuelMeter } from './meter/runtime.js';
import type { NormalizedOptions } from './options.js';
import type { PreparedModule } from './prepare.js';
import { decodeOutput, failure, toLines, type ExecutionResult } from './result.js';
import { defaultNearContext, NEAR_MODULE, NEAR_SYSCALL, nearSyscall, type NearSyscallContext } from './near.js';
import { Wasi, WASI_MODULE, type MountFs, type StdioStreams, type Suspender } from './wasi/index.js';

const PAGE = 65536;

export interface RunSetup {
  memory: WebAssembly.Memory | null;
  wasi: Wasi;
  imports: WebAssembly.Imports;
  near: NearSyscallContext | null;
  nearLogsBefore: number;
}

/** For a run whose stdio is streamed: the streams and what parks calls on their promises. */
export interface StreamedStdio {
  streams: StdioStreams;
  suspender: Suspender;
  /** Host filesystems preopened after `options.preopens` (./wasi/mount.ts). */
  mounts?: readonly { guestPath: string; fs: MountFs }[];
  /** After each mount call (WasiHost.mountCalled). */
  mountCalled?: () => void;
}

/** Builds memory, WASI and imports; an `out_of_memory` result when the memory cannot be made. */
export function setupRun(prepared: PreparedModule, options: NormalizedOptions, meter: FuelMeter, started: number, stdio?: StreamedStdio): RunSetup | ExecutionResult {
  const capPages = Math.floor((options.maxMemoryMb * 1024 * 1024) / PAGE);
  let memory: WebAssembly.Memory | null = null;
  if (prepared.memory) {
    const { min, max } = prepared.memory;
    if (min > capPages) {
      return failure('out_of_memory', `module needs ${min} pages (${(min * PAGE) / 1048576} MiB) of initial memory; the cap is ${options.maxMemoryMb} MiB`, performance.now() - started);
    }
    try {
      memory = new WebAssembly.Memory({ initial: min, maximum: Math.min(max ?? capPages, capPages) });
    } catch (e) {
      return failure('out_of_memory', `host could not allocate ${min} pages: ${(e as Error).message}`, performance.now() - started);
    }
  }

  const wasi = new Wasi(
    {
      args: options.args,
      env: options.env,
      stdin: options.input,
      maxStdoutBytes: options.maxOutputBytes,
      maxStderrBytes: options.maxOutputBytes,
      clockStartNs: options.blockTimestampNs,
      seed: options.seed,
      preopens: options.preopens,
      ...(stdio && { streams: stdio.streams }),
      ...(stdio?.mounts && { mounts: stdio.mounts }),
    },
    {
      memory: () => {
        if (!memory) throw new GuestAbort('trap', 'the module has no memory for WASI to use');
        return memory;
      },
      charge: (n) => meter.charge(n),
      fuelUsed: () => meter.used(),
      ...(stdio && { suspender: stdio.suspender }),
      ...(stdio?.mountCalled && { mountCalled: stdio.mountCalled }),
    },
  );

  const imports: WebAssembly.Imports = { [WASI_MODULE]: wasi.imports as WebAssembly.ModuleImports };
  // NEAR system calls only for a module that imports them: others run exactly as before.
  let near: NearSyscallContext | null = null;
  let nearLogsBefore = 0;
  if (prepared.imports.some((i) => i.module === NEAR_MODULE)) {
    near = options.near ?? defaultNearContext(options);
    nearLogsBefore = near.logs.length;
    const syscall = nearSyscall(near, {
      memory: () => {
        if (!memory) throw new GuestAbort('trap', 'the module has no memory for NEAR system calls to use');
        return memory;
      },
      charge: (n) => meter.charge(n),
      maxLogBytes: options.maxOutputBytes,
    });
    imports[NEAR_MODULE] = { [NEAR_SYSCALL]: syscall };
  }
  if (memory && prepared.memoryImport) {
    const { module, name } = prepared.memoryImport;
    imports[module] = { ...(imports[module] ?? {}), [name]: memory };
  }
  return { memory, wasi, imports, near, nearLogsBefore };
}

/** The result object of a finished run. */
export function runResult(setup: RunSetup, options: NormalizedOptions, meter: FuelMeter, exitCode: number | null, error: ExecutionResult['error'], started: number): ExecutionResult {
  const { wasi, near, nearLogsBefore } = setup;
  const stdout = wasi.stdout();
  return {
    status: error ? 'error' : 'ok',
    output: decodeOutput(stdout),
    ...(options.rawOutput && { output_bytes: stdout.slice() }),
    fuel_used: Number(meter.used()),
    exit_code: exitCode,
    // stderr lines, then the lines logged with NEAR's log (404) during this run.
    logs: near ? [...toLines(wasi.stderr()), ...near.logs.slice(nearLogsBefore)] : toLines(wasi.stderr()),
    error,
    duration_ms: performance.now() - started,
  };
}

/** How a guest's run stopped, from what its entry threw: proc_exit's status, or the error of a stop by the meter, a trap or the host. */
export function stopOutcome(meter: FuelMeter, e: unknown): { exitCode: number | null; error: ExecutionResult['error'] } {
  const reason = meter.classify(e);
  if (reason.kind !== 'exit') return { exitCode: null, error: { kind: reason.kind, message: reason.message } };
  return { exitCode: reason.code, error: reason.code !== 0 ? { kind: 'exit', message: `exited with status ${reason.code}` } : null };
}
