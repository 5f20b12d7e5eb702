/** Record input for awk: splits a descriptor's text by RS ("\n", one character, "" for paragraphs, or a regex). */
import type { Proc } from '../../types.js';

const CHUNK = 65536;

export class RecordSource {
  private buf = '';
  private eof = false;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly p: Proc,
    readonly fd: number,
  ) {}

  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    const chunk = await this.p.read(this.fd, CHUNK);
    if (chunk === null) {
      this.eof = true;
      this.buf += this.decoder.decode();
    } else this.buf += this.decoder.decode(chunk, { stream: true });
    return true;
  }

  /** The next record, or null at end of input. `rsRegex` is used when RS is longer than one character. */
  async next(rs: string, rsRegex: RegExp | null): Promise<string | null> {
    if (rs === '') return this.paragraph();
    for (;;) {
      if (rs.length === 1) {
        const at = this.buf.indexOf(rs);
        if (at >= 0) return this.take(at, 1);
      } else if (rsRegex) {
        rsRegex.lastIndex = 0;
        const m = rsRegex.exec(this.buf);
        // A match touching the end of the buffer might grow with more input.
        if (m && m[0].length > 0 && (m.index + m[0].length < this.buf.length || this.eof)) return this.take(m.index, m[0].length);
      }
      if (!(await this.fill())) {
        if (this.buf === '') return null;
        return this.take(this.buf.length, 0);
      }
    }
  }

  private take(at: number, sepLength: number): string {
    const record = this.buf.slice(0, at);
    this.buf = this.buf.slice(at + sepLength);
    return record;
  }

  /** RS="": records are separated by blank lines; leading and trailing newlines are dropped. */
  private async paragraph(): Promise<string | null> {
    for (;;) {
      const start = /^\n*/.exec(this.buf)![0].length;
      if (start > 0 && start < this.buf.length) this.buf = this.buf.slice(start);
      const m = /\n\n+/.exec(this.buf);
      if (m && (m.index + m[0].length < this.buf.length || this.eof)) return this.take(m.index, m[0].length);
      if (!(await this.fill())) {
        const rest = this.buf.replace(/^\n+/, '').replace(/\n+$/, '');
        this.buf = '';
        return rest === '' ? null : rest;
      }
    }
  }
}
