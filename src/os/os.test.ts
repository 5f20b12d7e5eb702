// The guest OS as a whole (kernel + sh + userland): the pipelines, files and statuses,
// determinism, persistence and isolation, and the bad inputs it must survive.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGuestOs, runShell } from './index.js';
import type { Program } from './types.js';

const sh = (script: string, maxInstructions = 100_000_000n) => runShell(script, { maxInstructions });

describe('guest OS: pipelines', () => {
  it("printf 'b\\na\\nc\\n' | sort | head -n 2", async () => {
    const r = await sh("printf 'b\\na\\nc\\n' | sort | head -n 2");
    assert.equal(r.output, 'a\nb\n');
    assert.equal(r.status, 'ok');
  });

  it('yes | head -n 3 terminates', async () => {
    const r = await sh('yes | head -n 3');
    assert.equal(r.output, 'y\ny\ny\n');
    assert.equal(r.exit_code, 0);
  });

  it("seq 1 100 | awk '{s+=$1} END {print s}' gives 5050", async () => {
    assert.equal((await sh("seq 1 100 | awk '{s+=$1} END {print s}'")).output, '5050\n');
  });

  it('longer pipelines with grep, sed, cut, tr, uniq, wc', async () => {
    const r = await sh("printf 'apple 3\\nbanana 1\\napple 2\\ncherry 5\\n' | grep -v banana | sed 's/ .*//' | sort | uniq -c | tr -s ' ' | cut -d' ' -f2,3");
    assert.equal(r.output, '2 apple\n1 cherry\n');
    assert.equal((await sh('seq 1 1000 | grep -c 7')).output, '271\n');
  });
});

describe('guest OS: files, redirections, statuses', () => {
  it('redirections, appends, 2>&1 and files persist within a run', async () => {
    const r = await sh('mkdir -p /data/x && echo one > /data/x/f && echo two >> /data/x/f; cat /data/x/f; ls /data/x; cat /nope 2>&1; echo "status $?"');
    assert.equal(r.output, 'one\ntwo\nf\ncat: /nope: No such file or directory\nstatus 1\n');
  });

  it('exit statuses: && || and a script ending non-zero is kind exit', async () => {
    const r = await sh('false || echo recovered; true && echo fine; exit 3');
    assert.equal(r.output, 'recovered\nfine\n');
    assert.equal(r.exit_code, 3);
    assert.equal(r.error?.kind, 'exit');
  });

  it('an unknown command is 127 with a message on stderr', async () => {
    const r = await sh('no-such-tool --x');
    assert.equal(r.exit_code, 127);
    assert.match(r.logs.join('\n'), /no-such-tool: not found/);
  });

  it('& and wait: jobs run concurrently on the virtual clock; $! is a job process pid; kill and wait report 143', async () => {
    const r = await sh('(sleep 2; echo slow) & (sleep 1; echo fast) & wait; echo all; sleep 5 & p=$!; kill $p; wait $p; echo "status $?"; sleep 1 && echo after & echo first; kill -9 999; echo "kill $?"');
    assert.equal(r.output, 'fast\nslow\nall\nstatus 143\nfirst\nkill 1\nafter\n');
    assert.deepEqual(r.logs, ['sh: kill: 999: pid 999: no such process']);
  });

  it('a writer whose reader is gone dies of SIGPIPE and the pipeline ends', async () => {
    const r = await sh('yes | head -n 1 > /dev-null-file; cat /dev-null-file');
    assert.equal(r.output, 'y\n');
  });
});

describe('guest OS: determinism, persistence, isolation', () => {
  it('100 runs give identical output and fuel', async () => {
    const script = "seq 1 300 | awk '{ s += $1 * $1 } END { print s }' | tr 0-9 a-j; yes abc | head -n 50 | sort -u | wc -c";
    const first = await sh(script);
    assert.equal(first.status, 'ok', first.logs.join('\n'));
    for (let i = 0; i < 99; i++) {
      const r = await sh(script);
      assert.equal(r.output, first.output);
      assert.equal(r.fuel_used, first.fuel_used);
    }
  });

  it('the filesystem persists through a snapshot, and two instances are isolated', async () => {
    const a = createGuestOs();
    await a.run(['sh', '-c', 'echo kept > /state.txt']);
    const saved = JSON.parse(JSON.stringify(a.vfs.snapshot()));
    const restored = createGuestOs({ image: saved });
    assert.equal((await runShell('cat /state.txt', { kernel: restored })).output, 'kept\n');
    const other = createGuestOs();
    const r = await runShell('cat /state.txt', { kernel: other });
    assert.equal(r.exit_code, 1, 'another instance does not see it');
  });
});

describe('guest OS: bad input', () => {
  it('an infinite loop in sh or awk ends in out_of_fuel', async () => {
    assert.equal((await sh('while true; do :; done', 5_000_000n)).error?.kind, 'out_of_fuel');
    assert.equal((await sh("awk 'BEGIN { while (1) { } }'", 5_000_000n)).error?.kind, 'out_of_fuel');
  });

  it('a fork bomb hits the process limit and ends cleanly', async () => {
    const r = await sh('bomb() { bomb | bomb; }; bomb', 1_000_000_000n);
    assert.notEqual(r.status, 'ok');
    assert.ok(r.error?.kind === 'exit' || r.error?.kind === 'out_of_fuel', JSON.stringify(r.error));
  });

  it('writes past the quota fail with ENOSPC', async () => {
    const os = createGuestOs({ quotaBytes: 10_000 });
    const r = await runShell('yes 0123456789 | head -n 5000 > /big; echo "status $?"; ls /', { kernel: os });
    assert.match(r.logs.join('\n'), /no space left/i);
  });

  it('paths never leave the guest root; nothing of the host is visible', async () => {
    const r = await sh('cd /../../..; pwd; ls /; cat /etc/passwd; echo "status $?"');
    assert.equal(r.output.split('\n')[0], '/');
    assert.doesNotMatch(r.output, /root:x:/);
    assert.match(r.output, /status 1/);
  });

  it('a program that throws does not crash the host', async () => {
    const boom: Program = async () => {
      throw new Error('kaput');
    };
    const os = createGuestOs({ programs: { boom } });
    const r = await runShell('boom; echo "after $?"', { kernel: os });
    assert.equal(r.output, 'after 1\n');
  });
});
