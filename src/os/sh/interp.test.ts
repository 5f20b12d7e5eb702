import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Program } from '../types.js';
import { FakeBudgetExhausted, runFakeOs } from '../testing/sh-fake.js';
import type { FakeOsOptions, FakeOsResult } from '../testing/sh-fake.js';
import { sh } from './index.js';

const run = (script: string, options: FakeOsOptions = {}, args: string[] = []): Promise<FakeOsResult> =>
  runFakeOs(sh, ['sh', '-c', script, 'sh', ...args], { ...options, programs: { sh, ...options.programs } });

/** stdout of a script that must succeed quietly. */
async function out(script: string, options: FakeOsOptions = {}, args: string[] = []): Promise<string> {
  const r = await run(script, options, args);
  assert.equal(r.stderr, '', `stderr of ${JSON.stringify(script)}`);
  return r.stdout;
}

describe('sh: simple commands and status', () => {
  it('runs a builtin and an external command', async () => {
    assert.equal(await out('echo hi; cat /f', { files: { '/f': 'file\n' } }), 'hi\nfile\n');
  });
  it('exit status of the last command', async () => {
    assert.equal((await run('true')).status, 0);
    assert.equal((await run('false')).status, 1);
    assert.equal((await run('status 7')).status, 7);
    assert.equal((await run('status 7; true')).status, 0);
  });
  it('$? is the previous status', async () => {
    assert.equal(await out('status 3; echo $?; echo $?'), '3\n0\n');
  });
  it('unknown command: 127 and "sh: name: not found"', async () => {
    const r = await run('nosuch a b; echo status=$?');
    assert.equal(r.stdout, 'status=127\n');
    assert.equal(r.stderr, 'sh: nosuch: not found\n');
    assert.equal((await run('nosuch')).status, 127);
  });
  it('exit ends the script with its status', async () => {
    const r = await run('echo a; exit 4; echo b');
    assert.deepEqual([r.status, r.stdout], [4, 'a\n']);
    assert.equal((await run('status 5; exit')).status, 5);
  });
  it('a syntax error exits 2 with a clear message', async () => {
    const r = await run('echo a; if true; then echo b');
    assert.deepEqual([r.status, r.stdout], [2, '']);
    assert.equal(r.stderr, "sh: syntax error: expected 'fi' to close the if, found end of file (line 1)\n");
  });
  it('& runs a job in the background; wait waits for it; a script waits for its jobs before it ends', async () => {
    const files = { '/dev/null': '' }; // a job's stdin
    assert.equal(await out('f() { echo job; }; f & echo "id $!"; wait; echo done', { files }), 'job\nid %1\ndone\n');
    const r = await run('g() { return 4; }; g & wait %1; echo $?; wait %9; echo $?', { files });
    assert.deepEqual([r.stdout, r.stderr], ['4\n127\n', 'sh: wait: %9: not a job of this shell\n']);
    assert.equal(await out('{ echo late; } & echo early', { files }), 'late\nearly\n');
  })
  it('echo builtin: -n, -e', async () => {
    assert.equal(await out('echo -n a; echo b c; echo -e "x\\ty"; echo "x\\ty"'), 'ab c\nx\ty\nx\\ty\n');
  });
  it('does not spawn for builtins', async () => {
    const r = await run('echo a; true; :; cd /; pwd');
    assert.deepEqual(r.spawns, []);
  });
});

describe('sh: && || !', () => {
  it('short-circuits', async () => {
    assert.equal(await out('true && echo a; false && echo b; false || echo c; true || echo d'), 'a\nc\n');
    assert.equal(await out('false && echo x || echo y'), 'y\n');
    assert.equal(await out('true || echo x && echo y'), 'y\n');
  });
  it('status of an and-or list', async () => {
    assert.equal((await run('true && false')).status, 1);
    assert.equal((await run('false || status 3')).status, 3);
    assert.equal((await run('false && true')).status, 1);
  });
  it('! negates', async () => {
    assert.equal(await out('! false && echo yes; ! true; echo $?'), 'yes\n1\n');
  });
});

