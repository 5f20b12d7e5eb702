/**
 * Access conditions of stored secrets: who may receive them. The contract validates a rule
 * when secrets are stored (`parseAccessCondition`), and the keystore evaluates it for the
 * requester of an execution (`evaluateAccess`) before decrypting anything.
 *
 * The canonical JSON is the reference contract's serde externally-tagged form:
 *
 *     "AllowAll"
 *     {"Whitelist":{"accounts":["alice.near"]}}
 *     {"AccountPattern":{"pattern":"^[a-z0-9_-]+\\.gov\\.near$"}}
 *     {"NearBalance":{"operator":"Gte","value":"1000000000000000000000000"}}
 *     {"FtBalance":{"contract":"usdt.near","operator":"Gt","value":"0"}}
 *     {"NftOwned":{"contract":"nft.near","token_id":null}}
 *     {"Logic":{"operator":"And","conditions":[...]}}
 *     {"Not":{"condition":...}}
 *
 * Amounts are decimal strings (NEAR's U128 JSON), never numbers. Guest code: no host globals,
 * BigInt only.
 *
 * @example
 * const rule = parseAccessCondition({ Logic: { Or: [{ Whitelist: { accounts: ['alice.near'] } }, 'AllowAll'] } });
 * await evaluateAccess(rule, 'bob.near', chain); // true
 */
import { isValidAccountId } from '../../chain/codec/account-id.js';
import { ContractError, showValue, typeName } from './errors.js';
import { checkSafePattern } from './safe-regex.js';

export type Comparison = 'Gte' | 'Lte' | 'Gt' | 'Lt' | 'Eq' | 'Ne';
export type LogicOperator = 'And' | 'Or';

export type AccessCondition =
  | 'AllowAll'
  | { Whitelist: { accounts: string[] } }
  | { AccountPattern: { pattern: string } }
  | { NearBalance: { operator: Comparison; value: string } }
  | { FtBalance: { contract: string; operator: Comparison; value: string } }
  | { NftOwned: { contract: string; token_id: string | null } }
  | { Logic: { operator: LogicOperator; conditions: AccessCondition[] } }
  | { Not: { condition: AccessCondition } };

/** What the chain must answer to evaluate balance and NFT rules (the keystore uses NEAR RPC). */
export interface AccessChain {
  /** The account's NEAR balance in yoctoNEAR, or null when the account does not exist. */
  nearBalance(accountId: string): Promise<bigint | null>;
  /** `ft_balance_of` on `contract`, or null when there is no balance to read. */
  ftBalance(contract: string, accountId: string): Promise<bigint | null>;
  /** Whether `accountId` owns `tokenId` (or, when null, any token) of the NEP-171 `contract`. */
  nftOwned(contract: string, accountId: string, tokenId: string | null): Promise<boolean>;
}

export const MAX_DEPTH = 8;
export const MAX_NODES = 64;
export const MAX_WHITELIST = 100;
export const MAX_LOGIC_CONDITIONS = 16;
export const MAX_TOKEN_ID_LENGTH = 256;
const U128_MAX = (1n << 128n) - 1n;

const COMPARISONS: readonly string[] = ['Gte', 'Lte', 'Gt', 'Lt', 'Eq', 'Ne'];
const VARIANTS: readonly string[] = ['AllowAll', 'Whitelist', 'AccountPattern', 'NearBalance', 'FtBalance', 'NftOwned', 'Logic', 'Not'];
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rejects keys of `o` outside `allowed`, naming the first unknown one. */
function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ContractError(`${where}: unknown key ${showValue(k)} (allowed: ${allowed.join(', ')})`);
  }
}

function field(o: Record<string, unknown>, k: string, where: string): unknown {
  if (!hasOwn(o, k)) throw new ContractError(`${where}: missing ${showValue(k)}`);
  return o[k];
}

