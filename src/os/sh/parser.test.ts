import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SimpleCommand, Word } from './ast.js';
import { parse, ShSyntaxError } from './parser.js';
import { printAst } from './print.js';

const ast = (src: string): string => printAst(parse(src));
const firstSimple = (src: string): SimpleCommand => {
  const cmd = parse(src).items[0]!.first.commands[0]!;
  assert.equal(cmd.type, 'simple');
  return cmd as SimpleCommand;
};
const words = (src: string): Word[] => firstSimple(src).words;

describe('parser: AST snapshots', () => {
  const cases: [string, string][] = [
    ['echo hi', '(cmd echo hi)'],
    ['  echo   a\tb  ', '(cmd echo a b)'],
    ['a; b; c', '(seq (cmd a) (cmd b) (cmd c))'],
    ['a\nb\n\n c\n', '(seq (cmd a) (cmd b) (cmd c))'],
    ['a;', '(cmd a)'],
    ['', '(seq)'],
    ['# only a comment', '(seq)'],
    ['echo a # comment\necho b', '(seq (cmd echo a) (cmd echo b))'],
    ['echo a#b', '(cmd echo a#b)'],
    ['a && b', '(&& (cmd a) (cmd b))'],
    ['a || b', '(|| (cmd a) (cmd b))'],
    ['a && b || c && d', '(&& (|| (&& (cmd a) (cmd b)) (cmd c)) (cmd d))'],
    ['a &&\n b', '(&& (cmd a) (cmd b))'],
    ['a | b', '(pipe (cmd a) (cmd b))'],
    ['a | b | c', '(pipe (cmd a) (cmd b) (cmd c))'],
    ['a |\n b', '(pipe (cmd a) (cmd b))'],
    ['a | b && c | d', '(&& (pipe (cmd a) (cmd b)) (pipe (cmd c) (cmd d)))'],
    ['! a', '(! (cmd a))'],
    ['! a | b', '(! (pipe (cmd a) (cmd b)))'],
    ['X=1 cmd', '(cmd X=1 cmd)'],
    ['X=1 Y=2', '(cmd X=1 Y=2)'],
    ['cmd X=1', '(cmd cmd X=1)'],
    ['X= cmd', '(cmd X= cmd)'],
    ['"X"=1 cmd', '(cmd "X"=1 cmd)'],
    ['cmd <in >out', '(cmd cmd 0<in 1>out)'],
    ['cmd >>log 2>&1', '(cmd cmd 1>>log 2>&1)'],
    ['cmd 2>err 3<&0 4>&- >|f <>rw', '(cmd cmd 2>err 3<&0 4>&- 1>|f 0<>rw)'],
    ['>out', '(cmd 1>out)'],
    ['cmd 2> err', '(cmd cmd 2>err)'],
    ['cmd 2 >err', '(cmd cmd 2 1>err)'],
    ['if a; then b; fi', '(if (cmd a) (cmd b))'],
    ['if a; then b; else c; fi', '(if (cmd a) (cmd b) else (cmd c))'],
    ['if a; then b; elif c; then d; elif e; then f; else g; fi', '(if (cmd a) (cmd b) elif (cmd c) (cmd d) elif (cmd e) (cmd f) else (cmd g))'],
    ['if a\nthen\n  b\n  c\nfi', '(if (cmd a) (seq (cmd b) (cmd c)))'],
    ['if a; b; then c; fi >out', '(if (seq (cmd a) (cmd b)) (cmd c)) 1>out'],
    ['while a; do b; done', '(while (cmd a) (cmd b))'],
    ['until a; do b; done', '(until (cmd a) (cmd b))'],
    ['while true; do :; done', '(while (cmd true) (cmd :))'],
    ['while read l; do echo $l; done <in', '(while (cmd read l) (cmd echo $l)) 0<in'],
    ['for x in a b c; do echo $x; done', '(for x (a b c) (cmd echo $x))'],
    ['for x in; do echo; done', '(for x () (cmd echo))'],
    ['for x do echo $x; done', '(for x "$@" (cmd echo $x))'],
    ['for x; do echo $x; done', '(for x "$@" (cmd echo $x))'],
    ['for x in a\ndo\necho $x\ndone', '(for x (a) (cmd echo $x))'],
    ['case $x in a) echo a;; b|c) echo bc;; *) ;; esac', '(case $x (a (cmd echo a)) (b|c (cmd echo bc)) (* -))'],
    ['case x in\n (a) echo a\nesac', '(case x (a (cmd echo a)))'],
    ['{ a; b; }', '(group (seq (cmd a) (cmd b)))'],
    ['{ a; } >out', '(group (cmd a)) 1>out'],
    ['( a; b )', '(subshell (seq (cmd a) (cmd b)))'],
    ['(a) | b', '(pipe (subshell (cmd a)) (cmd b))'],
    ['f() { echo hi; }', '(function f (group (cmd echo hi)))'],
    ['f ( ) {\n echo hi\n}', '(function f (group (cmd echo hi)))'],
    ['f() ( echo hi )', '(function f (subshell (cmd echo hi)))'],
    ['f() { a; }; f x', '(seq (function f (group (cmd a))) (cmd f x))'],
    ['echo }', '(cmd echo })'],
    ['echo if then', '(cmd echo if then)'],
    ['"if" x', '(cmd "if" x)'],
    ['echo $(a | b) `c` $((1 + 2))', '(cmd echo $(a | b) `c` $((1 + 2)))'],
    ['cat <<EOF\nline $x\nEOF\necho next', '(seq (cmd cat 0<<EOF["line $x\\n"]) (cmd echo next))'],
    ["cat <<'EOF'\n$x\nEOF", `(cmd cat 0<<'EOF'["$x\\n"])`],
    ['cat <<-EOF\n\tindented\n\tEOF', '(cmd cat 0<<-EOF["indented\\n"])'],
    ['a <<A; b <<B\n1\nA\n2\nB', '(seq (cmd a 0<<A["1\\n"]) (cmd b 0<<B["2\\n"]))'],
    ['a & b', '(seq (bg (cmd a)) (cmd b))'],
    ['a && b &\nc', '(seq (bg (&& (cmd a) (cmd b))) (cmd c))'],
    ['a | b &', '(bg (pipe (cmd a) (cmd b)))'],
  ];
  for (const [src, expected] of cases) it(JSON.stringify(src), () => assert.equal(ast(src), expected));
});

