import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OsError } from '../types.js';
import type { Program, Proc } from '../types.js';
import { Kernel } from './kernel.js';
import type { KernelOptions } from './kernel.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

async function readAll(p: Proc, fd: number): Promise<string> {
  let out = '';
  for (let c = await p.read(fd, 4096); c; c = await p.read(fd, 4096)) out += text(c);
  return out;
}

/** Tiny programs, so these tests do not depend on the shell or the real tools. */
const programs: Record<string, Program> = {
  echo: async (p) => (await p.write(1, `${p.argv.slice(1).join(' ')}\n`), 0),
  cat: async (p) => {
    for (let c = await p.read(0, 4096); c; c = await p.read(0, 4096)) await p.write(1, c);
    return 0;
  },
  yes: async (p) => {
    if (p.argv[1] === '--ignore') p.ignoreSigpipe();
    try {
      for (;;) await p.write(1, 'y\n');
    } catch (e) {
      if (e instanceof OsError) await p.write(2, `yes: ${e.code}\n`);
      throw e;
    }
  },
  head3: async (p) => {
    let seen = '';
    while (seen.split('\n').length <= 3) {
      const c = await p.read(0, 1);
      if (!c) break;
      seen += text(c);
    }
    await p.write(1, seen);
    return 0;
  },
  /** `pipe a -- b`: a | b in a new process group; prints a's status on stderr, exits with b's. */
  pipe: async (p) => {
    const cut = p.argv.indexOf('--');
    const [r, w] = p.pipe();
    const a = await p.spawn(p.argv.slice(1, cut), { fds: { 0: 0, 1: w, 2: 2 }, pgid: 0 });
    const b = await p.spawn(p.argv.slice(cut + 1), { fds: { 0: r, 1: 1, 2: 2 }, pgid: a });
    p.close(r);
    p.close(w);
    const sb = await p.wait(b);
    const sa = await p.wait(a);
    await p.write(2, `${sa} ${sb}\n`);
    return sb;
  },
  sleep: async (p) => {
    await p.sleep(Number(p.argv[1]));
    if (p.argv[2]) await p.write(1, p.argv[2]);
    return 0;
  },
  spin: async (p) => {
    for (;;) p.charge(1000);
  },
  bomb: async (p) => p.wait(await p.spawn(['bomb'])),
  fail: async (p) => {
    if (p.argv[1] === 'os') throw new OsError('EACCES', 'nope: permission denied');
    if (p.argv[1] === 'status') return Number(p.argv[2]);
    throw new TypeError('boom');
  },
};

function kernel(options: Partial<KernelOptions> = {}): Kernel {
  return Kernel.create({ programs, maxInstructions: 100_000_000n, ...options });
}

async function run(k: Kernel, argv: string[], stdin?: string) {
  const r = await k.run(argv, stdin === undefined ? {} : { stdin });
  return { ...r, out: text(r.stdout), err: text(r.stderr) };
}

it('runs pid 1 with stdin, stdout and stderr; reports statuses and errors as results', async () => {
  const k = kernel();
  assert.deepEqual((await run(k, ['cat'], 'hello')).out, 'hello');
  const echo = await run(k, ['/bin/echo', 'a', 'b']);
  assert.deepEqual([echo.status, echo.out, echo.error], [0, 'a b\n', null]);
  assert.ok(echo.fuelUsed > 0n);
  assert.deepEqual(await run(k, ['fail', 'status', '300']).then((r) => r.status), 300 & 255);
  const os = await run(k, ['fail', 'os']);
  assert.deepEqual([os.status, os.err], [1, 'fail: nope: permission denied\n']);
  const boom = await run(k, ['fail']);
  assert.deepEqual([boom.status, boom.err, boom.error], [1, 'fail: boom\n', null]);
  const missing = await run(k, ['nope']);
  assert.deepEqual([missing.status, missing.err], [127, 'nope: no such file or directory\n']);
  assert.throws(() => Kernel.create({ programs, maxInstructions: 1n, bogus: 1 } as never), /unknown kernel option bogus/);
});

it('streams through a small pipe: the consumer sees data before the producer finishes', async () => {
  const events: string[] = [];
  const k = Kernel.create({
    maxInstructions: 10_000_000n,
    pipeCapacity: 16,
    programs: {
      ...programs,
      producer: async (p) => {
        for (let i = 0; i < 8; i++) {
          await p.write(1, `line ${i} abcdef\n`); // 14 bytes: a second one does not fit
          events.push(`w${i}`);
        }
        return 0;
      },
      consumer: async (p) => {
        for (let c = await p.read(0, 100); c; c = await p.read(0, 100)) {
          events.push(`r${c.length}`);
          await p.write(1, c);
        }
        return 0;
      },
    },
  });
  const r = await run(k, ['pipe', 'producer', '--', 'consumer']);
  assert.equal(r.out, Array.from({ length: 8 }, (_, i) => `line ${i} abcdef\n`).join(''));
  assert.equal(r.err, '0 0\n');
  assert.ok(events.indexOf('r14') < events.indexOf('w7'), events.join(' '));
  assert.ok(events.filter((e) => e.startsWith('r')).every((e) => Number(e.slice(1)) <= 16));
});

