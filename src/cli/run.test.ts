// The `outlayer run` command: in-process through main(), and once through the built bin.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoPath } from '../testing/repo.js';
import { main } from './main.js';
import { runLinux } from './run.js';
import { createNearContext } from '../sandbox/near.js';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const ex = (name: string): string => repoPath(`examples/${name}`);

describe('outlayer run', () => {
  it('prints the guest stdout and exits 0', async () => {
    const r = await cli('run', ex('hello.wasm'));
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Hello from OutLayer!\n');
  });

  it('--json prints exactly one result object', async () => {
    const r = await cli('run', ex('determinism.wasm'), '--input', '{"seed":42,"iterations":1000}', '--json');
    assert.equal(r.code, 0);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const result = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(result).sort(), ['duration_ms', 'error', 'exit_code', 'fuel_used', 'logs', 'output', 'status']);
    assert.equal(result.output, '{"result":13723931816532858700,"checksum":"be7533464e1f574c","iterations_run":1000}\n');
  });

  it('passes every option through: args, env, seed, clock, limits, input file, dirs', async () => {
    const env = await cli('run', ex('env.wasm'), '--arg', 'a b', '--env', 'K=v=w', '--json');
    const out = JSON.parse(env.stdout).output as string;
    assert.match(out, /argv\[1\]=a b/);
    assert.match(out, /env K=v=w/);
    const fuel = JSON.parse((await cli('run', ex('wat/loop-forever.wasm'), '--max-instructions', '5e4', '--json')).stdout);
    assert.equal(fuel.error.kind, 'out_of_fuel');
    assert.equal(fuel.fuel_used, 50000);
    const mem = await cli('run', ex('wat/memory-bomb.wasm'), '--max-memory-mb', '8');
    assert.equal(mem.stdout, '128\n');
    const echo = await cli('run', ex('echo.wasm'), '--input-file', ex('data/input.txt'));
    assert.match(echo.stdout, /inside the sandbox/);
    const flood = await cli('run', ex('wat/flood.wasm'), '--max-output-bytes', '10', '--json');
    assert.equal(JSON.parse(flood.stdout).error.kind, 'output_limit');
    const files = await cli('run', ex('files.wasm'), '--dir', `${ex('data')}::/data`);
    assert.equal(files.code, 0);
    assert.match(files.stdout, /written by files\.wasm/);
    const a = await cli('run', ex('clock-random.wasm'), '--seed', 's', '--block-timestamp-ns', '1700000000000000000');
    const b = await cli('run', ex('clock-random.wasm'), '--seed', 's', '--block-timestamp-ns', '1700000000000000000');
    assert.equal(a.stdout, b.stdout);
  });

  it('a failed result exits 1 and says why on stderr', async () => {
    const r = await cli('run', ex('exit-code.wasm'), '--arg', '7');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exiting with 7/);
    assert.match(r.stderr, /outlayer: exit: exited with status 7/);
  });

  it('usage errors exit 2 with the help text', async () => {
    for (const argv of [
      ['run'],
      ['run', ex('hello.wasm'), '--bogus'],
      ['run', 'missing.wasm'],
      ['run', ex('hello.wasm'), '--max-instructions', 'lots'],
      ['run', ex('hello.wasm'), '--max-memory-mb', '0'],
      ['run', ex('hello.wasm'), '--env', 'NOEQUALS'],
      ['run', ex('hello.wasm'), '--input', 'x', '--input-file', 'y'],
      ['run', ex('hello.wasm'), '--dir', '/definitely/not/here'],
      ['frobnicate'],
    ]) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')} → exit 2`);
      assert.match(r.stderr, /^outlayer: .+\n\nUsage: outlayer/, `${argv.join(' ')} → message and usage`);
    }
  });

  it('--help works on every command', async () => {
    for (const argv of [['--help'], ['help'], ['run', '--help'], ['help', 'run']]) {
      const r = await cli(...argv);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Usage: outlayer/);
    }
  });
});

describe('outlayer run file.js', () => {
  it('runs the JS examples, bundling imports', async () => {
    const hello = await cli('run', ex('js/hello.js'), '--input', '{"name":"NEAR"}', '--json');
    assert.equal(hello.code, 0, hello.stderr);
    assert.equal(JSON.parse(hello.stdout).output, '{"greeting":"Hello, NEAR!"}');
    const counter = JSON.parse((await cli('run', ex('js/counter.js'), '--input', '{"by":5}', '--json')).stdout);
    assert.equal(counter.output, '{"count":5}');
    assert.match(counter.logs[0], /count 0 -> 5/);
    const plugin = JSON.parse((await cli('run', ex('js/plugin.js'), '--json')).stdout);
    assert.equal(plugin.status, 'ok');
    const multi = JSON.parse((await cli('run', ex('js/multi/index.js'), '--input', '{"n":30}', '--json')).stdout);
    assert.equal(multi.output, '{"n":30,"fib":832040}');
    const entry = await cli('run', ex('js/hello.js'), '--entry', 'missing', '--json');
    assert.equal(JSON.parse(entry.stdout).error.kind, 'invalid_module');
  });

  it('a JS file that does not bundle is invalid_module, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outlayer-cli-'));
    writeFileSync(join(dir, 'bad.js'), 'export function execute( {\n');
    const r = await cli('run', join(dir, 'bad.js'), '--json');
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error.kind, 'invalid_module');
  });
});

