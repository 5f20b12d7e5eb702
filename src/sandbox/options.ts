/**
 * Execution options: defaults, limits and validation in one place. Unknown keys are rejected
 * (the SES `lockdown()` habit) so a misspelt limit never silently falls back to a default.
 */
import { OutlayerError } from '../errors.js';
import { checkNearContext, type NearSyscallContext } from './near.js';
import type { DirNode } from './wasi/fs.js';

export interface RunOptions {
  /** WASI: bytes on stdin. JS (L3): the input value. */
  input?: Uint8Array | string;
  /** Fuel budget (default 1e9, at most 5e11 as the OutLayer contract allows). */
  maxInstructions?: number | bigint;
  /** Memory cap for the whole execution in MiB (default 128, at most 4096). */
  maxMemoryMb?: number;
  /** Cap on stdout, and separately on stderr, in bytes (default 1 MiB). */
  maxOutputBytes?: number;
  /** Wall-clock backstop in ms (default 60000). Only the pool enforces it. */
  timeoutMs?: number;
  /** Seeds all guest randomness (default "0"). */
  seed?: string;
  /** The guest's realtime clock starts here (ns since the epoch; default 0). */
  blockTimestampNs?: bigint | number | string;
  /** Extra WASI environment, after TZ=UTC, LANG=C, LC_ALL=C (which it may override). */
  env?: Record<string, string> | readonly (readonly [string, string])[];
  /** WASI argv after argv[0]. */
  args?: readonly string[];
  /** WASI argv[0] (default "main.wasm": fixed, so results do not depend on host paths). */
  argv0?: string;
  /** Directories in the guest's in-memory filesystem. */
  preopens?: readonly { guestPath: string; root: DirNode }[];
  /**
   * WASI: the context of NEAR system calls (`outlayer.syscall`, ./near.ts). The object itself is
   * used, not a copy: the guest's storage writes, logs and promises land in it. Absent: a local
   * in-memory context per execution (`defaultNearContext`).
   */
  near?: NearSyscallContext;
  /** WASI: also return stdout's exact bytes (`result.output_bytes`). */
  rawOutput?: boolean;
}

export interface NormalizedOptions {
  input: Uint8Array;
  maxInstructions: bigint;
  maxMemoryMb: number;
  maxOutputBytes: number;
  timeoutMs: number;
  seed: string;
  blockTimestampNs: bigint;
  env: [string, string][];
  args: string[];
  preopens: { guestPath: string; root: DirNode }[];
  near?: NearSyscallContext;
  rawOutput?: boolean;
}

export const DEFAULTS = {
  maxInstructions: 1_000_000_000n,
  maxMemoryMb: 128,
  maxOutputBytes: 1_048_576,
  timeoutMs: 60_000,
  seed: '0',
  blockTimestampNs: 0n,
} as const;

export const LIMITS = {
  maxInstructions: 500_000_000_000n,
  maxMemoryMb: 4096,
  maxOutputBytes: 256 * 1_048_576,
  timeoutMs: 3_600_000,
} as const;

const BASE_ENV: [string, string][] = [['TZ', 'UTC'], ['LANG', 'C'], ['LC_ALL', 'C']];
const KNOWN = new Set(['input', 'maxInstructions', 'maxMemoryMb', 'maxOutputBytes', 'timeoutMs', 'seed', 'blockTimestampNs', 'env', 'args', 'argv0', 'preopens', 'near', 'rawOutput']);

function usage(message: string): never {
  throw new OutlayerError('usage', message);
}

function integer(name: string, value: unknown, min: bigint, max: bigint): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'string' && /^[0-9]+$/.test(value)) v = BigInt(value);
  else return usage(`${name} must be a non-negative integer, got ${JSON.stringify(String(value))}`);
  if (v < min || v > max) usage(`${name} must be between ${min} and ${max}, got ${v}`);
  return v;
}

/** Applies defaults and checks every option; throws OutlayerError('usage') naming the bad one. */
export function normalizeOptions(options: RunOptions = {}): NormalizedOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) usage(`unknown option ${JSON.stringify(key)}`);
  }
  const o = options;
  const input = o.input === undefined ? new Uint8Array(0) : typeof o.input === 'string' ? new TextEncoder().encode(o.input) : o.input;
  if (!(input instanceof Uint8Array)) usage('input must be a string or a Uint8Array');
  const seed = o.seed ?? DEFAULTS.seed;
  if (typeof seed !== 'string') usage('seed must be a string');

  const env = new Map(BASE_ENV);
  const given = o.env === undefined ? [] : Array.isArray(o.env) ? o.env : Object.entries(o.env);
  for (const pair of given as [unknown, unknown][]) {
    const [k, v] = pair;
    if (typeof k !== 'string' || typeof v !== 'string' || k === '' || k.includes('=') || k.includes('\0') || v.includes('\0')) {
      usage(`bad environment variable ${JSON.stringify(pair)}: expected KEY=VALUE with a non-empty KEY and no NUL`);
    }
    env.set(k, v);
  }
  const args = [o.argv0 ?? 'main.wasm', ...(o.args ?? [])];
  for (const a of args) if (typeof a !== 'string' || a.includes('\0')) usage(`bad argument ${JSON.stringify(a)}: arguments are strings without NUL`);

  const preopens = (o.preopens ?? []).slice();
  for (const p of preopens) {
    if (typeof p.guestPath !== 'string' || p.guestPath === '') usage('each preopen needs a guestPath');
  }

  if (o.near !== undefined) {
    const bad = checkNearContext(o.near);
    if (bad) usage(bad);
  }

  return {
    input,
    maxInstructions: integer('maxInstructions', o.maxInstructions ?? DEFAULTS.maxInstructions, 1n, LIMITS.maxInstructions),
    maxMemoryMb: Number(integer('maxMemoryMb', o.maxMemoryMb ?? DEFAULTS.maxMemoryMb, 1n, BigInt(LIMITS.maxMemoryMb))),
    maxOutputBytes: Number(integer('maxOutputBytes', o.maxOutputBytes ?? DEFAULTS.maxOutputBytes, 0n, BigInt(LIMITS.maxOutputBytes))),
    timeoutMs: Number(integer('timeoutMs', o.timeoutMs ?? DEFAULTS.timeoutMs, 1n, BigInt(LIMITS.timeoutMs))),
    seed,
    blockTimestampNs: integer('blockTimestampNs', o.blockTimestampNs ?? DEFAULTS.blockTimestampNs, 0n, 2n ** 64n - 1n),
    env: [...env],
    args,
    preopens,
    ...(o.near !== undefined && { near: o.near }),
    ...(o.rawOutput === true && { rawOutput: true }),
  };
}
