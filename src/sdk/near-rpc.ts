/**
 * A NEAR JSON-RPC client with the reference system's retry policy (ARCHITECTURE.md): up to 3
 * retries; on HTTP 429 wait `Retry-After` (seconds) before retrying; on network errors and 5xx
 * back off `min(1000 · 2^attempt, 10000)` ms; never retry a JSON-RPC error (the node answered:
 * retrying cannot change the answer and may repeat a side effect). Counts what it did in
 * `stats`, the shape the reference's dashboard reads.
 *
 * @example
 * const rpc = new NearRpcClient({ url: 'http://127.0.0.1:3030' });
 * const block = await rpc.call('block', { finality: 'final' });
 */

export interface RpcClientStats {
  totalRequests: number;
  successfulRequests: number;
  failedRequests: number;
  retriedRequests: number;
  /** Milliseconds spent waiting between attempts. */
  totalRetryDelay: number;
}

export interface NearRpcClientOptions {
  url: string;
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Per-attempt timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Headers sent with every request (e.g. an API key for a throttled proxy). */
  headers?: Record<string, string>;
  /** Injected for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** The node answered with a JSON-RPC error (not retried). `data` is nearcore's error object. */
export class NearRpcError extends Error {
  override name = 'NearRpcError';
  constructor(
    message: string,
    readonly code: number,
    readonly data: unknown,
  ) {
    super(message);
  }
}

/** The request could not be completed (network, timeouts, HTTP status) after every retry. */
export class NearRpcTransportError extends Error {
  override name = 'NearRpcTransportError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export const backoffMs = (attempt: number): number => Math.min(1000 * 2 ** attempt, 10_000);

/** Seconds of a `Retry-After` header (delta-seconds or an HTTP date), as ms; null when absent. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class NearRpcClient {
  readonly url: string;
  readonly stats: RpcClientStats = { totalRequests: 0, successfulRequests: 0, failedRequests: 0, retriedRequests: 0, totalRetryDelay: 0 };
  readonly #maxRetries: number;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  #id = 0;

  constructor(options: NearRpcClientOptions) {
    this.url = options.url;
    this.#maxRetries = options.maxRetries ?? 3;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#headers = options.headers ?? {};
    this.#fetch = options.fetch ?? fetch;
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async call<T = unknown>(method: string, params: unknown): Promise<T> {
    this.stats.totalRequests++;
    const body = JSON.stringify({ jsonrpc: '2.0', id: ++this.#id, method, params });
    for (let attempt = 0; ; attempt++) {
      let wait: number;
      let failure: NearRpcTransportError;
      try {
        const res = await this.#fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json', ...this.#headers }, body, signal: AbortSignal.timeout(this.#timeoutMs) });
        if (res.ok) {
          const json = (await res.json()) as { result?: T; error?: { message?: string; code?: number; data?: unknown; cause?: unknown; name?: string } };
          if (json.error) {
            this.stats.failedRequests++;
            const e = json.error;
            throw new NearRpcError(rpcErrorText(e), typeof e.code === 'number' ? e.code : -32000, e);
          }
          this.stats.successfulRequests++;
          return json.result as T;
        }
        await res.body?.cancel();
        failure = new NearRpcTransportError(`NEAR RPC ${this.url} answered HTTP ${res.status}`, res.status);
        if (res.status === 429) wait = retryAfterMs(res.headers.get('retry-after')) ?? backoffMs(attempt);
        else if (res.status >= 500) wait = backoffMs(attempt);
        else {
          this.stats.failedRequests++;
          throw failure;
        }
      } catch (e) {
        if (e instanceof NearRpcError || (e instanceof NearRpcTransportError && e.status !== null && e.status < 500 && e.status !== 429)) throw e;
        failure = e instanceof NearRpcTransportError ? e : new NearRpcTransportError(`NEAR RPC ${this.url} unreachable: ${(e as Error).message}`, null);
        wait = backoffMs(attempt);
      }
      if (attempt >= this.#maxRetries) {
        this.stats.failedRequests++;
        throw failure;
      }
      this.stats.retriedRequests++;
      this.stats.totalRetryDelay += wait;
      await this.#sleep(wait);
    }
  }
}

function rpcErrorText(e: { message?: string; name?: string; cause?: unknown; data?: unknown }): string {
  const cause = e.cause && typeof e.cause === 'object' ? (e.cause as { name?: string; info?: unknown }) : null;
  const detail = typeof e.data === 'string' ? e.data : cause?.name ? `${cause.name}${cause.info ? ` ${JSON.stringify(cause.info)}` : ''}` : JSON.stringify(e.data ?? null);
  return `${e.message ?? 'RPC error'}: ${detail}`;
}
