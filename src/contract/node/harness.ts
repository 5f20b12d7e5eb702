/**
 * Test harness: a devnet (in memory, instant blocks) with its JSON-RPC on 127.0.0.1, the
 * OutLayer contract deployed at `outlayer.test.near` and initialised (owner `test.near`, operator
 * `operator.test.near`), and helpers to act as any account through near-api-js 7.2.0 — the
 * client the issue asks the contract to be tested with. Used by the contract's tests only.
 */
import { Account, JsonRpcProvider, KeyPair, actions, type KeyPairString } from 'near-api-js';
import { keyPairToString } from '../../chain/codec/keys.js';
import { Devnet } from '../../chain/devnet.js';
import { DevnetRpc } from '../../chain/rpc/handle.js';
import { startRpcServer, type RpcServer } from '../../chain/rpc/server.js';
import type { ContractEngines } from '../../chain/runtime/contracts.js';
import { outlayerContractSource } from './build.js';

export const NEAR = 10n ** 24n;
export const TGAS = 10n ** 12n;
export const CONTRACT_ID = 'outlayer.test.near';
export const OPERATOR_ID = 'operator.test.near';

/** What a call's transaction did: its final value (parsed JSON), every receipt's logs, failure. */
export interface CallResult {
  value: unknown;
  logs: string[];
  /** The failure message (a panic's text), or null. */
  error: string | null;
  /** The events (NEP-297 data objects) logged anywhere in the transaction. */
  events: Array<{ event: string; data: Record<string, unknown> }>;
  txHash: string;
}

export class Harness implements AsyncDisposable {
  readonly accounts = new Map<string, Account>();
  /** Each account's full-access key (near-cli's `ed25519:…` secret form). */
  readonly keys = new Map<string, KeyPairString>();
  private constructor(
    readonly devnet: Devnet,
    readonly server: RpcServer,
    readonly provider: JsonRpcProvider,
  ) {}

  static async start(options: { engines?: ContractEngines } = {}): Promise<Harness> {
    const devnet = Devnet.open({ blockTimeMs: 0, ...(options.engines ? { engines: options.engines } : {}) });
    const server = await startRpcServer(new DevnetRpc(devnet));
    const provider = new JsonRpcProvider({ url: server.url });
    const h = new Harness(devnet, server, provider);
    h.accounts.set('test.near', new Account('test.near', provider, keyPairToString(devnet.rootKey) as KeyPairString));
    const code = new TextEncoder().encode(await outlayerContractSource());
    const key = KeyPair.fromRandom('ed25519');
    await h.root.signAndSendTransaction({
      receiverId: CONTRACT_ID,
      actions: [actions.createAccount(), actions.transfer(100n * NEAR), actions.addFullAccessKey(key.getPublicKey()), actions.deployContract(code)],
    });
    const contract = new Account(CONTRACT_ID, provider, key.toString() as KeyPairString);
    h.accounts.set(CONTRACT_ID, contract);
    await h.createAccount(OPERATOR_ID);
    const init = await h.call(CONTRACT_ID, 'new', { owner_id: 'test.near', operator_id: OPERATOR_ID });
    if (init.error) throw new Error(`contract init failed: ${init.error}`);
    return h;
  }

  get root(): Account {
    return this.accounts.get('test.near')!;
  }

  account(id: string): Account {
    const a = this.accounts.get(id);
    if (!a) throw new Error(`no key for ${id}`);
    return a;
  }

  async createAccount(id: string, balance = 50n * NEAR): Promise<Account> {
    const key = KeyPair.fromRandom('ed25519');
    await this.root.signAndSendTransaction({ receiverId: id, actions: [actions.createAccount(), actions.transfer(balance), actions.addFullAccessKey(key.getPublicKey())] });
    const a = new Account(id, this.provider, key.toString() as KeyPairString);
    this.accounts.set(id, a);
    this.keys.set(id, key.toString() as KeyPairString);
    return a;
  }