describe('sh: pipelines', () => {
  it('connects stages', async () => {
    assert.equal(await out('echo hi | cat'), 'hi\n');
    assert.equal(await out('echo hi | upper | cat'), 'HI\n');
    assert.equal(await out('cat /f | count', { files: { '/f': 'a\nb\nc\n' } }), '3\n');
  });
  it('status is the last stage’s', async () => {
    assert.equal((await run('false | true')).status, 0);
    assert.equal((await run('true | false')).status, 1);
    assert.equal((await run('echo x | status 9')).status, 9);
    assert.equal((await run('! echo x | status 9')).status, 0);
  });
  it('spawns stages into one process group with the pipe ends as fds 0 and 1', async () => {
    const r = await run('cat /f | upper | count', { files: { '/f': 'x\n' } });
    assert.equal(r.stdout, '1\n');
    // Stages start together; the first to spawn leads the group, the others join it.
    assert.deepEqual(r.spawns.map((s) => s.argv[0]).sort(), ['cat', 'count', 'upper']);
    assert.equal(r.spawns[0]!.pgid, 0);
    assert.equal(r.spawns[1]!.pgid, r.spawns[2]!.pgid);
    assert.notEqual(r.spawns[1]!.pgid, 0);
    for (const s of r.spawns) assert.deepEqual(Object.keys(s.fds!), ['0', '1', '2']);
  });
  it('builtins and compound commands as stages', async () => {
    assert.equal(await out('for i in 1 2 3; do echo $i; done | upper | count'), '3\n');
    assert.equal(await out('{ echo a; echo b; } | upper'), 'A\nB\n');
    assert.equal(await out('printf_ish() { echo "<$1>"; }; printf_ish x | upper'), '<X>\n');
    assert.equal(await out('echo "a b\nc d" | while read x y; do echo "$y-$x"; done'), 'b-a\nd-c\n');
  });
  it('stages are subshells: assignments do not leak', async () => {
    assert.equal(await out('x=1; x=2 | true; echo $x; echo a | read x; echo $x'), '1\n1\n');
  });
  it('an unknown stage reports 127 without breaking the others', async () => {
    const r = await run('echo a | nosuch | cat; echo $?');
    assert.equal(r.stdout, '0\n');
    assert.equal(r.stderr, 'sh: nosuch: not found\n');
  });
  it('an in-process stage writing to a closed pipe ends like SIGPIPE', async () => {
    const r = await run('yes() { while :; do echo y; done; }; yes | head; echo $?', { budget: 1_000_000 });
    assert.deepEqual([r.stdout, r.stderr], ['y\n0\n', '']);
    assert.equal(await out('{ echo a; echo b; echo c; } | head'), 'a\n');
  });
  it('2>&1 into a pipe', async () => {
    assert.equal(await out('warn oops 2>&1 | upper'), 'OOPS\n');
  });
});

describe('sh: redirections', () => {
  it('> >> < into the file map', async () => {
    const r = await run('echo one >/out; echo two >>/out; cat </out; echo three >/out');
    assert.equal(r.stdout, 'one\ntwo\n');
    assert.equal(r.files['/out'], 'three\n');
  });
  it('relative paths resolve against the cwd', async () => {
    const r = await run('cd /d; echo x >f; cat f', { dirs: ['/d'] });
    assert.equal(r.stdout, 'x\n');
    assert.equal(r.files['/d/f'], 'x\n');
  });
  it('2>file, 2>&1 order, n>&m', async () => {
    const r = await run('warn e1 2>/err; warn e2 >/both 2>&1; warn e3 2>&1 >/only; echo x 3>/three 1>&3');
    assert.equal(r.files['/err'], 'e1\n');
    assert.equal(r.files['/both'], 'e2\n');
    assert.equal(r.files['/only'], '');
    assert.deepEqual([r.stdout, r.stderr], ['e3\n', '']);
    assert.equal(r.files['/three'], 'x\n');
  });
  it('redirections on builtins and compound commands are undone after', async () => {
    const r = await run('echo a >/f; echo b; { echo c; echo d; } >/g; for i in 1 2; do echo $i; done >>/g; echo e');
    assert.equal(r.stdout, 'b\ne\n');
    assert.deepEqual([r.files['/f'], r.files['/g']], ['a\n', 'c\nd\n1\n2\n']);
  });
  it('missing input file: message and status 1, command not run', async () => {
    const r = await run('cat </nope; echo $?');
    assert.equal(r.stdout, '1\n');
    assert.equal(r.stderr, 'sh: /nope: No such file or directory\n');
    assert.deepEqual(r.spawns, []);
  });
  it('bad descriptor', async () => {
    const r = await run('echo x >&7');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'sh: 7: Bad file descriptor\n');
  });
  it('>&- closes', async () => {
    const r = await run('echo x >&-; echo $?');
    assert.match(r.stdout, /^1\n$/);
  });
  it('here-documents', async () => {
    assert.equal(await out('x=world; cat <<EOF\nhello $x\n$(echo sub)\nEOF'), 'hello world\nsub\n');
    assert.equal(await out("cat <<'EOF'\n$x \\n\nEOF"), '$x \\n\n');
    assert.equal(await out('read a <<EOF\nfirst line\nEOF\necho "$a"'), 'first line\n');
  });
  it('exec >file redirects the rest of the script', async () => {
    const r = await run('exec >/log; echo a; echo b');
    assert.equal(r.stdout, '');
    assert.equal(r.files['/log'], 'a\nb\n');
  });
  it('assignment-only command with a redirection creates the file', async () => {
    const r = await run('>/empty');
    assert.equal(r.files['/empty'], '');
  });
});

