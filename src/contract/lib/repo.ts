/**
 * GitHub repository references, reduced to one canonical form `https://github.com/<owner>/<repo>`
 * so that the same repository always produces the same request (and the same cache key) however
 * the user wrote it: with `.git`, a trailing slash, http, ssh or scp-like `git@github.com:u/r`.
 * Anything that is not exactly an owner and a repository on github.com is rejected.
 */
import { ContractError, showValue, typeName } from './errors.js';

const GITHUB_HOSTS = ['github.com', 'www.github.com'];
// GitHub's rules: owners are 1–39 of [A-Za-z0-9-] without a leading/trailing hyphen; repository
// names are 1–100 of [A-Za-z0-9._-].
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const SCP_LIKE = /^([^@/:]+)@([^:/]+):(.*)$/;
const WITH_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/;

function fail(why: string, input: string): never {
  throw new ContractError(`invalid repository ${showValue(input)}: ${why}`);
}

/** Checks the `host[:port]` part (credentials already removed) and returns the lower-cased host. */
function checkHost(authority: string, input: string): void {
  if (authority === '') fail('missing host (expected github.com/<owner>/<repo>)', input);
  if (authority.includes(':')) fail('a port is not allowed', input);
  const host = authority.toLowerCase();
  if (!GITHUB_HOSTS.includes(host)) {
    throw new ContractError(`only GitHub repositories are supported, got host ${showValue(host)}`);
  }
}

/** Splits `user@host` into its parts; returns the user ('' when absent). */
function splitUser(authority: string): { user: string; host: string } {
  const at = authority.lastIndexOf('@');
  return at < 0 ? { user: '', host: authority } : { user: authority.slice(0, at), host: authority.slice(at + 1) };
}

/** `owner/repo` from the path after the host; validates both. */
function ownerAndRepo(path: string, input: string): string {
  if (path.endsWith('/')) path = path.slice(0, -1); // one trailing slash is harmless
  if (path === '') fail('missing owner and repository name (expected github.com/<owner>/<repo>)', input);
  const segments = path.split('/');
  if (segments.includes('')) fail('empty path segment', input);
  if (segments.length === 1) fail('missing repository name (expected github.com/<owner>/<repo>)', input);
  if (segments.length > 2) fail('extra path segments (expected exactly github.com/<owner>/<repo>)', input);
  const owner = segments[0]!;
  let repo = segments[1]!;
  if (repo === '.git') fail("repository name must not be only '.git'", input);
  if (repo.endsWith('.git')) repo = repo.slice(0, -4);
  if (!OWNER.test(owner)) {
    fail(`owner ${showValue(owner)} must be 1-39 letters, digits or hyphens, not starting or ending with a hyphen`, input);
  }
  if (!REPO.test(repo) || repo === '.' || repo === '..') {
    fail(`repository name ${showValue(repo)} must be 1-100 letters, digits, '.', '_' or '-' (and not '.' or '..')`, input);
  }
  return `${owner}/${repo}`;
}

/**
 * The canonical `https://github.com/<owner>/<repo>` for a GitHub repository written as an
 * https/http/ssh URL, `github.com/u/r`, or `git@github.com:u/r.git`. Owner and repository keep
 * their case; the host is matched case-insensitively. Throws ContractError otherwise.
 *
 * @example canonicalRepo('git@github.com:near/nearcore.git') // 'https://github.com/near/nearcore'
 */
export function canonicalRepo(input: string): string {
  if (typeof input !== 'string') throw new ContractError(`repository must be a string, got ${typeName(input)} ${showValue(input)}`);
  const text = input.trim();
  if (text === '') throw new ContractError('repository must not be empty');
  if (/[\s\u0000-\u001f\u007f]/.test(text)) fail('must not contain whitespace or control characters', input);
  if (/[?#]/.test(text)) fail('must not contain a query or fragment', input);

  let rest: string;
  const scheme = WITH_SCHEME.exec(text);
  const scp = scheme ? null : SCP_LIKE.exec(text);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name !== 'https' && name !== 'http' && name !== 'ssh') {
      fail(`unsupported scheme ${showValue(name)} (expected https, http or ssh)`, input);
    }
    const afterScheme = scheme[2]!;
    const slash = afterScheme.indexOf('/');
    const authority = slash < 0 ? afterScheme : afterScheme.slice(0, slash);
    rest = slash < 0 ? '' : afterScheme.slice(slash + 1);
    const { user, host } = splitUser(authority);
    // ssh URLs name the fixed `git` user; anything else is a credential that must not be stored
    if (authority.includes('@') && !(name === 'ssh' && user === 'git')) fail('credentials are not allowed', input);
    checkHost(host, input);
  } else if (scp) {
    if (scp[1] !== 'git') fail("credentials are not allowed (only 'git@github.com:' is accepted)", input);
    checkHost(scp[2]!, input);
    rest = scp[3]!;
  } else {
    const slash = text.indexOf('/');
    const authority = slash < 0 ? text : text.slice(0, slash);
    rest = slash < 0 ? '' : text.slice(slash + 1);
    if (authority.includes('@')) fail('credentials are not allowed', input);
    checkHost(authority, input);
  }
  return `https://github.com/${ownerAndRepo(rest, input)}`;
}

/** {@link canonicalRepo} for a value straight from call arguments: rejects non-strings first. */
export function parseRepo(input: unknown): string {
  if (typeof input !== 'string') throw new ContractError(`repository must be a string, got ${typeName(input)} ${showValue(input)}`);
  return canonicalRepo(input);
}
