/** A browser-like client of the back office API for tests: keeps the session cookie, sends the CSRF header. */
import pg from 'pg';
import { insertOfficeAccount, type NewOfficeAccount } from '../office/accounts';
import type { Reply } from './client';
import type { TestServer } from './server';
import { request } from 'node:https';

export interface OfficeClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read replies loosely
  call<T = any>(method: string, path: string, options?: { body?: unknown; csrf?: boolean }): Promise<Reply<T>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read replies loosely
  signIn(login: string, password: string, totp?: string): Promise<Reply<any>>;
  readonly cookie: string | null;
}

export function officeClient(t: Pick<TestServer, 'server'>): OfficeClient {
  let cookie: string | null = null;
  const client: OfficeClient = {
    get cookie() {
      return cookie;
    },
    call(method, path, options = {}) {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      return new Promise((done, fail) => {
        const req = request(
          new URL(`/v1/office${path}`, t.server.url),
          {
            method,
            ca: t.server.tls.cert,
            agent: false,
            headers: {
              ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
              ...(method !== 'GET' && options.csrf !== false ? { 'x-jiezhang-office': '1' } : {}),
              ...(cookie ? { cookie } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const set = res.headers['set-cookie']?.[0];
              if (set) cookie = /Max-Age=0/.test(set) ? null : set.split(';')[0]!;
              const text = Buffer.concat(chunks).toString('utf8');
              done({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: res.headers });
            });
            res.on('error', fail);
          },
        );
        req.on('error', fail);
        req.end(payload);
      });
    },
    signIn(login, password, totp) {
      return client.call('POST', '/session', { body: { login, password, ...(totp ? { totp } : {}) } });
    },
  };
  return client;
}

/** Adds an account straight into the server's database (the owner's own page does it through the API). */
export async function createOfficeAccount(databaseUrl: string, input: NewOfficeAccount): Promise<{ accountId: string }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return await insertOfficeAccount(db, input);
  } finally {
    await db.end();
  }
}