describe('sh: variables, quoting and expansion', () => {
  it('assignments and expansion', async () => {
    assert.equal(await out('x=hello; echo $x ${x}world "$x"'), 'hello helloworld hello\n');
  });
  it('field splitting of unquoted expansions only', async () => {
    assert.equal(await out('x="a  b   c"; args $x; args "$x"'), '[a]\n[b]\n[c]\n[a  b   c]\n');
    assert.equal(await out('x=""; args $x; args "$x"; args ""'), '[]\n[]\n');
    assert.equal(await out('x=" lead trail "; args pre$x"post"'), '[pre]\n[lead]\n[trail]\n[post]\n');
  });
  it('IFS with non-white-space delimiters', async () => {
    assert.equal(await out('IFS=:; x="a::b:"; args $x'), '[a]\n[]\n[b]\n');
    assert.equal(await out('x="a:b c"; IFS=": "; args $x'), '[a]\n[b]\n[c]\n');
  });
  it('single quotes, double quotes and backslashes', async () => {
    assert.equal(await out(`x=v; args '$x' "$x" \\$x "\\$x" 'a"b' "a'b" a\\ b "\\\\"`), `[$x]\n[v]\n[$x]\n[$x]\n[a"b]\n[a'b]\n[a b]\n[\\]\n`);
  });
  it('positional parameters, $#, $@, $*', async () => {
    assert.equal(await out('echo $# $1 $2 $3; args "$@"; args "$*"; args $@', {}, ['a b', 'c']), '2 a b c\n[a b]\n[c]\n[a b c]\n[a]\n[b]\n[c]\n');
    assert.equal(await out('args "$@"; echo $#'), '0\n');
    assert.equal(await out('echo $0'), 'sh\n');
  });
  it('${…} operators', async () => {
    assert.equal(await out('echo ${u-d1} ${u:-d2} ${e-d3}. ${e:-d4} ${s:+alt} ${u+alt}.', { env: { e: '', s: 'set' } }), 'd1 d2 . d4 alt .\n');
    assert.equal(await out('echo ${x:=assigned}; echo $x'), 'assigned\nassigned\n');
    assert.equal(await out('args ${u:-"a b"} ${u:-a b} "${u:-a b}" ${s:+"$s 2"}', { env: { s: 'set' } }), '[a b]\n[a]\n[b]\n[a b]\n[set 2]\n');
    assert.equal(await out('p=/a/b/c.tar.gz; echo ${#p} ${p#*/} ${p##*/} ${p%.*} ${p%%.*}'), '13 a/b/c.tar.gz c.tar.gz /a/b/c.tar /a/b/c\n');
    const r = await run('echo ${nope:?is required}; echo after');
    assert.equal(r.stderr, 'sh: nope: is required\n');
  });
  it('command substitution', async () => {
    assert.equal(await out('x=$(echo a; echo b); echo "$x"; echo $(echo "1  2")'), 'a\nb\n1 2\n');
    assert.equal(await out('echo "$(echo hi | upper)" `echo bq`'), 'HI bq\n');
    assert.equal(await out('x=$(false); echo $?; x=$(true); echo $?'), '1\n0\n');
    assert.equal(await out('echo $(echo $(echo nested))'), 'nested\n');
  });
  it('arithmetic', async () => {
    assert.equal(await out('i=4; echo $((i * 2 + 1)) $(( (1+2) * $i )) $((i > 3)) $((7 / 2)) $((-7 % 3))'), '9 12 1 3 -1\n');
    const r = await run('echo $((1 / 0)); echo $?');
    assert.equal(r.stdout, '1\n');
    assert.match(r.stderr, /division by zero/);
  });
  it('prefix assignments go to the command only', async () => {
    const r = await run('X=1 env; echo "[$X]"; export Y=2; env', { env: { A: 'a' } });
    assert.equal(r.stdout, 'A=a\nX=1\n[]\nA=a\nY=2\n');
  });
  it('export and unset reach children and p.env', async () => {
    const r = await run('Z=local; export E=1; env; unset A; env; echo $Z', { env: { A: 'a' } });
    assert.equal(r.stdout, 'A=a\nE=1\nE=1\nlocal\n');
    assert.deepEqual([...r.env].sort(), [['E', '1']]);
  });
  it('tilde', async () => {
    assert.equal(await out('echo ~ ~/x "~" a~', { env: { HOME: '/h' } }), '/h /h/x ~ a~\n');
  });
  it('cd changes the cwd of children and p.cwd', async () => {
    const r = await run('cd /d/e; pwd; cd ..; echo $PWD; cd nope', { dirs: ['/d/e'] });
    assert.equal(r.stdout, '/d/e\n/d\n');
    assert.equal(r.stderr, 'sh: cd: nope: No such file or directory\n');
    assert.equal(r.status, 1);
    assert.equal(r.cwd, '/d');
  });
});

