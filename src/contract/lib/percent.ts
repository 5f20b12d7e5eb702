/**
 * Lenient percent-decoding for validators that must see through encodings (`%2e%2e` is `..`
 * to a web server or build script). Unlike decodeURIComponent it never throws: valid `%XX`
 * runs that form UTF-8 are decoded, and everything else (`%zz`, a truncated `%e2%82`) is kept
 * literally.
 */
import { utf8DecodeAt } from './utf8.js';

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** The byte a `%XX` escape at `s[i]` encodes, or -1 when there is none. */
function escapeAt(s: string, i: number): number {
  if (s.charCodeAt(i) !== 37 || i + 2 >= s.length) return -1;
  const hi = hexValue(s.charCodeAt(i + 1));
  const lo = hexValue(s.charCodeAt(i + 2));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/** Decodes every valid percent-encoded UTF-8 sequence in `s` once, keeping invalid ones literal. */
export function percentDecodeLenient(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    if (escapeAt(s, i) < 0) {
      out += s[i]!;
      i++;
      continue;
    }
    // gather the run of consecutive escapes, then decode it as UTF-8
    const bytes: number[] = [];
    let j = i;
    for (let b = escapeAt(s, j); b >= 0; b = escapeAt(s, j)) {
      bytes.push(b);
      j += 3;
    }
    const run = new Uint8Array(bytes);
    for (let k = 0; k < run.length; ) {
      const { cp, length } = utf8DecodeAt(run, k);
      if (cp < 0) {
        out += s.slice(i + k * 3, i + (k + length) * 3); // the invalid escapes, verbatim
      } else {
        out += String.fromCodePoint(cp);
      }
      k += length;
    }
    i = j;
  }
  return out;
}
