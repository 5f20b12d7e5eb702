import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeSourceHash, isRepoSource, parseCodeSource, type CodeSource } from './code-source.js';
import { ContractError } from './errors.js';

const SHA = 'AB'.repeat(32);
const sha = 'ab'.repeat(32);
const REPO = 'https://github.com/u/r';

const ACCEPTED: [string, unknown, CodeSource][] = [
  ['repo + commit, defaults', { repo: 'github.com/u/r', commit: 'abc123' }, { repo: REPO, commit: 'abc123', build_target: 'wasm32-wasip1', build_path: null }],
  ['nulls are defaults', { repo: REPO, commit: 'main', build_target: null, build_path: null }, { repo: REPO, commit: 'main', build_target: 'wasm32-wasip1', build_path: null }],
  ['wasm32-wasi → wasm32-wasip1', { repo: REPO, commit: 'v1.0.0', build_target: 'wasm32-wasi' }, { repo: REPO, commit: 'v1.0.0', build_target: 'wasm32-wasip1', build_path: null }],
  ['js target and build path', { repo: 'git@github.com:u/r.git', commit: 'feature/x_y-1', build_target: 'js', build_path: 'pkg\\app\\' }, { repo: REPO, commit: 'feature/x_y-1', build_target: 'js', build_path: 'pkg/app' }],
  ['40-hex commit', { repo: REPO, commit: 'a'.repeat(40) }, { repo: REPO, commit: 'a'.repeat(40), build_target: 'wasm32-wasip1', build_path: null }],
  ['100-char commit', { repo: REPO, commit: 'c'.repeat(100) }, { repo: REPO, commit: 'c'.repeat(100), build_target: 'wasm32-wasip1', build_path: null }],
  ['artifact, url absent, hash lower-cased', { artifact: { sha256: SHA, kind: 'wasm' } }, { artifact: { sha256: sha, kind: 'wasm', url: null } }],
  ['artifact with null url', { artifact: { sha256: sha, kind: 'js', url: null } }, { artifact: { sha256: sha, kind: 'js', url: null } }],
  ['a shell script for the guest OS', { artifact: { sha256: sha, kind: 'sh' } }, { artifact: { sha256: sha, kind: 'sh', url: null } }],
  ['artifact https url', { artifact: { sha256: sha, kind: 'wasm', url: 'https://example.com/a.wasm' } }, { artifact: { sha256: sha, kind: 'wasm', url: 'https://example.com/a.wasm' } }],
  ['artifact http url', { artifact: { sha256: sha, kind: 'wasm', url: 'http://x/a' } }, { artifact: { sha256: sha, kind: 'wasm', url: 'http://x/a' } }],
  ['artifact ipfs url', { artifact: { sha256: sha, kind: 'wasm', url: 'ipfs://bafy' } }, { artifact: { sha256: sha, kind: 'wasm', url: 'ipfs://bafy' } }],
  ['artifact ar url', { artifact: { sha256: sha, kind: 'wasm', url: 'ar://tx' } }, { artifact: { sha256: sha, kind: 'wasm', url: 'ar://tx' } }],
  ['2048-char url', { artifact: { sha256: sha, kind: 'wasm', url: `https://${'x'.repeat(2040)}` } }, { artifact: { sha256: sha, kind: 'wasm', url: `https://${'x'.repeat(2040)}` } }],
  ['tagged GitHub', { GitHub: { repo: 'https://github.com/u/r.git', commit: 'main', build_target: 'wasm32-wasi' } }, { repo: REPO, commit: 'main', build_target: 'wasm32-wasip1', build_path: null }],
  ['tagged GitHub js', { GitHub: { repo: REPO, commit: 'main', build_target: 'js' } }, { repo: REPO, commit: 'main', build_target: 'js', build_path: null }],
  ['tagged WasmUrl', { WasmUrl: { url: 'https://x/a.wasm', hash: SHA, build_target: 'wasm32-wasip1' } }, { artifact: { sha256: sha, kind: 'wasm', url: 'https://x/a.wasm' } }],
  ['tagged WasmUrl without target', { WasmUrl: { url: 'ipfs://cid', hash: sha } }, { artifact: { sha256: sha, kind: 'wasm', url: 'ipfs://cid' } }],
  ['tagged WasmUrl js', { WasmUrl: { url: 'ar://tx', hash: sha, build_target: 'js' } }, { artifact: { sha256: sha, kind: 'js', url: 'ar://tx' } }],
];

