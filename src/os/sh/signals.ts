/**
 * Control flow that unwinds the interpreter: `exit`, `return`, `break`, `continue`. They are
 * thrown by builtins and caught by the construct they target (the script, a function, a loop).
 */

export class ExitSignal {
  constructor(readonly status: number) {}
}

export class ReturnSignal {
  constructor(readonly status: number) {}
}

export class LoopSignal {
  constructor(
    readonly kind: 'break' | 'continue',
    /** How many enclosing loops are still to be left (1: the innermost). */
    readonly levels: number,
  ) {}
}
