/**
 * Runs one WASI preview1 command on the current thread: the core of L1, free of Node-only APIs
 * so it runs unchanged in a Web Worker. The pool (./node/pool.ts) adds threads and the timeout.
 */
import { GuestAbort } from './signals.js';
import { FuelMeter } from './meter/runtime.js';
import { START_EXPORT } from './meter/costs.js';
import type { NormalizedOptions } from './options.js';
import { InvalidModule, type ModulePreparer, type PreparedModule } from './prepare.js';
import { decodeOutput, failure, toLines, type ExecutionResult } from './result.js';
import { checkImports } from './imports.js';
import { defaultNearContext, NEAR_MODULE, NEAR_SYSCALL, nearSyscall, type NearSyscallContext } from './near.js';
import { Wasi, WASI_MODULE } from './wasi/index.js';

const PAGE = 65536;

/** Prepares (cached) `code` as a WASI command: validated, metered, imports checked, `_start` present. Throws InvalidModule. */
export async function prepareCommand(preparer: ModulePreparer, code: Uint8Array): Promise<PreparedModule> {
  const prepared = await preparer.prepare(code);
  checkImports(prepared);
  if (!prepared.exports.includes('_start')) throw new InvalidModule('no _start export: OutLayer runs WASI commands, which export _start');
  return prepared;
}

/** Prepares (cached) and runs `code` as a WASI command. Never throws for guest behaviour. */
export async function executeWasm(preparer: ModulePreparer, code: Uint8Array, options: NormalizedOptions): Promise<ExecutionResult> {
  const started = performance.now();
  let prepared: PreparedModule;
  try {
    prepared = await prepareCommand(preparer, code);
  } catch (e) {
    if (e instanceof InvalidModule) return failure('invalid_module', e.message, performance.now() - started);
    throw e;
  }
  return runPrepared(prepared, options, started);
}

export async function runPrepared(prepared: PreparedModule, options: NormalizedOptions, started = performance.now()): Promise<ExecutionResult> {
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

  const meter = new FuelMeter(options.maxInstructions);
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
    },
    {
      memory: () => {
        if (!memory) throw new GuestAbort('trap', 'the module has no memory for WASI to use');
        return memory;
      },
      charge: (n) => meter.charge(n),
      fuelUsed: () => meter.used(),
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

  let exitCode: number | null = null;
  let error: ExecutionResult['error'] = null;
  try {
    const instance = await WebAssembly.instantiate(prepared.module, imports);
    meter.attach(instance);
    const start = instance.exports[START_EXPORT];
    if (typeof start === 'function') start();
    (instance.exports._start as () => void)();
    exitCode = 0;
  } catch (e) {
    const reason = meter.classify(e);
    if (reason.kind === 'exit') {
      exitCode = reason.code;
      if (exitCode !== 0) error = { kind: 'exit', message: `exited with status ${exitCode}` };
    } else {
      error = { kind: reason.kind, message: reason.message };
    }
  }

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
