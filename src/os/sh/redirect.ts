/**
 * Redirections (POSIX XCU 2.7) applied to a copy of the shell's descriptor table: `<`, `>`,
 * `>|`, `>>`, `<>` open files; `n<&m`, `n>&m` duplicate; `n>&-` closes; here-documents are
 * pipes the shell writes the body into.
 */
import { OsError } from '../types.js';
import type { Proc } from '../types.js';
import type { Redirect } from './ast.js';
import { ExpandError, expandString } from './expand.js';
import type { ExpandHost } from './expand.js';

/** A redirection that cannot be made: reported as `sh: message`, status 1, the command not run. */
export class RedirectError extends Error {
  override name = 'RedirectError';
}

export interface RedirectHost extends ExpandHost {
  readonly p: Proc;
  /** An absolute path for `path`, relative to the shell's cwd. */
  resolve(path: string): string;
}

/** Messages for the errno codes a shell user meets, as POSIX systems print them. */
export function errnoText(e: OsError): string {
  const text: Partial<Record<string, string>> = {
    ENOENT: 'No such file or directory',
    EISDIR: 'Is a directory',
    ENOTDIR: 'Not a directory',
    EACCES: 'Permission denied',
    EEXIST: 'File exists',
    EBADF: 'Bad file descriptor',
    ENOTEMPTY: 'Directory not empty',
    EPIPE: 'Broken pipe',
    ENOSPC: 'No space left on device',
    EMFILE: 'Too many open files',
  };
  return text[e.code] ?? e.message;
}

async function expandTarget(host: RedirectHost, word: Redirect['target']): Promise<string> {
  try {
    return await expandString(host, word);
  } catch (e) {
    if (e instanceof ExpandError) throw new RedirectError(e.message);
    throw e;
  }
}

/**
 * Applies `r` to `fds` (shell fd → real fd). Descriptors it opens go to `opened` (the caller
 * closes them), here-document writes to `writers` (the caller awaits them after closing).
 */
export async function applyRedirect(host: RedirectHost, r: Redirect, fds: Map<number, number>, opened: number[], writers: Promise<void>[]): Promise<void> {
  const { p } = host;
  if (r.op === '<<' || r.op === '<<-') {
    const text = await expandTarget(host, r.body ?? { parts: [], raw: '' });
    const [rd, wr] = p.pipe();
    opened.push(rd);
    fds.set(r.fd, rd);
    // Written concurrently: a body larger than the pipe blocks until the command reads it.
    const writing = p
      .write(wr, text)
      .catch((e: unknown) => {
        if (!(e instanceof OsError)) throw e;
      })
      .finally(() => p.close(wr));
    writing.catch(() => undefined); // the caller may never await it (exec)
    writers.push(writing);
    return;
  }
  const target = await expandTarget(host, r.target);
  if (r.op === '<&' || r.op === '>&') {
    if (target === '-') {
      fds.delete(r.fd);
      return;
    }
    if (!/^[0-9]+$/.test(target)) throw new RedirectError(`${target}: ambiguous redirect`);
    const real = fds.get(Number(target));
    if (real === undefined) throw new RedirectError(`${target}: Bad file descriptor`);
    fds.set(r.fd, real);
    return;
  }
  const flags =
    r.op === '<'
      ? { read: true }
      : r.op === '<>'
        ? { read: true, write: true, create: true }
        : r.op === '>>'
          ? { write: true, create: true, append: true }
          : { write: true, create: true, truncate: true };
  let fd: number;
  try {
    fd = await p.open(host.resolve(target), flags);
  } catch (e) {
    if (!(e instanceof OsError)) throw e;
    throw new RedirectError(`${target}: ${errnoText(e)}`);
  }
  opened.push(fd);
  fds.set(r.fd, fd);
}
