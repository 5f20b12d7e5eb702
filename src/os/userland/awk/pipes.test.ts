// awk's pipes (`print | "cmd"`, `"cmd" | getline`) and system() need a kernel with sh: these run
// through the guest OS rather than the fake proc.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runShell } from '../../index.js';

const sh = async (script: string) => {
  const r = await runShell(script, { maxInstructions: 10n ** 8n });
  return { output: r.output, code: r.exit_code, logs: r.logs, error: r.error?.kind ?? null };
};

describe('awk in the guest OS', () => {
  it('seq 1 100 | awk \'{s+=$1} END {print s}\'', async () => {
    assert.deepEqual(await sh("seq 1 100 | awk '{s+=$1} END {print s}'"), { output: '5050\n', code: 0, logs: [], error: null });
  });

  it('print | "command" feeds a command, and close() waits for it', async () => {
    const r = await sh(`printf 'b 1\\na 2\\nc 3\\n' | awk '{ print $1 | "sort" } END { close("sort"); print "done" }'`);
    assert.equal(r.output, 'a\nb\nc\ndone\n');
    assert.equal((await sh(`printf 'b\\na\\n' | awk '{ print | "sort" }'`)).output, 'a\nb\n');
  });

  it('"command" | getline reads a command\'s output; close() returns its status', async () => {
    const r = await sh(`awk 'BEGIN { while (("seq 3" | getline line) > 0) s += line; print s, NR; "echo hi" | getline; print $0; print close("echo hi"), close("nope"); "exit 3" | getline; print close("exit 3") }'`);
    assert.equal(r.output, '6 3\nhi\n0 -1\n3\n');
  });

  it('system() runs sh -c after flushing, and an endless loop runs out of fuel', async () => {
    assert.equal((await sh(`awk 'BEGIN { printf "a "; system("echo b"); print "c" }'`)).output, 'a b\nc\n');
    const r = await sh(`awk 'BEGIN { while (1) {} }'`);
    assert.equal(r.error, 'out_of_fuel');
  });

  it('stops when its reader goes away', async () => {
    assert.equal((await sh(`awk 'BEGIN { while (1) print "y" }' | head -2`)).output, 'y\ny\n');
    assert.equal((await sh('yes | grep -m2 y; yes | sed 2q')).output, 'y\ny\ny\ny\n');
  });
});
