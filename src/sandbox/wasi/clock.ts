/**
 * The guest's clocks. Time is virtual: one nanosecond per unit of fuel, plus whatever the guest
 * slept through poll_oneoff. Nothing here reads the host clock, so the same run sees the same times.
 */
import { Clockid } from './constants.js';

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

export class VirtualClock {
  private sleptNs = 0n;

  constructor(
    private readonly startNs: bigint,
    private readonly fuelUsed: () => bigint,
  ) {}

  /** Nanoseconds since the guest started: fuel spent plus time slept. */
  elapsed(): bigint {
    return this.fuelUsed() + this.sleptNs;
  }

  /** REALTIME: the block timestamp at fuel 0, moved forward by elapsed time. */
  realtime(): bigint {
    return U64(this.startNs + this.elapsed());
  }

  /** The value of clock `id`, or undefined for an unknown clock. */
  now(id: number): bigint | undefined {
    switch (id) {
      case Clockid.REALTIME:
        return this.realtime();
      case Clockid.MONOTONIC:
        return U64(this.elapsed());
      case Clockid.PROCESS_CPUTIME_ID:
      case Clockid.THREAD_CPUTIME_ID:
        return U64(this.fuelUsed());
      default:
        return undefined;
    }
  }

  /** Resolution of clock `id` in ns (1: the clock advances by single units of fuel). */
  resolution(id: number): bigint | undefined {
    return this.now(id) === undefined ? undefined : 1n;
  }

  /** Converts an absolute deadline on clock `id` to the elapsed-time axis. */
  deadlineToElapsed(id: number, deadline: bigint): bigint {
    return id === Clockid.REALTIME ? deadline - this.startNs : deadline;
  }

  /** Advances time as if the guest slept for `ns` (poll_oneoff on a clock). */
  sleep(ns: bigint): void {
    if (ns > 0n) this.sleptNs += ns;
  }
}
