// Child of scripts/bench/os.ts, run with --expose-gc: heap retained per guest OS instance kept
// alive after a pipeline (prints {perInstanceBytes}).
import { createGuestOs } from '../../src/os/index.js';

const count = Number(process.argv[2] ?? 100);
const gc = (globalThis as { gc?: () => void }).gc!;
// Warm up (module-level tables, JIT) before measuring.
await createGuestOs({ maxInstructions: 10n ** 10n }).run(['sh', '-c', 'echo hello > /f; cat /f | wc -c']);
gc();
const before = process.memoryUsage();
const kept: unknown[] = [];
for (let i = 0; i < count; i++) {
  const os = createGuestOs({ maxInstructions: 10n ** 10n });
  await os.run(['sh', '-c', 'echo hello > /f; cat /f | wc -c']);
  kept.push(os);
}
gc();
const after = process.memoryUsage();
console.log(JSON.stringify({ perInstanceBytes: (after.heapUsed + after.external - before.heapUsed - before.external) / count, kept: kept.length }));