describe('the built bin', () => {
  it('npx outlayer works after npm install (dist/ built by prepare)', { skip: existsSync(repoPath('dist/cli.js')) ? false : 'dist/ not built' }, () => {
    const r = spawnSync(process.execPath, [repoPath('bin/outlayer.js'), 'run', ex('hello.wasm')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'Hello from OutLayer!\n');
  });
});

describe('the built bin: outlayer dev', () => {
  it('starts everything from a fresh data dir, prints its URLs, and stops cleanly on SIGINT', { skip: existsSync(repoPath('dist/cli.js')) ? false : 'dist/ not built', timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outlayer-dev-bin-'));
    const child = spawn(process.execPath, [repoPath('bin/outlayer.js'), 'dev', '--rpc-port', '0', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !out.includes('Ctrl-C stops.'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /OutLayer dev running/, err);
    const coordinator = /coordinator:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    const health = (await (await fetch(`${coordinator}/v1/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    assert.match(out, /contract:\s+outlayer\.test\.near \(deployed now\)/);
    child.kill('SIGINT');
    assert.equal(await exited, 0, err);
    assert.match(out, /OutLayer dev stopped/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('outlayer run examples/near.wasm (NEAR system calls)', () => {
  it('direct mode: prints the account, block height and count; the NEAR log lands in logs', async () => {
    const r = await cli('run', ex('near.wasm'));
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'account: local.near\nheight: 0\ncount: 1\n');
    assert.equal(r.stderr, 'count = 1\n');
    const json = JSON.parse((await cli('run', ex('near.wasm'), '--env', 'NEAR_CONTRACT_ID=app.test.near', '--env', 'NEAR_BLOCK_HEIGHT=77', '--json')).stdout);
    assert.equal(json.output, 'account: app.test.near\nheight: 77\ncount: 1\n');
    assert.deepEqual(json.logs, ['count = 1']);
  });

  it('--mode linux: the same output, the context passed through to the process', async () => {
    const direct = JSON.parse((await cli('run', ex('near.wasm'), '--json')).stdout);
    const linux = JSON.parse((await cli('run', ex('near.wasm'), '--mode', 'linux', '--json')).stdout);
    assert.equal(linux.status, 'ok');
    assert.equal(linux.output, direct.output);
    assert.deepEqual(linux.logs, ['count = 1']);
    const env = JSON.parse((await cli('run', ex('near.wasm'), '--mode', 'linux', '--env', 'NEAR_CONTRACT_ID=os.near', '--json')).stdout);
    assert.equal(env.output, 'account: os.near\nheight: 0\ncount: 1\n');

    const near = createNearContext({ currentAccountId: 'kernel.near', blockHeight: 9n });
    const code = new Uint8Array(readFileSync(ex('near.wasm')));
    await runLinux(code, { near });
    const second = await runLinux(code, { near });
    assert.equal(second.output, 'account: kernel.near\nheight: 9\ncount: 2\n');
    assert.deepEqual(near.logs, ['count = 1', 'count = 2']);
  });
});

describe('the README', () => {
  it('shows the real result of its --json example', async () => {
    const readme = readmeText();
    const shown = JSON.parse(/^(\{"status":"ok".*\})$/m.exec(readme)![1]!);
    const r = await cli('run', ex('determinism.wasm'), '--input', '{"seed":42,"iterations":1000}', '--json');
    const actual = JSON.parse(r.stdout);
    assert.match(readme, /npx outlayer run examples\/determinism\.wasm --input '\{"seed":42,"iterations":1000\}' --json/);
    for (const key of ['status', 'output', 'fuel_used', 'exit_code', 'logs', 'error']) assert.deepEqual(actual[key], shown[key], key);
  });

  it('starts with the two commands: run the main job, run the tests', () => {
    const readme = readmeText();
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    assert.match(firstBlock, /^npm install && npx outlayer dev\b/m);
    assert.match(firstBlock, /^npm install && npm test/m);
  });
});

function readmeText(): string {
  return readFileSync(repoPath('README.md'), 'utf8');
}
