/**
 * The shell's syntax tree (POSIX XCU 2.9 "Shell Commands", a subset). Words keep their quoting
 * as parts, because expansion (2.6) needs to know which characters were quoted: only unquoted
 * expansion results are split into fields.
 */

export type ParamOp = '-' | ':-' | '=' | ':=' | '+' | ':+' | '?' | ':?' | '#' | '##' | '%' | '%%' | 'length';

export type WordPart =
  /** Literal text; `quoted` text is never split (single quotes, double quotes, backslash escapes). */
  | { type: 'lit'; value: string; quoted: boolean }
  /** `$name`, `${name}`, `${name:-word}`, `$?`, `$1`, `$@`, … */
  | { type: 'param'; name: string; quoted: boolean; op?: ParamOp; arg?: Word }
  /** `$(…)` or backquotes. */
  | { type: 'cmdsub'; body: Script; quoted: boolean }
  /** `$((…))`: the expression, expanded as if in double quotes, then evaluated. */
  | { type: 'arith'; expr: Word; quoted: boolean };

export interface Word {
  parts: WordPart[];
  /** The source text, for messages and for recognising reserved words. */
  raw: string;
}

export type RedirOp = '<' | '>' | '>>' | '>|' | '<>' | '<&' | '>&' | '<<' | '<<-';

export interface Redirect {
  fd: number;
  op: RedirOp;
  /** The file, the descriptor (`<&`, `>&`), or for here-documents the delimiter. */
  target: Word;
  /** Here-documents: the body (expanded unless the delimiter was quoted). */
  body?: Word;
}

export interface Assignment {
  name: string;
  value: Word;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: Assignment[];
  words: Word[];
  redirects: Redirect[];
}

export interface IfCommand {
  type: 'if';
  clauses: { cond: List; then: List }[];
  else?: List;
  redirects: Redirect[];
}

export interface WhileCommand {
  type: 'while';
  until: boolean;
  cond: List;
  body: List;
  redirects: Redirect[];
}

export interface ForCommand {
  type: 'for';
  name: string;
  /** null: `for x do …` iterates over "$@". */
  items: Word[] | null;
  body: List;
  redirects: Redirect[];
}

export interface CaseCommand {
  type: 'case';
  subject: Word;
  items: { patterns: Word[]; body: List | null }[];
  redirects: Redirect[];
}

export interface GroupCommand {
  type: 'group';
  body: List;
  redirects: Redirect[];
}

export interface SubshellCommand {
  type: 'subshell';
  body: List;
  redirects: Redirect[];
}

export interface FunctionDef {
  type: 'function';
  name: string;
  body: Command;
}

export type Command = SimpleCommand | IfCommand | WhileCommand | ForCommand | CaseCommand | GroupCommand | SubshellCommand | FunctionDef;

export interface Pipeline {
  type: 'pipeline';
  bang: boolean;
  commands: Command[];
}

export interface AndOr {
  type: 'andor';
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
  /** Ended by `&`: an asynchronous list (a background job). */
  background?: boolean;
}

/** Commands separated by `;` or newlines. */
export interface List {
  type: 'list';
  items: AndOr[];
}

export type Script = List;
