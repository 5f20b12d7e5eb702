import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FuelExhausted, fileText, runProgram } from '../../testing/fake-proc.js';
import type { FakeProcOptions } from '../../testing/fake-proc.js';
import { awk } from './index.js';

const run = (args: string[], stdin = '', extra: FakeProcOptions = {}) => runProgram(awk, { argv: ['awk', ...args], stdin, ...extra });
const out = async (args: string[], stdin = '') => {
  const r = await run(args, stdin);
  assert.equal(r.stderr, '', `stderr of ${args.join(' ')}`);
  assert.equal(r.status, 0);
  return r.stdout;
};
const seq = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');

describe('awk', () => {
  it('sums a column: seq 1 100 | awk \'{s+=$1} END {print s}\'', async () => {
    assert.equal(await out(['{s+=$1} END {print s}'], seq(100)), '5050\n');
  });

  it('splits fields on blanks, -F characters and -F regexes', async () => {
    assert.equal(await out(['{ print $2, NF, $NF }'], '  a   b\tc  \n'), 'b 3 c\n');
    assert.equal(await out(['-F:', '{ print $1 "|" $3 }'], 'root:x:0:0\nme:x:1000:1000\n'), 'root|0\nme|1000\n');
    assert.equal(await out(['-F', ',', '{ print NF }'], 'a,,b\n'), '3\n');
    assert.equal(await out(['-F', '[0-9]+', '{ print $1 $2 $3 }'], 'a12b3c\n'), 'abc\n');
    assert.equal(await out(['-F', '\\t', '{ print $2 }'], 'a b\tc d\n'), 'c d\n');
    assert.equal(await out(['-F', '|', '{ print $2 }'], 'x|y\n'), 'y\n');
    assert.equal(await out(['BEGIN { FS = "," } { print $2 }'], 'a,b\n'), 'b\n');
  });

  it('modifies fields, NF and $0, rebuilding the record with OFS', async () => {
    assert.equal(await out(['BEGIN { OFS = "-" } { $2 = "X"; print; NF = 2; print; $4 = "d"; print; print NF }'], 'a b c\n'), 'a-X-c\na-X\na-X--d\n4\n');
    assert.equal(await out(['{ $0 = "p q"; print $2, NF }'], 'x\n'), 'q 2\n');
    assert.equal(await out(['{ $1 = $1; print }', 'OFS=,'], 'a  b\n'), 'a,b\n');
  });

  it('printf and sprintf formats', async () => {
    const fmt = 'BEGIN { printf "%d|%i|%5.2f|%-4d|%04d|%+d|%x|%X|%o|%e|%E|%g|%G|%c|%c|%s|%.2s|%10s|%-3s|%%|%5.1e\\n", 42.9, -7, 3.14159, 5, 7, 3, 255, 255, 8, 12345.678, 0.5, 0.0001, 1e20, 65, "hi", "str", "abc", "r", "l", 31415 }';
    assert.equal(await out([fmt]), '42|-7| 3.14|5   |0007|+3|ff|FF|10|1.234568e+04|5.000000E-01|0.0001|1E+20|A|h|str|ab|         r|l  |%|3.1e+04\n');
    assert.equal(await out(['BEGIN { s = sprintf("%*d|%-*s|", 4, 1, 3, "x"); print s; printf("%s=%d\\n", "n", 12) }']), '   1|x  |\nn=12\n');
    assert.equal(await out(['BEGIN { printf "%g %g %g %g\\n", 100000, 1000000, 3.0, 1/3 }']), '100000 1e+06 3 0.333333\n');
  });

  it('counts words with associative arrays, in, delete and for-in', async () => {
    const prog = '{ for (i = 1; i <= NF; i++) count[$i]++ } END { for (w in count) print w, count[w]; if ("b" in count) print "has b"; delete count["b"]; if (!("b" in count)) print "no b"; n = 0; for (w in count) n++; print n }';
    assert.equal(await out([prog], 'a b a\nc b a\n'), 'a 3\nb 2\nc 1\nhas b\nno b\n2\n');
    assert.equal(await out(['BEGIN { a[1,"x"] = 5; for (k in a) { split(k, p, SUBSEP); print p[1], p[2] } if ((1, "x") in a) print "yes"; delete a; print length(a) }']), '1 x\nyes\n0\n');
  });

  it('sub, gsub, match, split, substr, index, length, case', async () => {
    assert.equal(await out(['{ n = gsub(/o/, "0"); sub(/l+/, "[&]"); print n, $0 }'], 'hello world\n'), '2 he[ll]0 w0rld\n');
    assert.equal(await out(['{ gsub(/[aeiou]/, "<\\\\&>", $2); print }'], 'xx banana\n'), 'xx b<&>n<&>n<&>\n');
    assert.equal(await out(['BEGIN { s = "aaa"; gsub(/x*/, "-", s); print s; t = "foo.bar"; gsub(".", "!", t); print t; u = "a.b"; gsub(/\\./, "\\\\\\\\", u); print u }']), '-a-a-a-\n!!!!!!!\na\\b\n');
    assert.equal(await out(['BEGIN { print match("foobar", /o+/), RSTART, RLENGTH; print match("x", /y/), RSTART, RLENGTH }']), '2 2 2\n0 0 -1\n');
    assert.equal(await out(['BEGIN { n = split("a:b:c", p, ":"); print n, p[1] p[3]; n = split("  x  y ", q); print n, q[2]; print split("", r), length(r) }']), '3 ac\n2 y\n0 0\n');
    assert.equal(await out(['BEGIN { print substr("hello", 2, 3), substr("hello", 3), substr("hello", 0, 2), substr("hello", 10) "|"; print index("abc", "c"), index("abc", "z"), length("héllo"), toupper("aB"), tolower("Ab") }']), 'ell llo h |\n3 0 5 AB ab\n');
    assert.equal(await out(['{ print length, length($1) }'], 'abc de\n'), '6 3\n');
  });

  it('number and string semantics: conversions, comparisons, CONVFMT and OFMT', async () => {
    assert.equal(await out(['BEGIN { print 1 + "2abc", "3" * "4", "x" + 0, 1/4, 1e6, 1e16 + 0, 0.1 + 0.2, 10 % 3, -7 % 3, 2 ^ 10, 2 ** 3 ** 2, -2 ^ 2 }']), '3 12 0 0.25 1000000 10000000000000000 0.3 1 -1 1024 512 -4\n');
    assert.equal(await out(['BEGIN { print (2 < 10), ("2" < "10"), ("abc" < "abd"), (x == 0), (x == ""), ("a" > 1) }']), '1 0 1 1 1 1\n');
    assert.equal(await out(['{ print ($1 < $2), ($1 == 10), ($3 == "abc") }'], '9 10 abc\n'), '1 0 1\n');
    assert.equal(await out(['{ print ($1 == $2) }'], '1.0 1\n'), '1\n');
    assert.equal(await out(['BEGIN { CONVFMT = "%.2f"; a = 3.14159; b = a ""; print b; OFMT = "%.1f"; print a, 17, 17 "" }']), '3.14\n3.1 17 17\n');
    assert.equal(await out(['BEGIN { x = "A"; y = x 1 2; print y, 1 " " 2, 1 " " (-2) }']), 'A12 1 2 1 -2\n');
    assert.equal(await out(['BEGIN { print !0, !"", !"a", !x, 1 && "", 0 || "0" }']), '1 1 0 1 0 1\n');
    assert.equal(await out(['BEGIN { print int(-3.7), int("4.9x"), sqrt(16), exp(0), log(1), sin(0), cos(0), atan2(0, -1) }']), '-3 4 4 1 0 0 1 3.14159\n');
  });

  it('control flow: if/else, while, do-while, for, break, continue, next, exit', async () => {
    const prog = 'BEGIN { for (i = 0; i < 10; i++) { if (i == 2) continue; if (i == 5) break; s = s i } print s; while (j < 3) j++; print j; do k += 2; while (k < 5); print k; if (k > 100) print "big"; else if (k > 5) print "mid"; else print "small" }';
    assert.equal(await out([prog]), '0134\n3\n6\nmid\n');
    assert.equal(await out(['/skip/ { next } { print } END { print NR }'], 'a\nskip\nb\n'), 'a\nb\n3\n');
    const r = await run(['{ print; if (NR == 2) exit 3 } END { print "end" }'], 'a\nb\nc\n');
    assert.deepEqual([r.status, r.stdout], [3, 'a\nb\nend\n']);
    const b = await run(['BEGIN { exit 1 } END { print "end ran"; exit }'], 'x\n');
    assert.deepEqual([b.status, b.stdout], [1, 'end ran\n']);
  });

  it('patterns: expressions, regexes, ranges, BEGIN/END only', async () => {
    assert.equal(await out(['NR % 2'], 'a\nb\nc\n'), 'a\nc\n');
    assert.equal(await out(['/^b/, /^d/ { print NR }'], 'a\nb\nc\nd\ne\nb\n'), '2\n3\n4\n6\n');
    assert.equal(await out(['$2 ~ /^[0-9]+$/ && $1 !~ "x" { print $1 }'], 'a 1\nx 2\nb c\nd 33\n'), 'a\nd\n');
    assert.equal(await out(['BEGIN { print "only" }'], 'never read\n'), 'only\n');
    assert.equal(await out(['END { print NR, $0 }'], 'a\nlast\n'), '2 last\n');
  });

  it('user-defined functions, recursion and arrays by reference', async () => {
    const prog = 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) }\nfunction fill(a, n,   i) { for (i = 1; i <= n; i++) a[i] = i * i }\nBEGIN { print fact(10); fill(sq, 4); print sq[4], length(sq); print i "" }';
    assert.equal(await out([prog]), '3628800\n16 4\n\n');
  });

  it('-v, var=value operands, ARGV, FILENAME, FNR and files', async () => {
    const files = { '/a.txt': 'a1\na2\n', '/b.txt': 'b1\n' };
    const r = await run(['-v', 'x=5', '-v', 's=a\\tb', '{ print FILENAME, FNR, NR, x + 1, s, y }', 'a.txt', 'y=7', 'b.txt'], '', { files });
    assert.equal(r.stdout, 'a.txt 1 1 6 a\tb \na.txt 2 2 6 a\tb \nb.txt 1 3 6 a\tb 7\n');
    assert.equal(await out(['BEGIN { print ARGC, ARGV[0], ARGV[1] }', 'q']), '2 awk q\n');
    const m = await run(['{ print }', 'missing.txt']);
    assert.equal(m.status, 2);
    assert.match(m.stderr, /awk: can't open file missing.txt/);
  });

  it('print redirection and getline', async () => {
    const r = await run(['{ print $1 > "/out.txt"; print $2 >> "/log.txt" } END { close("/out.txt"); while ((getline line < "/out.txt") > 0) n++; print n }'], 'a 1\nb 2\n', { files: { '/log.txt': 'old\n' } });
    assert.equal(r.stdout, '2\n');
    assert.equal(fileText(r.files, '/out.txt'), 'a\nb\n');
    assert.equal(fileText(r.files, '/log.txt'), 'old\n1\n2\n');
    assert.equal(await out(['NR == 1 { getline; print "after getline:", $0, NR } END { print NR }'], 'x\ny\nz\n'), 'after getline: y 2\n3\n');
    assert.equal(await out(['BEGIN { while ((getline l) > 0) s = s l; print s }'], 'a\nb\n'), 'ab\n');
    assert.equal(await out(['BEGIN { RS = "" } { print NR ": " $1 "/" $NF }'], '\na b\nc\n\n\nd e\n'), '1: a/c\n2: d/e\n');
    assert.equal(await out(['BEGIN { RS = ";" } { print $0 }'], 'a;b;c'), 'a\nb\nc\n');
  });

  it('rand is deterministic: seeded 0 unless srand(n)', async () => {
    const prog = 'BEGIN { a = rand(); srand(1); b = rand(); srand(1); c = rand(); print (a == b), (b == c), (a >= 0 && a < 1), srand(5) }';
    assert.equal(await out([prog]), '0 1 1 1\n');
    assert.equal(await out(['BEGIN { print rand() }']), await out(['BEGIN { print rand() }']));
  });

  it('reports syntax errors with status 2 and a line number', async () => {
    for (const prog of ['BEGIN { print', '{ x = }', 'BEGIN { if x }', '{ print "abc }', '{ f(1) }', 'BEGIN { break }', '{ x[ }', 'BEGIN { print 1,, 2 }', 'BEGIN { getline < }']) {
      const r = await run([prog]);
      assert.equal(r.status, 2, prog);
      assert.match(r.stderr, /^awk: .*(line \d|not supported)/, prog);
      assert.equal(r.stdout, '');
    }
    assert.equal((await run([])).status, 2);
  });

  it('reads the program from -f files', async () => {
    const r = await run(['-f', '/prog.awk', '-f', 'lib.awk'], 'a b\n', { files: { '/prog.awk': '{ print twice($2) }\n', '/lib.awk': 'function twice(s) { return s s }\n' } });
    assert.deepEqual([r.status, r.stdout], [0, 'bb\n']);
    const m = await run(['-f', 'nope.awk']);
    assert.equal(m.status, 2);
  });

  it('rejects programs nested too deeply instead of overflowing the stack', async () => {
    for (const prog of [`BEGIN { x = ${'('.repeat(3000)}1${')'.repeat(3000)} }`, `BEGIN { x = ${Array(3000).fill('a').join(' ')} }`, `BEGIN ${'{'.repeat(3000)}${'}'.repeat(3000)}`]) {
      const r = await run([prog]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /nested too deeply/);
    }
  });

  it('reports runtime errors with status 2', async () => {
    for (const prog of ['BEGIN { print 1 / 0 }', 'BEGIN { x[1] = 1; x = 2 }', 'BEGIN { x = 1; x[1] = 2 }', 'BEGIN { print $(-1) }', 'function f(n) { return f(n + 1) } BEGIN { f(1) }', 'BEGIN { print "a" ~ "(" }']) {
      const r = await run([prog]);
      assert.equal(r.status, 2, prog);
      assert.match(r.stderr, /^awk: /, prog);
    }
  });

  it('an infinite loop ends with the budget exception', async () => {
    await assert.rejects(run(['BEGIN { while (1) {} }'], '', { budget: 200_000 }), FuelExhausted);
    await assert.rejects(run(['BEGIN { for (;;) x++ }'], '', { budget: 200_000 }), FuelExhausted);
    await assert.rejects(run(['function f() { while (1) ; } BEGIN { f() }'], '', { budget: 200_000 }), FuelExhausted);
  });

  it('charges the same fuel on every run, growing with the input', async () => {
    const a = await run(['{ s += $1 } END { print s }'], seq(100));
    const b = await run(['{ s += $1 } END { print s }'], seq(100));
    const c = await run(['{ s += $1 } END { print s }'], seq(200));
    assert.equal(a.fuel, b.fuel);
    assert.ok(c.fuel > a.fuel + 100 * 10);
  });
});
