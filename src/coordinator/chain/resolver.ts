/**
 * Resolves finished chain jobs on the OutLayer contract with the operator's key (near-api-js):
 * `resolve_execution` when the response fits the 1024-byte yield-resume payload, else
 * `submit_execution_output_and_resolve` (the large-output path). Transactions are sent one at a
 * time (one nonce sequence). A contract answer that the request is already resolved or settled
 * counts as done — with the coordinator's own record of resolutions this makes resolving
 * idempotent across crashes and restarts.
 */
import { Account, JsonRpcProvider, actions, type KeyPairString } from 'near-api-js';
import type { Attestation, ContractResponse } from '../../sdk/types.js';

export const RESOLVE_GAS = 300_000_000_000_000n;
/** NEAR's max_yield_payload_size. */
export const MAX_RESUME_PAYLOAD = 1024;

export interface ResolverOptions {
  rpcUrl: string;
  contractId: string;
  operatorId: string;
  operatorKey: KeyPairString;
}

export type ResolveOutcome = { status: 'resolved'; txHash: string } | { status: 'already'; txHash: string; message: string };

/** The contract refused the resolution for a reason retrying cannot change. */
export class ResolveRejected extends Error {
  override name = 'ResolveRejected';
  constructor(
    message: string,
    readonly txHash: string,
  ) {
    super(message);
  }
}

const encoder = new TextEncoder();

/** The payload the contract resumes the yield with (its own serialisation of the response). */
export function resumePayloadBytes(r: ContractResponse): number {
  return encoder.encode(JSON.stringify({ success: r.success, output: r.output, error: r.error, resources_used: r.resources_used, compilation_note: null })).length;
}

export class ChainResolver {
  readonly account: Account;
  readonly #o: ResolverOptions;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ResolverOptions) {
    this.#o = options;
    this.account = new Account(options.operatorId, new JsonRpcProvider({ url: options.rpcUrl }), options.operatorKey);
  }

  resolve(requestId: number, response: ContractResponse, attestation: Attestation | null): Promise<ResolveOutcome> {
    const run = this.#queue.then(() => this.#resolve(requestId, response, attestation));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Registers a worker's key on the contract (idempotent), so the contract checks its attestations. */
  async registerWorkerKey(publicKey: string): Promise<void> {
    const run = this.#queue.then(() => this.#call('register_worker_key', { public_key: publicKey }));
    this.#queue = run.catch(() => {});
    const r = await run;
    if (r.error) throw new ResolveRejected(`register_worker_key failed: ${r.error}`, r.txHash);
  }

  async #resolve(requestId: number, response: ContractResponse, attestation: Attestation | null): Promise<ResolveOutcome> {
    const large = resumePayloadBytes(response) > MAX_RESUME_PAYLOAD;
    const att = attestation ? { attestation } : {};
    const r = large
      ? await this.#call('submit_execution_output_and_resolve', { request_id: requestId, output: response.output, success: response.success, error: response.error, resources_used: response.resources_used, ...att })
      : await this.#call('resolve_execution', { request_id: requestId, response: { success: response.success, output: response.output, error: response.error, resources_used: response.resources_used }, ...att });
    if (!r.error) return { status: 'resolved', txHash: r.txHash };
    if (/already (resolved|settled)/.test(r.error)) return { status: 'already', txHash: r.txHash, message: r.error };
    throw new ResolveRejected(`request ${requestId}: ${r.error}`, r.txHash);
  }

  async #call(method: string, args: unknown): Promise<{ txHash: string; error: string | null }> {
    const outcome = (await this.account.signAndSendTransaction({
      receiverId: this.#o.contractId,
      actions: [actions.functionCall(method, encoder.encode(JSON.stringify(args)), RESOLVE_GAS, 0n)],
      waitUntil: 'EXECUTED_OPTIMISTIC',
      throwOnFailure: false,
    })) as unknown as { transaction: { hash: string }; status: { Failure?: unknown } | string; receipts_outcome: Array<{ outcome: { status: { Failure?: unknown } } }> };
    const failure = typeof outcome.status === 'object' && outcome.status.Failure !== undefined ? outcome.status.Failure : outcome.receipts_outcome.find((o) => o.outcome.status.Failure !== undefined)?.outcome.status.Failure;
    return { txHash: outcome.transaction.hash, error: failure === undefined ? null : failureText(failure) };
  }
}

function failureText(f: unknown): string {
  const text = JSON.stringify(f);
  const m = /"ExecutionError":"((?:[^"\\]|\\.)*)"/.exec(text);
  return m ? (JSON.parse(`"${m[1]}"`) as string).replace(/^Smart contract panicked: /, '') : text;
}
