/**
 * The one registry of OutLayer error codes (the fastify `lib/errors.js` habit).
 *
 * Codes are stable: never rename or reuse one. Every code here is documented in
 * docs/errors.md, and `errors.test.ts` keeps the two in step.
 *
 * Two families share the registry:
 * - result kinds (`ResultErrorKind`): how a guest execution failed. They appear in the result
 *   object's `error.kind` (see ../shared/ARCHITECTURE.md) and are never thrown at callers.
 * - host codes: a caller of the host API or CLI did something wrong (bad option, unreadable file).
 *   They are thrown as `OutlayerError`.
 */

export const RESULT_ERROR_KINDS = {
  invalid_module: 'The code is not a runnable module: not WebAssembly, truncated, fails validation, unknown imports, or no entry point.',
  invalid_input: 'The input could not be given to the guest (for example JS input that the entry cannot accept).',
  out_of_fuel: 'The instruction budget (max_instructions) was spent before the guest finished.',
  out_of_memory: 'The guest needs more linear memory than the cap allows before it can start.',
  stack_overflow: 'The guest exceeded the deterministic call-stack limit.',
  trap: 'The guest trapped (unreachable, out-of-bounds access, division by zero, ...).',
  exit: 'The guest exited with a non-zero status; `exit_code` holds it.',
  js_exception: 'JavaScript guest code threw an exception.',
  output_limit: 'The guest wrote more to stdout or stderr than the output cap allows.',
  timeout: 'The wall-clock backstop ended the execution.',
  build_failed: 'A repository source could not be built.',
} as const;

export type ResultErrorKind = keyof typeof RESULT_ERROR_KINDS;

export const HOST_ERROR_CODES = {
  usage: { status: 400, description: 'A command-line flag or API option is missing, unknown or malformed.' },
  pool_disposed: { status: 503, description: 'The execution pool was used after dispose().' },
  internal: { status: 500, description: 'A host bug: an invariant of OutLayer itself failed.' },
  unsupported_mode: { status: 501, description: "The requested execution mode is not offered here (the browser ContractSimulator runs JS contracts in 'direct' mode only; the guest OS runs scripts and programs through OutLayer.sh)." },
  secrets_not_found: { status: 404, description: 'No secrets are stored for the requested owner, repository, branch and profile.' },
  secrets_access_denied: { status: 403, description: "The requester does not satisfy the stored secrets' access condition (or it could not be evaluated)." },
  secrets_decrypt_failed: { status: 422, description: 'Stored secrets could not be opened: unknown or retired key id, tampered or copied ciphertext, or an invalid environment map.' },
  keystore_unavailable: { status: 503, description: 'The keystore could not reach NEAR RPC or got an unusable answer from it.' },
  keystore_misconfigured: { status: 500, description: "The keystore's key file is malformed or readable by group/others." },
} as const;

export type HostErrorCode = keyof typeof HOST_ERROR_CODES;

/**
 * Codes of the coordinator's HTTP API: every non-2xx answer is `{error: {code, message}}` with one
 * of these (and its status). src/errors.test.ts checks that the coordinator uses no other code.
 */
export const API_ERROR_CODES = {
  bad_request: { status: 400, description: 'The request is malformed: invalid JSON, a missing or unknown field, a value out of range.' },
  unauthorized: { status: 401, description: 'A valid worker token or API key is required (Authorization: Bearer <token>).' },
  not_found: { status: 404, description: 'No such execution or artifact.' },
  rate_limited: { status: 429, description: 'A token bucket or concurrency cap of the route denied the request; wait Retry-After seconds.' },
  bad_hash: { status: 400, description: 'An artifact address is not 64 lower-case hex characters.' },
  hash_mismatch: { status: 422, description: "An uploaded artifact's sha256 differs from the address it was uploaded to; nothing was stored." },
  too_large: { status: 413, description: 'An upload or body exceeds its size cap; nothing was stored.' },
  bad_attestation: { status: 422, description: "A worker's report is not signed with its registered key over exactly this job's request, input, output and fuel." },
  worker_key_conflict: { status: 409, description: 'A worker token is already bound to another key; register a new key with a new token.' },
  idempotency_conflict: { status: 409, description: 'An Idempotency-Key was already used for a different request or report.' },
  bad_job: { status: 400, description: 'A job is malformed (code, limits or fields).' },
  job_unknown: { status: 404, description: 'No job has this id.' },
  lease_unknown: { status: 404, description: 'No lease with this id is held by the calling worker.' },
  lease_expired: { status: 409, description: 'The lease is no longer current: it expired, the job was leased again, or the job already finished.' },
  queue_closed: { status: 503, description: 'The coordinator is shutting down.' },
  upstream_unavailable: { status: 502, description: 'The NEAR RPC behind /v1/near-rpc did not answer.' },
  upstream_rate_limited: { status: 429, description: 'The NEAR RPC behind /v1/near-rpc is rate limiting; its Retry-After is passed through.' },
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** An error thrown by the host API (never for guest behaviour, which becomes a result). */
export class OutlayerError extends Error {
  readonly code: HostErrorCode;
  readonly status: number;
  constructor(code: HostErrorCode, message: string) {
    super(message);
    this.name = 'OutlayerError';
    this.code = code;
    this.status = HOST_ERROR_CODES[code].status;
  }
}

export function isResultErrorKind(kind: string): kind is ResultErrorKind {
  return Object.prototype.hasOwnProperty.call(RESULT_ERROR_KINDS, kind);
}
