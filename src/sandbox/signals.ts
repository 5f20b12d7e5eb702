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

/**
 * A mounted filesystem (./wasi/mount.ts) failed with something that is not an errno — the guest
 * OS stopped (out of fuel) or killed the process mid-call: the run ends and its runner rejects
 * with `cause`, as when a stream rejects. A plain class, so no guest can construct or catch it.
 */
export class HostStop {
  constructor(readonly cause: unknown) {}
}