it('gives EOF when every writer has closed', async () => {
  const k = Kernel.create({
    maxInstructions: 10_000_000n,
    programs: {
      main: async (p) => {
        const [r, w] = p.pipe();
        const [r2, w2] = [r, w];
        await p.write(w2, 'abc');
        assert.equal(p.fdKind(w2), 'pipe');
        p.dup2(w2, 5);
        p.close(w2);
        assert.equal(text((await p.read(r2, 10))!), 'abc');
        p.close(5); // the last writer
        assert.equal(await p.read(r2, 10), null);
        assert.equal(p.fdKind(5), null);
        return 0;
      },
    },
  });
  assert.deepEqual(await run(k, ['main']).then((r) => [r.status, r.err]), [0, '']);
});

it('kills an endless writer with SIGPIPE when its reader exits', async () => {
  const r = await run(kernel(), ['pipe', 'yes', '--', 'head3']);
  assert.deepEqual([r.status, r.out, r.err, r.error], [0, 'y\ny\ny\n', '141 0\n', null]);
});

it('gives EPIPE instead when SIGPIPE is ignored', async () => {
  const r = await run(kernel(), ['pipe', 'yes', '--ignore', '--', 'head3']);
  assert.deepEqual([r.status, r.out, r.err], [0, 'y\ny\ny\n', 'yes: EPIPE\nyes: broken pipe\n1 0\n']);
});

it('spawns with env, cwd and only the listed descriptors; waits; ECHILD and ENOENT', async () => {
  const k = Kernel.create({
    maxInstructions: 10_000_000n,
    image: { '/home/u/': '' },
    env: { GREETING: 'hi' },
    programs: {
      ...programs,
      show: async (p) => {
        await p.write(1, `${p.argv.join(',')} ${p.env.get('GREETING')} ${p.cwd} ${p.ppid} ${p.fdKind(0)} ${p.fdKind(3)}\n`);
        return 7;
      },
      main: async (p) => {
        const fd = await p.open('/home/u/log', { write: true, create: true });
        assert.equal(fd, 3);
        const a = await p.spawn(['show', 'x'], { cwd: 'home/u' });
        assert.equal(await p.wait(a), 7);
        await assert.rejects(p.wait(a), (e: unknown) => e instanceof OsError && e.code === 'ECHILD');
        p.env.set('GREETING', 'changed');
        const b = await p.spawn(['show'], { fds: { 1: fd } });
        assert.equal(await p.wait(b), 7);
        const c = await p.spawn(['show'], { env: { GREETING: 'own' }, fds: { 1: 1, 3: 1 } });
        await p.wait(c);
        await assert.rejects(p.spawn(['missing']), (e: unknown) => e instanceof OsError && e.code === 'ENOENT');
        await assert.rejects(p.spawn(['/home/u/log']), (e: unknown) => e instanceof OsError && e.code === 'EACCES');
        await assert.rejects(p.spawn(['show'], { fds: { 0: 9 } }), (e: unknown) => e instanceof OsError && e.code === 'EBADF');
        await assert.rejects(p.wait(1), (e: unknown) => e instanceof OsError && e.code === 'ECHILD');
        return 0;
      },
    },
  });
  const r = await run(k, ['main']);
  assert.deepEqual([r.status, r.err], [0, '']);
  assert.equal(r.out, 'show,x hi /home/u 1 pipe null\nshow own / 1 null pipe\n');
  assert.equal(text(k.vfs.readFile('/home/u/log')), 'show changed / 1 null null\n');
});

it('runs #! scripts through their interpreter', async () => {
  const k = kernel({ image: { '/s.sh': '#!/bin/echo -x\nignored\n' } });
  assert.equal((await run(k, ['/s.sh', 'arg'])).out, '/s.sh arg\n');
});

