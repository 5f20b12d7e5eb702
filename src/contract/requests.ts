/**
 * The execution lifecycle:
 *
 *   request_execution (payable)  → validates, stores `req:<id>`, emits execution_requested,
 *                                  yields (NEAR promise_yield_create) and returns the yield;
 *   resolve_execution / submit_execution_output_and_resolve (operator)
 *                                → checks the worker's attestation, resumes the yield with the
 *                                  response (≤ 1024 bytes; large outputs wait in `out:<id>`);
 *   on_execution_response (the yield's callback, a later block)
 *                                → charges per the pricing, refunds the rest to the payer, emits
 *                                  execution_completed, and returns the output to the caller
 *                                  (null on failure or after the 200-block timeout);
 *   cancel_stale_execution (sender, after 600 s) → full refund.
 */
import { accountIdArg, argsOf, boolArg, optionalString, u64Arg } from './method-args.js';
import { parseAttestation, verifyAttestation, type Attestation } from './attestation.js';
import { assertNotPaused, assertOperator, assertOwner, loadConfig, pricingOf, saveConfig, type Config } from './config.js';
import { emit } from './events.js';
import { appendHistory } from './history.js';
import { codeSourceHash, parseCodeSource } from './lib/code-source.js';
import { hexEncode } from './lib/base64.js';
import { ContractError } from './lib/errors.js';
import { toJson, utf8Length } from './lib/json.js';
import { limitsToJson, resolveLimits } from './lib/limits.js';
import { estimateCost, executionCost, parseResourcesUsed, settle, type ResourcesUsed } from './lib/pricing.js';
import { assertNoDeposit, assertPrivate, fail, near, sha256Hex, transfer } from './near.js';
import { describeOutput, fromWire, outputHashHex, parseOutput, resultValue, toWire, type ExecutionOutput, type WireOutput } from './output.js';
import { loadPending, loadSettled, resourcesJson, type PendingRequest, type ResponseFormat, type SecretsRef, type SettledRequest, type SettledStatus } from './records.js';
import { parseProfile } from './secrets.js';
import { keys, readJson, remove, writeJson } from './storage.js';
import { isWorkerKey, workerKeyCount } from './workers.js';

/** Gas reserved for the yield callback (the reference's MIN_RESPONSE_GAS). */
export const CALLBACK_GAS = 50_000_000_000_000n;
/** NEAR's yield-resume payload limit (max_yield_payload_size). */
export const MAX_RESUME_PAYLOAD = 1024;
/** A request's input_data (UTF-8 bytes). */
export const MAX_INPUT_BYTES = 1_048_576;
/** Inputs larger than this stay out of the execution_requested event (workers read get_request). */
export const INPUT_EVENT_THRESHOLD = 10_000;
/** A large output kept in state until the callback returns it (UTF-8 bytes of its JSON). */
export const MAX_STORED_OUTPUT_BYTES = 1_048_576;
/** A request may be cancelled by its sender this long after it was made (ns). */
export const STALE_AFTER_NS = 600_000_000_000n;
const MAX_ERROR_CHARS = 4096;

interface Response {
  success: boolean;
  output: ExecutionOutput | null;
  error: string | null;
  resources_used: ResourcesUsed;
  compilation_note: string | null;
}

function parseFormat(v: unknown): ResponseFormat {
  if (v === undefined || v === null) return 'Text';
  if (v === 'Text' || v === 'Json' || v === 'Bytes') return v;
  throw new ContractError(`response_format must be "Text", "Json" or "Bytes", got ${JSON.stringify(v)?.slice(0, 60)}`);
}

function parseSecretsRef(v: unknown): SecretsRef | null {
  if (v === undefined || v === null) return null;
  const a = argsOf(v, 'secrets_ref', ['profile', 'account_id'], ['profile', 'account_id']);
  return { profile: parseProfile(a.profile), account_id: accountIdArg(a.account_id, 'secrets_ref.account_id') };
}

