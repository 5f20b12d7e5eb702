// A multi-file contract: `outlayer run` bundles the imports with esbuild into one module.
import { fib } from './math.js';

export function execute(input) {
  const n = input?.n ?? 20;
  return { n, fib: fib(n) };
}
