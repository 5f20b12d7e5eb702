// WASI processes that stream through the kernel's pipes (asyncify): they block mid-run on an
// empty or full pipe, die of SIGPIPE, see EPIPE, share the OS's fuel, and stay deterministic.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { repoFile } from '../testing/repo.js';
import { ModulePreparer, type PreparedModule } from '../sandbox/prepare.js';
import { createGuestOs, runShell } from './index.js';
import type { Program } from './types.js';
import { prepareWasiProcess, wasiProgram } from './wasi-program.js';

const BUDGET = 1_000_000_000n;
let programs: Record<string, Program> = {};

before(async () => {
  const preparer = new ModulePreparer();
  const load = (file: string) => prepareWasiProcess(preparer, repoFile(`examples/${file}.wasm`));
  const [yes, cat, exit, plain] = await Promise.all([load('yes'), load('echo'), load('exit-code'), preparer.prepare(repoFile('examples/echo.wasm'))]);
  const wasi = (m: PreparedModule) => wasiProgram(m, { maxInstructions: BUDGET });
  programs = {
    'wasi-yes': wasi(yes),
    'wasi-cat': wasi(cat),
    'wasi-exit': wasi(exit),
    // SIGPIPE ignored (the shell has no `trap`): the guest's write fails with EPIPE instead.
    'wasi-yes-nosigpipe': async (p) => {
      p.ignoreSigpipe();
      return wasi(yes)(p);
    },
    // Reads one chunk of wasi-yes through a pipe, closes it, and prints the writer's status.
    'reap-yes': async (p) => {
      const [r, w] = p.pipe();
      const pid = await p.spawn(['wasi-yes'], { fds: { 0: 0, 1: w, 2: 2 } });
      p.close(w);
      const chunk = await p.read(r, 100);
      p.close(r);
      const status = await p.wait(pid);
      await p.write(1, `read ${chunk?.length ?? 0}, status ${status}\n`);
      return 0;
    },
    // Writes a line, notes it on stderr, sleeps (so others run), three times.
    ping: async (p) => {
      for (let i = 1; i <= 3; i++) {
        await p.write(1, `ping ${i}\n`);
        await p.write(2, `sent ${i}\n`);
        await p.sleep(1);
      }
      return 0;
    },
    // Notes each chunk it reads on stderr.
    pong: async (p) => {
      for (let chunk = await p.read(0, 4096); chunk !== null; chunk = await p.read(0, 4096)) {
        await p.write(2, `got ${new TextDecoder().decode(chunk)}`);
      }
      return 0;
    },
  };
  assert.throws(() => wasi(plain), /prepareWasiProcess/);
});

const sh = (script: string, maxInstructions = BUDGET) => runShell(script, { maxInstructions, programs });

describe('WASI processes on the kernel’s pipes', () => {
  it('wasi-yes | head -n 3 terminates with y y y and status 0', async () => {
    const r = await sh('wasi-yes | head -n 3');
    assert.equal(r.output, 'y\ny\ny\n');
    assert.equal(r.exit_code, 0);
    assert.equal(r.error, null);
  });

  it("printf 'a\\nb\\nc\\n' | wasi-cat | sort -r", async () => {
    const r = await sh("printf 'a\\nb\\nc\\n' | wasi-cat | sort -r");
    assert.equal(r.output, 'c\nb\na\n');
    assert.equal(r.exit_code, 0);
  });

  it('1 MB through wasi-cat into wc -c: far past the 64 KiB pipe, so the writer blocks and resumes', async () => {
    const r = await sh('yes abcdefg | head -c 1000000 | wasi-cat | wc -c');
    assert.equal(r.output, '1000000\n');
    assert.equal(r.exit_code, 0);
    const twice = await sh('wasi-yes | head -c 300000 | wasi-cat | wasi-cat | wc -c');
    assert.equal(twice.output, '300000\n');
  });

  it('interleaves with its pipeline: each line goes through wasi-cat while ping sleeps', async () => {
    const r = await sh('ping | wasi-cat | pong');
    assert.equal(r.exit_code, 0);
    assert.deepEqual(r.logs, ['sent 1', 'got ping 1', 'sent 2', 'got ping 2', 'sent 3', 'got ping 3']);
  });

  it('runs out of fuel in the middle of a stream: the whole OS ends out_of_fuel', async () => {
    const r = await sh('wasi-yes | wasi-cat | wc -c', 3_000_000n);
    assert.equal(r.error?.kind, 'out_of_fuel');
    assert.equal(r.fuel_used, 3_000_000);
  });

  it('a WASI writer whose reader is gone dies of SIGPIPE (141)', async () => {
    const r = await sh('reap-yes');
    assert.equal(r.output, 'read 100, status 141\n');
  });

  it('with SIGPIPE ignored the guest sees EPIPE', async () => {
    const r = await sh('wasi-yes-nosigpipe | head -n 1');
    assert.equal(r.output, 'y\n');
    assert.deepEqual(r.logs, ['yes: write: Broken pipe']);
  });

  it('proc_exit gives the status to the shell', async () => {
    const r = await sh('wasi-exit 42; echo $?; wasi-exit 0 && echo zero');
    assert.equal(r.output, '42\nzero\n');
    assert.deepEqual(r.logs, ['exiting with 42', 'exiting with 0']);
  });

  it('is deterministic: 20 runs, the same output and fuel', async () => {
    const script = 'wasi-yes | head -c 100000 | wasi-cat | sort | uniq -c; ping | wasi-cat | pong';
    const first = await sh(script);
    assert.equal(first.exit_code, 0);
    for (let i = 0; i < 19; i++) {
      const r = await sh(script);
      assert.equal(r.output, first.output);
      assert.equal(r.fuel_used, first.fuel_used);
      assert.deepEqual(r.logs, first.logs);
    }
  });

  it('reuses one kernel across runs', async () => {
    const kernel = createGuestOs({ maxInstructions: BUDGET, programs });
    assert.equal((await runShell('echo hi | wasi-cat > /f', { kernel })).exit_code, 0);
    assert.equal((await runShell('wasi-cat < /f', { kernel })).output, 'hi\n');
  });
});
