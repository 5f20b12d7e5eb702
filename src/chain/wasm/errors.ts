/**
 * How a WASM contract call fails. Host functions throw `HostAbort` (a plain class, not an Error,
 * so no guest and no glue code can construct or mistake it); the runner turns it, and every
 * trap, into the result's `error`. Messages are nearcore's `Display` texts so the chain can put
 * them into `ExecutionError` unchanged (`executionErrorText`).
 */

export type WasmErrorKind =
  /** No such export, an empty method name, or an export that is not `() -> ()`. */
  | 'MethodNotFound'
  /** `panic`, `panic_utf8` or AssemblyScript's `abort`; `message` is the guest's text. */
  | 'GuestPanic'
  /** Prepaid gas ran out (guest instructions, host work or gas attached to promises). */
  | 'GasExceeded'
  /** A WebAssembly trap, or a host function given memory outside the guest's (MemoryAccessViolation). */
  | 'WasmTrap'
  /** The deterministic call-stack limit of the L1 meter. */
  | 'StackOverflow'
  /** The module's initial memory is above the cap. */
  | 'MemoryLimit'
  /** The code cannot run: not WebAssembly, fails validation, imports outside the NEAR `env` ABI. */
  | 'InvalidModule'
  /** A host function that view calls may not use (storage_write, promises, signer, ...). */
  | 'ProhibitedInView'
  /** Any other nearcore `HostError` (bad register id, bad UTF-8, invalid account id, limits, ...). */
  | 'HostError';

export interface WasmCallError {
  kind: WasmErrorKind;
  /**
   * GuestPanic: the panic message. WasmTrap from the engine: nearcore's trap description.
   * MethodNotFound: `MethodNotFound` | `MethodEmptyName` | `MethodInvalidSignature`.
   * Otherwise nearcore's text for the error.
   */
  message: string;
  /** The nearcore `HostError` variant when a host function raised it (e.g. `MemoryAccessViolation`). */
  hostError: string | null;
}

/** Thrown by host functions to stop the guest; never seen by callers of `runWasmContract`. */
export class HostAbort {
  constructor(
    readonly kind: WasmErrorKind,
    readonly message: string,
    readonly hostError: string | null,
  ) {}
}

/** A nearcore `HostError` that maps to one of our kinds (most become `HostError`). */
export function hostError(variant: string, message: string): HostAbort {
  const kind: WasmErrorKind =
    variant === 'GuestPanic' ? 'GuestPanic' : variant === 'GasExceeded' ? 'GasExceeded' : variant === 'ProhibitedInView' ? 'ProhibitedInView' : variant === 'MemoryAccessViolation' ? 'WasmTrap' : 'HostError';
  return new HostAbort(kind, message, variant);
}

export const memoryAccessViolation = (): HostAbort => hostError('MemoryAccessViolation', 'Accessed memory outside the bounds.');
export const gasExceeded = (): HostAbort => hostError('GasExceeded', 'Exceeded the prepaid gas.');
export const integerOverflow = (): HostAbort => hostError('IntegerOverflow', 'Integer overflow.');
export const badUtf8 = (): HostAbort => hostError('BadUTF8', 'String encoding is bad UTF-8 sequence.');
export const badUtf16 = (): HostAbort => hostError('BadUTF16', 'String encoding is bad UTF-16 sequence.');
export const prohibitedInView = (method: string): HostAbort => hostError('ProhibitedInView', `${method} is not allowed in view calls`);
export const guestPanic = (message: string): HostAbort => hostError('GuestPanic', message);

/** nearcore's `WasmTrap` description for a V8 trap message. */
export function trapDescription(engineMessage: string): string {
  const m = engineMessage.toLowerCase();
  if (m.includes('unreachable')) return 'An `unreachable` opcode was executed.';
  if (m.includes('memory access out of bounds') || m.includes('out of bounds memory')) return 'Memory out of bounds trap.';
  if (m.includes('divide by zero') || m.includes('remainder by zero') || m.includes('integer overflow') || m.includes('unrepresentable')) {
    return 'An arithmetic exception, e.g. divided by zero.';
  }
  if (m.includes('signature mismatch')) return 'Call indirect incorrect signature trap.';
  if (m.includes('table index is out of bounds') || m.includes('table access')) return 'Call indirect out of bounds trap.';
  if (m.includes('null function')) return 'Indirect call to null.';
  return 'Generic trap.';
}

/**
 * nearcore's `FunctionCallError` text for the chain's `ExecutionError`, or null when nearcore
 * reports the failure as a structured error instead (MethodResolveError, CompilationError).
 */
export function executionErrorText(error: WasmCallError): string | null {
  switch (error.kind) {
    case 'MethodNotFound':
    case 'InvalidModule':
      return null;
    case 'GuestPanic':
      return `Smart contract panicked: ${error.message}`;
    case 'WasmTrap':
      return error.hostError ? error.message : `WebAssembly trap: ${error.message}`;
    case 'StackOverflow':
      return 'WebAssembly trap: Stack overflow.';
    case 'MemoryLimit':
      return `PrepareError: Error creating memory.`;
    default:
      return error.message;
  }
}