describe('parser: words and quoting', () => {
  it('keeps quoting as part flags', () => {
    assert.deepEqual(words(`a'b c'"d"\\e`)[0]!.parts, [
      { type: 'lit', value: 'a', quoted: false },
      { type: 'lit', value: 'b cde', quoted: true },
    ]);
  });
  it('backslash-newline joins lines', () => {
    assert.deepEqual(words('echo a\\\nb')[1]!.parts, [{ type: 'lit', value: 'ab', quoted: false }]);
  });
  it('empty quotes make an empty quoted literal', () => {
    assert.deepEqual(words(`'' ""`).map((w) => w.parts), [[{ type: 'lit', value: '', quoted: true }], [{ type: 'lit', value: '', quoted: true }]]);
  });
  it('"$@" alone has no literal part', () => {
    assert.deepEqual(words(`"$@"`)[0]!.parts, [{ type: 'param', name: '@', quoted: true }]);
  });
  it('parameters: names, specials, braces, operators', () => {
    const parts = words('$x ${long_name} $? $# $1 $12 ${10} ${x:-d} ${x#*/} ${#x} $ $-')
      .map((w) => w.parts[0]!)
      .map((p) => (p.type === 'param' ? `${p.name}${p.op ? ` ${p.op} ${p.arg?.raw ?? ''}` : ''}` : `lit ${p.type === 'lit' ? p.value : ''}`));
    assert.deepEqual(parts, ['x', 'long_name', '?', '#', '1', '1', '10', 'x :- d', 'x # */', 'x length ', 'lit $', '-']);
    assert.deepEqual(words('$12')[0]!.parts[1], { type: 'lit', value: '2', quoted: false });
  });
  it('double quotes: escapes only before $ ` " \\ and newline', () => {
    assert.deepEqual(words(`"a\\$b\\n\\"\\\\"`)[0]!.parts, [{ type: 'lit', value: 'a$b\\n"\\', quoted: true }]);
  });
  it('expansions inside double quotes are quoted', () => {
    const [w] = words(`"x=$x $(y) \${z:-$w}"`);
    assert.deepEqual(
      w!.parts.map((p) => [p.type, p.quoted]),
      [
        ['lit', true],
        ['param', true],
        ['lit', true],
        ['cmdsub', true],
        ['lit', true],
        ['param', true],
      ],
    );
  });
  it('command substitution bodies are parsed', () => {
    const part = words('$(a | b; c)')[0]!.parts[0]!;
    assert.equal(part.type, 'cmdsub');
    if (part.type === 'cmdsub') assert.equal(printAst(part.body), '(seq (pipe (cmd a) (cmd b)) (cmd c))');
    const nested = words('$(echo "$(x ")")")')[0]!.parts[0]!;
    assert.equal(nested.type === 'cmdsub' && printAst(nested.body), '(cmd echo "$(x ")")")');
  });
  it('arithmetic keeps its source', () => {
    const part = words('$((i * (2 + $j)))')[0]!.parts[0]!;
    assert.equal(part.type, 'arith');
    if (part.type === 'arith') assert.deepEqual(part.expr.parts.map((p) => p.type), ['lit', 'param', 'lit']);
    if (part.type === 'arith') assert.equal(part.expr.raw, 'i * (2 + $j)');
  });
  it('$( (a) ) is a command substitution of a subshell, not arithmetic', () => {
    const part = words('$( (a) )')[0]!.parts[0]!;
    assert.equal(part.type === 'cmdsub' && printAst(part.body), '(subshell (cmd a))');
  });
  it('assignments split at the first =', () => {
    const cmd = firstSimple('A=b=c B="$x y" C=');
    assert.deepEqual(
      cmd.assigns.map((a) => [a.name, a.value.raw]),
      [
        ['A', 'b=c'],
        ['B', '"$x y"'],
        ['C', ''],
      ],
    );
  });
  it('unquoted here-document bodies expand, quoted ones are literal', () => {
    const r = firstSimple('cat <<E\n$x \\$y\nE').redirects[0]!;
    assert.deepEqual(r.body!.parts, [
      { type: 'param', name: 'x', quoted: true },
      { type: 'lit', value: ' $y\n', quoted: true },
    ]);
  });
});

