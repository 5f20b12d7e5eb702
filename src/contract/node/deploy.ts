/**
 * Puts the OutLayer contract on a NEAR chain the root account controls (the devnet's test.near):
 * creates `outlayer.<root>` (the contract), `operator.<root>` (who resolves) and `dev.<root>`
 * (who `outlayer request` signs as) when missing, writes their keys next to the root's in the
 * data dir (near-cli's `{account_id, public_key, private_key}` files), deploys the contract when
 * its code differs from the account's (an upgrade keeps the state), and initialises it once.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { Account, JsonRpcProvider, KeyPair, actions, type KeyPairString } from 'near-api-js';
import { base58Encode } from '../../chain/codec/encoding.js';
import { outlayerContractSource } from './build.js';

export interface Credentials {
  account_id: string;
  public_key: string;
  private_key: KeyPairString;
}

export interface Deployment {
  contractId: string;
  operator: Credentials;
  dev: Credentials;
  /** True when this call deployed new code. */
  deployed: boolean;
}

const NEAR = 10n ** 24n;
const TGAS = 10n ** 12n;

export function readCredentials(file: string): Credentials {
  const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials> & { secret_key?: string };
  const key = (c.private_key ?? c.secret_key) as KeyPairString | undefined;
  if (!c.account_id || !key) throw new Error(`${file} is not a near-cli credentials file ({account_id, public_key, private_key})`);
  return { account_id: c.account_id, public_key: c.public_key ?? KeyPair.fromString(key).getPublicKey().toString(), private_key: key };
}

async function exists(provider: JsonRpcProvider, accountId: string): Promise<{ codeHash: string } | null> {
  try {
    const a = await provider.viewAccount({ accountId });
    return { codeHash: a.code_hash };
  } catch (e) {
    if (/does not exist|UNKNOWN_ACCOUNT/i.test(String((e as Error).message))) return null;
    throw e;
  }
}

/** The account's credentials from `<dataDir>/<id>.json`, creating the account (and file) when missing. */
async function ensureAccount(root: Account, provider: JsonRpcProvider, dataDir: string, accountId: string, balance: bigint): Promise<Credentials> {
  const file = join(dataDir, `${accountId}.json`);
  const known = existsSync(file) ? readCredentials(file) : null;
  if (await exists(provider, accountId)) {
    if (!known) throw new Error(`${accountId} exists but its key file ${file} is missing`);
    return known;
  }
  const key = known ? KeyPair.fromString(known.private_key) : KeyPair.fromRandom('ed25519');
  await root.signAndSendTransaction({ receiverId: accountId, actions: [actions.createAccount(), actions.transfer(balance), actions.addFullAccessKey(key.getPublicKey())] });
  const creds: Credentials = { account_id: accountId, public_key: key.getPublicKey().toString(), private_key: key.toString() as KeyPairString };
  writeFileSync(file, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  return creds;
}

export async function ensureOutlayerContract(o: { rpcUrl: string; root: Credentials; dataDir: string }): Promise<Deployment> {
  const provider = new JsonRpcProvider({ url: o.rpcUrl });
  const root = new Account(o.root.account_id, provider, o.root.private_key);
  const contractId = `outlayer.${o.root.account_id}`;
  const contract = await ensureAccount(root, provider, o.dataDir, contractId, 100n * NEAR);
  const operator = await ensureAccount(root, provider, o.dataDir, `operator.${o.root.account_id}`, 100n * NEAR);
  const dev = await ensureAccount(root, provider, o.dataDir, `dev.${o.root.account_id}`, 1000n * NEAR);
  const code = new TextEncoder().encode(await outlayerContractSource());
  const account = new Account(contractId, provider, contract.private_key);
  const current = await exists(provider, contractId);
  let deployed = false;
  if (current?.codeHash !== base58Encode(sha256(code))) {
    await account.signAndSendTransaction({ receiverId: contractId, actions: [actions.deployContract(code)] });
    deployed = true;
  }
  let initialized = true;
  try {
    await provider.callFunction({ contractId, method: 'get_config', args: {} });
  } catch {
    initialized = false;
  }
  if (!initialized) {
    await account.signAndSendTransaction({
      receiverId: contractId,
      actions: [actions.functionCall('new', new TextEncoder().encode(JSON.stringify({ owner_id: o.root.account_id, operator_id: operator.account_id })), 100n * TGAS, 0n)],
    });
  }
  return { contractId, operator, dev, deployed };
}
