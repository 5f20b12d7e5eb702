/** The devnet's JSON-RPC: `DevnetRpc.handle` (pure, in-process) and `startRpcServer` (HTTP on 127.0.0.1). */
export { DevnetRpc, type DevnetRpcOptions, type RpcRequest, type RpcResponse } from './handle.js';
export { MAX_BODY_BYTES, startRpcServer, type RpcServer, type RpcServerOptions } from './server.js';