describe('sh: pathname expansion', () => {
  const files = { '/d/a.txt': '', '/d/b.txt': '', '/d/c.md': '', '/d/.hidden.txt': '', '/d/sub/x.txt': '', '/e/f': '' };
  it('expands unquoted patterns, sorted', async () => {
    assert.equal(await out('echo /d/*.txt; cd /d; echo *.txt ?.md; args [ab].txt', { files }), '/d/a.txt /d/b.txt\na.txt b.txt c.md\n[a.txt]\n[b.txt]\n');
  });
  it('across directories, hidden files only when asked', async () => {
    assert.equal(await out('echo /d/*/*.txt /*/f; cd /d; echo .*.txt */x*', { files }), '/d/sub/x.txt /e/f\n.hidden.txt sub/x.txt\n');
  });
  it('no match keeps the word; quoted patterns are literal', async () => {
    assert.equal(await out('echo /d/*.pdf "/d/*.txt" /d/\\*.txt; x="/d/*.txt"; echo "$x"; echo $x', { files }), '/d/*.pdf /d/*.txt /d/*.txt\n/d/*.txt\n/d/a.txt /d/b.txt\n');
  });
  it('[ as a command is not a pattern', async () => {
    const r = await run('[ a = a ] && echo yes', { files });
    assert.equal(r.stdout, 'yes\n');
  });
  it('for over a pattern', async () => {
    assert.equal(await out('for f in /d/*.txt; do echo "<$f>"; done', { files }), '</d/a.txt>\n</d/b.txt>\n');
  });
});

describe('sh: compound commands', () => {
  it('if / elif / else', async () => {
    const script = 'for v in 1 2 3; do if [ $v = 1 ]; then echo one; elif [ $v = 2 ]; then echo two; else echo other; fi; done';
    assert.equal(await out(script), 'one\ntwo\nother\n');
    assert.equal((await run('if false; then true; fi')).status, 0);
  });
  it('while and until with a counter', async () => {
    assert.equal(await out('i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done'), '1\n2\n3\n');
    assert.equal(await out('i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i'), '2\n');
  });
  it('while read over a file', async () => {
    assert.equal(await out('while read -r line; do echo "<$line>"; done </f', { files: { '/f': 'a b\n c\\d \n' } }), '<a b>\n<c\\d>\n');
  });
  it('for over words, splitting, and "$@"', async () => {
    assert.equal(await out('l="x y"; for i in a $l "b c"; do echo $i; done'), 'a\nx\ny\nb c\n');
    assert.equal(await out('for i; do echo $i; done', {}, ['p', 'q r']), 'p\nq r\n');
  });
  it('break and continue', async () => {
    assert.equal(await out('for i in 1 2 3 4; do if [ $i = 2 ]; then continue; fi; if [ $i = 4 ]; then break; fi; echo $i; done'), '1\n3\n');
    assert.equal(await out('for a in 1 2; do for b in x y; do break 2; done; echo no; done; echo end'), 'end\n');
  });
  it('case', async () => {
    const script = 'for f in a.txt b.sh README; do case $f in *.txt) echo "$f text";; *.sh|*.bash) echo "$f script";; *) echo "$f ?";; esac; done';
    assert.equal(await out(script), 'a.txt text\nb.sh script\nREADME ?\n');
    assert.equal(await out('x="*"; case a in "$x") echo literal;; *) echo glob;; esac'), 'glob\n');
  });
  it('groups share the shell; subshells do not', async () => {
    assert.equal(await out('x=1; { x=2; }; echo $x; (x=3; echo in $x); echo $x; (exit 4); echo $?'), '2\nin 3\n2\n4\n');
  });
});

