/**
 * Follows the OutLayer contract's requests on a NEAR chain and hands each new one to `onRequest`
 * exactly once per process lifetime (the queue's idempotent enqueue makes it exactly once overall).
 *
 * Two paths, one outcome:
 * - **events**: each final block's outcomes (the devnet's `devnet_block_outcomes`) are scanned for
 *   `execution_requested` events logged by the contract — the fast path;
 * - **ids**: request ids are sequential, so `get_request_count` tells whether any request was
 *   missed (a node without the devnet method, a cross-contract request, a crash between steps);
 *   missing ids are fetched with `get_request`.
 * The request itself is always read with `get_request` (the event leaves large inputs out).
 * Progress — the last block scanned and the next request id — is saved through `cursor` after
 * the requests it covers were handed over, so a restart resumes where it stopped.
 */
import { NearRpcError, type NearRpcClient } from '../../sdk/near-rpc.js';

/** A pending request as the contract's `get_request` view shows it. */
export interface ChainRequest {
  request_id: number;
  status: string;
  sender_id: string;
  payer_account_id: string;
  code_source: Record<string, unknown>;
  resource_limits: { max_instructions: number; max_memory_mb: number; max_execution_seconds: number };
  input_data: string | null;
  secrets_ref: { profile: string; account_id: string } | null;
  response_format: 'Text' | 'Json' | 'Bytes';
  payment: string;
  timestamp: number;
}

export interface WatchCursor {
  /** Last block whose outcomes were scanned (-1: none yet). */
  height: number;
  /** Every request id below this was handed over. */
  nextRequestId: number;
}

export interface WatcherOptions {
  rpc: NearRpcClient;
  contractId: string;
  /** Called for each pending request; must be idempotent (it may see a request again after a crash). */
  onRequest: (request: ChainRequest) => Promise<void>;
  loadCursor: () => Promise<WatchCursor | null>;
  saveCursor: (cursor: WatchCursor) => Promise<void>;
  /** Poll interval in ms (default 200). */
  pollMs?: number;
  /** At most this many blocks scanned per poll (default 100), so one poll stays short. */
  maxBlocksPerPoll?: number;
  onError?: (error: unknown) => void;
}

export class ChainWatcher implements AsyncDisposable {
  readonly #o: Required<Omit<WatcherOptions, 'onError'>> & { onError: (e: unknown) => void };
  #cursor: WatchCursor | null = null;
  #events: boolean | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(options: WatcherOptions) {
    this.#o = { pollMs: 200, maxBlocksPerPoll: 100, onError: () => {}, ...options };
  }

  /** Polls until disposed. */
  start(): void {
    const tick = async () => {
      this.#timer = null;
      if (this.#stopped) return;
      this.#running = this.poll().catch((e) => this.#o.onError(e));
      await this.#running;
      this.#running = null;
      if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.pollMs);
    };
    void tick();
  }

  /** One pass: new blocks' events, then any request id not yet handed over. */
  async poll(): Promise<void> {
    const o = this.#o;
    this.#cursor ??= (await o.loadCursor()) ?? (await this.#initialCursor());
    const cursor = { ...this.#cursor };
    const seen = new Set<number>();
    if (this.#events !== false) {
      const final = await o.rpc.call<{ header: { height: number } }>('block', { finality: 'final' });
      const last = Math.min(final.header.height, cursor.height + o.maxBlocksPerPoll);
      for (let h = cursor.height + 1; h <= last; h++) {
        const ids = await this.#eventIds(h);
        if (ids === null) break; // the node has no devnet_block_outcomes: ids only from now on
        for (const id of ids) if (id >= cursor.nextRequestId) seen.add(id);
        cursor.height = h;
      }
    }
    const count = await this.#view<number>('get_request_count', {});
    for (let id = cursor.nextRequestId; id < count; id++) seen.add(id);
    for (const id of [...seen].sort((a, b) => a - b)) {
      const request = await this.#view<ChainRequest | null>('get_request', { request_id: id });
      if (request && (request.status === 'pending' || request.status === 'resolved')) {
        if (request.status === 'pending') await o.onRequest(request);
      }
    }
    cursor.nextRequestId = Math.max(cursor.nextRequestId, count, ...[...seen].map((i) => i + 1));
    if (cursor.height !== this.#cursor.height || cursor.nextRequestId !== this.#cursor.nextRequestId) {
      await o.saveCursor(cursor);
      this.#cursor = cursor;
    }
  }

  /** A fresh watcher starts at the current block and takes every request still pending. */
  async #initialCursor(): Promise<WatchCursor> {
    const final = await this.#o.rpc.call<{ header: { height: number } }>('block', { finality: 'final' });
    return { height: final.header.height, nextRequestId: 0 };
  }

  /** Request ids of the contract's execution_requested events in block `height`; null if unsupported. */
  async #eventIds(height: number): Promise<number[] | null> {
    let block: { outcomes: Array<{ outcome: { executor_id: string; logs: string[] } }> };
    try {
      block = await this.#o.rpc.call('devnet_block_outcomes', { block_id: height });
    } catch (e) {
      if (e instanceof NearRpcError && /Method not found|METHOD_NOT_FOUND/i.test(`${e.message} ${JSON.stringify(e.data)}`)) {
        this.#events = false;
        return null;
      }
      throw e;
    }
    this.#events = true;
    const ids: number[] = [];
    for (const { outcome } of block.outcomes) {
      if (outcome.executor_id !== this.#o.contractId) continue;
      for (const line of outcome.logs) {
        if (!line.startsWith('EVENT_JSON:')) continue;
        try {
          const e = JSON.parse(line.slice('EVENT_JSON:'.length)) as { event?: string; data?: Array<{ request_id?: unknown }> };
          const id = e.event === 'execution_requested' ? e.data?.[0]?.request_id : undefined;
          if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) ids.push(id);
        } catch {
          // not our event's JSON: ignore
        }
      }
    }
    return ids;
  }

  async #view<T>(method: string, args: unknown): Promise<T> {
    const r = await this.#o.rpc.call<{ result: number[] }>('query', {
      request_type: 'call_function',
      finality: 'final',
      account_id: this.#o.contractId,
      method_name: method,
      args_base64: Buffer.from(JSON.stringify(args)).toString('base64'),
    });
    return JSON.parse(Buffer.from(r.result).toString('utf8')) as T;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}
