/**
 * The devnet's fee schedule. Every action costs its nearcore base fee (`ACTION_FEES`, send +
 * exec, from parameters.yaml) plus one `new_action_receipt`; the transaction pays the send half
 * when it is converted to a receipt and the exec half when the receipt runs. Contract gas comes
 * on top: WASM contracts report their own (fuel × nearcore's `wasm_regular_op_cost` + host
 * costs); JS contracts are charged `JS_GAS_PER_FUEL` per unit of L3 fuel (one QuickJS wasm
 * instruction). Gas costs `GAS_PRICE` yoctoNEAR (nearcore's minimum gas price); burnt gas is
 * paid, the rest of the prepaid gas refunded to the signer.
 */
import type { Action } from '../codec/actions.js';
import { ACTION_FEES, type Fee } from '../wasm/costs.js';

/** yoctoNEAR per gas: nearcore's `min_gas_price` (0.1 NEAR per Pgas). */
export const GAS_PRICE = 100_000_000n;
/**
 * Gas per unit of JS fuel. QuickJS runs ~50–200 wasm instructions per JS operation, so the
 * WASM rate (822,756) would make a trivial JS call cost Pgas; 10,000 keeps a 300 Tgas call at
 * 3·10^10 instructions, about the work a 300 Tgas WASM call may do.
 */
export const JS_GAS_PER_FUEL = 10_000n;
/** yoctoNEAR per byte of storage (nearcore's `storage_amount_per_byte`, 10^19). Receipts that leave an account below it fail. */
export const STORAGE_AMOUNT_PER_BYTE = 10_000_000_000_000_000_000n;
/** nearcore's `max_total_prepaid_gas` per transaction. */
export const MAX_PREPAID_GAS = 300_000_000_000_000n;
/** nearcore's `max_gas_burnt_view` for view calls (`call_function`). */
export const VIEW_GAS = 300_000_000_000_000n;

const sum = (fee: Fee): bigint => fee.send + fee.exec;

function actionFee(action: Action): Fee {
  switch (action.type) {
    case 'CreateAccount':
      return ACTION_FEES.create_account;
    case 'DeployContract': {
      const n = BigInt(action.code.length);
      return sized(ACTION_FEES.deploy_contract_base, ACTION_FEES.deploy_contract_byte, n);
    }
    case 'FunctionCall': {
      const n = BigInt(action.args.length + action.methodName.length);
      return sized(ACTION_FEES.function_call_base, ACTION_FEES.function_call_byte, n);
    }
    case 'Transfer':
      return ACTION_FEES.transfer;
    case 'Stake':
      return ACTION_FEES.stake;
    case 'AddKey': {
      const perm = action.accessKey.permission;
      if (perm.kind === 'FullAccess') return ACTION_FEES.add_full_access_key;
      const n = BigInt(perm.methodNames.reduce((t, m) => t + m.length, 0));
      return sized(ACTION_FEES.add_function_call_key_base, ACTION_FEES.add_function_call_key_byte, n);
    }
    case 'DeleteKey':
      return ACTION_FEES.delete_key;
    case 'DeleteAccount':
      return ACTION_FEES.delete_account;
    default:
      return { send: 0n, exec: 0n };
  }
}

/** Send and exec gas of a receipt carrying `actions` (fees only, no prepaid contract gas). */
export function receiptFees(actions: readonly Action[]): Fee {
  let send = ACTION_FEES.new_action_receipt.send;
  let exec = ACTION_FEES.new_action_receipt.exec;
  for (const a of actions) {
    const f = actionFee(a);
    send += f.send;
    exec += f.exec;
  }
  return { send, exec };
}

export const totalFee = sum;

/** Gas attached to function calls. */
export function prepaidGas(actions: readonly Action[]): bigint {
  return actions.reduce((t, a) => t + (a.type === 'FunctionCall' ? a.gas : 0n), 0n);
}

/** yoctoNEAR moved by deposits. */
export function totalDeposit(actions: readonly Action[]): bigint {
  return actions.reduce((t, a) => t + (a.type === 'FunctionCall' || a.type === 'Transfer' ? a.deposit : 0n), 0n);
}

/** A fee with a base part and a per-byte part, for `n` bytes. */
function sized(base: { send: bigint; exec: bigint }, perByte: { send: bigint; exec: bigint }, n: bigint): { send: bigint; exec: bigint } {
  return { send: base.send + perByte.send * n, exec: base.exec + perByte.exec * n };
}
