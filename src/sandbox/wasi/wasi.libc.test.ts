import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dir, file } from './index.js';
import { runModule, testConfig } from './test-harness.js';

// testdata/fsprobe.c built with wasi-libc (see the comment at its top for the command).
const wasm = readFileSync(new URL('./testdata/fsprobe.wasm', import.meta.url));
const module = new WebAssembly.Module(wasm);

function run(seed = '0') {
  return runModule(
    module,
    testConfig({
      args: ['fsprobe', 'first'],
      env: [['GREETING', 'hi']],
      stdin: new TextEncoder().encode('input!'),
      clockStartNs: 1_700_000_000n * 1_000_000_000n,
      seed,
      preopens: [{ guestPath: '/work', root: dir({ 'data.txt': file('from the host\n') }) }],
    }),
  );
}

describe('wasi: a wasi-libc program', () => {
  it('sees a consistent POSIX world', () => {
    const r = run();
    assert.equal(r.exitCode, 3);
    assert.equal(r.stderr, 'bye\n');
    const lines = r.stdout.split('\n');
    const expected = [
      'argc=2 argv1=first env=hi',
      'stdin=6:input!',
      'isatty(1)=1',
      'data=from the host',
      'fopen missing dir: fail errno=44',
      'mkdir=0',
      'size=22 nlink=1',
      'lseek end=22',
      'ftruncate=0',
      'pread=7:written',
      'symlink=0',
      'readlink=11:out/new.txt',
      'link=0',
      'stat follows=1 lstat is link=1 nlink=2',
      'rename=0',
      'rmdir nonempty=-1 errno=55',
      'ls /work: . .. alias data.txt out',
      'ls /work/out: . .. moved new.txt',
      'escape=refused errno=76',
      'outside preopen=refused errno=76',
      'slept>=2s=1 realtime_sec=1700000002',
    ];
    assert.deepEqual(lines.slice(0, expected.length), expected);
    assert.match(lines[expected.length]!, /^random=[0-9a-f]{16}$/);
  });

  it('produces identical output on every run, and new randomness for a new seed', () => {
    const a = run();
    assert.equal(a.stdout, run().stdout);
    assert.equal(a.host.charged, run().host.charged, 'same fuel');
    const other = run('another seed');
    assert.notEqual(other.stdout, a.stdout);
    assert.equal(other.stdout.replace(/random=.*/, ''), a.stdout.replace(/random=.*/, ''));
  });
});
