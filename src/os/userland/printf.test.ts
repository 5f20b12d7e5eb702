import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runProgram } from '../testing/fake-proc.js';
import { printf } from './printf.js';

const out = async (...args: string[]): Promise<string> => (await runProgram(printf, { argv: ['printf', ...args] })).stdout;

it('reuses the format while arguments remain; missing ones are empty or 0', async () => {
  assert.equal(await out('%s=%d\n', 'a', '1', 'b'), 'a=1\nb=0\n');
  assert.equal(await out('b\\na\\nc\\n'), 'b\na\nc\n');
  assert.equal(await out('%s\n'), '\n');
});

it('formats integers with flags, width and precision (GNU outputs)', async () => {
  assert.equal(await out('%5.2f|%-5d|%05d|%+d|%x|%o|%c|%i', '3.14159', '42', '42', '5', '255', '8', 'hello', '0x10'), ' 3.14|42   |00042|+5|ff|10|h|16');
  assert.equal(await out('%.3d|%5.3d|%-+6d|% d|%#x|%#o|%X', '7', '7', '7', '7', '255', '8', '255'), '007|  007|+7    | 7|0xff|010|FF');
  assert.equal(await out('%d %x %u', '-1', '-1', '-1'), '-1 ffffffffffffffff 18446744073709551615');
  assert.equal(await out('%d', "'A"), '65');
  assert.equal(await out('%*d|%-*s|', '4', '1', '3', 'a'), '   1|a  |');
});

it('formats floats like C', async () => {
  assert.equal(await out('%e|%g|%g|%g|%g', '12345.678', '0.0001', '123456789', '100', '1e-5'), '1.234568e+04|0.0001|1.23457e+08|100|1e-05');
  assert.equal(await out('%08.3f|%#.3g|%G|%10.4e|%f', '3.14159', '1', '1e-10', '3.5', '-0.5'), '0003.142|1.00|1E-10|3.5000e+00|-0.500000');
  assert.equal(await out('%.1f %s', '2.25e1', 'x'), '22.5 x');
});

it('%s precision, %b escapes, %% and format escapes', async () => {
  assert.equal(await out('%.3s|%5s|%-5s|', 'abcdef', 'ab', 'ab'), 'abc|   ab|ab   |');
  assert.equal(await out('%b|', 'a\\0101', 'b\\101\\t'), 'aA|bA\t|');
  assert.equal(await out('100%%\\t\\\\\\0101\\"'), '100%\t\\\b1"');
  assert.equal(await out('%b %s\\n', 'x\\cy', 'z'), 'x');
  assert.equal(await out('a\\cb'), 'a');
});

it('reports bad numbers with status 1 but prints what it parsed', async () => {
  const r = await runProgram(printf, { argv: ['printf', '%d|%d\n', '12ab', 'x'] });
  assert.deepEqual([r.status, r.stdout], [1, '12|0\n']);
  assert.equal(r.stderr, "printf: '12ab': value not completely converted\nprintf: 'x': expected a numeric value\n");
});

it('rejects an invalid conversion and a missing format; warns about unused arguments', async () => {
  const bad = await runProgram(printf, { argv: ['printf', 'a%yb'] });
  assert.deepEqual([bad.status, bad.stdout, bad.stderr], [1, 'a', 'printf: %y: invalid conversion specification\n']);
  const none = await runProgram(printf, { argv: ['printf'] });
  assert.deepEqual([none.status, none.stderr], [1, 'printf: missing operand\n']);
  const extra = await runProgram(printf, { argv: ['printf', 'hi\n', 'a'] });
  assert.deepEqual([extra.status, extra.stdout, extra.stderr], [0, 'hi\n', "printf: warning: ignoring excess arguments, starting with 'a'\n"]);
});
