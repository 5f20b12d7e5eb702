/**
 * Where the code to execute comes from: a GitHub repository at a commit (built by a worker), or
 * a prebuilt artifact pinned by its SHA-256. Every accepted spelling — ours and the reference's
 * tagged `{"GitHub": …}` / `{"WasmUrl": …}` — is reduced to one canonical {@link CodeSource}.
 */
import { expectObject, isObject, own, rejectUnknownKeys, type JsonObject } from './args.js';
import { normalizeBuildPath } from './build-path.js';
import { ContractError, showValue, typeName } from './errors.js';
import { parseRepo } from './repo.js';

/** Canonical code source: repository fields are validated and normalised, hashes lower-case. */
export type CodeSource =
  | { repo: string; commit: string; build_target: 'wasm32-wasip1' | 'js'; build_path: string | null }
  | { artifact: { sha256: string; kind: 'wasm' | 'js' | 'sh'; url: string | null } };

/** Longest accepted artifact URL. */
export const MAX_ARTIFACT_URL_LENGTH = 2048;

// A SHA, branch or tag: git ref characters only, no `..` (revision ranges), no leading `-`
// (option injection into `git checkout`), no empty path components.
const COMMIT = /^[A-Za-z0-9._/-]{1,100}$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;
const URL_SCHEMES = ['https://', 'http://', 'ipfs://', 'ar://'];

function parseCommit(value: unknown): string {
  if (typeof value !== 'string') throw new ContractError(`commit must be a string, got ${typeName(value)} ${showValue(value)}`);
  if (value === '') throw new ContractError('commit must not be empty');
  if (value.startsWith('-')) throw new ContractError(`commit must not start with '-', got ${showValue(value)}`);
  if (value.includes('..')) throw new ContractError(`commit must not contain '..', got ${showValue(value)}`);
  if (!COMMIT.test(value)) {
    throw new ContractError(`commit must be at most 100 characters of letters, digits, '.', '_', '/' or '-', got ${showValue(value)}`);
  }
  if (value.startsWith('/') || value.endsWith('/') || value.includes('//')) {
    throw new ContractError(`commit must not start or end with '/' or contain '//', got ${showValue(value)}`);
  }
  return value;
}

function parseBuildTarget(value: unknown): 'wasm32-wasip1' | 'js' {
  if (value === undefined || value === null || value === 'wasm32-wasip1' || value === 'wasm32-wasi') return 'wasm32-wasip1';
  if (value === 'js') return 'js';
  throw new ContractError(`unsupported build_target ${showValue(value)} (expected wasm32-wasip1 or js)`);
}

function parseSha256(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SHA256.test(value)) {
    throw new ContractError(`${field} must be 64 hexadecimal characters (a SHA-256), got ${showValue(value)}`);
  }
  return value.toLowerCase();
}

function parseUrl(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new ContractError(`${field} must be a string, got ${typeName(value)} ${showValue(value)}`);
  if (value.length > MAX_ARTIFACT_URL_LENGTH) {
    throw new ContractError(`${field} must be at most ${MAX_ARTIFACT_URL_LENGTH} characters, got ${value.length}: ${showValue(value)}`);
  }
  const scheme = URL_SCHEMES.find((s) => value.startsWith(s));
  if (scheme === undefined || value.length === scheme.length) {
    throw new ContractError(`${field} must start with https://, http://, ipfs:// or ar:// and name a resource, got ${showValue(value)}`);
  }
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw new ContractError(`${field} must not contain whitespace or control characters, got ${showValue(value)}`);
  }
  return value;
}

const REPO_FIELDS = ['repo', 'commit', 'build_target', 'build_path'] as const;

function parseRepoSource(obj: JsonObject, what: string): CodeSource {
  rejectUnknownKeys(obj, REPO_FIELDS, what);
  if (own(obj, 'repo') === undefined) throw new ContractError(`${what} requires 'repo'`);
  if (own(obj, 'commit') === undefined) throw new ContractError(`${what} requires 'commit'`);
  const buildPath = own(obj, 'build_path');
  return {
    repo: parseRepo(own(obj, 'repo')),
    commit: parseCommit(own(obj, 'commit')),
    build_target: parseBuildTarget(own(obj, 'build_target')),
    build_path: buildPath === undefined || buildPath === null ? null : normalizeBuildPath(buildPath),
  };
}

function parseArtifact(value: unknown): CodeSource {
  const obj = expectObject(value, 'code_source.artifact');
  rejectUnknownKeys(obj, ['sha256', 'kind', 'url'], 'code_source.artifact');
  const kind = own(obj, 'kind');
  if (kind !== 'wasm' && kind !== 'js' && kind !== 'sh') {
    throw new ContractError(`code_source.artifact.kind must be 'wasm', 'js' or 'sh', got ${showValue(kind)}`);
  }
  const url = own(obj, 'url');
  return {
    artifact: {
      sha256: parseSha256(own(obj, 'sha256'), 'code_source.artifact.sha256'),
      kind,
      url: url === undefined || url === null ? null : parseUrl(url, 'code_source.artifact.url'),
    },
  };
}

function parseWasmUrl(value: unknown): CodeSource {
  const obj = expectObject(value, 'code_source.WasmUrl');
  rejectUnknownKeys(obj, ['url', 'hash', 'build_target'], 'code_source.WasmUrl');
  return {
    artifact: {
      sha256: parseSha256(own(obj, 'hash'), 'code_source.WasmUrl.hash'),
      kind: parseBuildTarget(own(obj, 'build_target')) === 'js' ? 'js' : 'wasm',
      url: parseUrl(own(obj, 'url'), 'code_source.WasmUrl.url'),
    },
  };
}

/**
 * The canonical code source from call arguments: `{repo, commit, build_target?, build_path?}`,
 * `{artifact: {sha256, kind, url?}}`, `{GitHub: {repo, commit, build_target?}}` or
 * `{WasmUrl: {url, hash, build_target?}}`. Throws ContractError naming the offending field.
 */
export function parseCodeSource(input: unknown): CodeSource {
  const obj = expectObject(input, 'code_source');
  const keys = Object.keys(obj);
  for (const tag of ['GitHub', 'WasmUrl']) {
    if (!keys.includes(tag)) continue;
    if (keys.length !== 1) {
      throw new ContractError(`code_source with '${tag}' must have no other fields, got ${keys.map((k) => showValue(k)).join(', ')}`);
    }
    const inner = own(obj, tag);
    return tag === 'GitHub' ? parseRepoSource(expectObject(inner, 'code_source.GitHub'), 'code_source.GitHub') : parseWasmUrl(inner);
  }
  if (keys.includes('artifact')) {
    if (keys.includes('repo')) throw new ContractError("code_source must have either 'repo' or 'artifact', not both");
    rejectUnknownKeys(obj, ['artifact'], 'code_source');
    return parseArtifact(own(obj, 'artifact'));
  }
  if (!keys.includes('repo')) {
    rejectUnknownKeys(obj, REPO_FIELDS, 'code_source');
    throw new ContractError("code_source requires 'repo' and 'commit', or 'artifact'");
  }
  return parseRepoSource(obj, 'code_source');
}

/** The pinned artifact hash (lowercase hex) of `cs`, or null for a repository (its hash is known only after building). */
export function codeSourceHash(cs: CodeSource): string | null {
  return 'artifact' in cs ? cs.artifact.sha256 : null;
}

/** True for repository sources (narrows the union). */
export function isRepoSource(cs: CodeSource): cs is Extract<CodeSource, { repo: string }> {
  return isObject(cs) && 'repo' in cs;
}
