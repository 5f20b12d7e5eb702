/**
 * Guest-side source shared by the realm's host APIs (`near`, and the guest OS's `std`/`os`):
 * UTF-8 conversion inside the realm, where there is no TextEncoder. Interpolated into a
 * function body; defines `utf8`, `fromUtf8`, `str` and `txt`.
 */
export const UTF8_SOURCE = String.raw`  // Host strings travel as C strings, which end at a NUL: a string holding U+0000 crosses as its
  // UTF-8 bytes (utf8 / fromUtf8 below), and the host answers such text the same way (txt).
  const utf8 = (s) => {
    const out = [];
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      else if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out).buffer;
  };
  const fromUtf8 = (ab) => {
    const b = new Uint8Array(ab);
    let s = '';
    for (let i = 0; i < b.length; ) {
      const x = b[i];
      let c = 0xfffd, n = 1;
      if (x < 0x80) c = x;
      else if (x >= 0xc2 && x < 0xe0 && (b[i + 1] & 0xc0) === 0x80) { c = ((x & 31) << 6) | (b[i + 1] & 63); n = 2; }
      else if (x >= 0xe0 && x < 0xf0 && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80) { c = ((x & 15) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63); n = 3; if (c < 0x800 || (c >= 0xd800 && c < 0xe000)) c = 0xfffd; }
      else if (x >= 0xf0 && x < 0xf5 && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80 && (b[i + 3] & 0xc0) === 0x80) { c = ((x & 7) << 18) | ((b[i + 1] & 63) << 12) | ((b[i + 2] & 63) << 6) | (b[i + 3] & 63); n = 4; if (c < 0x10000 || c > 0x10ffff) c = 0xfffd; }
      s += String.fromCodePoint(c);
      i += n;
    }
    return s;
  };
  const str = (s) => (s.indexOf('\0') < 0 ? s : utf8(s));
  const txt = (r) => (r === null || typeof r === 'string' ? r : fromUtf8(r));
`;