it('kills processes and process groups; a killed blocked call unwinds the program', async () => {
  const log: string[] = [];
  const k = Kernel.create({
    maxInstructions: 10_000_000n,
    programs: {
      ...programs,
      blocked: async (p) => {
        try {
          await p.sleep(1e9);
        } finally {
          log.push(`unwound ${p.pid}`);
        }
        return 0;
      },
      main: async (p) => {
        const a = await p.spawn(['blocked'], { pgid: 0 });
        const b = await p.spawn(['blocked'], { pgid: a });
        const c = await p.spawn(['blocked']);
        await p.sleep(1); // let them start and block
        assert.throws(() => p.kill(99, 'SIGTERM'), (e: unknown) => e instanceof OsError && e.code === 'ESRCH');
        p.kill(-a, 'SIGTERM');
        p.kill(c, 'SIGKILL');
        const statuses = [await p.wait(a), await p.wait(b), await p.wait(c)];
        // a child killed before it ever ran
        const d = await p.spawn(['blocked']);
        p.kill(d, 'SIGINT');
        statuses.push(await p.wait(d));
        await p.write(1, statuses.join(' '));
        return 0;
      },
    },
  });
  const r = await run(k, ['main']);
  assert.deepEqual([r.status, r.out, r.err], [0, '143 143 137 130', '']);
  assert.deepEqual(log, ['unwound 2', 'unwound 3', 'unwound 4']);
});

it('SIGKILLs what is left when pid 1 exits', async () => {
  const k = Kernel.create({
    maxInstructions: 10_000_000n,
    programs: {
      ...programs,
      main: async (p) => {
        await p.spawn(['sleep', '1000', 'late']);
        await p.spawn(['yes'], { fds: {} });
        await p.sleep(1);
        return 3;
      },
    },
  });
  const r = await run(k, ['main']);
  assert.deepEqual([r.status, r.out, r.error], [3, '', null]);
});

it('ends a killed process that swallows Killed, and parks processes that swallow the OS stopping', async () => {
  const stubborn: Program = async (p) => {
    for (;;) {
      try {
        await p.write(1, 'y\n');
        p.charge(10);
      } catch {
        // a badly written tool: ignores every error
      }
    }
  };
  const k = kernel({ maxInstructions: 20_000_000n, programs: { ...programs, stubborn } });
  const r = await run(k, ['pipe', 'stubborn', '--', 'head3']);
  assert.deepEqual([r.status, r.out, r.err, r.error], [0, 'y\ny\ny\n', '141 0\n', null]);
  const alone = await run(k, ['stubborn']);
  assert.equal(alone.error?.kind, 'out_of_fuel');
});

it('stops a fork bomb at maxProcesses with EAGAIN, cleanly', async () => {
  const r = await run(kernel({ maxProcesses: 16 }), ['bomb']);
  assert.equal(r.status, 1);
  assert.equal(r.err, 'bomb: spawn bomb: process limit (16) reached\n');
  assert.equal(r.error, null);
  const wide = Kernel.create({
    maxInstructions: 100_000_000n,
    maxProcesses: 64,
    programs: {
      ...programs,
      wide: async (p) => {
        for (;;) await p.spawn(['sleep', '1000']);
      },
    },
  });
  const w = await run(wide, ['wide']);
  assert.deepEqual([w.status, w.err, w.error], [1, 'wide: spawn sleep: process limit (64) reached\n', null]);
});

it('stops the whole OS with out_of_fuel; every process draws on one budget', async () => {
  const r = await run(kernel({ maxInstructions: 1_000_000n }), ['pipe', 'spin', '--', 'cat']);
  assert.equal(r.error?.kind, 'out_of_fuel');
  assert.equal(r.fuelUsed, 1_000_000n);
  assert.equal(r.status, 137);
});

it('fails a deadlock with a trap', async () => {
  const k = Kernel.create({
    maxInstructions: 10_000_000n,
    programs: {
      main: async (p) => {
        const [r] = p.pipe(); // we hold the write end ourselves
        await p.read(r, 1);
        return 0;
      },
    },
  });
  const r = await run(k, ['main']);
  assert.deepEqual(r.error, { kind: 'trap', message: 'deadlock: every process is blocked' });
});

it('does not hang on a program awaiting something that never settles', async () => {
  const k = Kernel.create({
    maxInstructions: 10_000_000n,
    programs: {
      hang: async () => new Promise<number>(() => {}),
      main: async (p) => {
        await p.spawn(['hang']);
        await p.sleep(1);
        if (p.argv[1] === 'wait') return p.wait(2);
        return 5;
      },
    },
  });
  const done = await run(k, ['main']);
  assert.deepEqual([done.status, done.error], [5, null], 'killed when pid 1 exits');
  const stuck = await run(k, ['main', 'wait']);
  assert.deepEqual(stuck.error, { kind: 'trap', message: 'deadlock: every process is blocked' });
});

it('ends the run at the output limit', async () => {
  const r = await run(kernel({ maxOutputBytes: 101 }), ['yes']);
  assert.equal(r.error?.kind, 'output_limit');
  assert.equal(r.out.length, 101);
});

