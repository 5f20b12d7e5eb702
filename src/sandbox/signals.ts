/**
 * Host-side signals that stop a guest. Host import functions throw these; the wasm stack unwinds
 * (no guest code runs on the way out) and the executor turns them into a result. They are plain
 * classes, not Errors, so a guest can never construct or catch one.
 */
import type { ResultErrorKind } from '../errors.js';

/** The guest called proc_exit (or an equivalent). */
export class GuestExit {
  constructor(readonly code: number) {}
}

/** The host ended the guest for a reason that becomes a result error (output cap, fuel, ...). */
export class GuestAbort {
  constructor(
    readonly kind: Exclude<ResultErrorKind, 'exit'>,
    readonly message: string,
  ) {}
}