describe('sh: functions', () => {
  it('positional parameters are the call’s, then restored', async () => {
    const script = 'f() { echo "$# [$1] [$2]"; }; f a "b c"; echo "$# $1"';
    assert.equal(await out(script, {}, ['top']), '2 [a] [b c]\n1 top\n');
  });
  it('return sets the status', async () => {
    assert.equal(await out('f() { return 3; echo no; }; f; echo $?'), '3\n');
    assert.equal(await out('f() { false; }; if f; then echo y; else echo n; fi'), 'n\n');
  });
  it('recursion and local', async () => {
    const script = 'fact() { local n=$1; if [ $n -le 1 ]; then echo 1; else echo $((n * $(fact $((n - 1))))); fi; }; fact 5';
    assert.equal(await out(script), '120\n');
    assert.equal(await out('x=g; f() { local x=l; echo $x; }; f; echo $x'), 'l\ng\n');
  });
  it('functions shadow programs and redirect like commands', async () => {
    const r = await run('cat() { echo fake; }; cat /x; cat >/o');
    assert.equal(r.stdout, 'fake\n');
    assert.equal(r.files['/o'], 'fake\n');
  });
  it('runaway recursion stops', async () => {
    const r = await run('f() { f; }; f');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /function nesting deeper than/);
  });
});

describe('sh: builtins', () => {
  it('set -e stops at the first failing command, but not in conditions', async () => {
    const r = await run('set -e; if false; then :; fi; false || true; ! true; echo before; false; echo after');
    assert.deepEqual([r.status, r.stdout], [1, 'before\n']);
    assert.equal((await runFakeOs(sh, ['sh', '-e', '-c', 'status 3; echo no'], { programs: { sh } })).status, 3);
  });
  it('set -x traces', async () => {
    const r = await run('set -x; X=1 echo "a b"');
    assert.equal(r.stderr, '+ X=1 echo a b\n');
  });
  it('set -- and shift', async () => {
    assert.equal(await out('set -- a b c; echo $#; shift; echo $1; shift 2; echo $#'), '3\nb\n0\n');
  });
  it('read splits into variables, the last gets the rest', async () => {
    assert.equal(await out('echo "  one two  three  " | { read a b; echo "[$a][$b]"; }'), '[one][two  three]\n');
    assert.equal(await out('read x; echo "$x $?"; read y; echo "[$y] $?"', { stdin: 'first\nlast-no-newline' }), 'first 0\n[last-no-newline] 1\n');
  });
  it('eval and .', async () => {
    assert.equal(await out('cmd="echo evaluated"; eval $cmd; . /lib.sh; greet you', { files: { '/lib.sh': 'greet() { echo "hi $1"; }\n' } }), 'evaluated\nhi you\n');
  });
  it('sh nested through spawn', async () => {
    assert.equal(await out(`sh -c 'echo "$0 $1"' name arg | upper`), 'NAME ARG\n');
  });
});

describe('sh: fuel', () => {
  it('while true; do :; done ends when the budget is spent', async () => {
    await assert.rejects(run('while true; do :; done', { budget: 200_000 }), FakeBudgetExhausted);
  });
  it('an infinite loop of spawns and of function calls end too', async () => {
    await assert.rejects(run('while true; do cat </dev/null; done', { budget: 500_000, files: { '/dev/null': '' } }), FakeBudgetExhausted);
    await assert.rejects(run('f() { :; }; while :; do f; done', { budget: 200_000 }), FakeBudgetExhausted);
  });
  it('a fuel error in a child propagates out of the shell', async () => {
    const spin: Program = async (p) => {
      for (;;) p.charge(1000);
    };
    await assert.rejects(run('echo a | spin', { budget: 100_000, programs: { spin } }), FakeBudgetExhausted);
  });
  it('doubling a string is metered by its size', async () => {
    await assert.rejects(run('x=ab; while :; do x="$x$x"; done', { budget: 5_000_000 }), FakeBudgetExhausted);
  });
  it('recursion through command substitution is bounded', async () => {
    // The innermost subshell gives up; the ones around it go on as they would after any failure.
    const r = await run('f() { echo $(f); }; f', { budget: 100_000_000 });
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, '\n', 'sh: f: function nesting deeper than 200\n']);
  });
  it('charges per command', async () => {
    const one = (await run(':')).fuel;
    const ten = (await run(': ; : ; : ; : ; : ; : ; : ; : ; : ; :')).fuel;
    assert.ok(ten - one >= 9 * 100, `${one} ${ten}`);
  });
});
