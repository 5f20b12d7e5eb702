/**
 * Encrypted secrets, stored per (owner, repo, branch, profile). The contract never sees them in
 * clear: clients seal them to the keystore's public key (src/keystore, docs/keystore.md), and
 * the keystore decrypts them for an execution only when its requester satisfies `access`. The
 * owner pays storage staking for what a profile occupies (10^19 yoctoNEAR per byte, NEAR's
 * price), refunded on deletion.
 */
import { base64Decode } from '../chain/codec/encoding.js';
import { accountIdArg, argsOf, optionalString, type Args } from './method-args.js';
import { parseAccessCondition, type AccessCondition } from './lib/access.js';
import { ContractError } from './lib/errors.js';
import { utf8Length } from './lib/json.js';
import { canonicalRepo } from './lib/repo.js';
import { assertNoDeposit, fail, near, transfer } from './near.js';
import { keys, readJson, remove, writeJson } from './storage.js';

/** nearcore's storage_amount_per_byte. */
export const STORAGE_PRICE_PER_BYTE = 10_000_000_000_000_000_000n;
/** nearcore's storage_num_extra_bytes_record: the overhead of one key-value record. */
const RECORD_OVERHEAD = 40;
export const MAX_PROFILE_CHARS = 64;
export const MAX_BRANCH_CHARS = 255;
/** Sealed secrets, decoded bytes. */
export const MAX_SEALED_BYTES = 65_536;
/** Profiles one owner may hold (keeps list_user_secrets bounded). */
export const MAX_PROFILES_PER_OWNER = 100;

export interface SecretProfile {
  encrypted_secrets: string;
  access: AccessCondition;
  created_at: string;
  updated_at: string;
  storage_deposit: string;
}

interface Location {
  repo: string;
  branch: string | null;
  profile: string;
}

export function parseProfile(v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new ContractError('Profile cannot be empty');
  if (v.length > MAX_PROFILE_CHARS) throw new ContractError(`Profile name too long (max ${MAX_PROFILE_CHARS} chars)`);
  if (!/^[A-Za-z0-9_-]+$/.test(v)) throw new ContractError(`Profile name must contain only A-Z, a-z, 0-9, '-' or '_', got '${v}'`);
  return v;
}

function parseBranch(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ContractError('branch must be a string or null');
  if (v === '') throw new ContractError('Branch name cannot be empty if provided');
  if (v.length > MAX_BRANCH_CHARS) throw new ContractError(`Branch name too long (max ${MAX_BRANCH_CHARS} chars)`);
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new ContractError('Branch name must not contain control characters');
  return v;
}

function parseLocation(a: Args): Location {
  if (typeof a.repo !== 'string' || a.repo.trim() === '') throw new ContractError('Repository cannot be empty');
  return { repo: canonicalRepo(a.repo), branch: parseBranch(a.branch), profile: parseProfile(a.profile) };
}

const indexOf = (owner: string): Location[] => readJson<Location[]>(keys.secretIndex(owner)) ?? [];
const sameLocation = (x: Location, y: Location) => x.repo === y.repo && x.branch === y.branch && x.profile === y.profile;

/** Bytes a profile occupies: its record plus its entry in the owner's index (for as long as it exists). */
function storageBytes(owner: string, loc: Location, profile: SecretProfile): number {
  const key = keys.secret(owner, loc.repo, loc.branch, loc.profile);
  const record = utf8Length(key) + utf8Length(JSON.stringify(profile)) + RECORD_OVERHEAD;
  return record + utf8Length(JSON.stringify(loc)) + 1;
}

/**
 * Sets `profile.storage_deposit` to what its bytes cost and checks the attached deposit plus the
 * deposit already held (`old`) covers it; the caller refunds the difference.
 */
function payForStorage(owner: string, loc: Location, profile: SecretProfile, old: SecretProfile | null): bigint {
  // The deposit is part of the record it pays for: size it once at a generous width, then exactly.
  profile.storage_deposit = '9'.repeat(30);
  profile.storage_deposit = String(BigInt(storageBytes(owner, loc, profile)) * STORAGE_PRICE_PER_BYTE);
  const required = BigInt(storageBytes(owner, loc, profile)) * STORAGE_PRICE_PER_BYTE;
  profile.storage_deposit = String(required);
  const attached = near.attachedDeposit();
  const available = attached + BigInt(old?.storage_deposit ?? '0');
  if (available < required) {
    fail(old
      ? `Insufficient deposit for update. Required: ${required} yoctoNEAR, available (attached ${attached} + old ${old.storage_deposit}): ${available} yoctoNEAR`
      : `Insufficient storage deposit. Required: ${required} yoctoNEAR, attached: ${attached} yoctoNEAR`);
  }
  return required;
}

export function store_secrets(input: unknown): void {
  const a = argsOf(input, 'store_secrets', ['repo', 'branch', 'profile', 'encrypted_secrets_base64', 'access'], ['repo', 'profile', 'access']);
  const owner = near.predecessorAccountId();
  const loc = parseLocation(a);
  const sealed = a.encrypted_secrets_base64;
  if (typeof sealed !== 'string' || sealed === '') fail('Encrypted secrets cannot be empty');
  const decoded = base64Decode(sealed);
  if (!decoded.ok) fail('encrypted_secrets_base64 is not valid base64');
  if (decoded.value.length > MAX_SEALED_BYTES) fail(`Encrypted secrets too large (${decoded.value.length} bytes > ${MAX_SEALED_BYTES})`);
  const access = parseAccessCondition(a.access);
  const key = keys.secret(owner, loc.repo, loc.branch, loc.profile);
  const old = readJson<SecretProfile>(key);
  const index = indexOf(owner);
  if (!old && index.length >= MAX_PROFILES_PER_OWNER) fail(`At most ${MAX_PROFILES_PER_OWNER} secret profiles per account; delete one first`);
  const now = String(near.blockTimestamp());
  const profile: SecretProfile = { encrypted_secrets: sealed, access, created_at: old?.created_at ?? now, updated_at: now, storage_deposit: '0' };
  const required = payForStorage(owner, loc, profile, old);
  writeJson(key, profile);
  if (!old) writeJson(keys.secretIndex(owner), [...index, loc]);
  transfer(owner, near.attachedDeposit() + BigInt(old?.storage_deposit ?? '0') - required);
  near.log(`Secrets stored: repo=${loc.repo}, branch=${loc.branch ?? 'None'}, profile=${loc.profile}, owner=${owner}, deposit=${required} yoctoNEAR`);
}

