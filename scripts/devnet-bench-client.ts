// The clients of scripts/devnet-bench.ts, in a child process (forked with IPC): warm-up, then near-api-js calls end to
// end, then signing alone, then sending the pre-signed transactions.
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, actions, createTransaction, type KeyPairString } from 'near-api-js';
import type { ClientJob, ClientReport, PhaseResult } from './devnet-bench.js';

const job = await new Promise<ClientJob>((resolve) => process.once('message', (m) => resolve(m as ClientJob)));
const provider = new JsonRpcProvider({ url: job.url });
const GAS = 30n * 10n ** 12n;
const clients = job.accounts.map((a) => {
  const pair = KeyPair.fromString(a.secretKey as KeyPairString);
  const signer = new KeyPairSigner(pair);
  return { id: a.id, pair, signer, account: new Account(a.id, provider, signer) };
});
const call = (c: (typeof clients)[number]) => c.account.callFunctionRaw({ contractId: 'counter.test.near', methodName: 'increment', args: new Uint8Array(0), gas: GAS });

/** Tells the devnet process a phase starts or ends, so it measures its own CPU over the phase. */
function mark(name: string): Promise<void> {
  return new Promise((resolve) => process.send!({ mark: name }, undefined, {}, () => resolve()));
}

async function timed(name: string, perClient: (c: (typeof clients)[number], deadline: number) => Promise<number>): Promise<PhaseResult> {
  await mark(name);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const deadline = t0 + job.seconds * 1000;
  const counts = await Promise.all(clients.map((c) => perClient(c, deadline)));
  const cpu = process.cpuUsage(cpu0);
  const result = { txs: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - t0) / 1000, clientCpuMs: (cpu.user + cpu.system) / 1000 };
  await mark(`${name}-end`);
  return result;
}

// Warm-up: JIT, the contract's compiled module, SQLite pages.
await Promise.all(clients.map(async (c) => {
  for (let i = 0; i < 3; i++) await call(c);
}));

const e2e = await timed('e2e', async (c, deadline) => {
  let n = 0;
  while (n < job.perAccount && performance.now() < deadline) {
    await call(c);
    n++;
  }
  return n;
});

// Pre-sign: nonces follow the access key's current nonce; one block hash for all (the bench's
// devnet has a very long transactionValidityPeriod).
const block = await provider.viewBlock({ finality: 'final' });
const blockHash = bs58(block.header.hash);
const signed: string[][] = [];
const s0 = performance.now();
for (const c of clients) {
  const key = await provider.viewAccessKey({ accountId: c.id, publicKey: c.pair.getPublicKey() });
  const list: string[] = [];
  for (let i = 1; i <= job.perAccount; i++) {
    const tx = createTransaction(c.id, c.pair.getPublicKey(), 'counter.test.near', BigInt(key.nonce) + BigInt(i), [actions.functionCall('increment', new Uint8Array(0), GAS, 0n)], blockHash);
    const { signedTransaction } = await c.signer.signTransaction(tx);
    list.push(Buffer.from(signedTransaction.encode()).toString('base64'));
  }
  signed.push(list);
}
const signing: PhaseResult = { txs: job.perAccount * clients.length, seconds: (performance.now() - s0) / 1000, clientCpuMs: 0 };

let id = 0;
const presigned = await timed('presigned', async (c, deadline) => {
  const list = signed[clients.indexOf(c)]!;
  let n = 0;
  for (const b64 of list) {
    if (performance.now() >= deadline) break;
    const res = await fetch(job.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'send_tx', params: { signed_tx_base64: b64, wait_until: 'EXECUTED_OPTIMISTIC' } }),
    });
    const body = (await res.json()) as { result?: { status?: { SuccessValue?: unknown } }; error?: unknown };
    if (!body.result?.status || !('SuccessValue' in body.result.status)) throw new Error(`send_tx failed: ${JSON.stringify(body).slice(0, 300)}`);
    n++;
  }
  return n;
});

process.send!({ e2e, signing, presigned } satisfies ClientReport, undefined, {}, () => process.exit(0));

function bs58(text: string): Uint8Array {
  const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = 0n;
  for (const ch of text) n = n * 58n + BigInt(ALPHABET.indexOf(ch));
  const out: number[] = [];
  while (n > 0n) {
    out.unshift(Number(n & 255n));
    n >>= 8n;
  }
  for (const ch of text) {
    if (ch !== '1') break;
    out.unshift(0);
  }
  return Uint8Array.from(out);
}