  /** `signer` calls the OutLayer contract; the transaction's outcome, never a throw for a panic. */
  async call(signer: string, method: string, args: unknown, options: { deposit?: bigint; gas?: bigint } = {}): Promise<CallResult> {
    const outcome = await this.account(signer).signAndSendTransaction({
      receiverId: CONTRACT_ID,
      actions: [actions.functionCall(method, new TextEncoder().encode(JSON.stringify(args)), options.gas ?? 300n * TGAS, options.deposit ?? 0n)],
      throwOnFailure: false,
    });
    return callResult(outcome as unknown as RawOutcome);
  }

  /**
   * `signer` calls request_execution and returns once the call ran (the transaction itself stays
   * open until the yield settles): its request id, events and logs so far, and its hash.
   */
  async request(signer: string, args: unknown, deposit: bigint, gas = 300n * TGAS): Promise<CallResult & { requestId: number }> {
    const sent = await this.account(signer).signAndSendTransaction({
      receiverId: CONTRACT_ID,
      actions: [actions.functionCall('request_execution', new TextEncoder().encode(JSON.stringify(args)), gas, deposit)],
      waitUntil: 'INCLUDED',
      throwOnFailure: false,
    });
    const hash = (sent as unknown as { transaction: { hash: string } }).transaction.hash;
    const so_far = await this.provider.viewTransactionStatus({ txHash: hash, accountId: signer, waitUntil: 'INCLUDED' });
    const r = callResult(so_far as unknown as RawOutcome);
    const requested = r.events.find((e) => e.event === 'execution_requested');
    return { ...r, requestId: requested ? Number(requested.data.request_id) : -1 };
  }

  async view<T = unknown>(method: string, args: unknown = {}): Promise<T> {
    return (await this.provider.callFunction({ contractId: CONTRACT_ID, method, args: args as Record<string, unknown> })) as T;
  }

  async balance(id: string): Promise<bigint> {
    return BigInt((await this.provider.viewAccount({ accountId: id })).amount);
  }

  /** The final outcome of a transaction sent earlier (e.g. a request whose yield settled later). */
  async txResult(txHash: string, signer: string): Promise<CallResult> {
    const outcome = await this.provider.viewTransactionStatus({ txHash, accountId: signer, waitUntil: 'EXECUTED_OPTIMISTIC' });
    return callResult(outcome as unknown as RawOutcome);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.server.close();
    await this.devnet.stop();
  }
}

interface RawOutcome {
  status: { SuccessValue?: string; Failure?: unknown } | string;
  transaction: { hash: string };
  transaction_outcome: { outcome: { logs: string[] } };
  receipts_outcome: Array<{ outcome: { logs: string[]; status: { Failure?: unknown } } }>;
}

export function callResult(o: RawOutcome): CallResult {
  const logs = [...o.transaction_outcome.outcome.logs, ...o.receipts_outcome.flatMap((r) => r.outcome.logs)];
  const events = logs.filter((l) => l.startsWith('EVENT_JSON:')).map((l) => {
    const e = JSON.parse(l.slice('EVENT_JSON:'.length)) as { event: string; data: Array<Record<string, unknown>> };
    return { event: e.event, data: e.data[0]! };
  });
  const status = typeof o.status === 'object' ? o.status : {};
  let value: unknown = undefined;
  let error: string | null = null;
  if (status.SuccessValue !== undefined) {
    const text = Buffer.from(status.SuccessValue, 'base64').toString('utf8');
    value = text === '' ? undefined : JSON.parse(text);
  } else if (status.Failure !== undefined) {
    error = failureText(status.Failure);
  } else {
    const failed = o.receipts_outcome.find((r) => r.outcome.status.Failure !== undefined);
    error = failed ? failureText(failed.outcome.status.Failure) : 'pending';
  }
  return { value, logs, error, events, txHash: o.transaction.hash };
}

function failureText(f: unknown): string {
  const text = JSON.stringify(f);
  const m = /"ExecutionError":"((?:[^"\\]|\\.)*)"/.exec(text);
  return m ? (JSON.parse(`"${m[1]}"`) as string).replace(/^Smart contract panicked: /, '') : text;
}
