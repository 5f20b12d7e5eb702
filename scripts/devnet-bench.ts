// Function-call transactions per second through near-api-js 7.2.0 on loopback, instant mode, SQLite.
// Usage: node --import tsx scripts/devnet-bench.ts [accounts=8] [calls-per-account=100]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, actions } from 'near-api-js';
import { Devnet } from '../src/chain/devnet.js';
import { DevnetRpc } from '../src/chain/rpc/handle.js';
import { startRpcServer } from '../src/chain/rpc/server.js';

const dir = mkdtempSync(join(tmpdir(), 'devnet-bench-'));
const devnet = Devnet.open({ dataDir: dir, blockTimeMs: 0 });
const server = await startRpcServer(new DevnetRpc(devnet));
const provider = new JsonRpcProvider({ url: server.url });
const creds = JSON.parse(readFileSync(join(dir, 'test.near.json'), 'utf8'));
const root = new Account('test.near', provider, creds.private_key);
const COUNTER = readFileSync(new URL('../src/chain/wasm/testdata/counter.wasm', import.meta.url));
await root.signAndSendTransaction({ receiverId: 'counter.test.near', actions: [actions.createAccount(), actions.transfer(10n ** 25n), actions.deployContract(COUNTER)] });
const N = Number(process.argv[2] ?? 8);
const PER = Number(process.argv[3] ?? 100);
const accounts: Account[] = [];
for (let i = 0; i < N; i++) {
  const k = KeyPair.fromRandom('ed25519');
  await root.createSubAccount({ accountOrPrefix: `b${i}`, publicKey: k.getPublicKey(), nearToTransfer: 10n ** 25n });
  accounts.push(new Account(`b${i}.test.near`, provider, new KeyPairSigner(k)));
}
const t0 = performance.now();
await Promise.all(accounts.map(async (a) => {
  for (let j = 0; j < PER; j++) await a.callFunctionRaw({ contractId: 'counter.test.near', methodName: 'increment', args: new Uint8Array(0), gas: 30n * 10n ** 12n });
}));
const s = (performance.now() - t0) / 1000;
console.log(`${N * PER} function calls from ${N} accounts in ${s.toFixed(2)} s: ${(N * PER / s).toFixed(0)} tx/s`);
await server.close();
await devnet.stop();
rmSync(dir, { recursive: true, force: true });
