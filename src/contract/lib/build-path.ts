/**
 * The folder inside a repository to build. It ends up in a worker's filesystem path, so it must
 * stay inside the checkout: relative, no `..` (not even percent-encoded, once or several times,
 * since some layer between here and the filesystem may decode it), no hidden first segment
 * (`.github`, `.git`), no control characters.
 */
import { ContractError, showValue, typeName } from './errors.js';
import { percentDecodeLenient } from './percent.js';

/** Longest accepted build path, in UTF-16 code units. */
export const MAX_BUILD_PATH_LENGTH = 512;
/** How many rounds of percent-decoding are checked (`%25252e` needs three). */
const MAX_DECODE_ROUNDS = 4;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A form of the path (as given, or after some rounds of decoding) split into segments. */
interface Form {
  path: string;
  segments: string[];
  note: string;
}

function formOf(path: string, note: string): Form {
  const body = path.endsWith('/') ? path.slice(0, -1) : path;
  return { path, segments: body.split('/'), note };
}

// Each rule is checked on every form before the next rule, so `..%2fx` is reported as a `..`
// path rather than as a leading-dot one.
const RULES: [string, (f: Form) => boolean][] = [
  ['build path must not contain control characters', (f) => CONTROL.test(f.path)],
  ['build path must be relative', (f) => f.path.startsWith('/') || /^[A-Za-z]:/.test(f.path)],
  ["build path must not contain '..' segments", (f) => f.segments.includes('..')],
  ["build path must not start with '.' (a hidden folder or './')", (f) => f.segments[0]!.startsWith('.')],
  ["build path must not contain '.' segments", (f) => f.segments.includes('.')],
  ["build path must not contain empty segments ('//')", (f) => f.segments.includes('')],
];

/**
 * The normalised build path: `\` turned into `/`, one trailing `/` dropped, percent-escapes left
 * as written. Throws ContractError naming the broken rule for non-strings, empty or over-long
 * paths, absolute paths, `..`/`.` segments, a leading-dot first segment, empty segments or
 * control characters — checked on the path as given and after each round of percent-decoding.
 *
 * @example normalizeBuildPath('contracts\\token\\') // 'contracts/token'
 */
export function normalizeBuildPath(input: unknown): string {
  if (typeof input !== 'string') throw new ContractError(`build path must be a string, got ${typeName(input)} ${showValue(input)}`);
  if (input.length === 0) throw new ContractError('build path must not be empty');
  if (input.length > MAX_BUILD_PATH_LENGTH) {
    throw new ContractError(`build path must be at most ${MAX_BUILD_PATH_LENGTH} characters, got ${input.length}: ${showValue(input)}`);
  }
  const path = input.replace(/\\/g, '/');
  const forms = [formOf(path, '')];
  for (let round = 0, current = path; round < MAX_DECODE_ROUNDS; round++) {
    const decoded = percentDecodeLenient(current).replace(/\\/g, '/');
    if (decoded === current) break;
    forms.push(formOf(decoded, ' (after percent-decoding)'));
    current = decoded;
  }
  for (const [rule, broken] of RULES) {
    const form = forms.find(broken);
    if (form) throw new ContractError(`${rule}${form.note}: ${showValue(input)}`);
  }
  return path.endsWith('/') ? path.slice(0, -1) : path;
}