function accountId(v: unknown, where: string): string {
  if (typeof v !== 'string' || !isValidAccountId(v)) throw new ContractError(`${where}: ${showValue(v)} is not a valid NEAR account id`);
  return v;
}

/** A U128 decimal string, normalised (leading zeros dropped). */
function u128(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new ContractError(`${where}: the amount must be a decimal string (U128), got ${typeName(v)} ${showValue(v)}`);
  if (!/^[0-9]{1,60}$/.test(v)) throw new ContractError(`${where}: ${showValue(v)} is not a decimal amount`);
  const n = BigInt(v);
  if (n > U128_MAX) throw new ContractError(`${where}: ${showValue(v)} does not fit in a U128 (< 2^128)`);
  return n.toString();
}

function comparison(v: unknown, where: string): Comparison {
  if (typeof v !== 'string' || !COMPARISONS.includes(v)) throw new ContractError(`${where}: operator ${showValue(v)} is not one of ${COMPARISONS.join(', ')}`);
  return v as Comparison;
}

interface Budget {
  nodes: number;
}

function parseNode(input: unknown, depth: number, budget: Budget): AccessCondition {
  if (depth > MAX_DEPTH) throw new ContractError(`access condition nests deeper than ${MAX_DEPTH} levels`);
  if (++budget.nodes > MAX_NODES) throw new ContractError(`access condition has more than ${MAX_NODES} conditions`);
  if (input === 'AllowAll') return 'AllowAll';
  if (typeof input === 'string') throw new ContractError(`unknown access condition ${showValue(input)} (known: ${VARIANTS.join(', ')})`);
  if (!isObject(input)) throw new ContractError(`an access condition must be "AllowAll" or an object with one variant key, got ${typeName(input)} ${showValue(input)}`);
  const keys = Object.keys(input);
  if (keys.length !== 1) throw new ContractError(`an access condition object must have exactly one variant key, got ${keys.length} (${showValue(keys)})`);
  const variant = keys[0]!;
  const body = input[variant];
  if (!VARIANTS.includes(variant)) throw new ContractError(`unknown access condition ${showValue(variant)} (known: ${VARIANTS.join(', ')})`);
  if (variant === 'AllowAll') {
    if (body === null || (isObject(body) && Object.keys(body).length === 0)) return 'AllowAll';
    throw new ContractError(`AllowAll takes no fields, got ${showValue(body)}`);
  }
  if (variant === 'Not') {
    // Both {"Not":{"condition":C}} and the shorthand {"Not":C}: no variant is named "condition".
    const inner = isObject(body) && hasOwn(body, 'condition') ? (onlyKeys(body, ['condition'], 'Not'), body.condition) : body;
    return { Not: { condition: parseNode(inner, depth + 1, budget) } };
  }
  if (!isObject(body)) throw new ContractError(`${variant} must be an object, got ${typeName(body)} ${showValue(body)}`);
  switch (variant) {
    case 'Whitelist': {
      onlyKeys(body, ['accounts'], variant);
      const list = field(body, 'accounts', variant);
      if (!Array.isArray(list)) throw new ContractError(`Whitelist.accounts must be an array, got ${typeName(list)}`);
      if (list.length === 0) throw new ContractError('Whitelist.accounts is empty (it would grant no one; use Not(AllowAll) if that is meant)');
      if (list.length > MAX_WHITELIST) throw new ContractError(`Whitelist.accounts has ${list.length} entries, at most ${MAX_WHITELIST} are allowed`);
      const accounts: string[] = [];
      for (const a of list) {
        const id = accountId(a, 'Whitelist.accounts');
        if (!accounts.includes(id)) accounts.push(id); // duplicates are dropped, first order kept
      }
      return { Whitelist: { accounts } };
    }
    case 'AccountPattern': {
      onlyKeys(body, ['pattern'], variant);
      const pattern = field(body, 'pattern', variant);
      if (typeof pattern !== 'string') throw new ContractError(`AccountPattern.pattern must be a string, got ${typeName(pattern)}`);
      checkSafePattern(pattern);
      return { AccountPattern: { pattern } };
    }
    case 'NearBalance': {
      if (hasOwn(body, 'min')) {
        onlyKeys(body, ['min'], 'NearBalance (with min)');
        return { NearBalance: { operator: 'Gte', value: u128(body.min, 'NearBalance.min') } };
      }
      onlyKeys(body, ['operator', 'value'], variant);
      return { NearBalance: { operator: comparison(field(body, 'operator', variant), variant), value: u128(field(body, 'value', variant), 'NearBalance.value') } };
    }
    case 'FtBalance': {
      onlyKeys(body, ['contract', 'operator', 'value'], variant);
      return {
        FtBalance: {
          contract: accountId(field(body, 'contract', variant), 'FtBalance.contract'),
          operator: comparison(field(body, 'operator', variant), variant),
          value: u128(field(body, 'value', variant), 'FtBalance.value'),
        },
      };
    }
    case 'NftOwned': {
      onlyKeys(body, ['contract', 'token_id'], variant);
      const contract = accountId(field(body, 'contract', variant), 'NftOwned.contract');
      const tokenId = hasOwn(body, 'token_id') ? body.token_id : null;
      if (tokenId !== null && (typeof tokenId !== 'string' || tokenId.length === 0 || tokenId.length > MAX_TOKEN_ID_LENGTH)) {
        throw new ContractError(`NftOwned.token_id must be null or a string of 1..${MAX_TOKEN_ID_LENGTH} characters, got ${showValue(tokenId)}`);
      }
      return { NftOwned: { contract, token_id: tokenId } };
    }
    default: {
      // Logic: {"operator":"And","conditions":[...]} or the shorthand {"And":[...]} / {"Or":[...]}.
      let operator: unknown;
      let list: unknown;
      if (hasOwn(body, 'And') || hasOwn(body, 'Or')) {
        onlyKeys(body, hasOwn(body, 'And') ? ['And'] : ['Or'], 'Logic (shorthand)');
        operator = hasOwn(body, 'And') ? 'And' : 'Or';
        list = body[operator as string];
      } else {
        onlyKeys(body, ['operator', 'conditions'], 'Logic');
        operator = field(body, 'operator', 'Logic');
        list = field(body, 'conditions', 'Logic');
      }
      if (operator !== 'And' && operator !== 'Or') throw new ContractError(`Logic.operator ${showValue(operator)} is not And or Or`);
      if (!Array.isArray(list)) throw new ContractError(`Logic conditions must be an array, got ${typeName(list)}`);
      if (list.length === 0 || list.length > MAX_LOGIC_CONDITIONS) {
        throw new ContractError(`Logic has ${list.length} conditions, 1..${MAX_LOGIC_CONDITIONS} are allowed`);
      }
      return { Logic: { operator, conditions: list.map((c) => parseNode(c, depth + 1, budget)) } };
    }
  }
}

