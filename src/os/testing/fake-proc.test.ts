import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OsError } from '../types.js';
import type { Program } from '../types.js';
import { FuelExhausted, fakeProc, fileText, runProgram } from './fake-proc.js';

const cat: Program = async (p) => {
  const fd = p.argv[1] ? await p.open(p.argv[1], { read: true }) : 0;
  for (let c = await p.read(fd, 3); c; c = await p.read(fd, 3)) await p.write(1, c);
  return 0;
};

it('feeds stdin and captures stdout', async () => {
  const r = await runProgram(cat, { argv: ['cat'], stdin: 'hello\nworld\n' });
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, 'hello\nworld\n', '']);
  assert.ok(r.fuel > 12);
});

it('reads and writes the in-memory files', async () => {
  const r = await runProgram(cat, { argv: ['cat', 'a.txt'], files: { '/a.txt': 'A' } });
  assert.equal(r.stdout, 'A');
  const h = fakeProc({ files: { 'd/x': 'x' } });
  await h.proc.writeFile('/d/y', 'hi');
  await h.proc.writeFile('/d/y', '!', { append: true });
  assert.equal(fileText(h.files, '/d/y'), 'hi!');
  assert.deepEqual(h.proc.readdir('/d'), ['x', 'y']);
  assert.equal(h.proc.stat('/d').kind, 'dir');
  assert.equal(new TextDecoder().decode(await h.proc.readFile('d/x')), 'x');
});

it('turns an escaping OsError into status 1 with a message', async () => {
  const r = await runProgram(cat, { argv: ['cat', 'missing'] });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^cat: missing: no such file/);
  await assert.rejects(fakeProc().proc.open('nope', {}), OsError);
});

it('creates empty directories given as dirs', () => {
  const h = fakeProc({ dirs: ['/a/b', 'c'] });
  assert.deepEqual(h.proc.readdir('/'), ['a', 'c']);
  assert.equal(h.proc.stat('/a/b').kind, 'dir');
});

it('rejects unknown options', () => {
  assert.throws(() => fakeProc({ stdn: 'x' } as never), /unknown option stdn/);
});

it('throws FuelExhausted when the budget is spent', async () => {
  const spin: Program = async (p) => {
    for (;;) p.charge(1);
  };
  await assert.rejects(runProgram(spin, { budget: 1000 }), FuelExhausted);
});
