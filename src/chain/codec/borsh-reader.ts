/**
 * A strict borsh reader (https://borsh.io): every byte string has exactly one decoding, so
 * hashing the bytes a client sent equals hashing the re-encoded value, as nearcore does.
 *
 * Stricter than the `borsh` npm package that near-api-js 7.2 uses, which reads past an enum's
 * last variant, accepts trailing bytes and decodes invalid UTF-8 loosely. Failures throw
 * `BorshError`, which the decoders in this folder turn into a `DecodeError` result; nothing
 * else escapes.
 */
import type { DecodeError, DecodeErrorCode } from './result.js';

export class BorshError extends Error implements DecodeError {
  readonly code: DecodeErrorCode;
  readonly offset: number;
  constructor(code: DecodeErrorCode, message: string, offset: number) {
    super(message);
    this.name = 'BorshError';
    this.code = code;
    this.offset = offset;
  }
}

// Rust's String::from_utf8 keeps a leading U+FEFF, so the decoder must not strip it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class BorshReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private offset = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** The byte `ahead` positions from here, without consuming it. */
  peek(ahead: number): number | undefined {
    return this.bytes[this.offset + ahead];
  }

  fail(code: DecodeErrorCode, message: string, offset = this.offset): never {
    throw new BorshError(code, message, offset);
  }

  private need(n: number): number {
    if (n > this.remaining) this.fail('unexpected_end', 'Unexpected length of input');
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(): number {
    return this.bytes[this.need(1)]!;
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.need(8), true);
  }

  u128(): bigint {
    const at = this.need(16);
    return this.view.getBigUint64(at, true) | (this.view.getBigUint64(at + 8, true) << 64n);
  }

  /** `n` bytes, copied so the value does not keep the whole input alive. */
  fixedBytes(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.slice(at, at + n);
  }

  /** A `Vec<u8>`: u32 length, then the bytes. */
  bytesVec(): Uint8Array {
    return this.fixedBytes(this.u32());
  }

  /** A `String`: u32 length, then UTF-8. */
  string(): string {
    const start = this.offset;
    const raw = this.bytesVec();
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('invalid_utf8', 'invalid utf-8 sequence', start + 4);
    }
  }

  /** An enum tag; `names[tag]` must exist or the input is rejected as borsh-rs would. */
  tag(names: readonly string[]): number {
    const at = this.offset;
    const tag = this.u8();
    if (tag >= names.length) this.fail('unknown_variant', `Unexpected variant tag: ${tag}`, at);
    return tag;
  }

  option<T>(read: () => T): T | null {
    const at = this.offset;
    const tag = this.u8();
    if (tag === 0) return null;
    if (tag === 1) return read();
    return this.fail('invalid_option', `Invalid Option representation: ${tag}. The first byte must be 0 or 1`, at);
  }

  /**
   * A `Vec<T>`: u32 length, then the items. A length that cannot fit in the remaining input
   * (every item takes at least `minItemSize` bytes) fails before any item is read.
   */
  vec<T>(read: (index: number) => T, minItemSize = 1): T[] {
    const length = this.u32();
    if (length * minItemSize > this.remaining) this.fail('unexpected_end', 'Unexpected length of input');
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(read(i));
    return items;
  }

  /** Rejects leftover input, as borsh-rs `try_from_slice` does. */
  finish(): void {
    if (this.remaining !== 0) this.fail('trailing_bytes', 'Not all bytes read');
  }
}
