// A contract that keeps state in NEAR storage: each run reads, increments and writes a counter.
// With `outlayer run` the storage starts empty, so this returns 1 (add `--input '{"by":5}'`).
export function execute(input) {
  const by = input?.by ?? 1;
  const current = Number(near.storageRead('count') ?? '0');
  const next = current + by;
  near.storageWrite('count', String(next));
  near.log(`count ${current} -> ${next} (block ${near.blockHeight()}, caller ${near.predecessorAccountId()})`);
  return { count: next };
}
