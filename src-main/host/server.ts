import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { mayReceive, RequestEnvelope } from '../../src-common/contract';
import { newSession } from '../../src-common/roles';
import type { Pos } from '../pos';
import { CONTENT_SECURITY_POLICY } from '../web-assets';
import { ambiguousFraming } from './request-framing';
import { serveStatic } from './static-files';

export interface HostOptions {
  readonly pos: Pos;
  /** 0 picks a free port. */
  readonly port: number;
  readonly token: string;
  /** The built renderer (out/renderer). */
  readonly staticDir: string;
}

export interface Host {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export const API_PATH = '/api';
const MAX_MESSAGE_BYTES = 1024 * 1024;

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/**
 * The headless host: the built UI over HTTP and the API over one WebSocket, on 127.0.0.1 only.
 * Three checks keep other pages and other machines out: the Host header must name this loopback
 * address (no DNS rebinding), a browser's Origin must be this host's own, and the WebSocket must
 * present the per-launch token.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const { pos, token, staticDir } = options;
  const server: Server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  server.on('request', (req, res) => {
    const framing = ambiguousFraming(req);
    if (framing) {
      pos.log.warn({ reason: framing }, 'http request refused: ambiguous framing');
      res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' }).end(`Bad request: ${framing}`);
      return;
    }
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    serveStatic(staticDir, path, res, SECURITY_HEADERS).catch((error: unknown) => {
      pos.log.error({ err: error, path }, 'static file not served');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = checkUpgrade(req, allowedHosts(), allowedOrigins(), token);
    if (refusal) {
      pos.log.warn({ reason: refusal.status === 400 ? ambiguousFraming(req) : refusal.reason, origin: req.headers.origin }, 'websocket refused');
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, pos));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, 'terminal stopping');
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function checkUpgrade(
  req: IncomingMessage,
  hosts: Set<string>,
  origins: Set<string>,
  token: string,
): { status: number; reason: string } | null {
  if (ambiguousFraming(req)) return { status: 400, reason: 'Bad Request' };
  const url = new URL(req.url ?? '/', 'http://host');
  if (url.pathname !== API_PATH) return { status: 404, reason: 'Not Found' };
  if (!hosts.has(req.headers.host ?? '')) return { status: 421, reason: 'Misdirected Request' };
  // Browsers always send Origin; a local program (tests, the technician's CLI) sends none.
  const origin = req.headers.origin;
  if (origin !== undefined && !origins.has(origin)) return { status: 403, reason: 'Forbidden' };
  if (!tokenMatches(url.searchParams.get('token'), token)) return { status: 401, reason: 'Unauthorized' };
  return null;
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function serveConnection(ws: WebSocket, pos: Pos): void {
  const session = newSession();
  const unsubscribe = pos.events.subscribe((name, payload, audience) => {
    if (ws.readyState === ws.OPEN && mayReceive(name, session.caller) && (!audience || audience(session))) {
      ws.send(JSON.stringify({ type: 'event', name, payload }));
    }
  });
  // The core knows which screens are open (a scan with none open is held for the next one).
  const disconnect = pos.screens.connect(session);
  ws.on('close', () => {
    unsubscribe();
    disconnect();
  });
  ws.on('error', (error) => pos.log.warn({ err: error }, 'websocket error'));
  ws.on('message', async (data, isBinary) => {
    let envelope: RequestEnvelope;
    try {
      if (isBinary) throw new Error('binary frame');
      envelope = RequestEnvelope.parse(JSON.parse(data.toString()));
    } catch {
      ws.send(JSON.stringify({ type: 'protocol_error', message: 'Expected {"id":number,"call":string,"input":...}' }));
      return;
    }
    const result = await pos.dispatch(envelope.call, envelope.input, session);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id: envelope.id, result }));
  });
}
