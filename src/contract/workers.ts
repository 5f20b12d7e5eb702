/**
 * Worker keys: the ed25519 keys whose signatures the contract accepts on results. Once at least
 * one key is registered, every resolution must carry a valid attestation (attestation.ts) from
 * one of them; with none registered the contract trusts its operator alone, as the reference
 * contract does. The owner or the operator registers and removes keys.
 */
import { argsOf } from './method-args.js';
import { assertNoDeposit, fail, near } from './near.js';
import { loadConfig } from './config.js';
import { ed25519KeyBytes } from './attestation.js';
import { keys, readJson, remove, writeJson } from './storage.js';

export interface WorkerKey {
  public_key: string;
  added_by: string;
  /** Block timestamp (ns) as a decimal string. */
  added_at: string;
}

/** How many keys may be registered (keeps `list_worker_keys` bounded). */
const MAX_WORKER_KEYS = 100;

function assertOwnerOrOperator(method: string): void {
  const c = loadConfig();
  const who = near.predecessorAccountId();
  if (who !== c.owner_id && who !== c.operator_id) fail(`${method}: only the owner or the operator can manage worker keys`);
}

function publicKeyArg(args: Record<string, unknown>): string {
  const pk = args.public_key;
  if (typeof pk !== 'string' || !ed25519KeyBytes(pk)) fail(`public_key must be an ed25519 key 'ed25519:<base58 of 32 bytes>', got ${JSON.stringify(pk)?.slice(0, 100)}`);
  return pk;
}

function loadKeys(): WorkerKey[] {
  return readJson<WorkerKey[]>(keys.workerKeys) ?? [];
}

export function workerKeyCount(): number {
  return loadKeys().length;
}

export function isWorkerKey(publicKey: string): boolean {
  return loadKeys().some((k) => k.public_key === publicKey);
}

export function register_worker_key(input: unknown): boolean {
  assertNoDeposit('register_worker_key');
  assertOwnerOrOperator('register_worker_key');
  const pk = publicKeyArg(argsOf(input, 'register_worker_key', ['public_key'], ['public_key']));
  const list = loadKeys();
  if (list.some((k) => k.public_key === pk)) return false;
  if (list.length >= MAX_WORKER_KEYS) fail(`register_worker_key: at most ${MAX_WORKER_KEYS} worker keys; remove one first`);
  list.push({ public_key: pk, added_by: near.predecessorAccountId(), added_at: String(near.blockTimestamp()) });
  writeJson(keys.workerKeys, list);
  near.log(`Worker key registered: ${pk}`);
  return true;
}

export function remove_worker_key(input: unknown): boolean {
  assertNoDeposit('remove_worker_key');
  assertOwnerOrOperator('remove_worker_key');
  const pk = publicKeyArg(argsOf(input, 'remove_worker_key', ['public_key'], ['public_key']));
  const list = loadKeys();
  const rest = list.filter((k) => k.public_key !== pk);
  if (rest.length === list.length) return false;
  if (rest.length === 0) remove(keys.workerKeys);
  else writeJson(keys.workerKeys, rest);
  near.log(`Worker key removed: ${pk}`);
  return true;
}

/** View: the registered keys, oldest first. */
export function list_worker_keys(): WorkerKey[] {
  return loadKeys();
}
