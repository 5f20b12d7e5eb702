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

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function serve(rpc: DevnetRpc, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method === 'GET') return send(200, { status: 'ok', rpc: 'POST JSON-RPC 2.0 here' });
  if (req.method !== 'POST') return send(405, { error: 'use POST' });
  const body = await readBody(req);
  if (body === null) return send(413, { error: `body over ${MAX_BODY_BYTES} bytes` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return send(200, rpcErrorResponse(null, parseError(`Failed parsing args: ${(e as Error).message}`)));
  }
  send(200, await rpc.handle(parsed));
}

export function startRpcServer(rpc: DevnetRpc, options: RpcServerOptions = {}): Promise<RpcServer> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    serve(rpc, req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
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
