/**
 * The contract's configuration and counters (`cfg`): owner, operator, pause switch, event
 * metadata, pricing, the next request id and the totals `get_stats` reports. Set once by `new`.
 */
import { DEFAULT_PRICING, type Pricing } from './lib/pricing.js';
import { fail, near } from './near.js';
import { keys, readJson, writeJson } from './storage.js';

export interface Config {
  owner_id: string;
  operator_id: string;
  paused: boolean;
  event_standard: string;
  event_version: string;
  /** yoctoNEAR amounts as decimal strings. */
  pricing: { base_fee: string; per_million_instructions_fee: string; per_ms_fee: string; per_compile_ms_fee: string };
  next_request_id: number;
  total_executions: number;
  total_fees_collected: string;
}

export const DEFAULT_EVENT_STANDARD = 'near-outlayer';
export const DEFAULT_EVENT_VERSION = '1.0.0';

export function pricingToStored(p: Pricing): Config['pricing'] {
  return { base_fee: String(p.base_fee), per_million_instructions_fee: String(p.per_million_instructions_fee), per_ms_fee: String(p.per_ms_fee), per_compile_ms_fee: String(p.per_compile_ms_fee) };
}

export function pricingOf(c: Config): Pricing {
  return { base_fee: BigInt(c.pricing.base_fee), per_million_instructions_fee: BigInt(c.pricing.per_million_instructions_fee), per_ms_fee: BigInt(c.pricing.per_ms_fee), per_compile_ms_fee: BigInt(c.pricing.per_compile_ms_fee) };
}

export function newConfig(owner: string, operator: string, standard: string, version: string): Config {
  return { owner_id: owner, operator_id: operator, paused: false, event_standard: standard, event_version: version, pricing: pricingToStored(DEFAULT_PRICING), next_request_id: 0, total_executions: 0, total_fees_collected: '0' };
}

export function isInitialized(): boolean {
  return near.storageHasKey(keys.config);
}

export function loadConfig(): Config {
  const c = readJson<Config>(keys.config);
  if (!c) fail('The contract is not initialized: call new({owner_id, operator_id?}) first');
  return c;
}

export function saveConfig(c: Config): void {
  writeJson(keys.config, c);
}

export function assertOwner(c: Config): void {
  if (near.predecessorAccountId() !== c.owner_id) fail('Only owner can call this method');
}

export function assertOperator(c: Config): void {
  if (near.predecessorAccountId() !== c.operator_id) fail('Only operator can call this');
}

export function assertNotPaused(c: Config): void {
  if (c.paused) fail('Contract is paused');
}
