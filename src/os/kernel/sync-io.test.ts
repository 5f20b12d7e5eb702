// The kernel's synchronous file API (openSync, readSync, writeSync, seek, fstat, ftruncate): the
// same files, offsets, errors and fuel as the async calls, only while the process holds the turn.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FUEL, OsError } from '../types.js';
import type { Proc, Program } from '../types.js';
import { Kernel } from './kernel.js';

const text = (b: Uint8Array | null): string => (b === null ? 'EOF' : new TextDecoder().decode(b));
const BUDGET = 10_000_000n;

async function run(program: Program, options: { image?: Record<string, string>; quotaBytes?: number } = {}) {
  const kernel = Kernel.create({ programs: { main: program }, maxInstructions: BUDGET, ...options });
  const r = await kernel.run(['main']);
  return { ...r, out: new TextDecoder().decode(r.stdout), err: new TextDecoder().decode(r.stderr), kernel };
}

const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof OsError) return e.code;
    throw e;
  }
};

it('reads, writes, seeks and truncates a VFS file, sharing its offset with the async calls', async () => {
  const r = await run(
    async (p) => {
      const fd = p.openSync('/f', { read: true, write: true });
      const log: string[] = [text(p.readSync(fd, 3))];
      p.writeSync(fd, 'XY'); // at offset 3
      log.push(String(p.seek(fd, 0, 'cur')), text(await p.read(fd, 100)), text(p.readSync(fd, 10)));
      log.push(text(p.readSync(fd, 4, 1)), String(p.seek(fd, 0, 'cur'))); // pread: the offset stays
      p.writeSync(fd, '!', 0); // pwrite
      p.ftruncate(fd, 4);
      log.push(String(p.fstat(fd).size), String(p.seek(fd, -1, 'end')), text(p.readSync(fd, 10)));
      p.ftruncate(fd, 6);
      log.push(JSON.stringify(text(p.readSync(fd, 10, 3))));
      p.close(fd);
      await p.write(1, log.join('|'));
      return 0;
    },
    { image: { '/f': 'abcdefgh' } },
  );
  assert.equal(r.out, 'abc|5|fgh|EOF|bcXY|8|4|3|X|"X\\u0000\\u0000"');
  assert.equal(new TextDecoder().decode(r.kernel.vfs.readFile('/f')), '!bcX\0\0');
});

it('appends with append, creates, and answers like open: EEXIST, EISDIR, ENOENT, ENOSPC', async () => {
  const r = await run(
    async (p) => {
      const a = p.openSync('/log', { write: true, create: true, append: true });
      p.writeSync(a, 'one ');
      p.writeSync(a, 'two', 0); // with append, pwrite appends (Linux)
      p.close(a);
      const d = p.openSync('/', {});
      const codes = [
        codeOf(() => p.openSync('/log', { create: true, exclusive: true, write: true })),
        codeOf(() => p.openSync('/', { write: true })),
        codeOf(() => p.openSync('/nope', {})),
        codeOf(() => p.readSync(d, 1)),
        String(p.fstat(d).kind),
        codeOf(() => p.writeSync(p.openSync('/big', { write: true, create: true }), new Uint8Array(5000))),
      ];
      await p.write(1, `${text(await p.readFile('/log'))}|${codes.join(' ')}`);
      return 0;
    },
    { quotaBytes: 4096 },
  );
  assert.equal(r.out, 'one two|EEXIST EISDIR ENOENT EISDIR dir ENOSPC');
});

it('pipes are non-blocking for readSync/writeSync (EAGAIN when they would wait) and EINVAL for seek; /dev/null works', async () => {
  const r = await run(async (p) => {
    const [rd, wr] = p.pipe();
    const n = p.openSync('/dev/null', { write: true });
    p.writeSync(n, 'dropped');
    const empty = codeOf(() => p.readSync(rd, 1));
    p.writeSync(wr, 'xy');
    const got = text(p.readSync(rd, 1)) + text(p.readSync(rd, 9));
    const full = codeOf(() => p.writeSync(wr, new Uint8Array(64 * 1024 + 1)));
    p.writeSync(1, 'captured ');
    p.close(wr);
    const eof = text(p.readSync(rd, 1));
    await p.write(1, `${empty} ${got} ${full} ${eof} ${codeOf(() => p.seek(rd, 0, 'set'))} ${p.fstat(n).ino} ${text(p.readSync(n, 5))}`);
    return 0;
  });
  assert.equal(r.out, 'captured EAGAIN xy EAGAIN EOF EINVAL 0 EOF');
});

it('charges like the async calls: a syscall each plus a byte per byte moved', async () => {
  const work = (sync: boolean): Program => async (p) => {
    const data = new Uint8Array(1000);
    const fd = sync ? p.openSync('/x', { write: true, create: true, read: true }) : await p.open('/x', { write: true, create: true, read: true });
    if (sync) p.writeSync(fd, data);
    else await p.write(fd, data);
    p.close(fd);
    const fd2 = sync ? p.openSync('/x', {}) : await p.open('/x', {});
    if (sync) p.readSync(fd2, 4096);
    else await p.read(fd2, 4096);
    return 0;
  };
  const a = await run(work(false));
  const b = await run(work(true));
  assert.equal(b.fuelUsed, a.fuelUsed);
  const seek = await run(async (p) => (p.seek(p.openSync('/', {}), 0, 'set'), 0));
  const none = await run(async (p) => (p.openSync('/', {}), 0));
  assert.equal(seek.fuelUsed - none.fuelUsed, BigInt(FUEL.syscall));
});

it('throws when the process does not hold the turn', async () => {
  let parent: Proc | null = null;
  const kernel = Kernel.create({
    programs: {
      main: async (p) => {
        parent = p;
        return p.wait(await p.spawn(['child']));
      },
      child: async (p) => {
        // The parent is blocked in wait: this process holds the turn, the parent does not.
        const fd = p.openSync('/ok', { write: true, create: true });
        p.writeSync(fd, 'fine');
        assert.throws(() => parent!.openSync('/x', { write: true, create: true }), /does not hold the turn/);
        assert.throws(() => parent!.readSync(0, 1), /does not hold the turn/);
        return 7;
      },
    },
    maxInstructions: BUDGET,
  });
  const r = await kernel.run(['main']);
  assert.equal(r.status, 7);
  assert.equal(new TextDecoder().decode(kernel.vfs.readFile('/ok')), 'fine');
  assert.throws(() => kernel.vfs.readFile('/x'), /ENOENT|no such file/);
});
