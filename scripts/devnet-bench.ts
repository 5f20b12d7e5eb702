// Function-call transactions per second through near-api-js 7.2.0 on loopback, instant mode, SQLite
// (WASM counter `increment`). The devnet runs in this process; the clients run in a child process
// (their own core, as real clients would), so the devnet's figure does not include their
// ed25519 signing. Two measurements after a warm-up:
//   e2e        near-api-js `callFunctionRaw` from every account concurrently (each call: view_access_key,
//              block, send_tx wait_until EXECUTED_OPTIMISTIC)
//   presigned  the devnet alone: transactions signed by near-api-js beforehand (signing rate reported
//              separately), then sent with `send_tx` concurrently, one in flight per account
// Usage: node --import tsx scripts/devnet-bench.ts [accounts=32] [calls-per-account=50] [--seconds=20]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Account, JsonRpcProvider, KeyPair, actions } from 'near-api-js';
import { Devnet } from '../src/chain/devnet.js';
import { DevnetRpc } from '../src/chain/rpc/handle.js';
import { startRpcServer } from '../src/chain/rpc/server.js';

export interface ClientJob {
  url: string;
  accounts: Array<{ id: string; secretKey: string }>;
  perAccount: number;
  seconds: number;
}
export interface PhaseResult {
  txs: number;
  seconds: number;
  /** CPU time of the client process over the phase. */
  clientCpuMs: number;
}
export interface ClientReport {
  e2e: PhaseResult;
  signing: PhaseResult;
  presigned: PhaseResult;
}

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flag = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const N = Number(positional[0] ?? 32);
const PER = Number(positional[1] ?? 50);
const SECONDS = flag('seconds', 20);

const dir = mkdtempSync(join(tmpdir(), 'devnet-bench-'));
const devnet = Devnet.open({ dataDir: dir, blockTimeMs: 0, transactionValidityPeriod: 1_000_000_000 });
const server = await startRpcServer(new DevnetRpc(devnet));
try {
  const provider = new JsonRpcProvider({ url: server.url });
  const creds = JSON.parse(readFileSync(join(dir, 'test.near.json'), 'utf8'));
  const root = new Account('test.near', provider, creds.private_key);
  const COUNTER = readFileSync(new URL('../src/chain/wasm/testdata/counter.wasm', import.meta.url));
  await root.signAndSendTransaction({ receiverId: 'counter.test.near', actions: [actions.createAccount(), actions.transfer(10n ** 25n), actions.deployContract(COUNTER)] });
  const accounts: ClientJob['accounts'] = [];
  for (let i = 0; i < N; i++) {
    const k = KeyPair.fromRandom('ed25519');
    await root.createSubAccount({ accountOrPrefix: `b${i}`, publicKey: k.getPublicKey(), nearToTransfer: 10n ** 25n });
    accounts.push({ id: `b${i}.test.near`, secretKey: k.toString() });
  }
  const startHeight = devnet.latestBlock().height;
  const elu0 = performance.eventLoopUtilization();
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const child = fork(fileURLToPath(new URL('./devnet-bench-client.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  child.send({ url: server.url, accounts, perAccount: PER, seconds: SECONDS } satisfies ClientJob);
  // The devnet's own event-loop use and CPU time over each client phase.
  const marks = new Map<string, { elu: EventLoopUtilization; cpu: NodeJS.CpuUsage }>();
  const report = await new Promise<ClientReport>((resolve, reject) => {
    child.on('message', (m) => {
      if (m && typeof m === 'object' && 'mark' in m) marks.set(String(m.mark), { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage() });
      else resolve(m as ClientReport);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the client process exited with ${code}`)));
  });
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  const blocks = devnet.latestBlock().height - startHeight;
  const rate = (p: PhaseResult) => (p.txs / p.seconds).toFixed(0);
  console.log(`devnet bench: ${N} accounts, up to ${PER} calls each per phase (≤ ${SECONDS} s), near-api-js clients in a child process`);
  const devnetSide = (phase: string, txs: number) => {
    const a = marks.get(phase);
    const b = marks.get(`${phase}-end`);
    if (!a || !b) return '';
    const busy = performance.eventLoopUtilization(b.elu, a.elu).utilization;
    const cpuMs = (b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1000;
    const client = report[phase as 'e2e' | 'presigned'].clientCpuMs;
    return `; devnet thread busy ${(busy * 100).toFixed(0)}%, devnet CPU ${((cpuMs * 1000) / txs).toFixed(0)} µs/tx, client CPU ${((client * 1000) / txs).toFixed(0)} µs/tx`;
  };
  console.log(`  e2e        ${rate(report.e2e)} tx/s  (${report.e2e.txs} near-api-js callFunctionRaw in ${report.e2e.seconds.toFixed(2)} s${devnetSide('e2e', report.e2e.txs)})`);
  console.log(`  signing    ${rate(report.signing)} tx/s  (client side only: near-api-js signing ${report.signing.txs} transactions)`);
  console.log(`  presigned  ${rate(report.presigned)} tx/s  (the devnet: ${report.presigned.txs} send_tx of pre-signed transactions in ${report.presigned.seconds.toFixed(2)} s${devnetSide('presigned', report.presigned.txs)})`);
  const txs = report.e2e.txs + report.presigned.txs;
  console.log(`  ${blocks} blocks (${(txs / Number(blocks)).toFixed(1)} tx/block); devnet thread busy ${(elu.utilization * 100).toFixed(0)}% overall; devnet process CPU ${((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)).toFixed(2)} cores; load average ${loadavg()[0]!.toFixed(1)}`);
} finally {
  await server.close();
  await devnet.stop();
  rmSync(dir, { recursive: true, force: true });
}
