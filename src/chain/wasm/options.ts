/**
 * Validates a `WasmCall` before anything runs: unknown keys, wrong types and values outside
 * their range are a caller's bug (`usage`), never a guest failure.
 */
import { OutlayerError } from '../../errors.js';
import { MAX_MEMORY_MB } from './costs.js';
import type { WasmCall } from './types.js';

const CALL_KEYS = new Set(['method', 'input', 'context', 'storage', 'promiseResults', 'gasPerFuel', 'maxMemoryMb', 'isYieldPending']);

const CONTEXT_FIELDS: Record<string, { type: 'string' | 'bigint' | 'boolean' | 'seed' | 'key'; optional?: boolean; bits?: number }> = {
  currentAccountId: { type: 'string' },
  signerAccountId: { type: 'string' },
  signerPublicKey: { type: 'key', optional: true },
  predecessorAccountId: { type: 'string' },
  blockIndex: { type: 'bigint', bits: 64 },
  blockTimestampNs: { type: 'bigint', bits: 64 },
  epochHeight: { type: 'bigint', bits: 64, optional: true },
  attachedDeposit: { type: 'bigint', bits: 128 },
  prepaidGas: { type: 'bigint', bits: 64 },
  randomSeed: { type: 'seed' },
  accountBalance: { type: 'bigint', bits: 128 },
  accountLockedBalance: { type: 'bigint', bits: 128, optional: true },
  storageUsage: { type: 'bigint', bits: 64 },
  isView: { type: 'boolean' },
};

const usage = (message: string): never => {
  throw new OutlayerError('usage', `runWasmContract: ${message}`);
};

export function checkCall(call: WasmCall): void {
  if (typeof call !== 'object' || call === null) usage('call must be an object');
  for (const key of Object.keys(call)) if (!CALL_KEYS.has(key)) usage(`unknown option ${key}`);
  if (typeof call.method !== 'string') usage('method must be a string');
  if (!(call.input instanceof Uint8Array)) usage('input must be a Uint8Array');
  if (typeof (call.storage as { get?: unknown } | null)?.get !== 'function') usage('storage must have a get(key) method (a Map or LazyStorage)');
  if (call.promiseResults !== undefined && !Array.isArray(call.promiseResults)) usage('promiseResults must be an array');
  if (call.gasPerFuel !== undefined && (typeof call.gasPerFuel !== 'bigint' || call.gasPerFuel <= 0n)) usage('gasPerFuel must be a positive bigint');
  const mb = call.maxMemoryMb;
  if (mb !== undefined && (!Number.isInteger(mb) || mb < 1 || mb > MAX_MEMORY_MB)) usage(`maxMemoryMb must be an integer from 1 to ${MAX_MEMORY_MB}`);
  if (call.isYieldPending !== undefined && typeof call.isYieldPending !== 'function') usage('isYieldPending must be a function');

  const context = call.context as unknown as Record<string, unknown>;
  if (typeof context !== 'object' || context === null) usage('context must be an object');
  for (const key of Object.keys(context)) if (!(key in CONTEXT_FIELDS)) usage(`unknown context field ${key}`);
  for (const [key, field] of Object.entries(CONTEXT_FIELDS)) {
    const value = context[key];
    if (value === undefined) {
      if (!field.optional) usage(`context.${key} is required`);
      continue;
    }
    const ok =
      field.type === 'bigint'
        ? typeof value === 'bigint' && value >= 0n && value < 1n << BigInt(field.bits!)
        : field.type === 'seed'
          ? value instanceof Uint8Array && value.length === 32
          : field.type === 'key'
            ? isPublicKey(value)
            : typeof value === field.type;
    if (!ok) usage(`context.${key} must be ${describe(field)}`);
  }
}

function isPublicKey(value: unknown): boolean {
  const key = value as { keyType?: unknown; data?: unknown };
  return (key.keyType === 'ed25519' && key.data instanceof Uint8Array && key.data.length === 32) || (key.keyType === 'secp256k1' && key.data instanceof Uint8Array && key.data.length === 64);
}

function describe(field: (typeof CONTEXT_FIELDS)[string]): string {
  if (field.type === 'bigint') return `a u${field.bits} bigint`;
  if (field.type === 'seed') return 'a 32-byte Uint8Array';
  if (field.type === 'key') return 'a PublicKey ({ keyType, data })';
  return `a ${field.type}`;
}
