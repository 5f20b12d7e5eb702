/**
 * The keystore: hands an execution the secrets its requester may see. For a request it reads
 * the stored record from the OutLayer contract (`get_secrets` view over RPC), evaluates the
 * record's access rule for the requester, and only then opens the sealed blob, bound by its
 * AAD to the location it is stored at. Nothing here logs, and no error carries a secret value.
 *
 * @example
 * using ks = Keystore.open({ dataDir: '/var/lib/outlayer', rpcUrl, contractId: 'outlayer.near' });
 * const env = await ks.secretsFor({ owner: 'alice.near', repo: 'https://github.com/alice/app', branch: 'main', profile: 'prod', requester: 'bob.near' });
 */
import { isValidAccountId } from '../chain/codec/account-id.js';
import { explainAccess, parseAccessCondition, type AccessCondition } from '../contract/lib/access.js';
import { OutlayerError } from '../errors.js';
import { KeyRing } from './keys.js';
import { RpcChain, RpcQueryError } from './rpc-chain.js';
import { openSealed, sealedKeyId, type KeystorePublicKey, type SecretLocation } from './seal.js';

export interface KeystoreOptions {
  /** The keys live in `<dataDir>/keystore/keys.json`. */
  dataDir: string;
  /** NEAR JSON-RPC endpoint used for `get_secrets` and the access rules' lookups. */
  rpcUrl: string;
  /** The OutLayer contract account that stores the secrets. */
  contractId: string;
  /** Per-RPC-request timeout (default 10 s). */
  rpcTimeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface SecretsRequest {
  owner: string;
  repo: string;
  branch: string | null;
  profile: string;
  /** The account that requested the execution; the access rule is evaluated for it. */
  requester: string;
}

const KNOWN: readonly string[] = ['dataDir', 'rpcUrl', 'contractId', 'rpcTimeoutMs', 'fetch'];

export class Keystore implements Disposable {
  readonly #keys: KeyRing;
  readonly #chain: RpcChain;
  readonly #contractId: string;

  private constructor(keys: KeyRing, chain: RpcChain, contractId: string) {
    this.#keys = keys;
    this.#chain = chain;
    this.#contractId = contractId;
  }

  /** Opens (creating on first use) the key ring under `dataDir`. */
  static open(options: KeystoreOptions): Keystore {
    for (const k of Object.keys(options)) if (!KNOWN.includes(k)) throw new OutlayerError('usage', `unknown Keystore option ${JSON.stringify(k)}`);
    if (typeof options.rpcUrl !== 'string' || !/^https?:\/\//.test(options.rpcUrl)) throw new OutlayerError('usage', `Keystore rpcUrl must be an http(s) URL, got ${JSON.stringify(options.rpcUrl)}`);
    if (typeof options.contractId !== 'string' || !isValidAccountId(options.contractId)) throw new OutlayerError('usage', `Keystore contractId ${JSON.stringify(options.contractId)} is not a NEAR account id`);
    const chain = new RpcChain({ rpcUrl: options.rpcUrl, ...(options.rpcTimeoutMs !== undefined && { timeoutMs: options.rpcTimeoutMs }), ...(options.fetch && { fetch: options.fetch }) });
    return new Keystore(KeyRing.open(options.dataDir), chain, options.contractId);
  }

  /** The key users seal to (publish it; the SDK/CLI pass it to sealSecrets). */
  publicKey(): KeystorePublicKey {
    return this.#keys.current();
  }

  /** Makes a new key current; blobs sealed to older keys keep opening until those are retired. */
  rotate(): KeystorePublicKey {
    return this.#keys.rotate();
  }

  /** Erases an old key (see docs/keystore.md, "Rotating the key"). */
  retire(keyId: string): void {
    this.#keys.retire(keyId);
  }

  /**
   * The environment variables stored for (owner, repo, branch, profile), if `requester` may
   * have them. Throws OutlayerError: `secrets_not_found` (404), `secrets_access_denied` (403),
   * `secrets_decrypt_failed` (422), `keystore_unavailable` (503), `usage` (400, bad request).
   */
  async secretsFor(request: SecretsRequest): Promise<Record<string, string>> {
    const { owner, repo, branch, profile, requester } = request;
    if (typeof requester !== 'string' || !isValidAccountId(requester)) throw new OutlayerError('usage', `requester ${JSON.stringify(requester)} is not a NEAR account id`);
    const where = `${owner} ${repo} branch ${branch ?? '(all)'} profile ${profile}`;

    let record: unknown;
    try {
      record = await this.#chain.viewFunction(this.#contractId, 'get_secrets', { repo, branch, profile, owner });
    } catch (e) {
      if (e instanceof RpcQueryError) throw new OutlayerError('keystore_unavailable', `${this.#contractId}.get_secrets failed: ${e.message}`);
      throw e;
    }
    if (record === null) throw new OutlayerError('secrets_not_found', `no secrets are stored for ${where}`);
    if (typeof record !== 'object' || Array.isArray(record) || typeof (record as { encrypted_secrets?: unknown }).encrypted_secrets !== 'string') {
      throw new OutlayerError('keystore_unavailable', `${this.#contractId}.get_secrets answered an unexpected shape for ${where}`);
    }
    const stored = record as { encrypted_secrets: string; access?: unknown; branch?: unknown };

    let access: AccessCondition;
    try {
      access = parseAccessCondition(stored.access);
    } catch (e) {
      throw new OutlayerError('secrets_access_denied', `access to the secrets of ${where} is refused: the stored access rule is invalid (${(e as Error).message})`);
    }
    let verdict: { granted: boolean; reason: string };
    try {
      verdict = await explainAccess(access, requester, this.#chain);
    } catch (e) {
      if (e instanceof OutlayerError) throw e; // keystore_unavailable: the RPC is down, not a verdict
      throw new OutlayerError('secrets_access_denied', `access to the secrets of ${where} is refused for ${requester}: the access rule could not be evaluated (${(e as Error).message})`);
    }
    if (!verdict.granted) throw new OutlayerError('secrets_access_denied', `access to the secrets of ${where} is refused for ${requester}: ${verdict.reason}`);

    // A record stored for all branches answers with branch null; the AAD binds it that way.
    const location: SecretLocation = { owner, repo, branch: typeof stored.branch === 'string' ? stored.branch : stored.branch === null ? null : branch, profile };
    const secret = this.#keys.secretFor(sealedKeyId(stored.encrypted_secrets));
    try {
      return openSealed(secret, location, stored.encrypted_secrets);
    } finally {
      secret.fill(0);
    }
  }

  /** Zeroes the key ring's secrets; the keystore cannot be used afterwards. */
  dispose(): void {
    this.#keys.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
