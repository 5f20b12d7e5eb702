import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runProgram } from '../testing/fake-proc.js';
import { USERLAND } from './index.js';

it('names every tool the way it is run', () => {
  for (const name of ['[', 'cat', 'cp', 'cut', 'echo', 'env', 'false', 'head', 'ls', 'mkdir', 'mv', 'printf', 'rm', 'seq', 'sleep', 'sort', 'tail', 'tee', 'test', 'touch', 'tr', 'true', 'uniq', 'wc', 'yes']) {
    assert.equal(typeof USERLAND[name], 'function', name);
  }
});

it('pipes through the table: seq 10 | sort -rn | head -n 3 | tr -d 1 | wc -l', async () => {
  let data = '';
  for (const argv of [['seq', '10'], ['sort', '-rn'], ['head', '-n', '3'], ['tr', '-d', '1'], ['wc', '-l']]) {
    const r = await runProgram(USERLAND[argv[0]!]!, { argv, stdin: data });
    assert.equal(r.status, 0, argv.join(' '));
    data = r.stdout;
  }
  assert.equal(data, '3\n');
});
