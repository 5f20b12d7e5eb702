/**
 * UTF-8 without TextEncoder/TextDecoder, which the contract's QuickJS realm does not have.
 * Encoding matches TextEncoder (lone surrogates become U+FFFD); decoding follows the WHATWG
 * decoder, replacing each maximal invalid subpart with one U+FFFD, so it matches TextDecoder
 * (with `ignoreBOM: true`: a leading BOM is kept, never silently dropped).
 */

const REPLACEMENT = 0xfffd;

/** The UTF-8 bytes of `s`; lone surrogates are encoded as U+FFFD (EF BF BD), like TextEncoder. */
export function utf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        cp = REPLACEMENT;
      }
    }
    if (cp < 0x80) out[o++] = cp;
    else if (cp < 0x800) {
      out[o++] = 0xc0 | (cp >> 6);
      out[o++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[o++] = 0xe0 | (cp >> 12);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    } else {
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 0x3f);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    }
  }
  return out;
}

/** The number of bytes {@link utf8Encode} produces for `s` (NEAR measures string limits in bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3; // lone high surrogate → U+FFFD
    } else n += 3; // BMP, or a lone surrogate → U+FFFD
  }
  return n;
}

/**
 * One step of the WHATWG UTF-8 decoder at `bytes[i]`: the code point and how many bytes it
 * used, or `cp: -1` and the length of the maximal invalid subpart (at least 1) to replace.
 */
export function utf8DecodeAt(bytes: Uint8Array, i: number): { cp: number; length: number } {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return { cp: b0, length: 1 };
  let need: number;
  let cp: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    need = 1;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    cp = b0 & 0x0f;
    if (b0 === 0xe0) lower = 0xa0; // overlong
    if (b0 === 0xed) upper = 0x9f; // surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 === 0xf0) lower = 0x90; // overlong
    if (b0 === 0xf4) upper = 0x8f; // above U+10FFFF
  } else {
    return { cp: -1, length: 1 };
  }
  for (let k = 1; k <= need; k++) {
    const b = bytes[i + k];
    if (b === undefined || b < lower || b > upper) return { cp: -1, length: k };
    cp = (cp << 6) | (b & 0x3f);
    lower = 0x80;
    upper = 0xbf;
  }
  return { cp, length: need + 1 };
}

/** Decodes UTF-8; every maximal invalid subpart becomes one U+FFFD, as in TextDecoder. */
export function utf8Decode(bytes: Uint8Array): string {
  let out = '';
  let chunk: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const { cp, length } = utf8DecodeAt(bytes, i);
    chunk.push(cp < 0 ? REPLACEMENT : cp);
    i += length;
    if (chunk.length >= 4096) {
      // bounded argument lists keep fromCodePoint within engine limits on large inputs
      out += String.fromCodePoint(...chunk);
      chunk = [];
    }
  }
  return out + String.fromCodePoint(...chunk);
}
