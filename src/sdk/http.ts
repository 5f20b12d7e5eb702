/**
 * The SDK's HTTP core: JSON requests to a coordinator with an optional API key or worker token,
 * the reference retry policy (429 → wait `Retry-After`; network errors and 5xx → back off
 * `min(1000·2^attempt, 10000)` ms; at most 3 retries) for requests that are safe to repeat
 * (GETs, and writes that carry an `Idempotency-Key`), and errors with the server's stable code.
 */
import { backoffMs, retryAfterMs } from './near-rpc.js';

/** A coordinator answer that is not a success: `code` is the server's stable error code. */
export class OutlayerHttpError extends Error {
  override name = 'OutlayerHttpError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

export interface HttpOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` (an API key, or a worker token). */
  token?: string;
  maxRetries?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw bytes instead of JSON. */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  /** Whether repeating the request is safe (GET/HEAD, or an idempotency key is sent). */
  retry?: boolean;
  timeoutMs?: number;
  /** Statuses returned as they are instead of thrown (e.g. 204 for "no job", 404 for "absent"). */
  accept?: number[];
  /** Aborts the request (and its retries). */
  signal?: AbortSignal;
}

export class HttpCore {
  readonly baseUrl: string;
  readonly #o: HttpOptions;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: HttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#o = options;
    // Bound: browsers throw "Illegal invocation" when fetch is called with another `this`.
    this.#fetch = options.fetch ?? fetch.bind(globalThis);
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.#o.token) headers['authorization'] = `Bearer ${this.#o.token}`;
    let body: BodyInit | undefined;
    if (options.bytes) {
      headers['content-type'] = 'application/octet-stream';
      body = options.bytes as unknown as BodyInit;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const retries = options.retry ?? (method === 'GET' || method === 'HEAD' || 'idempotency-key' in headers) ? (this.#o.maxRetries ?? 3) : 0;
    for (let attempt = 0; ; attempt++) {
      let wait: number;
      let failure: Error;
      try {
        const res = await this.#fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined && { body }), signal: options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? this.#o.timeoutMs ?? 60_000)]) : AbortSignal.timeout(options.timeoutMs ?? this.#o.timeoutMs ?? 60_000) });
        if (res.ok || options.accept?.includes(res.status)) return res;
        const err = await errorOf(res);
        if (res.status !== 429 && res.status < 500) throw err;
        failure = err;
        wait = res.status === 429 ? (err.retryAfterMs ?? backoffMs(attempt)) : backoffMs(attempt);
      } catch (e) {
        if (options.signal?.aborted) throw e;
        if (e instanceof OutlayerHttpError && e.status !== 429 && e.status < 500) throw e;
        failure = e instanceof Error ? e : new Error(String(e));
        wait = e instanceof OutlayerHttpError && e.retryAfterMs !== null ? e.retryAfterMs : backoffMs(attempt);
      }
      if (attempt >= retries) throw failure instanceof OutlayerHttpError ? failure : new OutlayerHttpError(`coordinator ${this.baseUrl} unreachable: ${failure.message}`, 0, 'unreachable');
      await this.#sleep(wait);
    }
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, options);
    return (await res.json()) as T;
  }
}

async function errorOf(res: Response): Promise<OutlayerHttpError> {
  let code = `http_${res.status}`;
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status
  }
  return new OutlayerHttpError(message, res.status, code, retryAfterMs(res.headers.get('retry-after')));
}
