/**
 * random_get: a ChaCha20 keystream (RFC 8439, nonce 0) keyed by
 * sha256("outlayer/random/v1\0" + seed). One continuous stream across calls, so the bytes a guest
 * sees depend only on the seed and on how many bytes it asked for before.
 */
import { chacha20 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';

const BLOCK = 64;
/** Keystream generated per step, so a huge request never allocates a huge temporary. */
const CHUNK = 64 * 1024;
/** noble's chacha20 has a 32-bit block counter that must not wrap. */
const MAX_COUNTER = 0xffff_ffff;
const NONCE = new Uint8Array(12);
const encoder = new TextEncoder();

export class SeededRandom {
  private key: Uint8Array<ArrayBufferLike>;
  private counter = 0;
  /** Unused tail of the last generated block. */
  private spare: Uint8Array<ArrayBufferLike> = new Uint8Array(0);

  constructor(seed: string) {
    this.key = sha256(encoder.encode(`outlayer/random/v1\0${seed}`));
  }

  /** Fills `out` with the next `out.length` bytes of the stream. */
  fill(out: Uint8Array): void {
    let off = 0;
    while (off < out.length) {
      if (this.spare.length > 0) {
        const n = Math.min(this.spare.length, out.length - off);
        out.set(this.spare.subarray(0, n), off);
        this.spare = this.spare.subarray(n);
        off += n;
        continue;
      }
      const want = Math.min(CHUNK, out.length - off);
      const blocks = Math.min(Math.ceil(want / BLOCK), MAX_COUNTER - this.counter);
      if (blocks === 0) {
        // 256 GiB used from one key: continue with a key derived from it (deterministic).
        this.key = sha256(this.key);
        this.counter = 0;
        continue;
      }
      const stream = chacha20(this.key, NONCE, new Uint8Array(blocks * BLOCK), undefined, this.counter);
      this.counter += blocks;
      const n = Math.min(stream.length, out.length - off);
      out.set(stream.subarray(0, n), off);
      this.spare = stream.subarray(n);
      off += n;
    }
  }
}
