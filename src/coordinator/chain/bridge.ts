/**
 * Joins the chain to the queue: a pending request becomes a job (its repository built into an
 * artifact first), and a finished chain job is resolved on the contract exactly once.
 *
 * "Exactly once" rests on three records: the queue's idempotent enqueue (job id
 * `chain:<contract>:<request id>`), the storage's resolution claim (`beginResolution`: one
 * resolver per request, surviving restarts as 'resolving'), and the contract itself, which
 * refuses a second resolution — an "already resolved/settled" answer is recorded as resolved.
 * A finished job is acknowledged to the queue only after its resolution is recorded, so a crash
 * in between re-delivers it, and the claim or the contract stops a double resolve.
 */
import { hexEncode } from '../../contract/lib/base64.js';
import type { ContractResponse, Attestation, JobReport } from '../../sdk/types.js';
import type { Builder } from '../builder/builder.js';
import type { JobQueue } from '../queue/queue.js';
import type { CoordinatorStorage, JobOutcome, JobSpec } from '../storage/types.js';
import { ResolveRejected, type ChainResolver } from './resolver.js';
import type { ChainRequest } from './watcher.js';

export interface BridgeOptions {
  contractId: string;
  queue: JobQueue;
  storage: CoordinatorStorage;
  resolver: ChainResolver;
  builder: Builder | null;
  /** Signs failures the coordinator itself decides (build failed, attempts exhausted). */
  attestFailure: (job: { contractId: string; requestId: number; input: string; codeHash: string }, fuel: number) => Attestation;
  log: { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void; error: (o: object, m?: string) => void };
  now?: () => number;
}

const ZERO_HASH = '0'.repeat(64);

export const chainJobId = (contractId: string, requestId: number): string => `chain:${contractId}:${requestId}`;

function failureResponse(message: string, compileMs: number | null = null): ContractResponse {
  return { success: false, output: null, error: message, resources_used: { instructions: 0, time_ms: 0, compile_time_ms: compileMs } };
}

export class ChainBridge {
  readonly #o: BridgeOptions;
  readonly #now: () => number;

  constructor(options: BridgeOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** The watcher's `onRequest`: enqueue (idempotent), building a repository first. */
  async onRequest(r: ChainRequest & { data_id?: number[] }): Promise<void> {
    const o = this.#o;
    const id = chainJobId(o.contractId, r.request_id);
    if (await o.queue.get(id)) return;
    const cs = r.code_source as { artifact?: { sha256: string; kind: 'wasm' | 'js' | 'sh' } } & { repo?: string; commit?: string; build_target?: string; build_path?: string | null };
    let code: JobSpec['code'];
    if (cs.artifact) code = { sha256: cs.artifact.sha256, kind: cs.artifact.kind };
    else {
      const built = o.builder ? await o.builder.build({ repo: cs.repo, commit: cs.commit, build_target: cs.build_target, build_path: cs.build_path ?? null }) : null;
      if (!built || !built.ok) {
        const message = built ? built.error.message : 'this coordinator has no builder';
        o.log.warn({ request: r.request_id, message }, 'build failed');
        await this.#resolveDirect(r, failureResponse(`build_failed: ${message}`));
        return;
      }
      code = { sha256: built.sha256, kind: built.kind };
    }
    const seed = Array.isArray(r.data_id) ? hexEncode(Uint8Array.from(r.data_id)) : String(r.request_id);
    await o.queue.enqueue({
      id,
      source: 'chain',
      request_id: r.request_id,
      contract_id: o.contractId,
      code,
      input: r.input_data ?? '',
      limits: r.resource_limits,
      response_format: r.response_format,
      seed,
      block_timestamp_ns: String(r.timestamp),
      payer: r.payer_account_id,
      // Secrets live per (owner, repo, branch, profile): the repository and branch come from the code source.
      ...(r.secrets_ref && { secrets_ref: { profile: r.secrets_ref.profile, account_id: r.secrets_ref.account_id, ...(cs.repo && { repo: cs.repo }), ...(cs.commit && !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(cs.commit) && { branch: cs.commit }) } }),
      env: {
        NEAR_SENDER_ID: r.sender_id,
        NEAR_PREDECESSOR_ID: r.sender_id,
        NEAR_CONTRACT_ID: o.contractId,
        NEAR_BLOCK_TIMESTAMP: String(r.timestamp),
        NEAR_REQUEST_ID: String(r.request_id),
        NEAR_MAX_INSTRUCTIONS: String(r.resource_limits.max_instructions),
      },
    });
    o.log.info({ request: r.request_id, job: id }, 'request queued');
  }

  /** The queue's `onFinished` for chain jobs. */
  async onFinished(job: JobSpec, outcome: JobOutcome): Promise<void> {
    const o = this.#o;
    if (job.source !== 'chain' || job.request_id === undefined || job.contract_id !== o.contractId) return;
    let response: ContractResponse;
    let attestation: Attestation;
    if (outcome.status === 'done') {
      const report = outcome.result as JobReport;
      response = report.response;
      attestation = report.attestation;
    } else {
      response = failureResponse(`${outcome.error.kind}: ${outcome.error.message}`);
      attestation = o.attestFailure({ contractId: o.contractId, requestId: job.request_id, input: job.input, codeHash: 'sha256' in job.code ? job.code.sha256 : ZERO_HASH }, 0);
    }
    if (await this.#resolveOnce(job.request_id, job.id, response, attestation)) await o.queue.ackFinished(job.id);
  }

  async #resolveDirect(r: ChainRequest, response: ContractResponse): Promise<void> {
    const attestation = this.#o.attestFailure({ contractId: this.#o.contractId, requestId: r.request_id, input: r.input_data ?? '', codeHash: ZERO_HASH }, 0);
    await this.#resolveOnce(r.request_id, chainJobId(this.#o.contractId, r.request_id), response, attestation);
  }

  /** True once the request is resolved (by us now, earlier, or found so on the contract). */
  async #resolveOnce(requestId: number, jobId: string, response: ContractResponse, attestation: Attestation): Promise<boolean> {
    const o = this.#o;
    const claim = await o.storage.beginResolution({ contract_id: o.contractId, request_id: requestId, job_id: jobId, now: this.#now() });
    if (!claim.claimed && claim.record.state === 'resolved') return true;
    try {
      const r = await o.resolver.resolve(requestId, response, attestation);
      await o.storage.markResolved(o.contractId, requestId, r.txHash, this.#now());
      o.log.info({ request: requestId, tx: r.txHash, status: r.status, success: response.success }, 'request resolved');
      return true;
    } catch (e) {
      if (e instanceof ResolveRejected) {
        // The contract refuses this resolution for good (e.g. the request timed out or was
        // cancelled): record it as done so it is not retried forever.
        await o.storage.markResolved(o.contractId, requestId, e.txHash, this.#now());
        o.log.warn({ request: requestId, err: e.message }, 'resolution refused by the contract');
        return true;
      }
      await o.storage.releaseResolution(o.contractId, requestId);
      o.log.error({ request: requestId, err: (e as Error).message }, 'resolution failed; will retry');
      return false;
    }
  }
}
