/**
 * The OutLayer contract: the JS contract deployed at `outlayer.<root>` on the devnet (bundled
 * into one ES module by ./node/build.ts). Method names, arguments, results, events and pricing
 * follow the reference Rust contract (docs/contract.md lists them); every method is wrapped so
 * that a `ContractError` becomes a NEAR panic with its message, and results are written with
 * exact u64 digits (toJson) rather than JSON.stringify, which cannot write a bigint.
 */
import { init, set_event_metadata, set_operator, set_owner, set_paused, set_pricing } from './admin.js';
import { get_request_history } from './history.js';
import { ContractError } from './lib/errors.js';
import { toJson } from './lib/json.js';
import { near } from './near.js';
import * as requests from './requests.js';
import * as secrets from './secrets.js';
import * as views from './views.js';
import * as workers from './workers.js';

function method(fn: (input: unknown) => unknown): (input: unknown) => void {
  return (input: unknown) => {
    try {
      const result = fn(input);
      if (result !== undefined) near.valueReturn(toJson(result));
    } catch (e) {
      if (e instanceof ContractError) near.panic(e.message);
      throw e;
    }
  };
}

const init_ = method(init);
export { init_ as new };

export const request_execution = method(requests.request_execution);
export const resolve_execution = method(requests.resolve_execution);
export const submit_execution_output = method(requests.submit_execution_output);
export const submit_execution_output_and_resolve = method(requests.submit_execution_output_and_resolve);
export const on_execution_response = method(requests.on_execution_response);
export const cancel_stale_execution = method(requests.cancel_stale_execution);
export const emergency_cancel_execution = method(requests.emergency_cancel_execution);
export const get_pending_output = method(requests.get_pending_output);
export const has_pending_output = method(requests.has_pending_output);

export const get_request = method(views.get_request);
export const get_request_count = method(views.get_request_count);
export const get_pricing = method(views.get_pricing);
export const get_stats = method(views.get_stats);
export const estimate_execution_cost = method(views.estimate_execution_cost);
export const get_max_limits = method(views.get_max_limits);
export const is_paused = method(views.is_paused);
export const get_config = method(views.get_config);
export const get_event_metadata = method(views.get_event_metadata);
const get_request_history_ = method(get_request_history);
export { get_request_history_ as get_request_history };

const set_owner_ = method(set_owner);
const set_operator_ = method(set_operator);
const set_paused_ = method(set_paused);
const set_pricing_ = method(set_pricing);
const set_event_metadata_ = method(set_event_metadata);
export { set_owner_ as set_owner, set_operator_ as set_operator, set_paused_ as set_paused, set_pricing_ as set_pricing, set_event_metadata_ as set_event_metadata };

export const register_worker_key = method(workers.register_worker_key);
export const remove_worker_key = method(workers.remove_worker_key);
export const list_worker_keys = method(workers.list_worker_keys);

export const store_secrets = method(secrets.store_secrets);
export const delete_secrets = method(secrets.delete_secrets);
export const update_access = method(secrets.update_access);
export const get_secrets = method(secrets.get_secrets);
export const secrets_exist = method(secrets.secrets_exist);
export const list_user_secrets = method(secrets.list_user_secrets);
export const estimate_storage_cost = method(secrets.estimate_storage_cost);
