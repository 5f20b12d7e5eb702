// ls, mkdir, rm, cp, mv, touch, env against the fake proc.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeProc, fileText, runProgram } from '../testing/fake-proc.js';
import type { FakeProcOptions } from '../testing/fake-proc.js';
import { OsError } from '../types.js';
import type { Proc, Program, SpawnOptions } from '../types.js';
import { cp } from './cp.js';
import { env } from './env.js';
import { ls } from './ls.js';
import { mkdir } from './mkdir.js';
import { mv } from './mv.js';
import { rm } from './rm.js';
import { touch } from './touch.js';

/** Runs with explicit directories made first (the fake only infers directories from file paths). */
async function run(program: Program, argv: string[], options: FakeProcOptions & { dirs?: string[] } = {}) {
  const h = fakeProc({ ...options, argv });
  for (const d of options.dirs ?? []) h.proc.mkdir(d, { recursive: true });
  const status = await program(h.proc);
  return { status, stdout: h.stdout(), stderr: h.stderr(), files: h.files, proc: h.proc };
}

describe('ls', () => {
  const files = { '/d/b': 'bb', '/d/a': 'abc', '/d/.hidden': '', '/d/sub/x': '', '/f': '12345' };
  it('lists a directory sorted, one per line, hiding dot files unless -a/-A', async () => {
    assert.equal((await run(ls, ['ls', 'd'], { files })).stdout, 'a\nb\nsub\n');
    assert.equal((await run(ls, ['ls', '-a', 'd'], { files })).stdout, '.\n..\n.hidden\na\nb\nsub\n');
    assert.equal((await run(ls, ['ls', '-A1', 'd'], { files })).stdout, '.hidden\na\nb\nsub\n');
    assert.equal((await run(ls, ['ls'], { files, cwd: '/d' })).stdout, 'a\nb\nsub\n');
    assert.equal((await run(ls, ['ls'], { files: { '/B': '', '/a': '', '/C': '' } })).stdout, 'B\nC\na\n');
  });
  it('lists files first, then each directory under a header', async () => {
    assert.equal((await run(ls, ['ls', 'd/sub', 'f', 'd'], { files })).stdout, 'f\n\nd:\na\nb\nsub\n\nd/sub:\nx\n');
    assert.equal((await run(ls, ['ls', '-d', 'd'], { files })).stdout, 'd\n');
  });
  it('-l prints mode, size, date and a total', async () => {
    const r = await run(ls, ['ls', '-l', 'd'], { files });
    assert.equal(r.stdout, 'total 8\n-rw-r--r-- 1 user user 3 Jan  1 00:00 a\n-rw-r--r-- 1 user user 2 Jan  1 00:00 b\ndrwxr-xr-x 2 user user 0 Jan  1 00:00 sub\n');
    assert.equal((await run(ls, ['ls', '-l', 'f'], { files })).stdout, '-rw-r--r-- 1 user user 5 Jan  1 00:00 f\n');
  });
  it('a missing operand is status 2 with GNU wording', async () => {
    const r = await run(ls, ['ls', 'nope', 'f'], { files });
    assert.deepEqual([r.status, r.stdout, r.stderr], [2, 'f\n', "ls: cannot access 'nope': No such file or directory\n"]);
    assert.equal((await run(ls, ['ls', '-z'])).status, 2);
  });
});

describe('mkdir', () => {
  it('creates directories; -p makes parents and accepts existing ones', async () => {
    const r = await run(mkdir, ['mkdir', 'a', 'b']);
    assert.equal(r.status, 0);
    assert.equal(r.proc.stat('/a').kind, 'dir');
    const p = await run(mkdir, ['mkdir', '-p', 'x/y/z', 'x'], { dirs: ['/x'] });
    assert.equal(p.status, 0);
    assert.equal(p.proc.stat('/x/y/z').kind, 'dir');
  });
  it('reports an existing directory or file', async () => {
    const r = await run(mkdir, ['mkdir', 'a'], { dirs: ['/a'] });
    assert.deepEqual([r.status, r.stderr], [1, "mkdir: cannot create directory 'a': File exists\n"]);
    const f = await run(mkdir, ['mkdir', '-p', 'f'], { files: { '/f': '' } });
    assert.deepEqual([f.status, f.stderr], [1, "mkdir: cannot create directory 'f': File exists\n"]);
    assert.equal((await run(mkdir, ['mkdir'])).stderr, 'mkdir: missing operand\n');
  });
});

describe('rm', () => {
  it('removes files; -r directories with their contents', async () => {
    const r = await run(rm, ['rm', 'a'], { files: { '/a': '', '/b': '' } });
    assert.deepEqual([r.status, [...r.files.keys()]], [0, ['/b']]);
    const d = await run(rm, ['rm', '-r', 'd'], { files: { '/d/x': '1', '/d/s/y': '2', '/keep': '' }, dirs: ['/d', '/d/s'] });
    assert.deepEqual([d.status, d.stderr, [...d.files.keys()]], [0, '', ['/keep']]);
    assert.throws(() => d.proc.stat('/d'), OsError);
  });
  it('refuses directories without -r and reports missing files unless -f', async () => {
    const r = await run(rm, ['rm', 'd', 'nope'], { dirs: ['/d'] });
    assert.deepEqual([r.status, r.stderr], [1, "rm: cannot remove 'd': Is a directory\nrm: cannot remove 'nope': No such file or directory\n"]);
    assert.deepEqual([(await run(rm, ['rm', '-f', 'nope'])).status, (await run(rm, ['rm', '-f'])).status], [0, 0]);
    assert.equal((await run(rm, ['rm'])).stderr, 'rm: missing operand\n');
    assert.equal((await run(rm, ['rm', '-r', '.'])).stderr, "rm: refusing to remove '.' or '..' directory: skipping '.'\n");
  });
});