export function delete_secrets(input: unknown): void {
  assertNoDeposit('delete_secrets');
  const a = argsOf(input, 'delete_secrets', ['repo', 'branch', 'profile'], ['repo', 'profile']);
  const owner = near.predecessorAccountId();
  const loc = parseLocation(a);
  const key = keys.secret(owner, loc.repo, loc.branch, loc.profile);
  const old = readJson<SecretProfile>(key);
  if (!old) fail('Secrets not found');
  remove(key);
  const rest = indexOf(owner).filter((l) => !sameLocation(l, loc));
  if (rest.length === 0) remove(keys.secretIndex(owner));
  else writeJson(keys.secretIndex(owner), rest);
  transfer(owner, BigInt(old.storage_deposit));
  near.log(`Secrets deleted: repo=${loc.repo}, branch=${loc.branch ?? 'None'}, profile=${loc.profile}, refunded=${old.storage_deposit} yoctoNEAR`);
}

/** Payable: a longer rule may need more deposit (attach it); a shorter one refunds the difference. */
export function update_access(input: unknown): void {
  const a = argsOf(input, 'update_access', ['repo', 'branch', 'profile', 'new_access'], ['repo', 'profile', 'new_access']);
  const owner = near.predecessorAccountId();
  const loc = parseLocation(a);
  const key = keys.secret(owner, loc.repo, loc.branch, loc.profile);
  const old = readJson<SecretProfile>(key);
  if (!old) fail('Secrets not found');
  const updated: SecretProfile = { ...old, access: parseAccessCondition(a.new_access), updated_at: String(near.blockTimestamp()) };
  const required = payForStorage(owner, loc, updated, old);
  writeJson(key, updated);
  transfer(owner, near.attachedDeposit() + BigInt(old.storage_deposit) - required);
}

function view(p: SecretProfile, branch: string | null): Record<string, unknown> {
  return { encrypted_secrets: p.encrypted_secrets, access: p.access, created_at: BigInt(p.created_at), updated_at: BigInt(p.updated_at), storage_deposit: p.storage_deposit, branch };
}

/** View: the profile at exactly this branch, else the owner's all-branches profile (branch null). */
export function get_secrets(input: unknown): Record<string, unknown> | null {
  const a = argsOf(input, 'get_secrets', ['repo', 'branch', 'profile', 'owner'], ['repo', 'profile', 'owner']);
  const owner = accountIdArg(a.owner, 'owner');
  const loc = parseLocation(a);
  const exact = readJson<SecretProfile>(keys.secret(owner, loc.repo, loc.branch, loc.profile));
  if (exact) return view(exact, loc.branch);
  if (loc.branch === null) return null;
  const any = readJson<SecretProfile>(keys.secret(owner, loc.repo, null, loc.profile));
  return any ? view(any, null) : null;
}

export function secrets_exist(input: unknown): boolean {
  const a = argsOf(input, 'secrets_exist', ['repo', 'branch', 'profile', 'owner'], ['repo', 'profile', 'owner']);
  const loc = parseLocation(a);
  return near.storageHasKey(keys.secret(accountIdArg(a.owner, 'owner'), loc.repo, loc.branch, loc.profile));
}

export function list_user_secrets(input: unknown): unknown[] {
  const a = argsOf(input, 'list_user_secrets', ['account_id'], ['account_id']);
  const owner = accountIdArg(a.account_id, 'account_id');
  const out: unknown[] = [];
  for (const loc of indexOf(owner)) {
    const p = readJson<SecretProfile>(keys.secret(owner, loc.repo, loc.branch, loc.profile));
    if (p) out.push({ repo: loc.repo, branch: loc.branch, profile: loc.profile, created_at: BigInt(p.created_at), updated_at: BigInt(p.updated_at), storage_deposit: p.storage_deposit, access: p.access });
  }
  return out;
}

/** View: the deposit store_secrets would require for a new profile. */
export function estimate_storage_cost(input: unknown): string {
  const a = argsOf(input, 'estimate_storage_cost', ['repo', 'branch', 'profile', 'owner', 'encrypted_secrets_base64', 'access'], ['repo', 'profile', 'owner', 'access']);
  const owner = accountIdArg(a.owner, 'owner');
  const loc = parseLocation(a);
  const sealed = optionalString(a.encrypted_secrets_base64, 'encrypted_secrets_base64', 4 * MAX_SEALED_BYTES) ?? '';
  const profile: SecretProfile = { encrypted_secrets: sealed, access: parseAccessCondition(a.access), created_at: '0'.repeat(19), updated_at: '0'.repeat(19), storage_deposit: '9'.repeat(30) };
  return String(BigInt(storageBytes(owner, loc, profile)) * STORAGE_PRICE_PER_BYTE);
}
