/**
 * stdin as a fixed byte string, stdout/stderr as capped in-memory sinks. Writing one byte past a
 * cap ends the guest with GuestAbort('output_limit'); the bytes up to the cap are kept.
 */
import { GuestAbort } from '../signals.js';

export class InputSource {
  private position = 0;
  constructor(private readonly bytes: Uint8Array) {}

  /** Bytes left before EOF. */
  available(): number {
    return this.bytes.length - this.position;
  }

  /** Up to `len` next bytes (empty at EOF). */
  read(len: number): Uint8Array {
    const chunk = this.bytes.subarray(this.position, this.position + Math.min(len, this.available()));
    this.position += chunk.length;
    return chunk;
  }
}

export class OutputSink {
  private buf = new Uint8Array(256);
  private length = 0;

  constructor(
    private readonly name: 'stdout' | 'stderr',
    private readonly maxBytes: number,
  ) {}

  /** Bytes that can still be written before the cap. */
  room(): number {
    return Math.max(0, this.maxBytes - this.length);
  }

  write(data: Uint8Array): void {
    const fits = Math.min(data.length, this.room());
    this.append(data.subarray(0, fits));
    if (fits < data.length) {
      throw new GuestAbort('output_limit', `${this.name} exceeded ${this.maxBytes} bytes`);
    }
  }

  private append(data: Uint8Array): void {
    const need = this.length + data.length;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(data, this.length);
    this.length = need;
  }

  /** A copy of everything written so far. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