it('fails writes past the quota with ENOSPC; stat mtimes come from the virtual clock', async () => {
  const k = Kernel.create({
    maxInstructions: 10_000_000n,
    quotaBytes: 4096,
    blockTimestampNs: 1_000_000_000n,
    programs: {
      main: async (p) => {
        await p.writeFile('/a', 'x'.repeat(1000));
        await assert.rejects(p.writeFile('/b', 'x'.repeat(10_000)), (e: unknown) => e instanceof OsError && e.code === 'ENOSPC');
        const before = p.stat('/a').mtimeNs;
        await p.sleep(5);
        await p.writeFile('/a', 'y', { append: true });
        const after = p.stat('/a').mtimeNs;
        assert.ok(before >= 1_000_000_000n && after - before >= 5_000_000n, `${before} ${after}`);
        const fd = await p.open('/c', { write: true, create: true });
        await p.write(fd, 'z'.repeat(3000));
        return 0;
      },
    },
  });
  const r = await run(k, ['main']);
  assert.deepEqual([r.status, r.err], [1, 'main: no space left on device\n']);
  assert.equal(k.vfs.stat('/a').size, 1001);
  assert.equal(k.vfs.stat('/c').size, 0);
});

it('sleeps on the virtual clock: wakes in time order, skipping idle time', async () => {
  const k = Kernel.create({
    maxInstructions: 10_000_000n,
    programs: {
      ...programs,
      main: async (p) => {
        const t0 = p.now();
        const a = await p.spawn(['sleep', '30', 'A']);
        const b = await p.spawn(['sleep', '10', 'B']);
        await p.wait(a);
        await p.wait(b);
        const elapsed = p.now() - t0;
        await p.write(1, ` ${elapsed >= 30_000_000n && elapsed < 31_000_000n}`);
        return 0;
      },
    },
  });
  assert.equal((await run(k, ['main'])).out, 'BA true');
});

/** Like the shell: the stages of a pipeline run as concurrent calls of one process. */
const concurrent: Program = async (p) => {
  const stage = async (argv: string[], fds: Record<number, number>, own: number[]): Promise<number> => {
    try {
      return await p.wait(await p.spawn(argv, { fds }));
    } finally {
      for (const fd of own) p.close(fd);
    }
  };
  const [r, w] = p.pipe();
  const [r2, w2] = p.pipe();
  const statuses = await Promise.all([
    stage(['yes'], { 1: w, 2: 2 }, [w]),
    stage(['head3'], { 0: r, 1: w2, 2: 2 }, [r]),
    stage(['cat'], { 0: r2, 1: 1, 2: 2 }, [r2]),
    p.write(w2, 'first\n').then(() => (p.close(w2), 0)), // a write racing the pipeline, as a heredoc is
  ]);
  await p.write(1, `[${statuses.join(' ')}]`);
  return 0;
};

it('lets a process have several calls pending at once (the shell runs pipeline stages so)', async () => {
  const r = await run(kernel({ pipeCapacity: 4, programs: { ...programs, concurrent } }), ['concurrent']);
  assert.deepEqual([r.status, r.out, r.err, r.error], [0, 'first\ny\ny\ny\n[141 0 0 0]', '', null]);
});

it('is deterministic: the same multi-process run 20 times gives the same output and fuel', async () => {
  const mix: Program = async (p) => {
    const kids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [r, w] = p.pipe();
      kids.push(await p.spawn(['sleep', String(i % 2), `<${i}>`], { fds: { 1: w } }));
      kids.push(await p.spawn(['cat'], { fds: { 0: r, 1: 1 } }));
      p.close(r);
      p.close(w);
    }
    kids.push(await p.spawn(['pipe', 'yes', '--', 'head3']));
    let sum = 0;
    for (const pid of kids.reverse()) sum += await p.wait(pid);
    await p.write(1, ` ${sum} ${p.now()}`);
    return 0;
  };
  const results = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const k = Kernel.create({ maxInstructions: 100_000_000n, pipeCapacity: 8, programs: { ...programs, mix } });
    const r = await run(k, ['mix']);
    assert.equal(r.status, 0);
    results.add(JSON.stringify([r.out, r.err, r.fuelUsed.toString()]));
  }
  assert.equal(results.size, 1, [...results].join('\n'));
  // and so are runs sharing one event loop
  const together = await Promise.all(
    Array.from({ length: 5 }, () => run(Kernel.create({ maxInstructions: 100_000_000n, pipeCapacity: 8, programs: { ...programs, mix, concurrent } }), ['mix'])),
  );
  for (const r of together) assert.ok(results.has(JSON.stringify([r.out, r.err, r.fuelUsed.toString()])));
});

it('keeps the VFS between runs and snapshots it', async () => {
  const k = kernel();
  await run(k, ['fail', 'status', '0']);
  const r = await k.run(['cat'], { stdin: 'x', cwd: '/bin' });
  assert.equal(text(r.stdout), 'x');
  const snap = k.vfs.snapshot();
  const again = Kernel.create({ programs, maxInstructions: 1_000_000n, image: snap });
  assert.deepEqual(again.vfs.readdir('/bin'), Object.keys(programs).sort());
});
