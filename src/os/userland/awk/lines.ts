/**
 * Line-at-a-time text input for the text tools (grep, sed, awk): reads a descriptor in chunks so a
 * tool can stop early (grep -q, sed q, awk exit) without draining an endless pipe.
 */
import type { Proc } from '../../types.js';

const CHUNK = 65536;

export interface Line {
  text: string;
  /** False for a last line without a trailing newline. */
  newline: boolean;
}

export class LineReader {
  private buf = '';
  private eof = false;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly p: Proc,
    private readonly fd: number,
  ) {}

  /** The next line, or null at end of input. */
  async next(): Promise<Line | null> {
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) {
        const text = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        return { text, newline: true };
      }
      if (this.eof) {
        if (this.buf === '') return null;
        const text = this.buf;
        this.buf = '';
        return { text, newline: false };
      }
      const chunk = await this.p.read(this.fd, CHUNK);
      if (chunk === null) {
        this.eof = true;
        this.buf += this.decoder.decode();
      } else this.buf += this.decoder.decode(chunk, { stream: true });
    }
  }

  /** Whether another line follows (reads ahead as needed; sed's `$` address needs it). */
  async atEnd(): Promise<boolean> {
    while (this.buf === '' && !this.eof) {
      const chunk = await this.p.read(this.fd, CHUNK);
      if (chunk === null) {
        this.eof = true;
        this.buf += this.decoder.decode();
      } else this.buf += this.decoder.decode(chunk, { stream: true });
    }
    return this.buf === '';
  }
}

/** Buffered output: one write system call per 64 KiB rather than per line. */
export class Output {
  private buf = '';
  constructor(
    private readonly p: Proc,
    private readonly fd: number,
  ) {}
  async write(s: string): Promise<void> {
    this.buf += s;
    if (this.buf.length >= CHUNK) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buf === '') return;
    const s = this.buf;
    this.buf = '';
    await this.p.write(this.fd, s);
  }
}
