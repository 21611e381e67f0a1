/**
 * A small store server that follows src-common/sync-protocol.ts, for the till's sync tests: real HTTPS on
 * 127.0.0.1 with a self-signed certificate made by openssl, one-time enrolment codes, per-terminal credentials
 * (revocable), facts stored once per (store, fact id) with the highest contiguous seq per stream acknowledged,
 * `stream_diverged` when a stream's seq already holds another fact, and versioned pulls. Not the real server
 * (server/, on PostgreSQL): the till is tested here against the contract, there against the real thing.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import {
  EnrolRequest,
  MAX_BATCH_BYTES,
  UploadRequest,
  type Fact,
  type PullReply,
  type SyncErrorCode,
} from '../../src-common/sync-protocol';
import { tempDir } from './host';

export interface TestCertificate {
  key: string;
  cert: string;
  /** As `openssl x509 -fingerprint -sha256` prints it (upper-case pairs joined by ':'). */
  fingerprint: string;
}

export function makeCertificate(commonName = 'store-server.test'): TestCertificate {
  const dir = tempDir('sync-cert-');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${commonName}`], {
    stdio: 'ignore',
  });
  const printed = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), fingerprint: printed.trim().split('=')[1]! };
}

/** A certificate signed by `issuer`'s key: it chains to the issuer, yet it is not the issuer's certificate. */
export function makeSignedCertificate(issuer: TestCertificate, commonName = 'store-server.test'): TestCertificate {
  const dir = tempDir('sync-cert-');
  const files = { issuerKey: join(dir, 'issuer-key.pem'), issuerCert: join(dir, 'issuer.pem'), key: join(dir, 'key.pem'), csr: join(dir, 'req.csr'), cert: join(dir, 'cert.pem') };
  writeFileSync(files.issuerKey, issuer.key);
  writeFileSync(files.issuerCert, issuer.cert);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', files.key, '-out', files.csr, '-subj', `/CN=${commonName}`], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', files.csr, '-CA', files.issuerCert, '-CAkey', files.issuerKey, '-CAcreateserial', '-out', files.cert, '-days', '2'], { stdio: 'ignore' });
  const printed = execFileSync('openssl', ['x509', '-in', files.cert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return { key: readFileSync(files.key, 'utf8'), cert: readFileSync(files.cert, 'utf8'), fingerprint: printed.trim().split('=')[1]! };
}

interface Store {
  id: string;
  name: string;
  version: number;
  products: Map<string, PullReply['products'][number] & { version: number }>;
  settings: Record<string, unknown>;
  settingsVersion: number;
  promotions: Map<string, NonNullable<PullReply['promotions']>[number] & { version: number }>;
}

export interface StoredFact {
  storeId: string;
  terminalId: string;
  stream: string;
  fact: Fact;
}

export interface ContractServer {
  readonly url: string;
  readonly fingerprint: string;
  /** Facts stored, in the order they were stored (once each). */
  readonly facts: StoredFact[];
  /** Every request's method and path, and the status answered. */
  readonly requests: { method: string; path: string; status: number }[];
  addStore(id: string, name: string): void;
  enrolmentCode(storeId: string): string;
  revokeAll(storeId: string): void;
  setProduct(storeId: string, product: PullReply['products'][number]): void;
  setSettings(storeId: string, settings: Record<string, unknown>): void;
  setPromotion(storeId: string, promotion: NonNullable<PullReply['promotions']>[number]): void;
  /** 'ok'; 'down' (every connection dropped); 'lose_replies' (facts stored, the reply never sent); 'cut_pulls' (half a pull reply, then the connection drops). */
  mode: 'ok' | 'down' | 'lose_replies' | 'cut_pulls';
  ackedSeq(stream: string): number;
  /** Forgets every fact and stream (a server restored from an older backup of its database). */
  forgetFacts(): void;
  /** From the next connection on, present another certificate (null: its own again). */
  presentCertificate(other: TestCertificate | null): void;
  close(): Promise<void>;
}

export async function startContractServer(options: { certificate?: TestCertificate; port?: number } = {}): Promise<ContractServer> {
  const certificate = options.certificate ?? makeCertificate();
  const stores = new Map<string, Store>();
  const codes = new Map<string, string>();
  const terminals = new Map<string, { storeId: string; terminalId: string; revoked: boolean }>();
  const factIds = new Set<string>();
  const streams = new Map<string, Map<number, string>>();
  const facts: StoredFact[] = [];
  const requests: ContractServer['requests'] = [];
  const sockets = new Set<Socket>();

  const contiguous = (stream: string) => {
    const seqs = streams.get(stream);
    let n = 0;
    while (seqs?.has(n + 1)) n++;
    return n;
  };

  function reply(res: ServerResponse, req: IncomingMessage, status: number, body: unknown) {
    requests.push({ method: req.method ?? '', path: req.url ?? '', status });
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
  const refuse = (res: ServerResponse, req: IncomingMessage, status: number, code: SyncErrorCode, message: string) => reply(res, req, status, { error: { code, message } });

  async function body(req: IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BATCH_BYTES + 1024) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  const server: Server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    void (async () => {
      if (api.mode === 'down') return req.socket.destroy();
      const url = new URL(req.url ?? '/', 'https://x');
      if (req.method === 'POST' && url.pathname === '/v1/enrol') {
        const parsed = EnrolRequest.safeParse(JSON.parse((await body(req)) ?? 'null'));
        if (!parsed.success) return refuse(res, req, 400, 'bad_request', 'bad enrolment');
        const storeId = codes.get(parsed.data.code.replaceAll('-', ''));
        if (!storeId) return refuse(res, req, 403, 'enrolment_code_invalid', 'unknown, used or expired code');
        codes.delete(parsed.data.code.replaceAll('-', ''));
        const credential = randomBytes(32).toString('base64url');
        terminals.set(credential, { storeId, terminalId: parsed.data.terminalId, revoked: false });
        return reply(res, req, 200, { storeId, storeName: stores.get(storeId)!.name, terminalId: parsed.data.terminalId, credential });
      }
      const terminal = terminals.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!terminal || terminal.revoked) return refuse(res, req, 401, 'unauthorized', 'no, unknown or revoked credential');
      const store = stores.get(terminal.storeId)!;
      if (req.method === 'POST' && url.pathname === '/v1/facts') {
        const text = await body(req);
        if (text === null) return refuse(res, req, 413, 'payload_too_large', 'batch too large');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return refuse(res, req, 400, 'bad_request', 'not JSON');
        }
        const parsed = UploadRequest.safeParse(json);
        if (!parsed.success) return refuse(res, req, 400, 'bad_request', parsed.error.issues[0]?.message ?? 'bad batch');
        const { stream, facts: batch } = parsed.data;
        if (batch.some((f, i) => i > 0 && f.seq !== batch[i - 1]!.seq + 1)) return refuse(res, req, 400, 'bad_request', 'gap inside the batch');
        // A batch starting beyond what the stream holds stores nothing; the answer says where to start.
        if (batch[0]!.seq > contiguous(stream) + 1) return reply(res, req, 200, { stream, ackedSeq: contiguous(stream) });
        const seqs = streams.get(stream) ?? new Map<number, string>();
        // All or nothing, like one transaction.
        for (const f of batch) {
          const held = seqs.get(f.seq);
          if (held !== undefined && held !== f.id) return refuse(res, req, 409, 'stream_diverged', `seq ${f.seq} holds another fact`);
        }
        streams.set(stream, seqs);
        for (const f of batch) {
          seqs.set(f.seq, f.id);
          const key = `${terminal.storeId}|${f.id}`;
          if (factIds.has(key)) continue;
          factIds.add(key);
          facts.push({ storeId: terminal.storeId, terminalId: terminal.terminalId, stream, fact: f });
        }
        if (api.mode === 'lose_replies') {
          requests.push({ method: 'POST', path: url.pathname, status: 0 });
          return req.socket.destroy();
        }
        return reply(res, req, 200, { stream, ackedSeq: contiguous(stream) });
      }
      if (req.method === 'GET' && url.pathname === '/v1/pull') {
        const since = Number(url.searchParams.get('since') ?? '0');
        const changed = [...store.products.values()].filter((p) => p.version > since).map(({ version: _v, ...p }) => p);
        const page: PullReply = {
          version: store.version,
          more: false,
          storeName: store.name,
          products: changed,
          categories: [],
          users: [],
          settings: store.settingsVersion > since ? store.settings : {},
          stock: [],
          deleted: [],
          promotions: [...store.promotions.values()].filter((p) => p.version > since).map(({ version: _v, ...p }) => p),
          deletedPromotions: [],
        };
        if (api.mode === 'cut_pulls') {
          const text = JSON.stringify(page);
          requests.push({ method: 'GET', path: req.url ?? '', status: 0 });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.write(text.slice(0, Math.floor(text.length / 2)));
          setTimeout(() => req.socket.destroy(), 20);
          return;
        }
        return reply(res, req, 200, page);
      }
      return refuse(res, req, 400, 'bad_request', 'no such path');
    })().catch(() => req.socket.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const api: ContractServer = {
    url: `https://127.0.0.1:${port}`,
    fingerprint: certificate.fingerprint,
    facts,
    requests,
    mode: 'ok',
    addStore(id, name) {
      stores.set(id, { id, name, version: 1, products: new Map(), settings: {}, settingsVersion: 0, promotions: new Map() });
    },
    enrolmentCode(storeId) {
      const code = randomBytes(6).toString('hex').toUpperCase().slice(0, 8);
      codes.set(code, storeId);
      return `${code.slice(0, 4)}-${code.slice(4)}`;
    },
    revokeAll(storeId) {
      for (const t of terminals.values()) if (t.storeId === storeId) t.revoked = true;
    },
    setProduct(storeId, product) {
      const store = stores.get(storeId)!;
      store.version += 1;
      store.products.set(product.id, { ...product, version: store.version });
    },
    setSettings(storeId, settings) {
      const store = stores.get(storeId)!;
      store.version += 1;
      store.settings = { ...store.settings, ...settings };
      store.settingsVersion = store.version;
    },
    setPromotion(storeId, promotion) {
      const store = stores.get(storeId)!;
      store.version += 1;
      store.promotions.set(promotion.id, { ...promotion, version: store.version });
    },
    ackedSeq: contiguous,
    forgetFacts() {
      facts.length = 0;
      factIds.clear();
      streams.clear();
    },
    presentCertificate(other) {
      const use = other ?? certificate;
      server.setSecureContext({ key: use.key, cert: use.cert });
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
  return api;
}
