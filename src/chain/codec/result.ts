/**
 * Results instead of exceptions for everything a client can get wrong (the quickjs-emscripten
 * `{value} | {error}` habit): a malformed transaction or key is an answer, never a crash.
 * Host bugs still throw.
 */

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/**
 * Why bytes could not be decoded. `message` follows the wording of nearcore's borsh errors
 * ("Unexpected length of input", "Not all bytes read", ...) because the devnet puts it into
 * the PARSE_ERROR it returns, as nearcore does.
 */
export type DecodeErrorCode =
  | 'invalid_base64' // not canonical padded standard base64
  | 'unexpected_end' // the input ends inside a value
  | 'trailing_bytes' // bytes left after the value
  | 'unknown_variant' // an enum tag this codec does not know (e.g. an action kind newer than near-api-js 7.2)
  | 'invalid_option' // an Option tag other than 0 or 1
  | 'invalid_utf8' // a string that is not UTF-8
  | 'invalid_account_id' // an AccountId that breaks NEAR's account id rules
  | 'unsupported_version'; // a TransactionV1 (gas keys), which near-api-js 7.2 never sends

export interface DecodeError {
  readonly code: DecodeErrorCode;
  readonly message: string;
  /** Byte offset in the decoded bytes (character offset for base64). */
  readonly offset: number;
}
