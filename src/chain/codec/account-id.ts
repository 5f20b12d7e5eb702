/**
 * NEAR account ids, following the `near-account-id` crate that nearcore uses:
 * 2–64 characters of `a-z`, `0-9` and the separators `-`, `_`, `.`; a separator never starts
 * or ends the id and never follows another separator (NEP-0005, "Account ID rules").
 * Named accounts form a tree by their dot-separated suffixes: `alice.test.near` is a direct
 * sub-account of `test.near`, which alone may create it.
 *
 * @example
 * validateAccountId('alice.test.near');        // null (valid)
 * validateAccountId('Alice.near')?.message;   // "the Account ID contains an invalid character 'A' at index 0"
 * isSubAccountOf('alice.test.near', 'test.near'); // true
 */

export const MIN_ACCOUNT_ID_LENGTH = 2;
export const MAX_ACCOUNT_ID_LENGTH = 64;

export type AccountIdErrorKind = 'too_short' | 'too_long' | 'invalid_char' | 'redundant_separator';

export interface AccountIdError {
  readonly kind: AccountIdErrorKind;
  /** The `near-account-id` crate's wording, which nearcore puts into its error messages. */
  readonly message: string;
}

/** Why `id` is not a valid account id, or null when it is. */
export function validateAccountId(id: string): AccountIdError | null {
  if (id.length < MIN_ACCOUNT_ID_LENGTH) return { kind: 'too_short', message: 'the Account ID is too short' };
  if (id.length > MAX_ACCOUNT_ID_LENGTH) return { kind: 'too_long', message: 'the Account ID is too long' };
  let lastWasSeparator = true; // so a leading separator is "redundant", as in the crate
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    let separator: boolean;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) separator = false;
    else if (c === 45 || c === 95 || c === 46) separator = true;
    else {
      const ch = String.fromCodePoint(id.codePointAt(i)!);
      return { kind: 'invalid_char', message: `the Account ID contains an invalid character '${ch}' at index ${i}` };
    }
    if (separator && lastWasSeparator) {
      return { kind: 'redundant_separator', message: `the Account ID has a redundant separator '${id[i]}' at index ${i}` };
    }
    lastWasSeparator = separator;
  }
  if (lastWasSeparator) {
    const i = id.length - 1;
    return { kind: 'redundant_separator', message: `the Account ID has a redundant separator '${id[i]}' at index ${i}` };
  }
  return null;
}

export function isValidAccountId(id: string): boolean {
  return validateAccountId(id) === null;
}

/**
 * - `near-implicit`: 64 lowercase hex characters, the hex of an ed25519 public key; created by
 *   the first transfer to it, never by CreateAccount.
 * - `eth-implicit`: `0x` and 40 lowercase hex characters (an Ethereum address).
 * - `named`: everything else.
 */
export type AccountIdType = 'near-implicit' | 'eth-implicit' | 'named';

const NEAR_IMPLICIT = /^[0-9a-f]{64}$/;
const ETH_IMPLICIT = /^0x[0-9a-f]{40}$/;

/** The kind of a valid account id. */
export function accountIdType(id: string): AccountIdType {
  if (NEAR_IMPLICIT.test(id)) return 'near-implicit';
  if (ETH_IMPLICIT.test(id)) return 'eth-implicit';
  return 'named';
}

/** True for ids without a dot (`near`, `registrar`, implicit accounts); `system` is not one. */
export function isTopLevelAccountId(id: string): boolean {
  return id !== 'system' && !id.includes('.');
}

/** True when `id` is `<label>.<parent>` for exactly one extra label (`a.b.near` is not one of `near`). */
export function isSubAccountOf(id: string, parent: string): boolean {
  if (!id.endsWith(parent)) return false;
  const prefix = id.slice(0, id.length - parent.length);
  return prefix.length > 1 && prefix.indexOf('.') === prefix.length - 1;
}

export interface AccountCreationRules {
  /** The account allowed to create short top-level accounts (nearcore: `registrar`). */
  readonly registrarAccountId: string;
  /** Top-level ids shorter than this need the registrar (nearcore's genesis: 32). */
  readonly minTopLevelLength: number;
}

export const DEFAULT_ACCOUNT_CREATION_RULES: AccountCreationRules = Object.freeze({
  registrarAccountId: 'registrar',
  minTopLevelLength: 32,
});

/**
 * Why `predecessorId` may not create `accountId` with a CreateAccount action, as the nearcore
 * `ActionErrorKind` JSON the receipt fails with, or null when it may (nearcore
 * `action_create_account`). Both ids must already be valid.
 */
export type CreateAccountDenial =
  | { OnlyImplicitAccountCreationAllowed: { account_id: string } }
  | { CreateAccountOnlyByRegistrar: { account_id: string; registrar_account_id: string; predecessor_id: string } }
  | { CreateAccountNotAllowed: { account_id: string; predecessor_id: string } };

export function checkCreateAccount(
  accountId: string,
  predecessorId: string,
  rules: AccountCreationRules = DEFAULT_ACCOUNT_CREATION_RULES,
): CreateAccountDenial | null {
  if (accountIdType(accountId) !== 'named') {
    // Implicit accounts come into being by a transfer to them.
    return { OnlyImplicitAccountCreationAllowed: { account_id: accountId } };
  }
  if (isTopLevelAccountId(accountId)) {
    if (accountId.length < rules.minTopLevelLength && predecessorId !== rules.registrarAccountId) {
      return {
        CreateAccountOnlyByRegistrar: {
          account_id: accountId,
          registrar_account_id: rules.registrarAccountId,
          predecessor_id: predecessorId,
        },
      };
    }
    return null;
  }
  if (!isSubAccountOf(accountId, predecessorId)) {
    return { CreateAccountNotAllowed: { account_id: accountId, predecessor_id: predecessorId } };
  }
  return null;
}
