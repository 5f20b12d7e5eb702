/**
 * The worker side of the coordinator protocol: register a signing key, long-poll for a job,
 * heartbeat its lease, report the signed result or a failure. Reports carry the lease id as
 * their `Idempotency-Key`, so a report repeated after a lost answer is accepted once.
 */
import { HttpCore, type HttpOptions } from './http.js';
import type { JobReport, Lease } from './types.js';

export class WorkerClient {
  readonly http: HttpCore;

  constructor(options: { coordinator: string; token: string; fetch?: typeof fetch; sleep?: HttpOptions['sleep'] }) {
    this.http = new HttpCore({ baseUrl: options.coordinator, token: options.token, ...(options.fetch && { fetch: options.fetch }), ...(options.sleep && { sleep: options.sleep }) });
  }

  /**
   * Registers the worker's ed25519 public key (`ed25519:<base58>`); returns the worker id. The
   * optional `label` (≤ 64 characters) is what the dashboard shows; 'browser…' marks a browser worker.
   */
  register(publicKey: string, label?: string): Promise<{ worker_id: string }> {
    return this.http.json('POST', '/v1/workers/register', { body: { public_key: publicKey, ...(label !== undefined && { label }) }, retry: true });
  }

  /** Waits up to `waitMs` for a job; null when none came. */
  async claim(waitMs: number, signal?: AbortSignal): Promise<Lease | null> {
    const res = await this.http.request('POST', '/v1/jobs/claim', { body: { wait_ms: waitMs }, accept: [204], timeoutMs: waitMs + 15_000, ...(signal && { signal }) });
    return res.status === 204 ? null : ((await res.json()) as Lease);
  }

  heartbeat(leaseId: string): Promise<{ expires_at: number }> {
    return this.http.json('POST', `/v1/leases/${leaseId}/heartbeat`, { body: {}, retry: true });
  }

  complete(leaseId: string, report: JobReport): Promise<{ status: 'accepted' | 'duplicate' }> {
    return this.http.json('POST', `/v1/leases/${leaseId}/complete`, { body: report, headers: { 'idempotency-key': `complete:${leaseId}` } });
  }

  fail(leaseId: string, error: { kind: string; message: string }): Promise<{ status: 'accepted' | 'duplicate' }> {
    return this.http.json('POST', `/v1/leases/${leaseId}/fail`, { body: { error }, headers: { 'idempotency-key': `fail:${leaseId}` } });
  }

  /** The decrypted environment of the job's secrets_ref (only for the lease holder, after the access check). */
  async secrets(leaseId: string): Promise<Record<string, string>> {
    return (await this.http.json<{ env: Record<string, string> }>('POST', `/v1/leases/${leaseId}/secrets`, { body: {}, retry: true })).env;
  }

  /** Downloads an artifact (the caller verifies its hash). */
  async artifact(sha256: string): Promise<Uint8Array> {
    const res = await this.http.request('GET', `/v1/artifacts/${sha256}`);
    return new Uint8Array(await res.arrayBuffer());
  }
}
