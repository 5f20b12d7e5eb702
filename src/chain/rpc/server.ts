/**
 * The devnet's JSON-RPC over HTTP on 127.0.0.1: POST a JSON-RPC body to any path (near-api-js
 * posts to the URL as given). Bodies over `MAX_BODY_BYTES` are refused with 413.
 *
 * @example
 * const server = await startRpcServer(new DevnetRpc(devnet), { port: 3030 });
 * console.log(server.url); // http://127.0.0.1:3030
 * await server.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseError, rpcErrorResponse } from '../codec/errors.js';
import type { DevnetRpc } from './handle.js';

/** nearcore's `json_payload_max_size` is 10 MiB. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RpcServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface RpcServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(text))]);
  res.end(text);
}

/**
 * Reads the body without a Promise or chunk array per request in the common case (one chunk),
 * answers it, and writes the reply with one `end`.
 */
function serve(rpc: DevnetRpc, req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET') return send(res, 200, JSON.stringify({ status: 'ok', rpc: 'POST JSON-RPC 2.0 here' }));
  if (req.method !== 'POST') return send(res, 405, JSON.stringify({ error: 'use POST' }));
  let first: Buffer | null = null;
  let more: Buffer[] | null = null;
  let size = 0;
  let refused = false;
  req.on('data', (c: Buffer) => {
    if (refused) return;
    size += c.length;
    if (size > MAX_BODY_BYTES) {
      refused = true;
      send(res, 413, JSON.stringify({ error: `body over ${MAX_BODY_BYTES} bytes` }));
      req.destroy();
      return;
    }
    if (first === null) first = c;
    else (more ??= [first]).push(c);
  });
  req.on('end', () => {
    if (refused) return;
    const body = more ? Buffer.concat(more) : (first ?? Buffer.alloc(0));
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (e) {
      return send(res, 200, JSON.stringify(rpcErrorResponse(null, parseError(`Failed parsing args: ${(e as Error).message}`))));
    }
    rpc
      .handle(parsed)
      .then((answer) => send(res, 200, JSON.stringify(answer)))
      .catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
  });
}

export function startRpcServer(rpc: DevnetRpc, options: RpcServerOptions = {}): Promise<RpcServer> {
  const host = options.host ?? '127.0.0.1';
  // Clients such as near-api-js keep connections alive between calls; keep them open longer
  // than Node's 5 s default so a pause between bursts does not cost a new connection.
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => serve(rpc, req, res));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
