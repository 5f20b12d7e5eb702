// L1: asyncify preparation and runs whose stdio are host streams that may answer with promises.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { repoFile } from '../../testing/repo.js';
import { wat } from '../../testing/wat.js';
import type { ByteStore } from '../cache.js';
import { prepareCommand, runPrepared } from '../execute.js';
import { normalizeOptions, type RunOptions } from '../options.js';
import { InvalidModule, ModulePreparer } from '../prepare.js';
import { Errno, StreamErrno, type StdioStreams } from '../wasi/index.js';
import { isAsyncified, runStreaming, type StreamingHost } from './run.js';
import { ASYNCIFY_TRANSFORM, BINARYEN_VERSION } from './transform.js';

const preparer = new ModulePreparer();
const asyncified = (file: string) => prepareCommand(preparer, repoFile(file), ASYNCIFY_TRANSFORM);
const decoder = new TextDecoder();

/** Streams over fixed input, collecting output; `async` makes every call answer with a promise. */
function memoryStreams(input: string | Uint8Array, o: { async?: boolean; chunk?: number } = {}) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  let at = 0;
  const out: { 1: Uint8Array[]; 2: Uint8Array[] } = { 1: [], 2: [] };
  let calls = 0;
  const answer = <T>(v: T): Promise<T> | T => (o.async ? Promise.resolve(v) : v);
  const streams: StdioStreams = {
    read: (_fd, max) => {
      calls++;
      if (at >= bytes.length) return answer(null);
      const c = bytes.subarray(at, at + Math.min(max, o.chunk ?? max));
      at += c.length;
      return answer(c);
    },
    write: (fd, b) => {
      calls++;
      out[fd].push(b);
      return answer(undefined);
    },
  };
  const text = (fd: 1 | 2) => decoder.decode(Buffer.concat(out[fd]));
  return { streams, text, calls: () => calls };
}

const run = (prepared: Awaited<ReturnType<typeof asyncified>>, host: StreamingHost, options: RunOptions = {}) => runStreaming(prepared, normalizeOptions(options), host);

describe('asyncify: preparation', () => {
  it('pins the binaryen version the cache key names', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../node_modules/binaryen/package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(pkg.version, BINARYEN_VERSION);
    assert.match(ASYNCIFY_TRANSFORM.id, new RegExp(`b${BINARYEN_VERSION}`));
  });

  it('caches the asyncified variant beside the plain one; a store keeps both', async () => {
    const saved = new Map<string, Uint8Array<ArrayBuffer>>();
    const store: ByteStore = { get: async (k) => saved.get(k), set: async (k, b) => void saved.set(k, b.slice()) };
    const code = repoFile('examples/echo.wasm');
    const first = new ModulePreparer(store);
    const plain = await prepareCommand(first, code);
    const rewritten = await prepareCommand(first, code, ASYNCIFY_TRANSFORM);
    assert.equal(isAsyncified(plain), false);
    assert.equal(isAsyncified(rewritten), true);
    assert.equal(rewritten.transform, ASYNCIFY_TRANSFORM.id);
    assert.equal(saved.size, 4); // .wasm and .json of each variant
    const again = await new ModulePreparer(store).prepare(code, undefined, ASYNCIFY_TRANSFORM);
    assert.equal(again.source, 'store');
    assert.equal((await first.prepare(code)).source, 'memory');
  });

  it('names the problem of a module that is not valid, before binaryen sees it', async () => {
    await assert.rejects(prepareCommand(preparer, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1]), ASYNCIFY_TRANSFORM), (e: unknown) => e instanceof InvalidModule && /truncated|fails validation/.test(e.message));
  });

  it('leaves direct mode as it was: same output and fuel as before the rewrite existed', async () => {
    const direct = await runPrepared(await prepareCommand(preparer, repoFile('examples/echo.wasm')), normalizeOptions({ input: 'hello\n' }));
    assert.equal(direct.output, 'hello\n');
    const rewritten = await run(await asyncified('examples/echo.wasm'), memoryStreams('hello\n'));
    assert.equal(rewritten.exit_code, 0);
    assert.ok(rewritten.fuel_used > direct.fuel_used, 'the rewrite adds instructions, metered like any other');
  });
});

