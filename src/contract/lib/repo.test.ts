import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractError } from './errors.js';
import { canonicalRepo, parseRepo } from './repo.js';

const CANON = 'https://github.com/u/r';

const ACCEPTED: [string, string][] = [
  ['https://github.com/u/r', CANON],
  ['https://github.com/u/r.git', CANON],
  ['https://github.com/u/r/', CANON],
  ['https://github.com/u/r.git/', CANON],
  ['http://github.com/u/r', CANON],
  ['github.com/u/r', CANON],
  ['github.com/u/r.git', CANON],
  ['git@github.com:u/r.git', CANON],
  ['git@github.com:u/r', CANON],
  ['https://www.github.com/u/r', CANON],
  ['www.github.com/u/r', CANON],
  ['ssh://git@github.com/u/r.git', CANON],
  ['ssh://github.com/u/r', CANON],
  ['  https://github.com/u/r \n', CANON],
  ['https://GitHub.com/u/r', CANON],
  ['GITHUB.COM/u/r', CANON],
  ['HTTPS://github.com/u/r', CANON],
  ['git@GitHub.com:u/r.git', CANON],
  ['https://github.com/Near-One/My_Repo.v2', 'https://github.com/Near-One/My_Repo.v2'],
  ['github.com/a/b', 'https://github.com/a/b'],
  ['github.com/a/.github', 'https://github.com/a/.github'],
  ['github.com/a/r.git.git', 'https://github.com/a/r.git'],
  ['github.com/a/...', 'https://github.com/a/...'],
  [`github.com/${'o'.repeat(39)}/${'r'.repeat(100)}`, `https://github.com/${'o'.repeat(39)}/${'r'.repeat(100)}`],
  [`github.com/u/${'r'.repeat(100)}.git`, `https://github.com/u/${'r'.repeat(100)}`],
];

const REJECTED: [unknown, RegExp][] = [
  ['gitlab.com/u/r', /^only GitHub repositories are supported, got host 'gitlab.com'$/],
  ['https://gitlab.com/u/r', /got host 'gitlab.com'/],
  ['https://github.com.evil.com/u/r', /got host 'github.com.evil.com'/],
  ['https://gist.github.com/u/r', /got host 'gist.github.com'/],
  ['git@bitbucket.org:u/r.git', /got host 'bitbucket.org'/],
  ['github.com/u', /missing repository name/],
  ['github.com/u/', /missing repository name/],
  ['https://github.com/u', /missing repository name/],
  ['github.com', /missing owner and repository name/],
  ['https://github.com/', /missing owner and repository name/],
  ['github.com//r', /empty path segment/],
  ['github.com/u//r', /empty path segment/],
  ['github.com/u/r//', /empty path segment/],
  ['git@github.com:/u/r', /empty path segment/],
  ['github.com/u/r/tree/main', /extra path segments/],
  ['https://github.com/u/r/issues', /extra path segments/],
  ['https://github.com/u/r?tab=readme', /query or fragment/],
  ['https://github.com/u/r#readme', /query or fragment/],
  ['https://user:pw@github.com/u/r', /credentials are not allowed/],
  ['https://token@github.com/u/r', /credentials are not allowed/],
  ['https://git@github.com/u/r', /credentials are not allowed/],
  ['ssh://user@github.com/u/r', /credentials are not allowed/],
  ['ssh://git:pw@github.com/u/r', /credentials are not allowed/],
  ['user@github.com:u/r', /credentials are not allowed/],
  ['user:pw@github.com/u/r', /credentials are not allowed/],
  ['https://github.com:443/u/r', /a port is not allowed/],
  ['ssh://git@github.com:22/u/r', /a port is not allowed/],
  ['github.com:80/u/r', /a port is not allowed/],
  ['ftp://github.com/u/r', /unsupported scheme 'ftp'/],
  ['git://github.com/u/r', /unsupported scheme 'git'/],
  ['file:///etc/passwd', /unsupported scheme 'file'/],
  ['github.com/-u/r', /owner '-u' must be 1-39/],
  ['github.com/u-/r', /owner 'u-' must be/],
  ['github.com/u_x/r', /owner 'u_x' must be/],
  ['github.com/u.x/r', /owner 'u.x' must be/],
  [`github.com/${'o'.repeat(40)}/r`, /owner 'o{40}' must be/],
  ['github.com/u/r!', /repository name 'r!' must be/],
  ['github.com/u/café', /repository name 'café' must be/],
  ['github.com/u/r%2e', /repository name 'r%2e' must be/],
  [`github.com/u/${'r'.repeat(101)}`, /repository name 'r{100}…' must be/],
  ['github.com/u/.', /repository name '.' must be/],
  ['github.com/u/..', /repository name '..' must be/],
  ['github.com/u/...git', /repository name '..' must be/],
  ['github.com/u/.git', /must not be only '.git'/],
  ['https://github.com/u/.git/', /must not be only '.git'/],
  ['github.com/u/r x', /whitespace or control characters/],
  ['github.com/u/r\u0000', /whitespace or control characters/],
  ['', /^repository must not be empty$/],
  ['   ', /^repository must not be empty$/],
  ['//github.com/u/r', /missing host/],
  ['/u/r', /missing host/],
];

describe('canonicalRepo accepts', () => {
  for (const [input, expected] of ACCEPTED) it(JSON.stringify(input), () => assert.equal(canonicalRepo(input), expected));
});

describe('canonicalRepo rejects', () => {
  for (const [input, message] of REJECTED) {
    it(JSON.stringify(input), () => {
      assert.throws(
        () => canonicalRepo(input as string),
        (e: unknown) => e instanceof ContractError && message.test(e.message),
      );
    });
  }

  it('quotes the offending input, truncated', () => {
    assert.throws(() => canonicalRepo(`github.com/u/r/${'x'.repeat(300)}`), (e: unknown) => e instanceof ContractError && e.message.length < 250 && e.message.includes('…'));
  });
});

describe('parseRepo', () => {
  it('accepts strings like canonicalRepo', () => assert.equal(parseRepo('git@github.com:u/r.git'), CANON));
  for (const value of [undefined, null, 42, {}, ['github.com/u/r'], true]) {
    it(`rejects ${String(JSON.stringify(value))}`, () => {
      assert.throws(() => parseRepo(value), (e: unknown) => e instanceof ContractError && /^repository must be a string, got /.test(e.message));
    });
  }
});
