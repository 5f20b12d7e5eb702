import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { KeyPair, KeyPairSigner, actions, buildDelegateAction, createTransaction, encodeTransaction } from 'near-api-js';
import { base58Encode, base64Encode } from './encoding.js';
import { decodeSignedTransaction } from './transaction.js';
import { signedTransactionView } from './views.js';

const key = KeyPair.fromRandom('ed25519');
const signer = new KeyPairSigner(key);
const other = KeyPair.fromRandom('ed25519').getPublicKey();
const blockHash = new Uint8Array(32).fill(9);

async function view(nearActions: Parameters<typeof createTransaction>[4]) {
  const tx = createTransaction('alice.test.near', key.getPublicKey(), 'bob.test.near', 77n, nearActions, blockHash);
  const { signedTransaction, txHash } = await signer.signTransaction(tx);
  const decoded = decodeSignedTransaction(encodeTransaction(signedTransaction));
  assert.ok(decoded.ok);
  return { view: signedTransactionView(decoded.value), txHash, signature: signedTransaction.signature.data };
}

it('renders a transaction as nearcore SignedTransactionView', async () => {
  const code = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
  const { view: v, txHash, signature } = await view([
    actions.createAccount(),
    actions.deployContract(code),
    actions.functionCall('go', { x: 1 }, 30n * 10n ** 12n, 10n ** 24n),
    actions.transfer(5n),
    actions.addFunctionCallAccessKey(other, 'c.test.near', ['go'], 10n ** 20n),
    actions.addFullAccessKey(other),
    actions.deleteKey(other),
    actions.deleteAccount('bob.test.near'),
    actions.useGlobalContract({ codeHash: blockHash }),
    actions.useGlobalContract({ accountId: 'g.test.near' }),
  ]);
  assert.deepEqual(v, {
    signer_id: 'alice.test.near',
    public_key: key.getPublicKey().toString(),
    nonce: 77,
    receiver_id: 'bob.test.near',
    actions: [
      'CreateAccount',
      { DeployContract: { code: base64Encode(sha256(code)) } },
      { FunctionCall: { method_name: 'go', args: base64Encode(new TextEncoder().encode('{"x":1}')), gas: 30_000_000_000_000, deposit: '1000000000000000000000000' } },
      { Transfer: { deposit: '5' } },
      {
        AddKey: {
          public_key: other.toString(),
          access_key: { nonce: 0, permission: { FunctionCall: { allowance: '100000000000000000000', receiver_id: 'c.test.near', method_names: ['go'] } } },
        },
      },
      { AddKey: { public_key: other.toString(), access_key: { nonce: 0, permission: 'FullAccess' } } },
      { DeleteKey: { public_key: other.toString() } },
      { DeleteAccount: { beneficiary_id: 'bob.test.near' } },
      { UseGlobalContract: { code_hash: base58Encode(blockHash) } },
      { UseGlobalContractByAccountId: { account_id: 'g.test.near' } },
    ],
    priority_fee: 0,
    signature: `ed25519:${base58Encode(signature)}`,
    hash: base58Encode(txHash),
  });
});

it('shows a delegate\'s inner actions in their serde form', async () => {
  const code = new Uint8Array([1, 2, 3]);
  const delegate = buildDelegateAction({
    senderId: 'alice.test.near',
    receiverId: 'c.test.near',
    actions: [actions.createAccount(), actions.deployContract(code), actions.transfer(3n)],
    nonce: 4n,
    maxBlockHeight: 100n,
    publicKey: key.getPublicKey(),
  });
  const { signedDelegate } = await signer.signDelegateAction(delegate);
  const { view: v } = await view([actions.signedDelegate(signedDelegate)]);
  assert.deepEqual(v.actions, [
    {
      Delegate: {
        delegate_action: {
          sender_id: 'alice.test.near',
          receiver_id: 'c.test.near',
          actions: [{ CreateAccount: {} }, { DeployContract: { code: base64Encode(code) } }, { Transfer: { deposit: '3' } }],
          nonce: 4,
          max_block_height: 100,
          public_key: key.getPublicKey().toString(),
        },
        signature: `ed25519:${base58Encode(signedDelegate.signature.data)}`,
      },
    },
  ]);
  assert.doesNotThrow(() => JSON.stringify(v));
});