describe('parser: syntax errors', () => {
  const cases: [string, RegExp][] = [
    ['if a; then b', /expected 'fi' to close the if, found end of file \(line 1\)/],
    ['if a; then', /empty then branch/],
    ['if a; b; fi', /expected 'then' after the if condition, found 'fi'/],
    ['while a; b; done', /expected 'do'/],
    ['while a; do b', /expected 'done' to close the while loop/],
    ['for 1x in a; do b; done', /bad for loop variable '1x'/],
    ['for x in a b do c; done', /expected 'do' in the for loop/],
    ['{ a; ', /expected '}' to close the group/],
    ['{ }', /empty group/],
    ['( a', /expected '\)' to close the subshell/],
    ['& a', /unexpected '&'/],
    ['a & & b', /unexpected '&'/],
    ['a &&', /unexpected end of file/],
    ['| a', /unexpected '\|'/],
    ['a | | b', /unexpected '\|'/],
    ['a ;; b', /unexpected ';;'/],
    ['fi', /unexpected 'fi'/],
    ['done', /unexpected 'done'/],
    ['then x', /unexpected 'then'/],
    ['echo )', /unexpected '\)'/],
    ['echo (', /unexpected '\('/],
    ['cat >', /expected a file name after '>', found end of file/],
    ['cat > | x', /expected a file name after '>', found '\|'/],
    ["echo 'abc", /unterminated single quote/],
    ['echo "abc', /unterminated double quote/],
    ['echo $(abc', /unterminated '\$\('/],
    ['echo `abc', /unterminated backquote/],
    ['echo ${x', /missing '}'/],
    ['echo ${!x}', /bad substitution/],
    ['cat <<EOF\nbody', /here-document delimited by 'EOF' is not closed/],
    ['f() echo', /the body of function 'f' must be a compound command/],
    ['case x in a) b;; c) d', /expected ';;' or 'esac'/],
    ['echo a\necho b\nif x; then\nfi', /\(line 4\)/],
  ];
  for (const [src, message] of cases) {
    it(JSON.stringify(src), () => {
      assert.throws(
        () => parse(src),
        (e: unknown) => e instanceof ShSyntaxError && message.test(e.message) && e.message.startsWith('syntax error: '),
      );
    });
  }
});