const REJECTED: [string, unknown, RegExp][] = [
  ['null', null, /^code_source must be an object, got null/],
  ['string', 'github.com/u/r', /^code_source must be an object, got a string/],
  ['array', [], /^code_source must be an object, got an array/],
  ['empty object', {}, /^code_source requires 'repo' and 'commit', or 'artifact'/],
  ['only unknown key', { foo: 1 }, /^unknown code_source field 'foo'/],
  ['missing commit', { repo: REPO }, /^code_source requires 'commit'/],
  ['commit without repo', { commit: 'main' }, /^code_source requires 'repo' and 'commit'/],
  ['unknown repo key', { repo: REPO, commit: 'main', branch: 'x' }, /^unknown code_source field 'branch'/],
  ['both repo and artifact', { repo: REPO, commit: 'main', artifact: { sha256: sha, kind: 'wasm' } }, /^code_source must have either 'repo' or 'artifact', not both/],
  ['artifact with other key', { artifact: { sha256: sha, kind: 'wasm' }, commit: 'x' }, /^unknown code_source field 'commit'/],
  ['bad repo', { repo: 'gitlab.com/u/r', commit: 'main' }, /^only GitHub repositories are supported, got host 'gitlab.com'/],
  ['repo not a string', { repo: 5, commit: 'main' }, /^repository must be a string, got a number 5/],
  ['empty commit', { repo: REPO, commit: '' }, /^commit must not be empty/],
  ['commit not a string', { repo: REPO, commit: 123 }, /^commit must be a string, got a number 123/],
  ['long commit', { repo: REPO, commit: 'c'.repeat(101) }, /^commit must be at most 100 characters/],
  ['commit with space', { repo: REPO, commit: 'a b' }, /^commit must be at most 100 characters of letters/],
  ['commit with ~', { repo: REPO, commit: 'HEAD~1' }, /got 'HEAD~1'/],
  ['commit range', { repo: REPO, commit: 'a..b' }, /^commit must not contain '\.\.'/],
  ['commit option', { repo: REPO, commit: '--upload-pack=x' }, /^commit must not start with '-'/],
  ['commit dash', { repo: REPO, commit: '-b' }, /^commit must not start with '-'/],
  ['commit leading slash', { repo: REPO, commit: '/main' }, /^commit must not start or end with '\/'/],
  ['commit double slash', { repo: REPO, commit: 'a//b' }, /contain '\/\/'/],
  ['bad build_target', { repo: REPO, commit: 'main', build_target: 'wasm32-unknown-unknown' }, /^unsupported build_target 'wasm32-unknown-unknown' \(expected wasm32-wasip1 or js\)$/],
  ['numeric build_target', { repo: REPO, commit: 'main', build_target: 1 }, /^unsupported build_target 1/],
  ['bad build_path', { repo: REPO, commit: 'main', build_path: '../x' }, /^build path must not contain '\.\.' segments/],
  ['artifact not object', { artifact: 'x' }, /^code_source\.artifact must be an object, got a string/],
  ['artifact unknown key', { artifact: { sha256: sha, kind: 'wasm', size: 1 } }, /^unknown code_source\.artifact field 'size'/],
  ['short sha', { artifact: { sha256: 'ab', kind: 'wasm' } }, /^code_source\.artifact\.sha256 must be 64 hexadecimal characters .*got 'ab'/],
  ['non-hex sha', { artifact: { sha256: 'g'.repeat(64), kind: 'wasm' } }, /must be 64 hexadecimal/],
  ['65-char sha', { artifact: { sha256: 'a'.repeat(65), kind: 'wasm' } }, /must be 64 hexadecimal/],
  ['missing sha', { artifact: { kind: 'wasm' } }, /sha256 must be 64 hexadecimal characters .*got undefined/],
  ['bad kind', { artifact: { sha256: sha, kind: 'wasm32-wasip1' } }, /^code_source\.artifact\.kind must be 'wasm', 'js' or 'sh', got 'wasm32-wasip1'/],
  ['missing kind', { artifact: { sha256: sha } }, /kind must be 'wasm', 'js' or 'sh', got undefined/],
  ['url scheme', { artifact: { sha256: sha, kind: 'wasm', url: 'ftp://x/a' } }, /^code_source\.artifact\.url must start with https:\/\//],
  ['url file', { artifact: { sha256: sha, kind: 'wasm', url: 'file:///etc/passwd' } }, /must start with https:\/\//],
  ['url scheme only', { artifact: { sha256: sha, kind: 'wasm', url: 'https://' } }, /must start with .* and name a resource/],
  ['url uppercase scheme', { artifact: { sha256: sha, kind: 'wasm', url: 'HTTPS://x' } }, /must start with https:\/\//],
  ['url with space', { artifact: { sha256: sha, kind: 'wasm', url: 'https://x/a b' } }, /^code_source\.artifact\.url must not contain whitespace or control characters/],
  ['url with newline', { artifact: { sha256: sha, kind: 'wasm', url: 'https://x/a\n' } }, /whitespace or control/],
  ['url with NUL', { artifact: { sha256: sha, kind: 'wasm', url: 'https://x/\u0000' } }, /whitespace or control/],
  ['url too long', { artifact: { sha256: sha, kind: 'wasm', url: `https://${'x'.repeat(2041)}` } }, /^code_source\.artifact\.url must be at most 2048 characters, got 2049/],
  ['url not string', { artifact: { sha256: sha, kind: 'wasm', url: 5 } }, /^code_source\.artifact\.url must be a string, got a number 5/],
  ['GitHub with sibling', { GitHub: { repo: REPO, commit: 'main' }, repo: REPO }, /^code_source with 'GitHub' must have no other fields/],
  ['GitHub not object', { GitHub: 'x' }, /^code_source\.GitHub must be an object/],
  ['GitHub unknown key', { GitHub: { repo: REPO, commit: 'main', build_target: 'js', extra: 1 } }, /^unknown code_source\.GitHub field 'extra'/],
  ['GitHub missing commit', { GitHub: { repo: REPO } }, /^code_source\.GitHub requires 'commit'/],
  ['WasmUrl with sibling', { WasmUrl: { url: 'https://x', hash: sha }, GitHub: {} }, /must have no other fields/],
  ['WasmUrl missing url', { WasmUrl: { hash: sha } }, /^code_source\.WasmUrl\.url must be a string, got an undefined/],
  ['WasmUrl null url', { WasmUrl: { hash: sha, url: null } }, /^code_source\.WasmUrl\.url must be a string, got null/],
  ['WasmUrl bad hash', { WasmUrl: { url: 'https://x', hash: 'nothex' } }, /^code_source\.WasmUrl\.hash must be 64 hexadecimal/],
  ['WasmUrl bad target', { WasmUrl: { url: 'https://x', hash: sha, build_target: 'native' } }, /^unsupported build_target 'native'/],
  ['WasmUrl unknown key', { WasmUrl: { url: 'https://x', hash: sha, kind: 'wasm' } }, /^unknown code_source\.WasmUrl field 'kind'/],
];

describe('parseCodeSource accepts', () => {
  for (const [name, input, expected] of ACCEPTED) it(name, () => assert.deepEqual(parseCodeSource(input), expected));
});

describe('parseCodeSource rejects', () => {
  for (const [name, input, message] of REJECTED) {
    it(name, () => {
      assert.throws(() => parseCodeSource(input), (e: unknown) => e instanceof ContractError && message.test(e.message));
    });
  }
});

describe('codeSourceHash / isRepoSource', () => {
  it('returns the artifact hash, or null for repositories', () => {
    const artifact = parseCodeSource({ WasmUrl: { url: 'https://x', hash: SHA } });
    const repo = parseCodeSource({ repo: REPO, commit: 'main' });
    assert.equal(codeSourceHash(artifact), sha);
    assert.equal(codeSourceHash(repo), null);
    assert.equal(isRepoSource(repo), true);
    assert.equal(isRepoSource(artifact), false);
  });
});
