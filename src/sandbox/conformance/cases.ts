/**
 * The L1 conformance suite: one list of cases that every implementation of `run` must pass —
 * the in-thread executor, the Node pool, and (with the browser bundle) a Web Worker. Each case
 * names its guest by path under the repository root; the runner supplies the bytes.
 * Cases use plain `Error`s (./expect.ts) so the same file runs in a browser.
 */
import type { RunOptions } from '../options.js';
import { equal, expect, failed, ok } from './expect.js';
import { dir, file } from '../wasi/fs.js';
import type { ExecutionResult } from '../result.js';

export type Run = (file: string | Uint8Array, options?: RunOptions) => Promise<ExecutionResult>;

export interface ConformanceCase {
  name: string;
  /** Needs the wall-clock backstop (only pools have one). */
  needsTimeout?: boolean;
  run(run: Run): Promise<void>;
}

/** The reference determinism program, computed independently of the guest. */
export function lcgExpected(seed: bigint, iterations: number): string {
  const M = (1n << 64n) - 1n;
  let s = seed;
  let sum = 0n;
  for (let i = 0; i < iterations; i++) {
    s = (s * 1664525n + 1013904223n) & M;
    sum = (sum + s) & M;
  }
  return `{"result":${sum},"checksum":"${sum.toString(16).padStart(16, '0')}","iterations_run":${iterations}}\n`;
}

const enc = new TextEncoder();

