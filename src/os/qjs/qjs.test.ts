// `qjs`: JS processes under the guest OS, through the real kernel, shell and QuickJS engines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { nodeQuickJsSource } from '../../js/node/source.js';
import { createNearContext, type NearSyscallContext } from '../../sandbox/near.js';
import { ModulePreparer } from '../../sandbox/prepare.js';
import type { ExecutionResult } from '../../sandbox/result.js';
import { createGuestOs, runShell, type GuestOsOptions } from '../index.js';
import { prepareWasiProcess, wasiProgram } from '../wasi-program.js';
import { QjsRuntime } from './runtime.js';

const BUDGET = 2_000_000_000n;
const preparer = new ModulePreparer();
let qjs: QjsRuntime;

before(async () => {
  qjs = await QjsRuntime.create({ source: nodeQuickJsSource, preparer });
});
after(() => qjs.dispose());

function sh(script: string, o: GuestOsOptions & { stdin?: string } = {}): Promise<ExecutionResult> {
  return runShell(script, { maxInstructions: BUDGET, qjs, ...o });
}

/** Quotes a script for sh's single quotes. */
const q = (js: string): string => `'${js.replace(/'/g, `'\\''`)}'`;

describe('qjs: running scripts', () => {
  it('runs -e code, a file from the VFS and a script on stdin, with scriptArgs as QuickJS sets them', async () => {
    assert.equal((await sh(`qjs -e ${q('print("hello", 1 + 2, 10n, [1, 2])')}`)).output, 'hello 3 10n 1,2\n');
    assert.equal((await sh(`qjs -e ${q('print(JSON.stringify(scriptArgs))')} a 'b c'`)).output, '["a","b c"]\n');
    const file = await sh(`echo ${q('print(JSON.stringify(scriptArgs))')} > /s.js; qjs /s.js x y`);
    assert.equal(file.output, '["/s.js","x","y"]\n');
    assert.equal((await sh(`echo 'print(6 * 7)' | qjs -`)).output, '42\n');
  });

  it('imports std and os as modules (also as qjs:std / qjs:os); other imports are refused', async () => {
    const r = await sh(`qjs -e ${q('import * as std from "std"; import { getcwd } from "os"; import { getenv } from "qjs:std"; print(typeof std.in.getline, getcwd(), getenv("HOME"))')}`);
    assert.equal(r.output, 'function / /\n');
    const bad = await sh(`qjs -e ${q('import x from "./lib.js"')}`);
    assert.equal(bad.exit_code, 1);
    assert.match(bad.logs.join('\n'), /could not load module/);
  });

  it('reports usage errors: no script, unknown option, a missing file', async () => {
    assert.equal((await sh('qjs')).exit_code, 2);
    assert.equal((await sh('qjs --bogus')).exit_code, 2);
    const missing = await sh('qjs /nope.js');
    assert.equal(missing.exit_code, 1);
    assert.match(missing.logs[0]!, /could not load '\/nope.js'/);
  });

  it('exits with std.exit(n), 1 with the error on an uncaught throw or a syntax error, 13 on an unsettled await', async () => {
    assert.equal((await sh(`qjs -e ${q('print("a"); std.exit(7); print("b")')}; echo $?`)).output, 'a\n7\n');
    const thrown = await sh(`qjs -e ${q('throw new TypeError("bad thing")')}; echo $?`);
    assert.equal(thrown.output, '1\n');
    assert.match(thrown.logs[0]!, /^TypeError: bad thing/);
    const syntax = await sh(`qjs -e ${q('let = ;')}; echo $?`);
    assert.equal(syntax.output, '1\n');
    assert.match(syntax.logs[0]!, /SyntaxError/);
    const caught = await sh(`qjs -e ${q('try { std.exit(3) } catch (e) { print("caught") } print("after")')}; echo $?`);
    assert.equal(caught.output, '3\n', 'exit cannot be caught');
    const hung = await sh(`qjs -e ${q('await new Promise(() => {})')}; echo $?`);
    assert.equal(hung.output, '13\n');
    assert.match(hung.logs[0]!, /unsettled top-level await/);
  });
});

describe('qjs: stdin, stdout and pipelines', () => {
  it('sums lines from a pipe with std.in.getline', async () => {
    const r = await sh(`seq 1 100 | qjs -e ${q('let s = 0, l; while ((l = await std.in.getline()) !== null) s += Number(l); print(s)')}`);
    assert.equal(r.output, '5050\n');
  });

  it('reads all of stdin, and raw bytes with os.read', async () => {
    assert.equal((await sh(`printf 'a\\nb' | qjs -e ${q('print(JSON.stringify(await std.in.readAsString()))')}`)).output, '"a\\nb"\n');
    const r = await sh(`printf 'xyz' | qjs -e ${q('const b = await os.read(0, 2); print(b.length, b[0], await os.read(0, 9), await os.read(0, 9))')}`);
    assert.equal(r.output, '2 120 122 null\n');
    // getline takes every line read ahead at once; other reads get the rest back, byte for byte.
    const mixed = await sh(`printf 'a\\nb\\nc\\nrest' | qjs -e ${q('print(await std.in.getline(), JSON.stringify(await std.in.readAsString()))')}`);
    assert.equal(mixed.output, 'a "b\\nc\\nrest"\n');
    const bytes = await sh(`printf 'x\\ny\\n' | qjs -e ${q('await std.in.getline(); print((await os.read(0, 9)).join(","))')}`);
    assert.equal(bytes.output, '121,10\n');
    const invalid = await sh(`printf 'ok\\n\\377\\nend\\n' | qjs -e ${q('let l; while ((l = await std.in.getline()) !== null) print(l.length, l.charCodeAt(0))')}`);
    assert.equal(invalid.output, '2 111\n1 65533\n3 101\n');
  });

  it('keeps the order of print, console.log, puts and console.error across stdout and stderr', async () => {
    const r = await sh(`qjs -e ${q('print(1); console.log("two", {a: 1}); std.out.puts("3\\n"); console.error("e1"); std.err.puts("e2\\n"); std.out.printf("%05.1f|%-3s|%x\\n", 3.14159, "ab", 255)')} 2>&1`);
    assert.equal(r.output, "1\ntwo { a: 1 }\n3\ne1\ne2\n003.1|ab |ff\n");
  });

  it('streams: a writer that never stops ends when head has its lines (SIGPIPE), awaiting or not', async () => {
    const awaited = await sh(`qjs -e ${q('for (let i = 0; ; i++) { print("y" + i); await std.out.flush() }')} | head -n 3`);
    assert.equal(awaited.output, 'y0\ny1\ny2\n');
    assert.equal(awaited.error, null);
    // Without an await nothing can block: past 1 MiB buffered, print throws instead of growing.
    const busy = await sh(`qjs -e ${q('for (;;) print("y".repeat(999))')} | head -n 2 | wc -c`);
    assert.equal(busy.output.trim(), '2000');
    assert.equal(busy.error, null);
  });

  it('is a filter between shell tools', async () => {
    const r = await sh(`printf 'b\\na\\nc\\n' | qjs -e ${q('let l; while ((l = await std.in.getline()) !== null) print(l.toUpperCase())')} | sort -r | head -n 2`);
    assert.equal(r.output, 'C\nB\n');
  });

  it('passes more than a pipe buffer through (a writer blocks and resumes)', async () => {
    const r = await sh(`seq 1 30000 | qjs -e ${q('let l, n = 0; while ((l = await std.in.getline()) !== null) { print(l); n++ } console.error(n)')} | wc -l`);
    assert.equal(r.output.trim(), '30000');
    assert.equal(r.logs[0], '30000');
  });
});

describe('qjs: files, processes and the environment', () => {
  it('reads and writes VFS files, with OS errors as catchable errors carrying a code', async () => {
    const js = `
      await std.writeFile('/d/f.txt', 'one\\n').catch((e) => print('write:', e.code));
      os.mkdir('/d/e', { recursive: true });
      await std.writeFile('/d/f.txt', 'one\\ntwo\\n');
      await std.writeFile('/d/f.txt', 'three\\n', { append: true });
      const f = await std.open('/d/f.txt', 'r');
      print(await f.getline(), await f.readAsString());
      await f.close();
      print(JSON.stringify(os.readdir('/d')), os.stat('/d/f.txt').size, os.stat('/d').kind);
      os.rename('/d/f.txt', '/d/g.txt');
      print(await std.loadFile('/d/f.txt'), (await std.loadFile('/d/g.txt')).length);
      try { os.remove('/nothing') } catch (e) { print(e.code, e.message) }
      const fd = await os.open('/d/h', os.O_WRONLY | os.O_CREAT | os.O_TRUNC);
      await os.write(fd, new Uint8Array([104, 105, 10]));
      await os.close(fd);
      os.remove('/d/e');
    `;
    const r = await sh(`qjs -e ${q(js)} && cat /d/h && ls /d`);
    assert.equal(r.output, 'write: ENOENT\none two\nthree\n\n["e","f.txt"] 14 dir\nnull 14\nENOENT ENOENT: /nothing: no such file or directory\nhi\ng.txt\nh\n');
  });

  it('never reaches the host filesystem: paths stay inside the guest root', async () => {
    const r = await sh(`qjs -e ${q('print(await std.loadFile("/../../etc/passwd"), JSON.stringify(os.readdir("/..")))')}`);
    assert.equal(r.output, 'null ["bin"]\n');
  });

  it('runs children with os.exec (blocking and not), pipes and waitpid, and kills them', async () => {
    const js = `
      print('status', await os.exec(['sh', '-c', 'echo child; exit 3']));
      const [r, w] = os.pipe();
      const pid = await os.exec(['seq', '1', '3'], { block: false, stdout: w });
      await os.close(w);
      print(JSON.stringify(await os.waitpid(pid)) === JSON.stringify([pid, 0]));
      print(JSON.stringify(await std.fdopen(r).readAsString()));
      const sleeper = await os.exec(['sleep', '100'], { block: false });
      os.kill(sleeper, 'SIGTERM');
      print('killed', (await os.waitpid(sleeper))[1]);
      std.setenv('GREETING', 'hi there');
      await os.exec(['sh', '-c', 'echo "$GREETING"']);
      await os.exec(['sh', '-c', 'echo "[$ONLY]"'], { env: { ONLY: 'this' } });
      print(await os.exec(['no-such-tool']).catch((e) => e.code));
    `;
    const r = await sh(`qjs -e ${q(js)} < /dev/null`);
    assert.equal(r.output, 'child\nstatus 3\ntrue\n"1\\n2\\n3\\n"\nkilled 143\nhi there\n[this]\nENOENT\n');
  });

  it('sleeps on the virtual clock and sees it in os.now() and Date.now()', async () => {
    const r = await sh(`qjs -e ${q('const a = os.now(); await os.sleep(5000); print(Math.round(os.now() - a), Date.now())')}`, { blockTimestampNs: 1_700_000_000_000_000_000n });
    assert.equal(r.output, '5000 1700000000000\n');
  });
});

describe('qjs: NEAR system calls', () => {
  it('storage, logs, accounts, block, sha256 and the seed by number, shared by every process of the OS', async () => {
    const near = createNearContext({ currentAccountId: 'app.test.near', blockHeight: 77n, blockTimestampNs: 5n });
    const js = `
      print(os.syscall(401, 'k', 'v1'), os.syscall(401, 'k', 'v2'), os.syscall(403, 'k'), os.syscall(403, 'nope'));
      os.syscall(404, 'hello from qjs');
      print(os.syscall(410), os.syscall(430), os.syscall(431), os.syscall(432, 'abc').length, os.syscall(433).length);
      print(os.syscall(420, 'other.test.near', 'ping', '{}', 0, 5000000000000n), os.syscall(421, 0, 'other.test.near', 'pong', '', 1n, 1n));
      os.syscall(422, 1);
      try { os.syscall(499) } catch (e) { print(e.code) }
      try { os.syscall(421, 9, 'a.near', 'm', '', 0, 0) } catch (e) { print(e.code) }
    `;
    const r = await sh(`qjs -e ${q(js)} && qjs -e ${q('print(String.fromCharCode(...os.syscall(400, "k")), os.syscall(400, "absent"), os.syscall(402, "k"), os.syscall(403, "k"))')}`, { near });
    assert.equal(r.output, 'false true true false\napp.test.near 77n 5n 32 32\n0n 1n\nENOSYS\nEINVAL\nv2 null true false\n');
    assert.deepEqual(near.logs, ['hello from qjs']);
    assert.deepEqual(r.logs, ['hello from qjs']);
    assert.equal(near.promises.length, 2);
    assert.equal(near.promises[1]!.after, 0);
    assert.equal(near.returnedPromise, 1);
  });

  it('the near object works too and shares the storage; a panic ends the process with 134', async () => {
    const near = createNearContext();
    const r = await sh(`qjs -e ${q('near.storageWrite("n", "from-near"); near.log("logged")')}; qjs -e ${q('print(String.fromCharCode(...os.syscall(400, "n"))); os.syscall(405, "boom"); print("not reached")')}; echo $?`, { near });
    assert.equal(r.output, 'from-near\n134\n');
    assert.deepEqual(r.logs, ['logged', 'qjs: panic: boom']);
  });

  it('a qjs process and a C guest (WASI) share one NEAR context', async () => {
    const near: NearSyscallContext = createNearContext();
    const prepared = await prepareWasiProcess(preparer, new Uint8Array(readFileSync(new URL('../../../examples/near.wasm', import.meta.url))));
    const counter = wasiProgram(prepared, { maxInstructions: BUDGET, near });
    const le = 'const n = new BigUint64Array(1); n[0] = 41n; os.syscall(401, "count", new Uint8Array(n.buffer))';
    const read = 'print("qjs sees", new BigUint64Array(os.syscall(400, "count").buffer)[0])';
    const r = await sh(`qjs -e ${q(le)} && counter > /dev/null && qjs -e ${q(read)}`, { near, programs: { counter } });
    assert.equal(r.output, 'qjs sees 42n\n');
  });
});

describe('qjs: metering and determinism', () => {
  it('an endless loop ends the OS with out_of_fuel at exactly the budget', async () => {
    const r = await sh(`qjs -e ${q('for (;;) {}')}`, { maxInstructions: 50_000_000n });
    assert.equal(r.error?.kind, 'out_of_fuel');
    assert.equal(r.fuel_used, 50_000_000);
  });

  it('a pipeline of qjs processes gives the same output and fuel on every run, on fresh or reused engines', async () => {
    const script = `seq 1 500 | qjs -e ${q('let l; while ((l = await std.in.getline()) !== null) print(l * 2, Math.random())')} | qjs -e ${q('let s = 0, l; while ((l = await std.in.getline()) !== null) s += Number(l.split(" ")[0]); print(s, Date.now())')}`;
    const first = await sh(script, { seed: 's1' });
    assert.match(first.output, /^250500 \d+\n$/); // Date.now(): the virtual clock, moved by fuel spent
    const fresh = await QjsRuntime.create({ source: nodeQuickJsSource, preparer, poolSize: 0 });
    try {
      for (let i = 0; i < 10; i++) {
        const again = await runShell(script, { maxInstructions: BUDGET, qjs: i % 2 === 0 ? qjs : fresh, seed: 's1' });
        assert.equal(again.output, first.output);
        assert.equal(again.fuel_used, first.fuel_used);
      }
    } finally {
      fresh.dispose();
    }
    const seeded = await sh(`qjs -e ${q('print(Math.random())')}`, { seed: 'a' });
    assert.equal((await sh(`qjs -e ${q('print(Math.random())')}`, { seed: 'a' })).output, seeded.output);
    assert.notEqual((await sh(`qjs -e ${q('print(Math.random())')}`, { seed: 'b' })).output, seeded.output);
  });

  it('a frozen realm: no new globals, no host objects, nothing left from the previous process', async () => {
    const r = await sh(`qjs -e ${q('try { globalThis.leak = 1 } catch (e) { print(e.name) } print(typeof process, typeof require, typeof fetch)')}; qjs -e ${q('print(typeof leak)')}`);
    assert.equal(r.output, 'TypeError\nundefined undefined undefined\nundefined\n');
  });
});
