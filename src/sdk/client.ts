/**
 * `OutlayerClient`: submit executions to a coordinator and read their results, upload
 * artifacts, and reach NEAR through the coordinator's throttled RPC proxy. Works in Node and in
 * browsers (fetch and crypto.subtle only).
 *
 * @example
 * const client = new OutlayerClient({ coordinator: 'http://127.0.0.1:8080', apiKey: 'k' });
 * const sha256 = await client.uploadArtifact(wasmBytes);
 * const done = await client.run({ code: { sha256, kind: 'wasm' }, input: '{"n":5}' });
 * console.log(done.result?.output, done.result?.fuel_used);
 */
import { HttpCore, OutlayerHttpError, type HttpOptions } from './http.js';
import { NearRpcClient } from './near-rpc.js';
import type { ExecutionRequest, ExecutionView } from './types.js';

export interface OutlayerClientOptions {
  /** The coordinator's base URL, e.g. http://127.0.0.1:8080. */
  coordinator: string;
  /** An API key (tier "keyed": higher rate limits). Omit to call anonymously. */
  apiKey?: string;
  fetch?: typeof fetch;
  sleep?: HttpOptions['sleep'];
}

/** Lower-case hex sha256 of `bytes` (crypto.subtle: Node and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as unknown as ArrayBuffer)));
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const randomKey = (): string => hex(crypto.getRandomValues(new Uint8Array(16)));

export class OutlayerClient {
  readonly http: HttpCore;
  readonly #options: OutlayerClientOptions;

  constructor(options: OutlayerClientOptions) {
    this.#options = options;
    this.http = new HttpCore({ baseUrl: options.coordinator, ...(options.apiKey && { token: options.apiKey }), ...(options.fetch && { fetch: options.fetch }), ...(options.sleep && { sleep: options.sleep }) });
  }

  health(): Promise<{ status: string }> {
    return this.http.json('GET', '/v1/health');
  }

  stats(): Promise<Record<string, unknown>> {
    return this.http.json('GET', '/v1/stats');
  }

  /** Uploads `bytes` (idempotent: content-addressed) and returns their sha256. */
  async uploadArtifact(bytes: Uint8Array): Promise<string> {
    const sha256 = await sha256Hex(bytes);
    await this.http.request('PUT', `/v1/artifacts/${sha256}`, { bytes, retry: true });
    return sha256;
  }

  async hasArtifact(sha256: string): Promise<boolean> {
    const res = await this.http.request('HEAD', `/v1/artifacts/${sha256}`, { accept: [404] });
    return res.status === 200;
  }

  /** Downloads an artifact and checks its hash. */
  async fetchArtifact(sha256: string): Promise<Uint8Array> {
    const res = await this.http.request('GET', `/v1/artifacts/${sha256}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const got = await sha256Hex(bytes);
    if (got !== sha256) throw new OutlayerHttpError(`artifact ${sha256} arrived with hash ${got}`, 502, 'hash_mismatch');
    return bytes;
  }

  /**
   * Queues an execution. The `Idempotency-Key` (random unless given) makes retries safe: the
   * same key returns the same execution.
   */
  submit(request: ExecutionRequest, options: { idempotencyKey?: string } = {}): Promise<ExecutionView> {
    return this.http.json('POST', '/v1/executions', { body: request, headers: { 'idempotency-key': options.idempotencyKey ?? randomKey() } });
  }

  get(id: string): Promise<ExecutionView> {
    return this.http.json('GET', `/v1/executions/${encodeURIComponent(id)}`);
  }

  /** Polls until the execution finished (completed or failed) or `timeoutMs` passed. */
  async wait(id: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<ExecutionView> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const view = await this.get(id);
      if (view.status === 'completed' || view.status === 'failed') return view;
      if (Date.now() > deadline) throw new OutlayerHttpError(`execution ${id} did not finish in time (status ${view.status})`, 0, 'timeout');
      await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
    }
  }

  /** submit + wait. */
  async run(request: ExecutionRequest, options: { idempotencyKey?: string; timeoutMs?: number } = {}): Promise<ExecutionView> {
    const queued = await this.submit(request, options);
    return this.wait(queued.id, options);
  }

  /** A NEAR RPC client through the coordinator's throttled proxy (`POST /v1/near-rpc`). */
  nearRpc(): NearRpcClient {
    return new NearRpcClient({
      url: `${this.http.baseUrl}/v1/near-rpc`,
      ...(this.#options.apiKey && { headers: { authorization: `Bearer ${this.#options.apiKey}` } }),
      ...(this.#options.fetch && { fetch: this.#options.fetch }),
    });
  }
}