/**
 * Validates a rule (parsed JSON) and returns its canonical form. Accepts the spellings
 * `{"AllowAll":{}}`, `{"AllowAll":null}`, `{"NearBalance":{"min":"N"}}` (= Gte),
 * `{"Logic":{"And":[...]}}`, `{"Not":C}` and NftOwned without token_id (= null).
 * Throws ContractError naming the offending value.
 */
export function parseAccessCondition(input: unknown): AccessCondition {
  return parseNode(input, 1, { nodes: 0 });
}

/** The canonical JSON value of a parsed rule (already JSON-ready: amounts are strings). */
export function accessToJson(c: AccessCondition): unknown {
  return JSON.parse(JSON.stringify(c)) as unknown;
}

/** The variant name of a rule: 'AllowAll', 'Whitelist', ..., 'Logic(And)'. */
export function accessKind(c: AccessCondition): string {
  if (c === 'AllowAll') return c;
  if ('Logic' in c) return `Logic(${c.Logic.operator})`;
  return Object.keys(c)[0]!;
}

/**
 * Whether `accountId` matches an AccountPattern. The pattern must match the WHOLE id: we
 * evaluate `^(?:pattern)$`. Unanchored matching would let `x.gov.near.evil.near` pass a
 * `.*\.gov\.near` rule, since the regex finds `x.gov.near` inside it. (Wrapping is safe because
 * checkSafePattern only admits patterns that compile alone, so `a)|(b` cannot escape the group.)
 */
