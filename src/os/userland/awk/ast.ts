/** The syntax tree the awk parser builds and the interpreter walks. */
import type { Value } from './value.js';

export type Expr =
  | { type: 'num'; value: number }
  | { type: 'str'; value: string }
  | { type: 'regex'; source: string } // a bare /re/: $0 ~ /re/
  | { type: 'var'; name: string; local: number } // local: index in the function frame, -1 for a global
  | { type: 'field'; index: Expr }
  | { type: 'index'; array: ArrayRef; subscripts: Expr[] }
  | { type: 'assign'; op: string; target: LValue; value: Expr } // op: '=', '+=', …
  | { type: 'cond'; test: Expr; then: Expr; else: Expr }
  | { type: 'and' | 'or'; left: Expr; right: Expr }
  | { type: 'not'; operand: Expr }
  | { type: 'neg' | 'plus'; operand: Expr }
  | { type: 'binary'; op: '+' | '-' | '*' | '/' | '%' | '^'; left: Expr; right: Expr }
  | { type: 'compare'; op: '<' | '<=' | '==' | '!=' | '>' | '>='; left: Expr; right: Expr }
  | { type: 'concat'; left: Expr; right: Expr }
  | { type: 'match'; negate: boolean; left: Expr; right: Expr }
  | { type: 'in'; subscripts: Expr[]; array: ArrayRef }
  | { type: 'incr'; op: '++' | '--'; prefix: boolean; target: LValue }
  | { type: 'call'; name: string; args: Expr[] } // a user-defined function
  | { type: 'builtin'; name: string; args: Expr[] }
  | { type: 'getline'; target: LValue | null; file: Expr | null; command: Expr | null } // getline < file, command | getline
  | { type: 'group'; expr: Expr } // parenthesized: keeps `print (a) > "f"` and `(a) in b` apart
  | { type: 'value'; value: Value }; // never parsed: an operand the interpreter already evaluated

export type LValue = Extract<Expr, { type: 'var' | 'field' | 'index' }>;
export type ArrayRef = { name: string; local: number };

export interface Redirect {
  /** '|': a pipe to `sh -c target`. */
  mode: '>' | '>>' | '|';
  target: Expr;
}

export type Stmt =
  | { type: 'expr'; expr: Expr }
  | { type: 'print'; args: Expr[]; redirect: Redirect | null }
  | { type: 'printf'; args: Expr[]; redirect: Redirect | null }
  | { type: 'block'; body: Stmt[] }
  | { type: 'if'; test: Expr; then: Stmt; else: Stmt | null }
  | { type: 'while'; test: Expr; body: Stmt }
  | { type: 'do'; body: Stmt; test: Expr }
  | { type: 'for'; init: Stmt | null; test: Expr | null; step: Stmt | null; body: Stmt }
  | { type: 'forin'; key: LValue; array: ArrayRef; body: Stmt }
  | { type: 'break' | 'continue' | 'next' | 'nextfile' }
  | { type: 'exit'; code: Expr | null }
  | { type: 'return'; value: Expr | null }
  | { type: 'delete'; array: ArrayRef; subscripts: Expr[] | null };

export type Pattern =
  | { type: 'BEGIN' }
  | { type: 'END' }
  | { type: 'all' }
  | { type: 'expr'; expr: Expr }
  | { type: 'range'; from: Expr; to: Expr };

export interface Rule {
  pattern: Pattern;
  /** null: `{ print }`. */
  action: Stmt[] | null;
}

export interface FunctionDef {
  name: string;
  params: string[];
  body: Stmt[];
}

export interface AwkProgram {
  rules: Rule[];
  functions: Map<string, FunctionDef>;
}
