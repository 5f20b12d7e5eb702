// A WASI process sees the kernel's VFS at `/` (src/os/wasi-fs.ts): files the shell wrote, and
// files it writes, creates, renames and removes are the kernel's, live; under the quota, inside
// the root, charged to the OS's fuel, and the same on every run.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { repoFile } from '../testing/repo.js';
import { executeWasm } from '../sandbox/execute.js';
import { normalizeOptions } from '../sandbox/options.js';
import { ModulePreparer, type PreparedModule } from '../sandbox/prepare.js';
import { createGuestOs, runShell } from './index.js';
import type { Program } from './types.js';
import { prepareWasiProcess, wasiProgram } from './wasi-program.js';

const BUDGET = 1_000_000_000n;
const preparer = new ModulePreparer();
let fsops: PreparedModule;
let files: PreparedModule;
let programs: Record<string, Program> = {};

before(async () => {
  [fsops, files] = await Promise.all([prepareWasiProcess(preparer, repoFile('examples/fsops.wasm')), prepareWasiProcess(preparer, repoFile('examples/files.wasm'))]);
  programs = {
    fsops: wasiProgram(fsops, { maxInstructions: BUDGET }),
    files: wasiProgram(files, { maxInstructions: BUDGET }),
    'fsops-nofs': wasiProgram(fsops, { maxInstructions: BUDGET, kernelFs: false }),
  };
});

const sh = (script: string, o: { maxInstructions?: bigint; quotaBytes?: number } = {}) => runShell(script, { maxInstructions: o.maxInstructions ?? BUDGET, programs, ...(o.quotaBytes !== undefined && { quotaBytes: o.quotaBytes }) });

describe('a WASI process on the kernel’s VFS', () => {
  it('reads a file the shell wrote; the shell reads what it appended', async () => {
    const r = await sh('echo one > /in.txt; fsops cat /in.txt append /in.txt two; cat /in.txt');
    assert.deepEqual([r.output, r.logs, r.exit_code], ['one\none\ntwo\n', [], 0]);
  });

  it('examples/files.wasm lists, reads and writes /data as in direct mode', async () => {
    const r = await sh('mkdir /data; echo from the shell > /data/input.txt; files; cat /data/out.txt; ls /data');
    assert.equal(r.exit_code, 0);
    assert.equal(
      r.output,
      'listing /data (1 entries):\n  input.txt\ncontents of /data/input.txt:\nfrom the shell\n' +
        'wrote /data/out.txt (22 bytes), reading it back:\nwritten by files.wasm\nwritten by files.wasm\ninput.txt\nout.txt\n',
    );
  });

  it('creates, renames and removes files and directories the shell then sees', async () => {
    const r = await sh('fsops mkdir /d write /d/x hello mv /d/x /d/y mkdir /d/sub ls /d stat /d/y stat /d; ls /d; cat /d/y; fsops rm /d/y rmdir /d/sub; ls /d; echo end');
    assert.equal(r.output, 'ls /d: sub/ y\nstat /d/y: file 6 bytes\nstat /d: dir\nsub\ny\nhello\nend\n');
    assert.deepEqual(r.logs, []);
  });

  it('seeks, pwrites and truncates through the kernel’s descriptors', async () => {
    const r = await sh('fsops write /p 0123456789 patch /p 3 abc tail /p 4 truncate /p 5 cat /p; echo; wc -c /p; fsops truncate /p 8; wc -c /p');
    assert.equal(r.output, '789\n012ab\n5 /p\n8 /p\n');
  });

  it('gets the kernel’s errnos: ENOENT, EEXIST, EISDIR, ENOTEMPTY', async () => {
    const r = await sh('mkdir -p /full/x; fsops cat /nope rm /nope mkdir /bin write /bin x rmdir /full; echo $?');
    assert.equal(r.output, '1\n');
    assert.deepEqual(r.logs, [
      'fsops: cat /nope: No such file or directory',
      'fsops: rm /nope: No such file or directory',
      'fsops: mkdir /bin: File exists',
      'fsops: write /bin: Is a directory',
      'fsops: rmdir /full: Directory not empty',
    ]);
  });

  it('cannot leave the root: `..` at / stays at /', async () => {
    const r = await sh('echo secret > /in.txt; fsops cat ../../etc/passwd cat /../../../in.txt cat ../../in.txt; echo $?');
    assert.equal(r.output, 'secret\nsecret\n1\n');
    assert.deepEqual(r.logs, ['fsops: cat ../../etc/passwd: No such file or directory']);
  });

  it('is under the kernel’s quota: a write past it gets ENOSPC and writes nothing', async () => {
    const r = await sh('fsops fill /big 100000; echo $?; wc -c /big; rm /big; fsops fill /big 4096', { quotaBytes: 20_000 });
    assert.equal(r.output, 'fill /big: 16384 of 100000 bytes\n1\n16384 /big\nfill /big: 4096 of 4096 bytes\n');
    assert.deepEqual(r.logs, ['fsops: fill /big: No space left on device']);
  });

  it('charges its file calls to the OS: out of fuel mid-write ends the OS at the budget', async () => {
    const r = await sh('fsops fill /big 50000000', { maxInstructions: 3_000_000n });
    assert.equal(r.error?.kind, 'out_of_fuel');
    assert.equal(r.fuel_used, 3_000_000);
    // More bytes, more fuel: each write is a kernel call plus a byte each.
    const small = await sh('fsops fill /f 4096');
    const large = await sh('fsops fill /f 65536');
    assert.ok(large.fuel_used - small.fuel_used >= 65536 - 4096, `${small.fuel_used} → ${large.fuel_used}`);
  });

  it('without kernelFs it has no preopen at all', async () => {
    const r = await sh('echo x > /in.txt; fsops-nofs cat /in.txt; echo $?');
    assert.equal(r.output, '1\n');
    assert.equal(r.logs.length, 1);
  });

  it('is deterministic: 10 runs, the same output, logs and fuel', async () => {
    const script = 'echo a > /a; fsops append /a b mkdir /d mv /a /d/a ls /d cat /d/a fill /d/z 10000 stat /d/z; ls /d; fsops rm /d/a; cat /d/a; wc -c /d/z';
    const first = await sh(script);
    for (let i = 0; i < 9; i++) {
      const r = await sh(script);
      assert.deepEqual([r.output, r.logs, r.fuel_used, r.exit_code], [first.output, first.logs, first.fuel_used, first.exit_code]);
    }
  });

  it('one kernel across runs: files the module wrote are there next time', async () => {
    const kernel = createGuestOs({ maxInstructions: BUDGET, programs });
    assert.equal((await runShell('fsops write /kept yes', { kernel })).exit_code, 0);
    assert.equal((await runShell('cat /kept; fsops cat /kept', { kernel })).output, 'yes\nyes\n');
  });

  it('a program that touches no file prints what it prints in direct mode', async () => {
    for (const name of ['hello', 'echo']) {
      const bytes = repoFile(`examples/${name}.wasm`);
      const direct = await executeWasm(preparer, bytes, normalizeOptions({ input: new TextEncoder().encode('in put\n'), maxInstructions: BUDGET }));
      const prog = wasiProgram(await prepareWasiProcess(preparer, bytes), { maxInstructions: BUDGET });
      const linux = await runShell(`printf 'in put\\n' | wasi-${name}`, { maxInstructions: BUDGET, programs: { [`wasi-${name}`]: prog } });
      assert.deepEqual([linux.output, linux.exit_code], [direct.output, direct.exit_code ?? 0]);
    }
  });
});