function parseResponse(v: unknown, name: string): Response {
  const a = argsOf(v, name, ['success', 'output', 'error', 'resources_used', 'compilation_note'], ['success', 'resources_used']);
  return {
    success: boolArg(a.success, `${name}.success`),
    output: parseOutput(a.output, `${name}.output`),
    error: optionalString(a.error, `${name}.error`, MAX_ERROR_CHARS),
    resources_used: parseResourcesUsed(a.resources_used),
    compilation_note: optionalString(a.compilation_note, `${name}.compilation_note`, MAX_ERROR_CHARS),
  };
}

function wireResponse(r: Response): Record<string, unknown> {
  const u = r.resources_used;
  return {
    success: r.success,
    output: r.output && toWire(r.output),
    error: r.error,
    resources_used: { instructions: u.instructions, time_ms: u.time_ms, compile_time_ms: u.compile_time_ms },
    compilation_note: r.compilation_note,
  };
}

const usedText = (u: ResourcesUsed) => `{ instructions: ${u.instructions}, time_ms: ${u.time_ms}, compile_time_ms: ${u.compile_time_ms ?? 'None'} }`;

export function request_execution(input: unknown): void {
  const c = loadConfig();
  assertNotPaused(c);
  const a = argsOf(input, 'request_execution', ['code_source', 'resource_limits', 'input_data', 'secrets_ref', 'response_format', 'payer_account_id'], ['code_source']);
  const codeSource = parseCodeSource(a.code_source);
  const limits = resolveLimits(a.resource_limits);
  const inputData = optionalString(a.input_data, 'input_data', MAX_INPUT_BYTES);
  if (inputData !== null && utf8Length(inputData) > MAX_INPUT_BYTES) fail(`input_data is too large (${utf8Length(inputData)} bytes > ${MAX_INPUT_BYTES})`);
  const secretsRef = parseSecretsRef(a.secrets_ref);
  const format = parseFormat(a.response_format);
  const sender = near.predecessorAccountId();
  const payer = a.payer_account_id === undefined || a.payer_account_id === null ? sender : accountIdArg(a.payer_account_id, 'payer_account_id');
  const deposit = near.attachedDeposit();
  const required = estimateCost(pricingOf(c), limits);
  if (deposit < required) {
    fail(`Insufficient payment: required ${required} yoctoNEAR for requested limits (max_instructions: ${limits.max_instructions}, max_execution_seconds: ${limits.max_execution_seconds}), got ${deposit} yoctoNEAR`);
  }
  const id = c.next_request_id;
  c.next_request_id = id + 1;
  const timestamp = near.blockTimestamp();
  const limitsJson = limitsToJson(limits);
  const inEvent = inputData === null || utf8Length(inputData) <= INPUT_EVENT_THRESHOLD;
  const requestData = toJson({
    request_id: id,
    sender_id: sender,
    payer_account_id: payer,
    code_source: codeSource,
    resource_limits: limitsJson,
    input_data: inEvent ? (inputData ?? '') : null,
    input_data_size: inputData === null ? 0 : utf8Length(inputData),
    secrets_ref: secretsRef,
    response_format: format,
    payment: String(deposit),
    timestamp,
  });
  const y = near.promiseYieldCreate('on_execution_response', toJson({ request_id: id }), CALLBACK_GAS, 1n);
  const dataHex = hexEncode(y.dataId);
  const pending: PendingRequest = {
    request_id: id,
    data_id: dataHex,
    sender_id: sender,
    payer_account_id: payer,
    code_source: codeSource,
    resource_limits: limitsJson,
    input_data: inputData,
    secrets_ref: secretsRef,
    response_format: format,
    payment: String(deposit),
    timestamp: String(timestamp),
    status: 'pending',
    output_submitted: false,
    code_hash: null,
  };
  writeJson(keys.request(id), pending);
  appendHistory(sender, id);
  if (payer !== sender) appendHistory(payer, id);
  saveConfig(c);
  emit(c, 'execution_requested', {
    request_id: id,
    sender_id: sender,
    payer_account_id: payer,
    code_source: codeSource,
    resource_limits: limitsJson,
    request_data: requestData,
    data_id: Array.from(y.dataId),
    timestamp,
  });
  near.promiseReturn(y.promiseIndex);
}

