// cat, echo, tee, yes, true/false, sleep against the fake proc: stdin → stdout, files, statuses, messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FuelExhausted, fakeProc, fileText, runProgram } from '../testing/fake-proc.js';
import { OsError } from '../types.js';
import { cat } from './cat.js';
import { echo } from './echo.js';
import { sleep } from './sleep.js';
import { tee } from './tee.js';
import { falseProgram, trueProgram } from './true.js';
import { yes } from './yes.js';

describe('cat', () => {
  it('copies stdin by default and files and - in order', async () => {
    assert.equal((await runProgram(cat, { argv: ['cat'], stdin: 'in\n' })).stdout, 'in\n');
    const r = await runProgram(cat, { argv: ['cat', 'a', '-', 'b'], stdin: 'IN\n', files: { '/a': 'A\n', '/b': 'B' } });
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, 'A\nIN\nB', '']);
  });

  it('reports a missing file the POSIX way and goes on', async () => {
    const r = await runProgram(cat, { argv: ['cat', 'nope', 'a'], files: { '/a': 'A\n' } });
    assert.deepEqual([r.status, r.stdout, r.stderr], [1, 'A\n', 'cat: nope: No such file or directory\n']);
  });

  it('reports a directory and an unknown option', async () => {
    const r = await runProgram(cat, { argv: ['cat', 'd'], files: { '/d/x': '' } });
    assert.deepEqual([r.status, r.stderr], [1, 'cat: d: Is a directory\n']);
    const u = await runProgram(cat, { argv: ['cat', '-z'] });
    assert.deepEqual([u.status, u.stderr], [1, "cat: invalid option -- 'z'\n"]);
  });

  it('passes bytes through unchanged and charges them', async () => {
    const bytes = Uint8Array.from([0, 255, 10, 200]);
    const h = fakeProc({ argv: ['cat'], stdin: bytes });
    assert.equal(await cat(h.proc), 0);
    const small = await runProgram(cat, { argv: ['cat'], stdin: 'x' });
    const big = await runProgram(cat, { argv: ['cat'], stdin: 'x'.repeat(1001) });
    assert.ok(big.fuel - small.fuel >= 2000, 'read and written bytes are charged');
  });
});

describe('echo', () => {
  it('joins arguments; -n drops the newline', async () => {
    assert.equal((await runProgram(echo, { argv: ['echo', 'a', 'b c'] })).stdout, 'a b c\n');
    assert.equal((await runProgram(echo, { argv: ['echo', '-n', 'x'] })).stdout, 'x');
    assert.equal((await runProgram(echo, { argv: ['echo'] })).stdout, '\n');
  });

  it('interprets escapes only with -e, and \\c stops', async () => {
    assert.equal((await runProgram(echo, { argv: ['echo', 'a\\tb'] })).stdout, 'a\\tb\n');
    assert.equal((await runProgram(echo, { argv: ['echo', '-e', 'a\\tb\\n\\0101\\\\'] })).stdout, 'a\tb\nA\\\n');
    assert.equal((await runProgram(echo, { argv: ['echo', '-e', 'x\\cy', 'z'] })).stdout, 'x');
  });

  it('treats non-option dashes as text', async () => {
    assert.equal((await runProgram(echo, { argv: ['echo', '-x', '--', '-n'] })).stdout, '-x -- -n\n');
    assert.equal((await runProgram(echo, { argv: ['echo', '-ne', 'a\\n'] })).stdout, 'a\n');
  });
});

describe('tee', () => {
  it('copies stdin to stdout and files, -a appends', async () => {
    const r = await runProgram(tee, { argv: ['tee', 'x', 'y'], stdin: 'data\n', files: { '/y': 'old\n' } });
    assert.deepEqual([r.status, r.stdout], [0, 'data\n']);
    assert.equal(fileText(r.files, '/x'), 'data\n');
    assert.equal(fileText(r.files, '/y'), 'data\n');
    const a = await runProgram(tee, { argv: ['tee', '-a', 'y'], stdin: 'more\n', files: { '/y': 'old\n' } });
    assert.equal(fileText(a.files, '/y'), 'old\nmore\n');
  });

  it('reports a file it cannot open but still copies', async () => {
    const r = await runProgram(tee, { argv: ['tee', 'd'], stdin: 'x\n', files: { '/d/f': '' } });
    assert.deepEqual([r.status, r.stdout, r.stderr], [1, 'x\n', 'tee: d: Is a directory\n']);
  });
});

describe('yes', () => {
  it('repeats until the fuel budget is spent', async () => {
    await assert.rejects(runProgram(yes, { argv: ['yes'], budget: 50_000 }), FuelExhausted);
    const h = fakeProc({ argv: ['yes', 'a', 'b'], budget: 50_000 });
    await assert.rejects(yes(h.proc), FuelExhausted);
    assert.match(h.stdout(), /^(a b\n)+$/);
    assert.ok(h.stdout().length > 10_000);
  });

  it('stops with a write error when the reader is gone and SIGPIPE is ignored', async () => {
    const h = fakeProc({ argv: ['yes'] });
    let writes = 0;
    const proc = {
      ...h.proc,
      write: async (fd: number, data: Uint8Array | string) => {
        if (fd === 1 && ++writes > 2) throw new OsError('EPIPE', 'broken pipe');
        return h.proc.write(fd, data);
      },
    };
    assert.equal(await yes(proc), 1);
    assert.equal(h.stderr(), 'yes: write error: Broken pipe\n');
  });
});

describe('true, false, sleep', () => {
  it('exit 0 and 1 whatever the arguments', async () => {
    assert.equal((await runProgram(trueProgram, { argv: ['true', '--help'] })).status, 0);
    assert.equal((await runProgram(falseProgram, { argv: ['false'] })).status, 1);
  });

  it('sleep waits in virtual time: seconds, fractions and units add up', async () => {
    const h = fakeProc({ argv: ['sleep', '1.5', '2m', '.5'] });
    const slept: number[] = [];
    assert.equal(await sleep({ ...h.proc, sleep: async (ms: number) => void slept.push(ms) }), 0);
    assert.deepEqual(slept, [1500 + 120_000 + 500]);
  });

  it('sleep rejects a bad interval and a missing operand', async () => {
    const r = await runProgram(sleep, { argv: ['sleep', 'x'] });
    assert.deepEqual([r.status, r.stderr], [1, "sleep: invalid time interval 'x'\n"]);
    assert.equal((await runProgram(sleep, { argv: ['sleep'] })).stderr, 'sleep: missing operand\n');
  });
});
