/**
 * A compact S-expression rendering of the syntax tree, for tests and debugging:
 * `a | b && c` → `(&& (pipe (cmd a) (cmd b)) (cmd c))`. Words print as their source text.
 */
import type { AndOr, Command, List, Pipeline, Redirect } from './ast.js';

export function printAst(list: List): string {
  return printList(list);
}

function printList(list: List): string {
  if (list.items.length === 1) return printAndOr(list.items[0]!);
  return `(seq${list.items.map((item) => ' ' + printAndOr(item)).join('')})`;
}

function printAndOr(node: AndOr): string {
  let out = printPipeline(node.first);
  for (const { op, pipeline } of node.rest) out = `(${op} ${out} ${printPipeline(pipeline)})`;
  return node.background ? `(bg ${out})` : out;
}

function printPipeline(node: Pipeline): string {
  const inner = node.commands.length === 1 ? printCommand(node.commands[0]!) : `(pipe${node.commands.map((c) => ' ' + printCommand(c)).join('')})`;
  return node.bang ? `(! ${inner})` : inner;
}

function printRedirect(r: Redirect): string {
  const text = `${r.fd}${r.op}${r.target.raw}`;
  return r.body ? `${text}[${JSON.stringify(r.body.raw)}]` : text;
}

function redirs(list: Redirect[]): string {
  return list.map((r) => ' ' + printRedirect(r)).join('');
}

function printCommand(c: Command): string {
  switch (c.type) {
    case 'simple': {
      const parts = [...c.assigns.map((a) => `${a.name}=${a.value.raw}`), ...c.words.map((w) => w.raw), ...c.redirects.map(printRedirect)];
      return `(cmd ${parts.join(' ')})`;
    }
    case 'if': {
      let out = '(if';
      c.clauses.forEach((clause, i) => {
        out += `${i > 0 ? ' elif' : ''} ${printList(clause.cond)} ${printList(clause.then)}`;
      });
      if (c.else) out += ` else ${printList(c.else)}`;
      return out + ')' + redirs(c.redirects);
    }
    case 'while':
      return `(${c.until ? 'until' : 'while'} ${printList(c.cond)} ${printList(c.body)})${redirs(c.redirects)}`;
    case 'for':
      return `(for ${c.name} ${c.items ? `(${c.items.map((w) => w.raw).join(' ')})` : '"$@"'} ${printList(c.body)})${redirs(c.redirects)}`;
    case 'case':
      return `(case ${c.subject.raw}${c.items.map((item) => ` (${item.patterns.map((p) => p.raw).join('|')} ${item.body ? printList(item.body) : '-'})`).join('')})${redirs(c.redirects)}`;
    case 'group':
      return `(group ${printList(c.body)})${redirs(c.redirects)}`;
    case 'subshell':
      return `(subshell ${printList(c.body)})${redirs(c.redirects)}`;
    case 'function':
      return `(function ${c.name} ${printCommand(c.body)})`;
  }
}
