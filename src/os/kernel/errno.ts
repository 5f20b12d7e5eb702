/** Kernel errors: one message per errno, in the lowercase `subject: text` form tools print after their name. */
import { OsError } from '../types.js';
import type { Errno } from '../types.js';

const TEXT: Record<Errno, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ENOTEMPTY: 'directory not empty',
  EBADF: 'bad file descriptor',
  EPIPE: 'broken pipe',
  ENOSPC: 'no space left on device',
  EINVAL: 'invalid argument',
  EACCES: 'permission denied',
  ECHILD: 'no child processes',
  EAGAIN: 'resource temporarily unavailable',
  ESRCH: 'no such process',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  EXDEV: 'invalid cross-device link',
  EPERM: 'operation not permitted',
};

/** An OsError whose message is `subject: <the errno's text>` (or just the text). */
export function osError(code: Errno, subject?: string): OsError {
  return new OsError(code, subject === undefined ? TEXT[code] : `${subject}: ${TEXT[code]}`);
}
