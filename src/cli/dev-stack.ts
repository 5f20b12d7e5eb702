/**
 * Everything `outlayer dev` runs, in one process: the embedded devnet (instant blocks, SQLite in
 * `<dataDir>`), the OutLayer contract deployed at `outlayer.test.near`, the coordinator
 * (`<dataDir>/coordinator`) watching it, and one server worker (`<dataDir>/worker`). A restart
 * with the same data dir continues: chain, contract state, queue, cursors and keys persist.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyPairToString, publicKeyToString } from '../chain/codec/keys.js';
import { Devnet } from '../chain/devnet.js';
import { DevnetRpc } from '../chain/rpc/handle.js';
import { startRpcServer, type RpcServer } from '../chain/rpc/server.js';
import { ensureOutlayerContract, type Deployment } from '../contract/node/deploy.js';
import { Coordinator } from '../coordinator/app.js';
import { newSecret } from '../coordinator/storage/secrets.js';
import { WorkerSigner } from '../worker/signer.js';
import { ServerWorker } from '../worker/worker.js';
import type { KeyPairString } from 'near-api-js';

export interface DevStackOptions {
  dataDir: string;
  rpcPort?: number;
  port?: number;
  apiKeys?: readonly string[];
  /** Worker threads (default 1). */
  concurrency?: number;
  /** Coordinator logs (pino options; false silences). */
  logger?: boolean | object;
}

export interface DevStack extends AsyncDisposable {
  devnet: Devnet;
  rpc: RpcServer;
  coordinator: Coordinator;
  coordinatorUrl: string;
  worker: ServerWorker;
  deployment: Deployment;
}

/** A secret kept in a file of the data dir (created on first use, mode 0600). */
function fileSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

export async function startDevStack(o: DevStackOptions): Promise<DevStack> {
  mkdirSync(o.dataDir, { recursive: true });
  const devnet = Devnet.open({ dataDir: o.dataDir, blockTimeMs: 0 });
  const cleanup: Array<() => Promise<void>> = [async () => devnet.stop()];
  const close = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    const rpc = await startRpcServer(new DevnetRpc(devnet), { port: o.rpcPort ?? 3030 });
    cleanup.push(() => rpc.close());
    const root = { account_id: devnet.rootAccountId, public_key: publicKeyToString(devnet.rootKey.publicKey), private_key: keyPairToString(devnet.rootKey) as KeyPairString };
    const deployment = await ensureOutlayerContract({ rpcUrl: rpc.url, root, dataDir: o.dataDir });
    const token = fileSecret(join(o.dataDir, 'worker-token'), () => newSecret('olw'));
    const coordinator = await Coordinator.open({
      dataDir: join(o.dataDir, 'coordinator'),
      rpcUrl: rpc.url,
      contractId: deployment.contractId,
      operator: { accountId: deployment.operator.account_id, privateKey: deployment.operator.private_key },
      workerTokens: [token],
      apiKeys: o.apiKeys ?? [],
      logger: o.logger ?? { level: 'info' },
    });
    cleanup.push(() => coordinator[Symbol.asyncDispose]());
    const coordinatorUrl = await coordinator.listen(o.port ?? 8080);
    const workerDir = join(o.dataDir, 'worker');
    mkdirSync(workerDir, { recursive: true });
    const worker = await ServerWorker.start({ coordinator: coordinatorUrl, token, signer: WorkerSigner.open(workerDir), concurrency: o.concurrency ?? 1 });
    cleanup.push(() => worker[Symbol.asyncDispose]());
    return { devnet, rpc, coordinator, coordinatorUrl, worker, deployment, [Symbol.asyncDispose]: close };
  } catch (e) {
    await close();
    throw e;
  }
}
