import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FuelExhausted, runProgram } from '../testing/fake-proc.js';
import { grep } from './grep.js';

const TEXT = 'apple pie\nBanana split\ncherry tart\napple crumble\ngrape (juice)\n';
const run = (args: string[], stdin = TEXT, files?: Record<string, string>) => runProgram(grep, { argv: ['grep', ...args], stdin, files });

describe('grep', () => {
  it('prints matching lines and exits 0, or exits 1 when none match', async () => {
    assert.deepEqual(await run(['apple']).then((r) => [r.status, r.stdout]), [0, 'apple pie\napple crumble\n']);
    const r = await run(['kiwi']);
    assert.deepEqual([r.status, r.stdout], [1, '']);
  });

  it('-v -c -i -n', async () => {
    assert.equal((await run(['-v', 'apple'])).stdout, 'Banana split\ncherry tart\ngrape (juice)\n');
    assert.equal((await run(['-c', 'a'])).stdout, '5\n');
    assert.equal((await run(['-vc', 'apple'])).stdout, '3\n');
    assert.equal((await run(['-i', 'banana'])).stdout, 'Banana split\n');
    assert.equal((await run(['-n', 'tart\\|split'])).stdout, '2:Banana split\n3:cherry tart\n');
    assert.equal((await run(['-in', '-e', 'BANANA'])).stdout, '2:Banana split\n');
  });

  it('BRE: groups, intervals, back-references, literal ERE operators', async () => {
    assert.equal((await run(['\\(an\\)\\{2\\}'])).stdout, 'Banana split\n');
    assert.equal((await run(['(juice)'])).stdout, 'grape (juice)\n');
    assert.equal((await run(['p+'], 'p+q\npp\n')).stdout, 'p+q\n');
    assert.equal((await run(['p\\+'], 'p+q\npp\n')).stdout, 'p+q\npp\n');
    assert.equal((await run(['\\(p\\)\\1'])).stdout, 'apple pie\napple crumble\n');
    assert.equal((await run(['^[[:upper:]]'])).stdout, 'Banana split\n');
    assert.equal((await run(['*a'], '*a\nb\n')).stdout, '*a\n');
    assert.equal((await run(['a$b'], 'a$b\nab\n')).stdout, 'a$b\n');
  });

  it('ERE with -E and fixed strings with -F', async () => {
    assert.equal((await run(['-E', '^(apple|grape) '])).stdout, 'apple pie\napple crumble\ngrape (juice)\n');
    assert.equal((await run(['-E', '(an){2}'])).stdout, 'Banana split\n');
    assert.equal((await run(['-cE', 'e$|^c'])).stdout, '3\n');
    assert.equal((await run(['-F', '(juice)'])).stdout, 'grape (juice)\n');
    assert.equal((await run(['-F', 'a.c'], 'abc\na.c\n')).stdout, 'a.c\n');
    assert.equal((await run(['-e', 'pie', '-e', 'tart'])).stdout, 'apple pie\ncherry tart\n');
    assert.equal((await run(['-x', 'cherry tart'])).stdout, 'cherry tart\n');
    assert.equal((await run(['-w', 'app'])).status, 1);
  });

  it('-o prints each match; -m stops after NUM selected lines', async () => {
    assert.equal((await run(['-o', 'p\\+'])).stdout, 'pp\np\np\npp\np\n');
    assert.equal((await run(['-on', '-E', '[0-9]+'], 'a1b22\nc\n333\n')).stdout, '1:1\n1:22\n3:333\n');
    assert.equal((await run(['-m', '1', 'apple'])).stdout, 'apple pie\n');
    assert.equal((await run(['-cm2', 'a'])).stdout, '2\n');
  });

  it('-q stops at the first match and prints nothing', async () => {
    const r = await run(['-q', 'cherry']);
    assert.deepEqual([r.status, r.stdout], [0, '']);
    assert.equal((await run(['-q', 'kiwi'])).status, 1);
  });

  it('reads files, prefixing names when there are several, and exits 2 on a missing one', async () => {
    const files = { '/a': 'one\ntwo\n', '/b': 'three\ntwo\n' };
    assert.equal((await run(['two', 'a', 'b'], '', files)).stdout, 'a:two\nb:two\n');
    assert.equal((await run(['-c', 'o', 'a', 'b'], '', files)).stdout, 'a:2\nb:1\n');
    assert.equal((await run(['-l', 'three', 'a', 'b'], '', files)).stdout, 'b\n');
    const r = await run(['two', 'a', 'missing'], '', files);
    assert.deepEqual([r.status, r.stdout], [2, 'two\n'.replace(/^/, 'a:')]);
    assert.match(r.stderr, /grep: missing: no such file/);
  });

  it('-r searches directories recursively', async () => {
    const files = { '/src/a.txt': 'needle\n', '/src/sub/b.txt': 'hay\nneedle too\n', '/other.txt': 'needle\n' };
    const r = await runProgram(grep, { argv: ['grep', '-rn', 'needle', 'src'], files });
    assert.equal(r.stdout, 'src/a.txt:1:needle\nsrc/sub/b.txt:2:needle too\n');
    const cwd = await runProgram(grep, { argv: ['grep', '-r', 'too'], files, cwd: '/src' });
    assert.equal(cwd.stdout, 'sub/b.txt:needle too\n');
    const dir = await runProgram(grep, { argv: ['grep', 'x', 'src'], files });
    assert.equal(dir.status, 2);
  });

  it('rejects a bad pattern or option with status 2', async () => {
    for (const args of [['\\(a'], ['-E', 'a)'], ['[[:nope:]]'], ['-Z', 'x'], []]) {
      const r = await run(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /^grep: /);
    }
  });

  it('charges per byte examined and runs out of fuel on a large input', async () => {
    const small = await run(['a'], 'a\n');
    const big = await run(['a'], 'a\n'.repeat(100));
    assert.ok(big.fuel > small.fuel + 99 * 10);
    await assert.rejects(runProgram(grep, { argv: ['grep', 'x'], stdin: 'y\n'.repeat(10000), budget: 50000 }), FuelExhausted);
  });
});
