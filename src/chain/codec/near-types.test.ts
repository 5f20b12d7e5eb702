// Compile-time check: the JSON this codec builds is assignable to near-api-js 7.2.0's own
// generated RPC types (lib/rpc/types.gen.d.ts, generated from nearcore's OpenAPI spec). The
// package's exports map hides that file, hence the relative path; `tsc --noEmit` does the work.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type * as Near from '../../../node_modules/near-api-js/lib/rpc/types.gen.js';
import type { RpcError } from './errors.js';
import type { ActionErrorKind, FunctionCallError, InvalidTxError, TxExecutionError } from './tx-errors.js';
import type { AccessKeyView, ActionView, SignedTransactionView } from './views.js';

type Assignable<A extends B, B> = A;

export type Checks = [
  Assignable<InvalidTxError, Near.InvalidTxError>,
  Assignable<ActionErrorKind, Near.ActionErrorKind>,
  Assignable<FunctionCallError, Near.FunctionCallError>,
  Assignable<TxExecutionError, Near.TxExecutionError>,
  Assignable<ActionView, Near.ActionView>,
  Assignable<AccessKeyView, Near.AccessKeyView>,
  Assignable<SignedTransactionView, Near.SignedTransactionView>,
  Assignable<RpcError['name'], Near.ErrorWrapperForRpcTransactionError['name']>,
];

it('the codec types conform to near-api-js 7.2.0 generated RPC types (checked by tsc)', () => {
  assert.ok(true);
});
