// sh on the real kernel (src/os/kernel) rather than the test fake: the same scripts must behave
// the same, with the kernel's bounded pipes, deterministic scheduler and fuel budget.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kernel } from '../kernel/index.js';
import { FAKE_PROGRAMS } from '../testing/sh-fake.js';
import { sh } from './index.js';

const decoder = new TextDecoder();

async function run(script: string, maxInstructions = 10_000_000n, pipeCapacity?: number): Promise<{ status: number; stdout: string; stderr: string; error: string | null }> {
  const kernel = Kernel.create({ programs: { ...FAKE_PROGRAMS, sh }, maxInstructions, image: { '/data/f': 'one\ntwo\nthree\n' }, ...(pipeCapacity ? { pipeCapacity } : {}) });
  const r = await kernel.run(['sh', '-c', script]);
  return { status: r.status, stdout: decoder.decode(r.stdout), stderr: decoder.decode(r.stderr), error: r.error?.kind ?? null };
}

describe('sh on the kernel', () => {
  it("sh -c 'echo hi | cat'", async () => {
    assert.deepEqual(await run('echo hi | cat'), { status: 0, stdout: 'hi\n', stderr: '', error: null });
  });
  it('three external stages, status of the last', async () => {
    assert.deepEqual(await run('cat /data/f | upper | count; status 0 | status 0 | status 3'), { status: 3, stdout: '3\n', stderr: '', error: null });
  });
  it('in-process stages, command substitution, here-documents', async () => {
    const script = 'x=$(echo a | upper); echo "$x"; cat /data/f | while read l; do echo "<$l>"; done | cat; cat <<EOF | upper\nhere $x\nEOF';
    assert.deepEqual(await run(script), { status: 0, stdout: 'A\n<one>\n<two>\n<three>\nHERE A\n', stderr: '', error: null });
  });
  it('redirections into the VFS', async () => {
    const r = await run('echo a >/data/g; echo b >>/data/g; cat </data/g; nosuch 2>/data/err; cat /data/err');
    assert.equal(r.stdout, 'a\nb\nsh: nosuch: not found\n');
  });
  it('127 for an unknown command', async () => {
    assert.deepEqual(await run('nosuch'), { status: 127, stdout: '', stderr: 'sh: nosuch: not found\n', error: null });
  });
  it('a builtin writer into an exiting reader stops', async () => {
    // The shell yields only when the pipe is full: a small pipe keeps this cheap.
    const r = await run('yes() { while :; do echo y; done; }; yes | head', 10_000_000n, 64);
    assert.deepEqual(r, { status: 0, stdout: 'y\n', stderr: '', error: null });
  });
  it('data larger than the pipes flows through every kind of stage', async () => {
    const line = 'abcdefghij'.repeat(3);
    const body = Array.from({ length: 20 }, () => line).join('\n');
    const script = `cat <<EOF | upper | count\n${body}\nEOF\nf() { i=0; while [ $i -lt 20 ]; do echo ${line}; i=$((i+1)); done; }; f | cat | count; x=$(f | upper); echo \${#x}`;
    const r = await run(script, 10_000_000n, 16);
    assert.deepEqual(r, { status: 0, stdout: '20\n20\n619\n', stderr: '', error: null });
  });
  it('while true; do :; done ends out of fuel', async () => {
    const r = await run('while true; do :; done', 1_000_000n);
    assert.equal(r.error, 'out_of_fuel');
  });
});
