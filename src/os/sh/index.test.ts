import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFakeOs } from '../testing/sh-fake.js';
import { sh } from './index.js';

describe('sh: invocation', () => {
  it('sh -c script name args', async () => {
    const r = await runFakeOs(sh, ['sh', '-c', 'echo "$0|$#|$1|$2"', 'myname', 'a', 'b c']);
    assert.deepEqual([r.status, r.stdout], [0, 'myname|2|a|b c\n']);
  });
  it('sh -c script: $0 defaults to sh', async () => {
    assert.equal((await runFakeOs(sh, ['sh', '-c', 'echo $0 $#'])).stdout, 'sh 0\n');
  });
  it('sh file args', async () => {
    const r = await runFakeOs(sh, ['sh', '/s.sh', 'x'], { files: { '/s.sh': '#!/bin/sh\necho "$0 $1"\nexit 3\n' } });
    assert.deepEqual([r.status, r.stdout], [3, '/s.sh x\n']);
  });
  it('sh file relative to the cwd; a missing file is 127', async () => {
    const ok = await runFakeOs(sh, ['sh', 's.sh'], { cwd: '/d', files: { '/d/s.sh': 'pwd' }, programs: {} });
    assert.equal(ok.stdout, '/d\n');
    const missing = await runFakeOs(sh, ['sh', 'nope.sh']);
    assert.deepEqual([missing.status, missing.stderr], [127, 'sh: nope.sh: No such file or directory\n']);
  });
  it('sh reads the script from stdin; sh -s args', async () => {
    assert.equal((await runFakeOs(sh, ['sh'], { stdin: 'echo from stdin\necho $#\n' })).stdout, 'from stdin\n0\n');
    assert.equal((await runFakeOs(sh, ['sh', '-s', 'a', 'b'], { stdin: 'echo $2' })).stdout, 'b\n');
  });
  it('-e and -x before -c', async () => {
    const r = await runFakeOs(sh, ['sh', '-ex', '-c', 'echo a; false; echo b']);
    assert.deepEqual([r.status, r.stdout, r.stderr], [1, 'a\n', '+ echo a\n+ false\n']);
  });
  it('usage errors exit 2', async () => {
    const noArg = await runFakeOs(sh, ['sh', '-c']);
    assert.equal(noArg.status, 2);
    assert.match(noArg.stderr, /^sh: -c: option requires an argument\nusage: sh/);
    const bad = await runFakeOs(sh, ['sh', '-q', '-c', 'true']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^sh: -q: unknown option/);
  });
  it('syntax errors exit 2 before running anything', async () => {
    const r = await runFakeOs(sh, ['sh', '-c', 'echo first\nfi']);
    assert.deepEqual([r.status, r.stdout, r.stderr], [2, '', "sh: syntax error: unexpected 'fi' (line 2)\n"]);
    const inFile = await runFakeOs(sh, ['sh', '/bad.sh'], { files: { '/bad.sh': 'echo "open' } });
    assert.deepEqual([inFile.status, inFile.stderr], [2, 'sh: syntax error: unterminated double quote (line 1)\n']);
  });
  it('eval reports syntax errors with status 2 and goes on', async () => {
    const r = await runFakeOs(sh, ['sh', '-c', 'eval "if"; echo $?']);
    assert.deepEqual([r.stdout, r.stderr], ['2\n', 'sh: eval: syntax error: empty if condition: expected a command, found end of file (line 1)\n']);
  });
  it('exit status is taken modulo 256', async () => {
    assert.equal((await runFakeOs(sh, ['sh', '-c', 'exit 258'])).status, 2);
  });
});
