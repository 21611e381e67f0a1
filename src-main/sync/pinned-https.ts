/**
 * HTTPS to the store server with its certificate pinned. Before enrolment the till only reads the certificate the
 * server presents (no request is sent) so the technician can compare its SHA-256 fingerprint with the one the
 * server printed; after that every connection trusts exactly that certificate and checks its fingerprint.
 */
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';

export interface ServerCertificate {
  pem: string;
  /** SHA-256 of the DER certificate, upper-case hex pairs joined by ':' (as `openssl x509 -fingerprint -sha256` prints). */
  fingerprint: string;
}

export interface PinnedServer {
  /** https://host:port, no path. */
  url: string;
  /** The pinned server certificate; with `trust: 'ca'`, the CA certificate the server's must chain to. */
  certificate: ServerCertificate;
  /**
   * 'pin' (default): exactly that certificate. 'ca': any certificate that chains to it and names the host of `url`
   * (a server whose certificate is renewed by the shop's or a public CA; another CA's certificate is refused).
   */
  trust?: 'pin' | 'ca';
}

export class SyncTransportError extends Error {
  constructor(
    message: string,
    readonly reason: 'unreachable' | 'timeout' | 'certificate_mismatch' | 'reply_too_large',
  ) {
    super(message);
    this.name = 'SyncTransportError';
  }
}

export interface HttpReply {
  status: number;
  body: string;
  /** Seconds from a Retry-After header (a rate_limited or unavailable answer), if any. */
  retryAfterSeconds?: number;
}

const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** Accepts only `https://host[:port]` (a trailing slash is dropped); anything else is refused before a connection. */
export function normaliseServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new Error('not_https_url');
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) throw new Error('not_https_url');
  return url.origin;
}

/** Reads the certificate the server presents, without trusting it and without sending any request. */
export function fetchServerCertificate(url: string, timeoutMs = 5000): Promise<ServerCertificate> {
  const { host, port } = endpointOf(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername: isIp(host) ? undefined : host, rejectUnauthorized: false }, () => {
      const peer = socket.getPeerCertificate(false);
      socket.destroy();
      if (!peer || !peer.raw) return reject(new SyncTransportError('The server presented no certificate', 'unreachable'));
      resolve(certificateOf(peer.raw));
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new SyncTransportError(`No TLS answer from ${url} within ${timeoutMs} ms`, 'timeout'));
    });
    socket.on('error', (error) => reject(new SyncTransportError(`Cannot reach ${url}: ${error.message}`, 'unreachable')));
  });
}

export function certificateOf(der: Buffer): ServerCertificate {
  const x509 = new X509Certificate(der);
  return { pem: x509.toString(), fingerprint: x509.fingerprint256 };
}

/**
 * One request to the pinned server. The pinned certificate is the only trust anchor, and the peer's fingerprint
 * must equal the pin (a different certificate, even one signed by the same key or a public CA, is refused).
 */
export function pinnedRequest(
  server: PinnedServer,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: string; bearer?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<HttpReply> {
  const { host, port } = endpointOf(server.url);
  const pin = server.certificate.fingerprint;
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    let mismatch = false;
    const req = request(
      {
        host,
        port,
        path,
        method,
        servername: isIp(host) ? undefined : host,
        ca: server.certificate.pem,
        // Node calls this only once the chain verified against `ca`. Pinned: the name is not checked, the pin is.
        // CA: the name is checked as any HTTPS client does.
        checkServerIdentity: (_host: string, cert: PeerCertificate) => {
          if (server.trust === 'ca') {
            const wrongName = checkServerIdentity(host, cert);
            if (wrongName) mismatch = true;
            return wrongName;
          }
          if (cert.fingerprint256 === pin) return undefined;
          mismatch = true;
          return new Error(`certificate fingerprint ${cert.fingerprint256} is not the pinned ${pin}`);
        },
        rejectUnauthorized: true,
        // A fresh connection each time: a resumed TLS session would skip the identity check.
        agent: false,
        headers: {
          accept: 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) } : {}),
          ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
        },
        timeout: timeoutMs,
        signal: options.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPLY_BYTES) {
            res.destroy();
            reject(new SyncTransportError('The server’s reply is too large', 'reply_too_large'));
            return;
          }
          chunks.push(chunk);
        });
        const retryAfter = Number(res.headers['retry-after']);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}) }),
        );
        res.on('error', (error) => reject(new SyncTransportError(`The reply from ${server.url} broke off: ${error.message}`, 'unreachable')));
      },
    );
    req.on('timeout', () => req.destroy(new SyncTransportError(`No answer from ${server.url} within ${timeoutMs} ms`, 'timeout')));
    req.on('error', (error) => {
      if (error instanceof SyncTransportError) return reject(error);
      if (mismatch || /fingerprint|self.signed|unable to verify|certificate/i.test(error.message))
        return reject(new SyncTransportError(`The server at ${server.url} did not present the pinned certificate (${error.message})`, 'certificate_mismatch'));
      reject(new SyncTransportError(`Cannot reach ${server.url}: ${error.message}`, 'unreachable'));
    });
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function endpointOf(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 443) };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
