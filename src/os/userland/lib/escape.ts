/**
 * Backslash escapes as echo -e, printf's format and printf's %b read them (GNU coreutils
 * semantics). Input and output are binary strings; `stop` reports a `\c` (produce no further
 * output).
 */

export type EscapeMode = 'echo' | 'format' | 'b';

const SIMPLE: Record<string, string> = { '\\': '\\', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** UTF-8 bytes of a code point, as a binary string. */
function utf8Bin(code: number): string {
  if (code < 0x80) return String.fromCharCode(code);
  if (code < 0x800) return String.fromCharCode(0xc0 | (code >> 6), 0x80 | (code & 63));
  if (code < 0x10000) return String.fromCharCode(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  return String.fromCharCode(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
}

/**
 * Expands escapes. Octal: echo takes `\0NNN`; a printf format `\NNN`; %b both (`\0NNN` wins).
 * Hex `\xHH` everywhere; `\uHHHH`/`\UHHHHHHHH` and `\"` in printf formats.
 */
export function unescape(s: string, mode: EscapeMode): { text: string; stop: boolean } {
  let text = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      text += c;
      continue;
    }
    const e = s[++i]!;
    if (e in SIMPLE) text += SIMPLE[e];
    else if (e === 'c') return { text, stop: true };
    else if (e === '"' && mode === 'format') text += '"';
    else if (isOctal(e) && (mode !== 'echo' || e === '0')) {
      // The leading 0 of \0NNN does not count towards the three digits (echo and %b).
      let j = mode !== 'format' && e === '0' ? i + 1 : i;
      let value = 0;
      for (const end = j + 3; j < end && isOctal(s[j]); j++) value = value * 8 + Number(s[j]);
      text += String.fromCharCode(value & 0xff);
      i = j - 1;
    } else if (e === 'x' && isHex(s[i + 1])) {
      let j = i + 1;
      let value = 0;
      for (const end = j + 2; j < end && isHex(s[j]); j++) value = value * 16 + parseInt(s[j]!, 16);
      text += String.fromCharCode(value);
      i = j - 1;
    } else if ((e === 'u' || e === 'U') && mode !== 'echo' && isHex(s[i + 1])) {
      let j = i + 1;
      let value = 0;
      for (const end = j + (e === 'u' ? 4 : 8); j < end && isHex(s[j]); j++) value = value * 16 + parseInt(s[j]!, 16);
      text += utf8Bin(Math.min(value, 0x10ffff));
      i = j - 1;
    } else text += `\\${e}`;
  }
  return { text, stop: false };
}