describe('asyncify: streamed runs', () => {
  it('copies a stream through echo.wasm, synchronously and across promises, with the same fuel', async () => {
    const input = 'line\n'.repeat(5000);
    const prepared = await asyncified('examples/echo.wasm');
    const sync = memoryStreams(input, { chunk: 1000 });
    const a = await run(prepared, sync);
    const slow = memoryStreams(input, { async: true, chunk: 1000 });
    const b = await run(prepared, slow);
    assert.equal(sync.text(1), input);
    assert.equal(slow.text(1), input);
    assert.equal(a.exit_code, 0);
    assert.equal(b.exit_code, 0);
    assert.ok(slow.calls() > 40);
    // Unwinding and rewinding run metered instructions too: the async run costs a little more.
    assert.ok(b.fuel_used > a.fuel_used);
  });

  it('charges each slice to a shared budget as it ends: the charges add up to fuel_used', async () => {
    const prepared = await asyncified('examples/echo.wasm');
    let left = 10_000_000n;
    const charges: bigint[] = [];
    const s = memoryStreams('abc\n'.repeat(3000), { async: true, chunk: 512 });
    const r = await run(prepared, {
      streams: s.streams,
      fuel: {
        left: () => left,
        charge: (used) => {
          charges.push(used);
          left -= used + 7n; // others spend while the guest waits
        },
      },
    });
    assert.equal(r.exit_code, 0);
    assert.ok(charges.length > 10);
    assert.equal(charges.reduce((a, b) => a + b, 0n), BigInt(r.fuel_used));
  });

  it('ends out_of_fuel in the middle of a stream', async () => {
    const s = memoryStreams('', { async: true });
    const r = await run(await asyncified('examples/yes.wasm'), s, { maxInstructions: 2_000_000 });
    assert.equal(r.error?.kind, 'out_of_fuel');
    assert.equal(r.fuel_used, 2_000_000);
    const out = s.text(1);
    assert.ok(out.length > 8192);
    assert.equal(out.replaceAll('y\n', ''), '');
  });

  it('a stream error becomes the guest’s errno (EPIPE): yes reports it and exits 1', async () => {
    let writes = 0;
    let stderr = '';
    const r = await run(await asyncified('examples/yes.wasm'), {
      streams: {
        read: () => null,
        write: (fd, b) => {
          if (fd === 2) {
            stderr += decoder.decode(b);
            return Promise.resolve();
          }
          return ++writes < 3 ? Promise.resolve() : Promise.reject(new StreamErrno(Errno.PIPE));
        },
      },
    });
    assert.equal(r.exit_code, 1);
    assert.equal(writes, 3);
    assert.equal(stderr, 'yes: write: Broken pipe\n');
  });

  it('any other rejection ends the run and reaches the caller', async () => {
    class Stop extends Error {}
    await assert.rejects(run(await asyncified('examples/yes.wasm'), { streams: { read: () => null, write: () => Promise.reject(new Stop('killed')) } }), Stop);
  });

  it('proc_exit after a suspended write: exit code and stderr', async () => {
    const s = memoryStreams('', { async: true });
    const r = await run(await asyncified('examples/exit-code.wasm'), s, { args: ['42'] });
    assert.equal(r.exit_code, 42);
    assert.equal(r.error?.kind, 'exit');
    assert.equal(s.text(2), 'exiting with 42\n');
  });

  it('NEAR system calls work in a streamed run', async () => {
    const s = memoryStreams('', { async: true });
    const r = await run(await asyncified('examples/near.wasm'), s);
    assert.equal(r.status, 'ok');
    assert.match(s.text(1), /count: 1/);
    assert.deepEqual(r.logs, ['count = 1']);
  });

  it('refuses a module that was not rewritten', async () => {
    await assert.rejects(run(await prepareCommand(preparer, repoFile('examples/echo.wasm')), memoryStreams('')), /ASYNCIFY_TRANSFORM/);
  });

  it('poll_oneoff on stdin waits for input, reports it (and end of file), and the data is still read', async () => {
    // poll(stdin) → write nbytes and flags; read → write the data; poll again → nbytes and flags.
    const code = await wat(`(module
      (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func $report
        (drop (call $poll (i32.const 1024) (i32.const 1100) (i32.const 1) (i32.const 1200)))
        ;; event at 1100: nbytes (u64) at +16, flags (u16) at +24 → 6 bytes out from 1116..1122
        (i32.store16 (i32.const 1120) (i32.load16_u (i32.const 1124)))
        (i32.store (i32.const 1300) (i32.const 1116))
        (i32.store (i32.const 1304) (i32.const 6))
        (drop (call $write (i32.const 1) (i32.const 1300) (i32.const 1) (i32.const 1208))))
      (func (export "_start")
        ;; subscription at 1024: userdata 7, tag FD_READ (1), fd 0
        (i64.store (i32.const 1024) (i64.const 7))
        (i32.store8 (i32.const 1032) (i32.const 1))
        (i32.store (i32.const 1040) (i32.const 0))
        (call $report)
        (i32.store (i32.const 1300) (i32.const 2048))
        (i32.store (i32.const 1304) (i32.const 100))
        (drop (call $read (i32.const 0) (i32.const 1300) (i32.const 1) (i32.const 1204)))
        (i32.store (i32.const 1304) (i32.load (i32.const 1204)))
        (drop (call $write (i32.const 1) (i32.const 1300) (i32.const 1) (i32.const 1208)))
        (call $report)))`);
    const prepared = await prepareCommand(preparer, code, ASYNCIFY_TRANSFORM);
    const s = memoryStreams('hello', { async: true });
    const r = await run(prepared, s);
    assert.equal(r.status, 'ok');
    const out = Buffer.concat([Buffer.from(s.text(1), 'latin1')]);
    // nbytes 5 (u32 le), flags 0; "hello"; nbytes 0, flags 1 (hangup: end of file)
    assert.deepEqual([...out], [5, 0, 0, 0, 0, 0, ...Buffer.from('hello'), 0, 0, 0, 0, 1, 0]);
  });

  it('a trap after a resumed call is a trap result, with the output written before it', async () => {
    const code = await wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "before\\n")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 16))
        (i32.store (i32.const 4) (i32.const 7))
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (unreachable)))`);
    const s = memoryStreams('', { async: true });
    const r = await run(await prepareCommand(preparer, code, ASYNCIFY_TRANSFORM), s);
    assert.equal(r.error?.kind, 'trap');
    assert.equal(s.text(1), 'before\n');
  });
});