export function matchesAccountPattern(pattern: string, accountId: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(accountId);
}

function compare(actual: bigint, op: Comparison, value: bigint): boolean {
  switch (op) {
    case 'Gte': return actual >= value;
    case 'Lte': return actual <= value;
    case 'Gt': return actual > value;
    case 'Lt': return actual < value;
    case 'Eq': return actual === value;
    case 'Ne': return actual !== value;
  }
}

/**
 * Whether `accountId` satisfies `cond`. Logic short-circuits in order; balances are read from
 * `chain` (a missing account, `null`, never satisfies a balance comparison). Errors thrown by
 * `chain` propagate: the caller decides (the keystore refuses with the reason).
 */
export async function evaluateAccess(cond: AccessCondition, accountId: string, chain: AccessChain): Promise<boolean> {
  if (!isValidAccountId(accountId)) throw new ContractError(`${showValue(accountId)} is not a valid NEAR account id`);
  return evaluate(cond, accountId, chain);
}

async function evaluate(c: AccessCondition, id: string, chain: AccessChain): Promise<boolean> {
  if (c === 'AllowAll') return true;
  if ('Whitelist' in c) return c.Whitelist.accounts.includes(id);
  if ('AccountPattern' in c) return matchesAccountPattern(c.AccountPattern.pattern, id);
  if ('NearBalance' in c) {
    const balance = await chain.nearBalance(id);
    return balance !== null && compare(balance, c.NearBalance.operator, BigInt(c.NearBalance.value));
  }
  if ('FtBalance' in c) {
    const balance = await chain.ftBalance(c.FtBalance.contract, id);
    return balance !== null && compare(balance, c.FtBalance.operator, BigInt(c.FtBalance.value));
  }
  if ('NftOwned' in c) return chain.nftOwned(c.NftOwned.contract, id, c.NftOwned.token_id);
  if ('Not' in c) return !(await evaluate(c.Not.condition, id, chain));
  const and = c.Logic.operator === 'And';
  for (const sub of c.Logic.conditions) {
    if ((await evaluate(sub, id, chain)) !== and) return !and;
  }
  return and;
}

/**
 * Like evaluateAccess, but also says which top-level rule decided a refusal (for error
 * messages; it quotes only the rule, which is public on-chain anyway).
 */
export async function explainAccess(cond: AccessCondition, accountId: string, chain: AccessChain): Promise<{ granted: boolean; reason: string }> {
  if (!isValidAccountId(accountId)) throw new ContractError(`${showValue(accountId)} is not a valid NEAR account id`);
  if (typeof cond === 'object' && 'Logic' in cond && cond.Logic.operator === 'And') {
    const subs = cond.Logic.conditions;
    for (let i = 0; i < subs.length; i++) {
      if (!(await evaluate(subs[i]!, accountId, chain))) {
        return { granted: false, reason: `condition ${i + 1} of ${subs.length} (${accessKind(subs[i]!)}) of the top-level Logic(And) rule is not met` };
      }
    }
    return { granted: true, reason: 'all conditions of the top-level Logic(And) rule are met' };
  }
  const granted = await evaluate(cond, accountId, chain);
  const kind = accessKind(cond);
  return { granted, reason: granted ? `the ${kind} rule is met` : kind === 'Logic(Or)' ? 'none of the conditions of the top-level Logic(Or) rule is met' : `the top-level ${kind} rule is not met` };
}