/** The pending request `id`, or a clear failure (unknown, already settled, already resolved). */
function unresolved(id: number): PendingRequest {
  const req = loadPending(id);
  if (!req) {
    const done = loadSettled(id);
    fail(done ? `Execution request ${id} is already settled (${done.status})` : 'Execution request not found');
  }
  if (req.status === 'resolved') fail(`Execution request ${id} is already resolved`);
  return req;
}

function checkAttestation(req: PendingRequest, r: Response, output: ExecutionOutput | null, att: Attestation | null): void {
  if (workerKeyCount() === 0) return; // operator-only trust, as the reference contract
  if (!att) fail('A resolution must carry an attestation signed by a registered worker key');
  if (!isWorkerKey(att.public_key)) fail(`attestation key ${att.public_key} is not a registered worker key`);
  const artifact = codeSourceHash(req.code_source);
  if (artifact !== null && artifact !== att.code_hash) fail(`attestation code_hash ${att.code_hash} does not match the requested artifact ${artifact}`);
  const facts = { requestId: req.request_id, codeHash: att.code_hash, inputHash: sha256Hex(req.input_data ?? ''), outputHash: outputHashHex(output), fuel: r.resources_used.instructions };
  if (!verifyAttestation(att, facts)) fail('attestation signature does not match this result (request, code, input, output and fuel)');
}

function resolve(c: Config, req: PendingRequest, r: Response, att: Attestation | null): void {
  const stored = req.output_submitted ? readJson<WireOutput>(keys.output(req.request_id)) : null;
  checkAttestation(req, r, r.output ?? (stored && fromWire(stored)), att);
  const payload = toJson(wireResponse(r));
  const size = utf8Length(payload);
  if (size > MAX_RESUME_PAYLOAD) {
    fail(`The response is ${size} bytes but a yield resume carries at most ${MAX_RESUME_PAYLOAD}: send large outputs with submit_execution_output_and_resolve`);
  }
  const { charged } = settle(pricingOf(c), BigInt(req.payment), r.success ? { success: true, used: r.resources_used } : { success: false });
  near.log(`Resolving execution for request_id: ${req.request_id}, success: ${r.success}, output_submitted: ${req.output_submitted}, resources_used: ${usedText(r.resources_used)}`);
  near.log(`[[yNEAR charged: "${charged}"]]`);
  const dataId = new Uint8Array(req.data_id.length / 2);
  for (let i = 0; i < dataId.length; i++) dataId[i] = parseInt(req.data_id.slice(2 * i, 2 * i + 2), 16);
  if (!near.promiseYieldResume(dataId, payload)) fail(`Unable to resume execution promise for request ${req.request_id}: it timed out`);
  req.status = 'resolved';
  req.code_hash = att?.code_hash ?? null;
  writeJson(keys.request(req.request_id), req);
}

export function resolve_execution(input: unknown): void {
  assertNoDeposit('resolve_execution');
  const c = loadConfig();
  assertOperator(c);
  const a = argsOf(input, 'resolve_execution', ['request_id', 'response', 'attestation'], ['request_id', 'response']);
  const req = unresolved(u64Arg(a.request_id, 'request_id'));
  resolve(c, req, parseResponse(a.response, 'response'), parseAttestation(a.attestation));
}

function storeOutput(req: PendingRequest, output: ExecutionOutput): void {
  if (req.output_submitted) fail('Output already submitted for this request');
  const wire = toJson(toWire(output));
  if (utf8Length(wire) > MAX_STORED_OUTPUT_BYTES) fail(`output is too large (${utf8Length(wire)} bytes > ${MAX_STORED_OUTPUT_BYTES})`);
  near.storageWrite(keys.output(req.request_id), wire);
  req.output_submitted = true;
  writeJson(keys.request(req.request_id), req);
  near.log(`Stored pending output for request_id: ${req.request_id}`);
}