describe('cp', () => {
  it('copies a file, into a directory, and a tree with -r', async () => {
    const r = await run(cp, ['cp', 'a', 'b'], { files: { '/a': 'A' } });
    assert.deepEqual([r.status, fileText(r.files, '/b')], [0, 'A']);
    const into = await run(cp, ['cp', 'a', 'b', 'd'], { files: { '/a': 'A', '/b': 'B' }, dirs: ['/d'] });
    assert.deepEqual([fileText(into.files, '/d/a'), fileText(into.files, '/d/b')], ['A', 'B']);
    const tree = await run(cp, ['cp', '-r', 'src', 'dst'], { files: { '/src/x': 'X', '/src/s/y': 'Y' }, dirs: ['/src/s'] });
    assert.deepEqual([tree.status, fileText(tree.files, '/dst/x'), fileText(tree.files, '/dst/s/y')], [0, 'X', 'Y']);
  });
  it('reports missing sources, directories without -r, copies into itself and bad targets', async () => {
    const r = await run(cp, ['cp', 'nope', 'x']);
    assert.deepEqual([r.status, r.stderr], [1, "cp: cannot stat 'nope': No such file or directory\n"]);
    assert.equal((await run(cp, ['cp', 'd', 'e'], { dirs: ['/d'] })).stderr, "cp: -r not specified; omitting directory 'd'\n");
    assert.equal((await run(cp, ['cp', '-r', 'd', 'd/in'], { dirs: ['/d'] })).stderr, "cp: cannot copy a directory, 'd', into itself, 'd/in'\n");
    assert.equal((await run(cp, ['cp', 'a', 'b', 'c'], { files: { '/a': '', '/b': '' } })).stderr, "cp: target 'c' is not a directory\n");
    assert.equal((await run(cp, ['cp', 'a'])).stderr, "cp: missing destination file operand after 'a'\n");
    assert.equal((await run(cp, ['cp', 'a', 'a'], { files: { '/a': '' } })).stderr, "cp: 'a' and 'a' are the same file\n");
  });
});

describe('mv', () => {
  it('renames, and moves into a directory', async () => {
    const r = await run(mv, ['mv', 'a', 'b'], { files: { '/a': 'A' } });
    assert.deepEqual([r.status, [...r.files.keys()], fileText(r.files, '/b')], [0, ['/b'], 'A']);
    const into = await run(mv, ['mv', 'a', 'd'], { files: { '/a': 'A' }, dirs: ['/d'] });
    assert.equal(fileText(into.files, '/d/a'), 'A');
  });
  it('reports a missing source and a move into itself', async () => {
    assert.equal((await run(mv, ['mv', 'nope', 'x'])).stderr, "mv: cannot stat 'nope': No such file or directory\n");
    assert.equal((await run(mv, ['mv', 'd', 'd/e'], { dirs: ['/d'] })).stderr, "mv: cannot move 'd' to a subdirectory of itself, 'd/e'\n");
  });
});

describe('touch', () => {
  it('creates missing files, leaves existing ones and honours -c', async () => {
    const r = await run(touch, ['touch', 'new', 'old'], { files: { '/old': 'keep' } });
    assert.deepEqual([r.status, fileText(r.files, '/new'), fileText(r.files, '/old')], [0, '', 'keep']);
    assert.equal((await run(touch, ['touch', '-c', 'new'])).files.has('/new'), false);
    assert.equal((await run(touch, ['touch'])).stderr, 'touch: missing file operand\n');
  });
});

describe('env', () => {
  it('prints the environment; -i and -u change it', async () => {
    assert.equal((await runProgram(env, { argv: ['env'], env: { A: '1', B: 'x=y' } })).stdout, 'A=1\nB=x=y\n');
    assert.equal((await runProgram(env, { argv: ['env', '-u', 'A', 'C=3'], env: { A: '1', B: '2' } })).stdout, 'B=2\nC=3\n');
    assert.equal((await runProgram(env, { argv: ['env', '-i', 'C=3'], env: { A: '1' } })).stdout, 'C=3\n');
  });
  it('runs a command with the changed environment and returns its status', async () => {
    const h = fakeProc({ argv: ['env', 'X=1', 'cmd', '-a', 'b'], env: { A: '0' } });
    const calls: Array<[readonly string[], SpawnOptions | undefined]> = [];
    const proc: Proc = {
      ...h.proc,
      spawn: async (argv, options) => {
        calls.push([argv, options]);
        if (argv[0] === 'missing') throw new OsError('ENOENT', 'not found');
        return 7;
      },
      wait: async (pid) => (pid === 7 ? 42 : -1),
    };
    assert.equal(await env(proc), 42);
    assert.deepEqual(calls[0]![0], ['cmd', '-a', 'b']);
    assert.deepEqual([...(calls[0]![1]!.env as Map<string, string>)], [['A', '0'], ['X', '1']]);
    const missing = fakeProc({ argv: ['env', 'missing'] });
    assert.equal(await env({ ...missing.proc, spawn: proc.spawn }), 127);
    assert.equal(missing.stderr(), "env: 'missing': No such file or directory\n");
  });
});
