/**
 * Initialisation and the owner's switches. `new` may only be called by the contract account
 * itself (in the deployment's batch, or later with the contract's key), so nobody can race the
 * deployer to claim ownership of a freshly deployed contract.
 */
import { accountIdArg, argsOf, boolArg, optionalString } from './method-args.js';
import { assertOwner, DEFAULT_EVENT_STANDARD, DEFAULT_EVENT_VERSION, isInitialized, loadConfig, newConfig, pricingOf, pricingToStored, saveConfig } from './config.js';
import { parsePricingUpdate } from './lib/pricing.js';
import { assertNoDeposit, fail, near } from './near.js';

export function init(input: unknown): void {
  assertNoDeposit('new');
  if (isInitialized()) fail('The contract has already been initialized');
  if (near.predecessorAccountId() !== near.currentAccountId()) fail('new can only be called by the contract account itself');
  const a = argsOf(input, 'new', ['owner_id', 'operator_id', 'event_standard', 'event_version'], ['owner_id']);
  const owner = accountIdArg(a.owner_id, 'owner_id');
  const operator = a.operator_id === undefined || a.operator_id === null ? owner : accountIdArg(a.operator_id, 'operator_id');
  const standard = optionalString(a.event_standard, 'event_standard', 64) ?? DEFAULT_EVENT_STANDARD;
  const version = optionalString(a.event_version, 'event_version', 32) ?? DEFAULT_EVENT_VERSION;
  saveConfig(newConfig(owner, operator, standard, version));
  near.log(`OutLayer contract initialized: owner ${owner}, operator ${operator}`);
}

/** Runs `change` on the config as its owner, with no deposit. */
function asOwner(method: string, input: unknown, allowed: string[], required: string[], change: (a: Record<string, unknown>, c: ReturnType<typeof loadConfig>) => void): void {
  assertNoDeposit(method);
  const c = loadConfig();
  assertOwner(c);
  change(argsOf(input, method, allowed, required), c);
  saveConfig(c);
}

export function set_owner(input: unknown): void {
  asOwner('set_owner', input, ['new_owner_id'], ['new_owner_id'], (a, c) => {
    const next = accountIdArg(a.new_owner_id, 'new_owner_id');
    near.log(`Owner changed from ${c.owner_id} to ${next}`);
    c.owner_id = next;
  });
}

export function set_operator(input: unknown): void {
  asOwner('set_operator', input, ['new_operator_id'], ['new_operator_id'], (a, c) => {
    const next = accountIdArg(a.new_operator_id, 'new_operator_id');
    near.log(`Operator changed from ${c.operator_id} to ${next}`);
    c.operator_id = next;
  });
}

export function set_paused(input: unknown): void {
  asOwner('set_paused', input, ['paused'], ['paused'], (a, c) => {
    c.paused = boolArg(a.paused, 'paused');
    near.log(c.paused ? 'Contract paused' : 'Contract unpaused');
  });
}

export function set_pricing(input: unknown): void {
  asOwner('set_pricing', input, ['base_fee', 'per_million_instructions_fee', 'per_ms_fee', 'per_compile_ms_fee'], [], (a, c) => {
    const update = parsePricingUpdate(a);
    const next = { ...pricingOf(c), ...update };
    if (update.base_fee !== undefined) near.log(`Base fee updated to ${next.base_fee}`);
    if (update.per_million_instructions_fee !== undefined) near.log(`Per million instructions fee updated to ${next.per_million_instructions_fee}`);
    if (update.per_ms_fee !== undefined) near.log(`Per millisecond fee (execution) updated to ${next.per_ms_fee}`);
    if (update.per_compile_ms_fee !== undefined) near.log(`Per millisecond fee (compilation) updated to ${next.per_compile_ms_fee}`);
    c.pricing = pricingToStored(next);
  });
}

export function set_event_metadata(input: unknown): void {
  asOwner('set_event_metadata', input, ['standard', 'version'], [], (a, c) => {
    const standard = optionalString(a.standard, 'standard', 64);
    const version = optionalString(a.version, 'version', 32);
    if (standard !== null) {
      c.event_standard = standard;
      near.log(`Event standard updated to ${standard}`);
    }
    if (version !== null) {
      c.event_version = version;
      near.log(`Event version updated to ${version}`);
    }
  });
}
