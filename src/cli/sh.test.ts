// `outlayer sh` and `outlayer run --mode linux`: the guest OS from the command line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoPath } from '../testing/repo.js';
import { main } from './main.js';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('outlayer sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outlayer-sh-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a script and prints the result object', async () => {
    const r = await cli('sh', '-c', "seq 1 100 | awk '{s+=$1} END {print s}'", '--json');
    assert.equal(r.code, 0);
    const result = JSON.parse(r.stdout);
    assert.equal(result.output, '5050\n');
    assert.equal(result.exit_code, 0);
    assert.ok(result.fuel_used > 0);
  });

  it('a non-zero status is error kind exit; out of fuel is out_of_fuel', async () => {
    const r = await cli('sh', '-c', 'echo partial; exit 4', '--json');
    assert.equal(r.code, 1);
    assert.deepEqual([JSON.parse(r.stdout).exit_code, JSON.parse(r.stdout).error.kind], [4, 'exit']);
    const loop = JSON.parse((await cli('sh', '-c', 'while :; do :; done', '--max-instructions', '1e6', '--json')).stdout);
    assert.equal(loop.error.kind, 'out_of_fuel');
  });

  it('has qjs and sqlite3 in /bin: a JS process feeds SQLite, and the database persists through --state', async () => {
    const state = join(dir, 'db-state.json');
    const feed = `sqlite3 /db 'create table sq(n)'; seq 1 9 | qjs -e 'let l; while ((l = await std.in.getline()) !== null) print("insert into sq values (" + l * l + ");")' | sqlite3 /db`;
    assert.equal((await cli('sh', '-c', feed, '--state', state)).code, 0);
    const r = JSON.parse((await cli('sh', '-c', "sqlite3 /db 'select sum(n) from sq'", '--state', state, '--json')).stdout);
    assert.equal(r.output, '285\n');
  });

  it('outlayer run file.sh runs a script in a fresh guest OS, its input on stdin (as a job of kind sh)', async () => {
    const r = await cli('run', repoPath('examples/sh/word-count.sh'), '--input', 'the cat and the hat and the bat', '--env', 'NEAR_CONTRACT_ID=app.test.near');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'the=3\nand=2\nbat=1\nwords=8\ndistinct=5\ncontract=app.test.near\n');
    assert.equal((await cli('run', repoPath('examples/sh/word-count.sh'), '--mode', 'linux')).code, 2);
  });

  it('--state keeps the filesystem between runs; --image mounts a host directory', async () => {
    const state = join(dir, 'state.json');
    assert.equal((await cli('sh', '-c', 'echo 1 > /counter', '--state', state)).code, 0);
    assert.equal((await cli('sh', '-c', 'echo $(( $(cat /counter) + 1 )) > /counter', '--state', state)).code, 0);
    assert.equal((await cli('sh', '-c', 'cat /counter', '--state', state)).stdout, '2\n');
    const image = join(dir, 'image');
    mkdirSync(join(image, 'etc'), { recursive: true });
    writeFileSync(join(image, 'etc', 'motd'), 'hello from the image\n');
    assert.equal((await cli('sh', '-c', 'cat /etc/motd', '--image', image)).stdout, 'hello from the image\n');
  });

  it('usage errors exit 2', async () => {
    assert.equal((await cli('sh')).code, 2);
    assert.equal((await cli('sh', '-c', 'true', '--image', join(dir, 'missing'))).code, 2);
  });
});

describe('outlayer run --mode linux', () => {
  it('runs a WASI program as a guest-OS process with the same output as direct mode', async () => {
    for (const [file, input] of [['examples/hello.wasm', ''], ['examples/echo.wasm', 'piped through the kernel'], ['examples/determinism.wasm', '{"seed": 42, "iterations": 1000}']] as const) {
      const direct = JSON.parse((await cli('run', repoPath(file), '--input', input, '--json')).stdout);
      const linux = JSON.parse((await cli('run', repoPath(file), '--input', input, '--mode', 'linux', '--json')).stdout);
      assert.equal(linux.output, direct.output, file);
      assert.equal(linux.exit_code, direct.exit_code);
      assert.ok(linux.fuel_used >= direct.fuel_used, 'the kernel charges its system calls on top');
    }
  });

  it('a failing program keeps its status, and JS is refused with a usage error', async () => {
    const r = JSON.parse((await cli('run', repoPath('examples/exit-code.wasm'), '--input', '7', '--mode', 'linux', '--json')).stdout);
    assert.equal(r.status, 'error');
    assert.equal((await cli('run', repoPath('examples/js/hello.js'), '--mode', 'linux')).code, 2);
    assert.equal((await cli('run', repoPath('examples/hello.wasm'), '--mode', 'bsd')).code, 2);
  });
});
