/**
 * L2, the guest OS: a kernel (src/os/kernel) with the root image's userland (sh and the tools in
 * src/os/userland) installed in /bin, run with one fuel budget and turned into the result object
 * of ../shared/ARCHITECTURE.md.
 *
 * @example
 * const r = await runShell("seq 1 100 | awk '{s+=$1} END {print s}'", { maxInstructions: 10n ** 9n });
 * r.output; // "5050\n"
 */
import { createNearContext, type NearSyscallContext } from '../sandbox/near.js';
import type { ExecutionResult } from '../sandbox/result.js';
import { Kernel, type KernelOptions, type RunResult, type VfsImage } from './kernel/index.js';
import { qjsProgram } from './qjs/program.js';
import type { QjsRuntime } from './qjs/runtime.js';
import { sh } from './sh/index.js';
import type { Program } from './types.js';
import { USERLAND } from './userland/index.js';

/** Every program of the root image, by name (in /bin). */
export const ROOT_PROGRAMS: Readonly<Record<string, Program>> = { ...USERLAND, sh };

export interface GuestOsOptions {
  maxInstructions?: bigint;
  /** Mounted at / (a VFS snapshot, or `{path: content}`). */
  image?: VfsImage;
  blockTimestampNs?: bigint;
  env?: Readonly<Record<string, string>>;
  maxOutputBytes?: number;
  quotaBytes?: number;
  maxProcesses?: number;
  /** Extra programs (e.g. a WASI module as `main`). */
  programs?: Readonly<Record<string, Program>>;
  /** Installs `qjs` (JS processes) running on these engines (src/os/qjs; Node: src/os/node/runtimes.ts). */
  qjs?: QjsRuntime | (() => Promise<QjsRuntime>);
  /**
   * The NEAR context `qjs` processes share (storage, logs, promises): a job's, or by default a
   * local in-memory one for this OS instance (accounts local.near, its storage kept across runs).
   */
  near?: NearSyscallContext;
  /** Seeds the JS realms' Math.random (with each process's pid). */
  seed?: string;
}

export function createGuestOs(o: GuestOsOptions = {}): Kernel {
  const near = o.near ?? createNearContext({ blockTimestampNs: o.blockTimestampNs ?? 0n });
  const qjs: Record<string, Program> = o.qjs ? { qjs: qjsProgram(o.qjs, { near, ...(o.seed !== undefined && { seed: o.seed }) }) } : {};
  const options: KernelOptions = {
    programs: { ...ROOT_PROGRAMS, ...qjs, ...o.programs },
    maxInstructions: o.maxInstructions ?? 1_000_000_000n,
    ...(o.image !== undefined && { image: o.image }),
    ...(o.blockTimestampNs !== undefined && { blockTimestampNs: o.blockTimestampNs }),
    ...(o.env !== undefined && { env: o.env }),
    ...(o.maxOutputBytes !== undefined && { maxOutputBytes: o.maxOutputBytes }),
    ...(o.quotaBytes !== undefined && { quotaBytes: o.quotaBytes }),
    ...(o.maxProcesses !== undefined && { maxProcesses: o.maxProcesses }),
  };
  return Kernel.create(options);
}

const decoder = new TextDecoder();

/** The ARCHITECTURE result object of a kernel run: stdout is the output, a non-zero status is kind `exit`. */
export function toExecutionResult(r: RunResult, durationMs: number): ExecutionResult {
  const stderr = decoder.decode(r.stderr);
  const logs = stderr === '' ? [] : stderr.replace(/\n$/, '').split('\n');
  const error = r.error ?? (r.status !== 0 ? { kind: 'exit' as const, message: `exited with status ${r.status}` } : null);
  return { status: error ? 'error' : 'ok', output: decoder.decode(r.stdout), fuel_used: Number(r.fuelUsed), exit_code: r.status, logs, error, duration_ms: durationMs };
}

/** Runs one `sh -c script` in a fresh guest OS (or in `kernel`, to keep its VFS). */
export async function runShell(script: string, o: GuestOsOptions & { stdin?: string | Uint8Array; kernel?: Kernel } = {}): Promise<ExecutionResult> {
  const started = performance.now();
  const kernel = o.kernel ?? createGuestOs(o);
  const r = await kernel.run(['sh', '-c', script], o.stdin !== undefined ? { stdin: o.stdin } : {});
  return toExecutionResult(r, performance.now() - started);
}

export { Kernel } from './kernel/index.js';
export { QjsRuntime } from './qjs/runtime.js';
export type { Program, Proc } from './types.js';
