/**
 * The globals sql.js's glue sees in place of the host's (see SHADOWED_GLOBALS in ./source.ts):
 * a `Date` on the OS's virtual clock whose local time is UTC, `performance.now` on the same
 * clock, `crypto.getRandomValues` and `Math.random` from one deterministic stream (SQLite seeds
 * its PRNG from /dev/urandom, which emscripten's FS serves from `crypto.getRandomValues`), a
 * `console` that collects messages instead of printing them, and no timers, page or module
 * system. Everything else (WebAssembly, typed arrays, Promise, …) is the real global, which is
 * deterministic.
 */
import { sha256 } from '@noble/hashes/sha2.js';

/** Domain of the random stream; the process's OUTLAYER_SEED (if set) is appended. */
export const RANDOM_DOMAIN = 'outlayer/os/sqlite3/random/v1';

/** An endless deterministic byte stream: sha256(domain ‖ 0 ‖ seed ‖ counter) blocks. */
export class RandomStream {
  private block = new Uint8Array(0);
  private at = 0;
  private counter = 0;
  private readonly prefix: Uint8Array;

  constructor(seed: string) {
    this.prefix = new TextEncoder().encode(`${RANDOM_DOMAIN}\0${seed}\0`);
  }

  fill(out: Uint8Array): void {
    for (let i = 0; i < out.length; i++) {
      if (this.at === this.block.length) this.refill();
      out[i] = this.block[this.at++]!;
    }
  }

  private refill(): void {
    const input = new Uint8Array(this.prefix.length + 8);
    input.set(this.prefix);
    new DataView(input.buffer).setBigUint64(this.prefix.length, BigInt(this.counter++));
    this.block = sha256(input);
    this.at = 0;
  }

  /** A float in [0, 1) from 53 bits of the stream. */
  float(): number {
    const b = new Uint8Array(8);
    this.fill(b);
    const hi = ((b[0]! << 13) | (b[1]! << 5) | (b[2]! >> 3)) >>> 0; // 21 bits
    const lo = ((b[3]! << 24) | (b[4]! << 16) | (b[5]! << 8) | b[6]!) >>> 0; // 32 bits
    return (hi * 2 ** 32 + lo) / 2 ** 53;
  }
}

export interface GuestClock {
  /** Milliseconds since the epoch on the OS's virtual clock. */
  nowMs(): number;
}

const RealDate = Date;

/** A Date class whose "now" is the virtual clock and whose local time zone is UTC. */
export function guestDate(clock: GuestClock): DateConstructor {
  class GuestDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.nowMs());
      else if (args.length === 1) super(args[0] as number);
      // Local-time construction (year, month, …) is UTC construction in a UTC zone.
      else super(RealDate.UTC(...(args as [number, number])));
    }
    static override now(): number {
      return clock.nowMs();
    }
    override getTimezoneOffset(): number {
      return 0;
    }
    override getFullYear(): number {
      return this.getUTCFullYear();
    }
    override getMonth(): number {
      return this.getUTCMonth();
    }
    override getDate(): number {
      return this.getUTCDate();
    }
    override getDay(): number {
      return this.getUTCDay();
    }
    override getHours(): number {
      return this.getUTCHours();
    }
    override getMinutes(): number {
      return this.getUTCMinutes();
    }
    override getSeconds(): number {
      return this.getUTCSeconds();
    }
    override getMilliseconds(): number {
      return this.getUTCMilliseconds();
    }
  }
  return GuestDate as unknown as DateConstructor;
}

export interface GuestGlobals {
  globals: Record<string, unknown>;
  /** What the glue printed (emscripten's out/err), in order. */
  messages: string[];
}

export function guestGlobals(clock: GuestClock, random: RandomStream): GuestGlobals {
  const messages: string[] = [];
  const say = (...args: unknown[]): void => {
    messages.push(args.map(String).join(' '));
  };
  const noTimers = (): never => {
    throw new Error('sqlite3: the SQLite glue asked for a real timer');
  };
  const globals: Record<string, unknown> = {
    // Feature tests read globalThis.window / .document / .navigator / .WorkerGlobalScope: none here.
    globalThis: Object.freeze({}),
    Date: guestDate(clock),
    performance: Object.freeze({ now: () => clock.nowMs() }),
    crypto: Object.freeze({
      getRandomValues: <T extends ArrayBufferView>(a: T): T => {
        random.fill(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        return a;
      },
    }),
    Math: Object.freeze(Object.create(Math, { random: { value: () => random.float() } })),
    console: Object.freeze({ log: say, warn: say, error: say, info: say, debug: say }),
    setTimeout: noTimers,
    setInterval: noTimers,
    setImmediate: noTimers,
  };
  return { globals, messages };
}