export const CASES: ConformanceCase[] = [
  {
    name: 'hello world',
    async run(run) {
      const r = await run('examples/hello.wasm');
      ok(r, 'hello');
      equal(r.output, 'Hello from OutLayer!\n', 'output');
      equal(r.exit_code, 0, 'exit_code');
      expect(r.fuel_used > 0 && Number.isInteger(r.fuel_used), 'fuel_used is a positive integer');
      equal(r.error, null, 'error');
    },
  },
  {
    name: 'stdin to stdout, binary-safe',
    async run(run) {
      const bytes = new Uint8Array(70000).map((_, i) => (i * 7 + 3) & 0x7f);
      const r = await run('examples/echo.wasm', { input: bytes, maxOutputBytes: 100000 });
      ok(r, 'echo');
      equal(r.output, new TextDecoder().decode(bytes), 'echoed output');
    },
  },
  {
    name: 'argv and env, with the fixed base environment',
    async run(run) {
      const r = await run('examples/env.wasm', { args: ['one', 'two words'], env: { FOO: 'bar', TZ: 'UTC' } });
      ok(r, 'env');
      const lines = r.output.trim().split('\n');
      equal(lines.slice(0, 3).join('|'), 'argv[0]=main.wasm|argv[1]=one|argv[2]=two words', 'argv lines');
      equal(lines.filter((l) => l.startsWith('env ')).join('|'), 'env TZ=UTC|env LANG=C|env LC_ALL=C|env FOO=bar', 'environment, in order');
    },
  },
  {
    name: 'the determinism program gives the reference answer',
    async run(run) {
      const r = await run('examples/determinism.wasm', { input: '{"seed": 42, "iterations": 1000}' });
      ok(r, 'determinism');
      equal(r.output, lcgExpected(42n, 1000), 'output');
      const d = await run('examples/determinism.wasm', { input: '{"seed":7}' });
      equal(d.output, lcgExpected(7n, 1000), 'default iterations');
      const bad = await run('examples/determinism.wasm', { input: '{"seed":-1}' });
      failed(bad, 'exit', 'malformed input');
      equal(bad.exit_code, 1, 'exit code on bad input');
      expect(bad.logs.length > 0, 'an error message on stderr');
    },
  },
  {
    name: 'clocks and randomness: identical with one seed, different with another',
    async run(run) {
      const opts = { seed: 'alpha', blockTimestampNs: 1_700_000_000_000_000_000n };
      const a = await run('examples/clock-random.wasm', opts);
      const b = await run('examples/clock-random.wasm', opts);
      ok(a, 'first run');
      equal(b.output, a.output, 'second run output');
      equal(b.fuel_used, a.fuel_used, 'second run fuel');
      const c = await run('examples/clock-random.wasm', { ...opts, seed: 'beta' });
      ok(c, 'other seed');
      expect(c.output !== a.output, 'another seed gives other random bytes');
      const realtime = BigInt(/-?\d{10,}/.exec(a.output)?.[0] ?? '0');
      expect(realtime >= opts.blockTimestampNs && realtime < opts.blockTimestampNs + 10_000_000_000n, `realtime clock starts at the block timestamp (got ${realtime})`);
      const later = await run('examples/clock-random.wasm', { ...opts, blockTimestampNs: opts.blockTimestampNs + 5n });
      expect(later.output !== a.output, 'the block timestamp moves the clock');
    },
  },
  {
    name: 'a preopened directory: reads the tree, writes stay in memory',
    async run(run) {
      const root = dir({ 'input.txt': file('from the host\n'), sub: dir({}) });
      const r = await run('examples/files.wasm', { preopens: [{ guestPath: '/data', root }] });
      ok(r, 'files');
      expect(r.output.includes('from the host'), `reads /data/input.txt (${JSON.stringify(r.output)})`);
      expect(r.output.includes('written by files.wasm'), 'reads back what it wrote');
      expect(!root.entries.has('out.txt'), 'the tree passed in is unchanged');
      const again = await run('examples/files.wasm', { preopens: [{ guestPath: '/data', root }] });
      equal(again.output, r.output, 'a second run starts from the same tree');
    },
  },
  {
    name: 'infinite loop: out_of_fuel with identical fuel_used over 20 runs',
    async run(run) {
      const used = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const r = await run('examples/wat/loop-forever.wasm', { maxInstructions: 200_000 });
        failed(r, 'out_of_fuel', `run ${i}`);
        equal(r.exit_code, null, 'exit_code');
        used.add(r.fuel_used);
      }
      equal([...used].join(','), '200000', 'fuel_used over 20 runs');
    },
  },
  {
    name: 'deep recursion: stack_overflow at identical fuel',
    async run(run) {
      const used = new Set<number>();
      for (let i = 0; i < 3; i++) {
        const r = await run('examples/wat/recurse.wasm');
        failed(r, 'stack_overflow', `run ${i}`);
        used.add(r.fuel_used);
      }
      equal(used.size, 1, 'distinct fuel_used values');
    },
  },
  {
    name: 'memory bomb: memory.grow returns -1 at the cap',
    async run(run) {
      const r = await run('examples/wat/memory-bomb.wasm', { maxMemoryMb: 16 });
      ok(r, 'memory bomb');
      equal(r.output, '256\n', 'pages reached (16 MiB)');
    },
  },
  {
    name: 'oversized initial memory: out_of_memory before running',
    async run(run) {
      const r = await run('examples/wat/big-memory.wasm');
      failed(r, 'out_of_memory', 'default cap');
      equal(r.fuel_used, 0, 'no fuel used');
      const big = await run('examples/wat/big-memory.wasm', { maxMemoryMb: 512 });
      ok(big, 'bigger cap');
    },
  },
  {
    name: '64 MiB stdout flood: output_limit',
    async run(run) {
      const r = await run('examples/wat/flood.wasm');
      failed(r, 'output_limit', 'flood');
      expect(r.output.length <= 1_048_576, 'output kept within the cap');
    },
  },
  {
    name: 'non-zero exit: exit with exit_code',
    async run(run) {
      const r = await run('examples/exit-code.wasm', { args: ['42'] });
      failed(r, 'exit', 'exit-code');
      equal(r.exit_code, 42, 'exit_code');
      equal(r.logs.join('|'), 'exiting with 42', 'logs');
    },
  },
  {
    name: 'a trap keeps the output written before it',
    async run(run) {
      const r = await run('examples/wat/trap.wasm');
      failed(r, 'trap', 'trap');
      equal(r.output, 'before trap\n', 'output');
    },
  },
  {
    name: 'malformed, truncated and unrunnable modules: invalid_module naming the cause',
    async run(run) {
      const cases: [Uint8Array, RegExp][] = [
        [enc.encode('hello, not wasm'), /not a WebAssembly module/],
        [new Uint8Array([0, 0x61, 0x73]), /truncated/],
        [new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), /version/],
        [new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 50, 1]), /truncated/],
        [new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b, 0]), /validation|section|truncated/],
        // (module (import "env" "f" (func)) (func (export "_start")))
        [new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0, 3, 2, 1, 0, 7, 10, 1, 6, 95, 115, 116, 97, 114, 116, 0, 1, 10, 4, 1, 2, 0, 11]), /unknown import env\.f/],
      ];
      for (const [bytes, pattern] of cases) {
        const r = await run(bytes);
        failed(r, 'invalid_module', `bytes ${Array.from(bytes.slice(0, 12)).join(',')}`);
        expect(pattern.test(r.error!.message), `message ${JSON.stringify(r.error!.message)} should match ${pattern}`);
      }
      const r = await run('examples/wat/no-start.wasm');
      failed(r, 'invalid_module', 'no _start');
      expect(/_start/.test(r.error!.message), 'message names _start');
    },
  },
  {
    name: 'preview1 calls with bad pointers get errnos, and the host keeps serving',
    async run(run) {
      const r = await run('examples/wat/bad-pointers.wasm');
      ok(r, 'bad pointers');
      const lines = r.output.trim().split('\n');
      expect(lines.length >= 8, `one line per call (${lines.length})`);
      for (const line of lines) {
        const m = /^([a-z_]+)=(\d+)$/.exec(line);
        expect(m, `line ${JSON.stringify(line)} is name=errno`);
        expect(Number(m[2]) !== 0, `${m[1]} must fail on a bad pointer`);
      }
      expect(lines.includes('fd_write=21'), 'fd_write answers EFAULT');
      ok(await run('examples/hello.wasm'), 'hello after bad pointers');
    },
  },
  {
    name: 'bulk memory runs and is charged by size',
    async run(run) {
      const r = await run('examples/wat/bulk-memory.wasm');
      ok(r, 'bulk memory');
      equal(r.output, 'done\n', 'output');
      expect(r.fuel_used > 100 * 2 * (1_048_576 / 8), `fuel covers 200 MiB-ops of bulk memory (${r.fuel_used})`);
    },
  },
  {
    name: 'wall-clock backstop: timeout, and the pool keeps serving',
    needsTimeout: true,
    async run(run) {
      const r = await run('examples/wat/loop-forever.wasm', { maxInstructions: 400_000_000_000n, timeoutMs: 300 });
      failed(r, 'timeout', 'spinning guest');
      ok(await run('examples/hello.wasm'), 'hello after a timeout');
    },
  },
];