/** Two-step large-output path, step 1 (the reference's submit_execution_output). */
export function submit_execution_output(input: unknown): void {
  assertNoDeposit('submit_execution_output');
  assertOperator(loadConfig());
  const a = argsOf(input, 'submit_execution_output', ['request_id', 'output'], ['request_id', 'output']);
  const req = unresolved(u64Arg(a.request_id, 'request_id'));
  storeOutput(req, parseOutput(a.output)!);
}

/** Outputs too large for the 1024-byte resume: stored in state, then resolved in one call. */
export function submit_execution_output_and_resolve(input: unknown): void {
  assertNoDeposit('submit_execution_output_and_resolve');
  const c = loadConfig();
  assertOperator(c);
  const a = argsOf(input, 'submit_execution_output_and_resolve', ['request_id', 'output', 'success', 'error', 'resources_used', 'compilation_note', 'attestation'], ['request_id', 'output', 'success', 'resources_used']);
  const req = unresolved(u64Arg(a.request_id, 'request_id'));
  storeOutput(req, parseOutput(a.output)!);
  near.log(`Resolving execution for request_id: ${req.request_id} (combined flow)`);
  const r = parseResponse({ success: a.success, error: a.error, resources_used: a.resources_used, compilation_note: a.compilation_note }, 'response');
  resolve(c, req, r, parseAttestation(a.attestation));
}

/** Moves a request from pending to settled, pays the refund and counts the fee. */
function settleRequest(c: Config, req: PendingRequest, s: { status: SettledStatus; success: boolean; error: string | null; used: ResourcesUsed | null; charged: bigint; refunded: bigint; output: ExecutionOutput | null; compilationNote: string | null }): void {
  remove(keys.request(req.request_id));
  remove(keys.output(req.request_id));
  const settled: SettledRequest = {
    request_id: req.request_id,
    sender_id: req.sender_id,
    payer_account_id: req.payer_account_id,
    code_source: req.code_source,
    resource_limits: req.resource_limits,
    response_format: req.response_format,
    status: s.status,
    success: s.success,
    error: s.error,
    resources_used: s.used && resourcesJson(s.used),
    payment: req.payment,
    payment_charged: String(s.charged),
    payment_refunded: String(s.refunded),
    timestamp: req.timestamp,
    settled_at: String(near.blockTimestamp()),
    code_hash: req.code_hash,
    output_size: s.output === null ? null : utf8Length(toJson(resultValue(s.output))),
  };
  writeJson(keys.done(req.request_id), settled);
  if (s.status !== 'cancelled') c.total_executions += 1;
  c.total_fees_collected = String(BigInt(c.total_fees_collected) + s.charged);
  saveConfig(c);
  transfer(req.payer_account_id, s.refunded);
  emit(c, 'execution_completed', {
    request_id: req.request_id,
    sender_id: req.sender_id,
    payer_account_id: req.payer_account_id,
    code_source: req.code_source,
    resources_used: s.used && { instructions: s.used.instructions, time_ms: s.used.time_ms, compile_time_ms: s.used.compile_time_ms },
    success: s.success,
    error_message: s.error,
    payment_charged: String(s.charged),
    payment_refunded: String(s.refunded),
    compilation_note: s.compilationNote,
    timestamp: near.blockTimestamp(),
  });
}

