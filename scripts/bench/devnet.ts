/**
 * `npm run bench -- devnet [accounts] [calls-per-account] [--seconds=N]`: the embedded NEAR
 * devnet's throughput (simple function-call transactions per second through near-api-js 7.2.0 on
 * loopback, instant mode, SQLite). Runs scripts/devnet-bench.ts in its own process (it forks its
 * clients into another one). See docs/benchmarks.md and docs/devnet.md.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export async function run(args: readonly string[]): Promise<void> {
  const script = fileURLToPath(new URL('../devnet-bench.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}
