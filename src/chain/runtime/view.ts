/**
 * `query` `call_function`: runs a method read-only on current state (writes are discarded,
 * promises and signer access refused by the WASM ABI's view rules).
 */
import type { FunctionCallError } from '../codec/tx-errors.js';
import type { StateReader } from '../store/types.js';
import { runContract, type ContractEngines } from './contracts.js';
import { LazyStorage } from './lazy-storage.js';
import { VIEW_GAS } from './fees.js';

export type ViewResult =
  | { ok: true; result: Uint8Array; logs: string[] }
  | { ok: false; error: 'no_account' | 'no_code' }
  | { ok: false; error: 'failed'; failure: FunctionCallError; logs: string[] };

export async function viewCall(
  engines: ContractEngines,
  state: StateReader,
  block: { height: bigint; timestampNs: bigint },
  accountId: string,
  method: string,
  args: Uint8Array,
): Promise<ViewResult> {
  const account = state.getAccount(accountId);
  if (!account) return { ok: false, error: 'no_account' };
  const code = state.getCode(accountId);
  if (!code) return { ok: false, error: 'no_code' };
  const r = await runContract(engines, {
    accountId,
    code,
    codeHash: account.codeHash,
    method,
    args,
    signerId: accountId,
    signerPublicKey: '',
    predecessorId: accountId,
    deposit: 0n,
    gas: VIEW_GAS,
    blockHeight: block.height,
    blockTimestampNs: block.timestampNs,
    randomSeed: new Uint8Array(32),
    storage: new LazyStorage(state, accountId),
    accountBalance: account.amount,
    storageUsage: account.storageUsage,
    isView: true,
  });
  if (r.error) return { ok: false, error: 'failed', failure: r.error, logs: r.logs };
  return { ok: true, result: r.returnValue ?? new Uint8Array(0), logs: r.logs };
}
