/**
 * `outlayer run <file.wasm | file.js> [options]`: the stable command of ../shared/ARCHITECTURE.md.
 * Exit status: 0 when the result's status is "ok", 1 when "error", 2 for usage errors.
 */
import { readFile } from 'node:fs/promises';
import { OutlayerError } from '../errors.js';
import { bundleContract, BundleError } from '../js/node/bundle.js';
import { createPool } from '../js/node/pool.js';
import { createOsPool } from '../os/node/pool.js';
import { loadHostDir } from '../sandbox/node/load-dir.js';
import type { JobOptions } from '../sandbox/node/pool.js';
import { failure } from '../sandbox/result.js';
import type { ExecutionResult } from '../sandbox/result.js';
import { printResult } from './print-result.js';
import { createGuestOs, toExecutionResult } from '../os/index.js';
import { prepareWasiProcess, wasiProgram } from '../os/wasi-program.js';
import { DiskStore, defaultCacheDir } from '../sandbox/node/disk-store.js';
import { InvalidModule, ModulePreparer } from '../sandbox/prepare.js';
import { defaultNearContext } from '../sandbox/near.js';
import { parseFlags, parseIntegerFlag, UsageError } from './usage.js';

export const RUN_HELP = `Usage: outlayer run <file.wasm | file.js | file.sh> [options]

Runs a WASI preview1 command (or a JS module) in the metered, deterministic sandbox; a .sh file
is a shell script for a fresh guest OS (input on its stdin, as a job of kind "sh" runs).

Options:
  --input <text>            WASI: bytes on stdin. JS: JSON.parse(text) when it parses, else the string
  --input-file <path>       read the input from a file
  --max-instructions <n>    fuel budget (default 1000000000)
  --max-memory-mb <n>       memory cap for the whole execution (default 128)
  --max-output-bytes <n>    stdout cap (default 1048576)
  --timeout-ms <n>          wall-clock backstop (default 60000)
  --seed <text>             seeds all guest randomness (default "0")
  --block-timestamp-ns <n>  the guest's clock starts here (default 0)
  --env KEY=VALUE           repeatable; WASI environment
  --arg <value>             repeatable; WASI argv after argv[0]
  --dir <host>[::<guest>]   repeatable; preopen a copy of a host directory in the in-memory
                            filesystem; guest writes stay in memory
  --entry <name>            JS: exported function to call (default "execute")
  --mode <direct|linux>     linux: run the WASI program as a process of the guest OS (L2), with
                            its stdin, stdout and stderr wired to the kernel and the guest OS's
                            files at / (default direct)
  --json                    print exactly one JSON object, the result, on stdout
  -h, --help                show this help

Exit status: 0 when the result's status is "ok", 1 when "error", 2 for usage errors.`;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseFlags(argv, {
    input: { type: 'string' },
    'input-file': { type: 'string' },
    'max-instructions': { type: 'string' },
    'max-memory-mb': { type: 'string' },
    'max-output-bytes': { type: 'string' },
    'timeout-ms': { type: 'string' },
    seed: { type: 'string' },
    'block-timestamp-ns': { type: 'string' },
    env: { type: 'string', multiple: true },
    arg: { type: 'string', multiple: true },
    dir: { type: 'string', multiple: true },
    entry: { type: 'string' },
    mode: { type: 'string' },
    json: { type: 'boolean' },
  }, RUN_HELP, true);
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.stdout(`${RUN_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing <file.wasm | file.js | file.sh>' : `expected one file, got ${positionals.length}`, RUN_HELP);
  if (v.input !== undefined && v['input-file'] !== undefined) throw new UsageError('give --input or --input-file, not both', RUN_HELP);

  const file = positionals[0]!;
  const code = await readOrUsage(file, 'file');
  const isJs = /\.[cm]?js$/i.test(file);
  const isSh = /\.sh$/i.test(file);
  if (v.entry !== undefined && !isJs) throw new UsageError('--entry applies to JS guests only', RUN_HELP);

  const options: JobOptions = { kind: isJs ? 'js' : isSh ? 'sh' : 'wasm' };
  if (v.entry !== undefined) options.entry = v.entry;
  if (v.input !== undefined) options.input = v.input;
  if (v['input-file'] !== undefined) options.input = await readOrUsage(v['input-file'], '--input-file');
  const int = (name: string): bigint | undefined => {
    const text = v[name as keyof typeof v] as string | undefined;
    return text === undefined ? undefined : parseIntegerFlag(name, text, RUN_HELP);
  };
  const maxInstructions = int('max-instructions');
  if (maxInstructions !== undefined) options.maxInstructions = maxInstructions;
  const maxMemory = int('max-memory-mb');
  if (maxMemory !== undefined) options.maxMemoryMb = Number(maxMemory);
  const maxOutput = int('max-output-bytes');
  if (maxOutput !== undefined) options.maxOutputBytes = Number(maxOutput);
  const timeout = int('timeout-ms');
  if (timeout !== undefined) options.timeoutMs = Number(timeout);
  const ts = int('block-timestamp-ns');
  if (ts !== undefined) options.blockTimestampNs = ts;
  if (v.seed !== undefined) options.seed = v.seed;
  if (v.arg) options.args = v.arg;
  if (v.env) {
    options.env = v.env.map((pair): [string, string] => {
      const i = pair.indexOf('=');
      if (i <= 0) throw new UsageError(`--env expects KEY=VALUE, got ${JSON.stringify(pair)}`, RUN_HELP);
      return [pair.slice(0, i), pair.slice(i + 1)];
    });
  }
  if (v.dir) {
    options.preopens = v.dir.map((spec) => {
      const [host, guest] = spec.includes('::') ? spec.split('::', 2) as [string, string] : [spec, spec];
      if (!host || !guest) throw new UsageError(`--dir expects <host>[::<guest>], got ${JSON.stringify(spec)}`, RUN_HELP);
      try {
        return { guestPath: guest, root: loadHostDir(host) };
      } catch (e) {
        throw new UsageError(`--dir ${host}: ${(e as Error).message}`, RUN_HELP);
      }
    });
  }

  let source: Uint8Array | string = code;
  if (isJs) {
    try {
      source = await bundleContract(file);
    } catch (e) {
      if (!(e instanceof BundleError)) throw e;
      printResult(failure('invalid_module', e.message), v.json === true, io);
      return 1;
    }
  }
  const mode = v.mode ?? 'direct';
  if (mode !== 'direct' && mode !== 'linux') throw new UsageError(`--mode must be direct or linux, got ${JSON.stringify(mode)}`, RUN_HELP);
  if (mode === 'linux') {
    if (isJs || isSh) throw new UsageError('--mode linux runs WASI programs (.wasm); a .sh file always runs in the guest OS', RUN_HELP);
    if (options.preopens) throw new UsageError('--mode linux has its own filesystem: use outlayer sh --image for files', RUN_HELP);
    const result = await runLinux(code, options);
    printResult(result, v.json === true, io);
    return result.status === 'ok' ? 0 : 1;
  }
  if (isSh && options.preopens) throw new UsageError('a .sh script has the guest OS\'s filesystem: use outlayer sh --image for files', RUN_HELP);
  const pool = await (isSh ? createOsPool : createPool)({ size: 1 });
  let result: ExecutionResult;
  try {
    result = await pool.run(source, options);
  } catch (e) {
    if (e instanceof OutlayerError && e.code === 'usage') throw new UsageError(e.message, RUN_HELP);
    throw e;
  } finally {
    await pool.dispose();
  }
  printResult(result, v.json === true, io);
  return result.status === 'ok' ? 0 : 1;
}

async function readOrUsage(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${JSON.stringify(path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, RUN_HELP);
  }
}

/** `--mode linux`: the WASI program as pid 1 of a fresh guest OS, its fuel charged to the OS budget. */
export async function runLinux(code: Uint8Array, options: JobOptions): Promise<ExecutionResult> {
  const started = performance.now();
  let prepared;
  try {
    // The asyncified variant is cached on disk ($OUTLAYER_CACHE_DIR): the rewrite takes 0.2–1 s.
    prepared = await prepareWasiProcess(new ModulePreparer(new DiskStore(defaultCacheDir())), code);
  } catch (e) {
    if (e instanceof InvalidModule) return failure('invalid_module', e.message, performance.now() - started);
    throw e;
  }
  const maxInstructions = BigInt(options.maxInstructions ?? 1_000_000_000n);
  const blockTimestampNs = options.blockTimestampNs === undefined ? 0n : BigInt(options.blockTimestampNs);
  const env = Object.fromEntries(Array.isArray(options.env) ? options.env : Object.entries(options.env ?? {}));
  // One local NEAR context for the whole OS run (every process shares its storage), from the
  // same NEAR_* environment and seed a direct run would use; or the caller's.
  const near = options.near ?? defaultNearContext({ env: Object.entries(env), seed: options.seed ?? '0', blockTimestampNs });
  const kernel = createGuestOs({
    maxInstructions,
    blockTimestampNs,
    env,
    ...(options.maxOutputBytes !== undefined && { maxOutputBytes: options.maxOutputBytes }),
    programs: { main: wasiProgram(prepared, { maxInstructions, blockTimestampNs, ...(options.maxMemoryMb !== undefined && { maxMemoryMb: options.maxMemoryMb }), ...(options.seed !== undefined && { seed: options.seed }), near }) },
  });
  const input = options.input ?? '';
  const r = await kernel.run(['main', ...(options.args ?? [])], { stdin: input });
  return toExecutionResult(r, performance.now() - started);
}
