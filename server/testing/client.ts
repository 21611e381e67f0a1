/** An HTTPS client for tests that trusts exactly the server's own certificate. */
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';

export interface Reply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: IncomingHttpHeaders;
}

export interface ApiClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read replies loosely; zod-typed replies where it matters
  call<T = any>(method: string, path: string, options?: { body?: unknown; raw?: string | Buffer; token?: string | null }): Promise<Reply<T>>;
}

export function apiClient(baseUrl: string, cert: string, defaultToken: string | null = null): ApiClient {
  return {
    call(method, path, options = {}) {
      const token = options.token === undefined ? defaultToken : options.token;
      const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      return new Promise((done, fail) => {
        const req = request(new URL(path, baseUrl), {
          method,
          ca: cert,
          agent: false,
          headers: {
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            done({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: res.headers });
          });
          res.on('error', fail);
        });
        req.on('error', fail);
        req.end(payload);
      });
    },
  };
}
