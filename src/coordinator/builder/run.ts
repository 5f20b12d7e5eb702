/**
 * Runs one build step as a child process: argument arrays only (never a shell string), its own
 * process group so a timeout kills everything it started, output appended to a bounded log.
 */
import { spawn } from 'node:child_process';

/** Longest build log kept, in bytes: the head and the tail survive, the middle is elided. */
export const MAX_LOG_BYTES = 64 * 1024;
const HEAD_BYTES = 16 * 1024;
const TAIL_CHARS = 2048;

/** A log that keeps its first 16 KiB and its last 48 KiB (errors are usually at the end). */
export class BuildLog {
  #head: Buffer[] = [];
  #headSize = 0;
  #tail: Buffer[] = [];
  #tailSize = 0;
  #dropped = 0;

  write(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.#headSize < HEAD_BYTES) {
      const take = buf.subarray(0, HEAD_BYTES - this.#headSize);
      this.#head.push(take);
      this.#headSize += take.length;
      buf = buf.subarray(take.length);
    }
    if (buf.length === 0) return;
    this.#tail.push(buf);
    this.#tailSize += buf.length;
    const limit = MAX_LOG_BYTES - HEAD_BYTES;
    while (this.#tailSize > limit) {
      const first = this.#tail[0]!;
      const excess = this.#tailSize - limit;
      if (first.length <= excess) {
        this.#tail.shift();
        this.#tailSize -= first.length;
        this.#dropped += first.length;
      } else {
        this.#tail[0] = first.subarray(excess);
        this.#tailSize -= excess;
        this.#dropped += excess;
      }
    }
  }

  toString(): string {
    const head = Buffer.concat(this.#head).toString('utf8');
    const tail = Buffer.concat(this.#tail).toString('utf8');
    return this.#dropped > 0 ? `${head}\n[... ${this.#dropped} bytes of log omitted ...]\n${tail}` : head + tail;
  }
}

export interface StepResult {
  /** exit status, or null when killed */
  code: number | null;
  timedOut: boolean;
  /** the program could not be started (ENOENT: not installed) */
  spawnError: string | null;
  /** the last few lines of the step's own output, for error messages */
  tail: string;
}

export interface StepOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  log: BuildLog;
  signal?: AbortSignal;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs `file args...`, logging `$ file args` and its stdout+stderr; resolves when it ends or is killed. */
export function runStep(file: string, args: readonly string[], options: StepOptions): Promise<StepResult> {
  options.log.write(`$ ${[file, ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    if (options.timeoutMs <= 0) {
      resolve({ code: null, timedOut: true, spawnError: null, tail: '' });
      return;
    }
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    const onAbort = (): void => killGroup(child.pid);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (result: StepResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Grandchildren that kept the pipes open would keep running: end the whole group.
      killGroup(child.pid);
      resolve(result);
    };
    let tail = '';
    const onData = (d: Buffer): void => {
      options.log.write(d);
      tail = (tail + d.toString('utf8')).slice(-TAIL_CHARS);
    };
    const lastLines = (): string => tail.trim().split('\n').slice(-3).join('\n').trim();
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => done({ code: null, timedOut, spawnError: e.message, tail: lastLines() }));
    // A background grandchild holding the pipes open would delay 'close' forever: once the step
    // itself has exited, end its group, then wait for the pipes to drain.
    child.on('exit', () => killGroup(child.pid));
    child.on('close', (code) => done({ code, timedOut, spawnError: null, tail: lastLines() }));
  });
}