/** The yield's callback: runs when the operator resumed it, or after the 200-block timeout. */
export function on_execution_response(input: unknown): unknown {
  assertPrivate('on_execution_response');
  const a = argsOf(input, 'on_execution_response', ['request_id'], ['request_id']);
  const id = u64Arg(a.request_id, 'request_id');
  const c = loadConfig();
  const req = loadPending(id);
  if (!req) {
    near.log(`Warning: Execution request ${id} not found in pending requests`);
    return null;
  }
  const pricing = pricingOf(c);
  const payment = BigInt(req.payment);
  const raw = near.promiseResultsCount() > 0 ? near.promiseResult(0) : null;
  if (raw === null) {
    const { charged, refunded } = settle(pricing, payment, { success: false });
    const error = 'Execution timed out: no result within 200 blocks';
    near.log(`[[yNEAR charged: "${charged}"]]`);
    near.log(`Execution promise failed: ${error}. Refunded ${refunded} yoctoNEAR`);
    settleRequest(c, req, { status: 'timed_out', success: false, error, used: null, charged, refunded, output: null, compilationNote: null });
    return null;
  }
  const r = parseResponse(JSON.parse(raw), 'response');
  const note = r.compilation_note ? `, ${r.compilation_note}` : '';
  if (!r.success) {
    const { charged, refunded } = settle(pricing, payment, { success: false });
    const error = r.error ?? 'Unknown error';
    near.log(`[[yNEAR charged: "${charged}"]]`);
    near.log(`Execution failed: ${error}. Resources: ${usedText(r.resources_used)}. Refunded ${refunded} yoctoNEAR`);
    settleRequest(c, req, { status: 'failed', success: false, error, used: r.resources_used, charged, refunded, output: null, compilationNote: r.compilation_note });
    return null;
  }
  const stored = req.output_submitted ? readJson<WireOutput>(keys.output(id)) : null;
  if (stored) near.log(`Retrieving large output from storage for request_id: ${id}`);
  const output = stored ? fromWire(stored) : r.output;
  const { charged, refunded } = settle(pricing, payment, { success: true, used: r.resources_used });
  near.log(`[[yNEAR charged: "${charged}"]]`);
  near.log(`Execution completed successfully. Output: ${describeOutput(output)}, Resources: ${usedText(r.resources_used)}, Cost: ${executionCost(pricing, r.resources_used)} yoctoNEAR, Refund: ${refunded} yoctoNEAR${note}`);
  settleRequest(c, req, { status: 'completed', success: true, error: null, used: r.resources_used, charged, refunded, output, compilationNote: r.compilation_note });
  return resultValue(output);
}

function cancel(c: Config, req: PendingRequest, reason: string): void {
  if (req.status === 'resolved') fail(`Execution request ${req.request_id} is already resolved; its result is on the way`);
  const payment = BigInt(req.payment);
  settleRequest(c, req, { status: 'cancelled', success: false, error: reason, used: null, charged: 0n, refunded: payment, output: null, compilationNote: null });
}

export function cancel_stale_execution(input: unknown): void {
  assertNoDeposit('cancel_stale_execution');
  const a = argsOf(input, 'cancel_stale_execution', ['request_id'], ['request_id']);
  const id = u64Arg(a.request_id, 'request_id');
  const req = loadPending(id);
  if (!req) fail(loadSettled(id) ? `Execution request ${id} is already settled` : 'Execution request not found');
  if (near.predecessorAccountId() !== req.sender_id) fail('Only the sender can cancel this execution');
  if (near.blockTimestamp() <= BigInt(req.timestamp) + STALE_AFTER_NS) fail('Execution is not yet stale, please wait');
  cancel(loadConfig(), req, 'Cancelled by the sender: no result within 600 s');
  near.log(`Cancelled stale execution ${id} and refunded payer ${req.payer_account_id}`);
}

export function emergency_cancel_execution(input: unknown): void {
  assertNoDeposit('emergency_cancel_execution');
  const c = loadConfig();
  assertOwner(c);
  const a = argsOf(input, 'emergency_cancel_execution', ['request_id'], ['request_id']);
  const id = u64Arg(a.request_id, 'request_id');
  const req = loadPending(id);
  if (!req) fail('Execution request not found');
  cancel(c, req, 'Cancelled by the contract owner');
  near.log(`Emergency cancelled execution ${id} and refunded ${req.payment} yoctoNEAR to ${req.payer_account_id}`);
}

/** Views. */
export function get_pending_output(input: unknown): unknown {
  const a = argsOf(input, 'get_pending_output', ['request_id'], ['request_id']);
  const w = readJson<WireOutput>(keys.output(u64Arg(a.request_id, 'request_id')));
  return w;
}

export function has_pending_output(input: unknown): boolean {
  const a = argsOf(input, 'has_pending_output', ['request_id'], ['request_id']);
  return loadPending(u64Arg(a.request_id, 'request_id'))?.output_submitted ?? false;
}
