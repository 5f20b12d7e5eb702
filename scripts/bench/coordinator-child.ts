/**
 * Child of scripts/bench/coordinator.ts: one ServerWorker in its own process (as in production:
 * its claim/complete HTTP calls, ed25519 signing and pool messaging do not share the
 * coordinator's event loop). Prints "ready" once registered; drains and exits when stdin closes.
 * Usage: coordinator-child.ts <coordinator-url> <worker-token> <concurrency>
 */
import { WorkerSigner } from '../../src/worker/signer.js';
import { ServerWorker } from '../../src/worker/worker.js';

const [url, token, concurrency = '1'] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: coordinator-child.ts <coordinator-url> <worker-token> <concurrency>');
  process.exit(2);
}
const worker = await ServerWorker.start({ coordinator: url, token, signer: WorkerSigner.generate(), claimWaitMs: 2000, concurrency: Number(concurrency) });
console.log('ready');
process.stdin.resume();
process.stdin.on('end', () => {
  void worker[Symbol.asyncDispose]().then(() => {
    console.log(`finished ${worker.finished}`);
    process.exit(0);
  });
});
