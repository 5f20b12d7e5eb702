/** Read-only methods over the configuration (the request views live with their records). */
import { argsOf, u64Arg } from './method-args.js';
import { loadConfig, pricingOf } from './config.js';
import { resolveLimits, MAX_COMPILATION_SECONDS, MAX_EXECUTION_SECONDS, MAX_INSTRUCTIONS } from './lib/limits.js';
import { estimateCost, pricingToJson } from './lib/pricing.js';
import { requestView } from './records.js';

/** `[base_fee, per_million_instructions_fee, per_ms_fee, per_compile_ms_fee]`, U128 strings. */
export const get_pricing = (): string[] => pricingToJson(pricingOf(loadConfig()));

/** `[total_executions, total_fees_collected]`. */
export function get_stats(): [number, string] {
  const c = loadConfig();
  return [c.total_executions, c.total_fees_collected];
}

/** The deposit request_execution requires for these limits (defaults when omitted), U128. */
export function estimate_execution_cost(input: unknown): string {
  const a = argsOf(input, 'estimate_execution_cost', ['resource_limits']);
  return String(estimateCost(pricingOf(loadConfig()), resolveLimits(a.resource_limits)));
}

/** `[max_instructions, max_execution_seconds, max_compilation_seconds]`. */
export const get_max_limits = (): [bigint, bigint, bigint] => [MAX_INSTRUCTIONS, MAX_EXECUTION_SECONDS, MAX_COMPILATION_SECONDS];

export const is_paused = (): boolean => loadConfig().paused;

/** `[owner_id, operator_id]`. */
export function get_config(): [string, string] {
  const c = loadConfig();
  return [c.owner_id, c.operator_id];
}

/** `[standard, version]` of the events. */
export function get_event_metadata(): [string, string] {
  const c = loadConfig();
  return [c.event_standard, c.event_version];
}

/** A pending or settled request, or null. */
export function get_request(input: unknown): Record<string, unknown> | null {
  const a = argsOf(input, 'get_request', ['request_id'], ['request_id']);
  return requestView(u64Arg(a.request_id, 'request_id'));
}

/** How many requests were made (the next request id). */
export const get_request_count = (): number => loadConfig().next_request_id;
