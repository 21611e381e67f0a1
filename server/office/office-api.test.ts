/**
 * The back office's sign-in and access rules on real PostgreSQL through the real HTTPS server: the first owner's
 * set-up (once, with the admin token), sign-in, the lock after 5 wrong passwords, the session cookie's flags,
 * sign-out, the CSRF header, and store scoping (a store manager of A never sees B; an accountant changes nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/server';
import { createOfficeAccount, officeClient, type OfficeClient } from '../testing/office';

describe('back office: sign-in and access', () => {
  let t: TestServer;
  let anonymous: OfficeClient;
  let storeA: string;
  let storeB: string;
  /** Which of the two racing set-ups won. */
  let ownerLogin: string;

  beforeAll(async () => {
    t = await startTestServer();
    anonymous = officeClient(t);
    storeA = (await t.admin.call('POST', '/v1/admin/stores', { body: { name: '一号店' } })).body.storeId;
    storeB = (await t.admin.call('POST', '/v1/admin/stores', { body: { name: '二号店' } })).body.storeId;
  });
  afterAll(() => t?.stop());

  it('offers the first set-up only until the owner exists, and only with the admin token', async () => {
    expect((await anonymous.call('GET', '/setup')).body).toEqual({ needed: true });
    const wrong = await anonymous.call('POST', '/setup', { body: { adminToken: 'not-the-token', login: 'boss', name: '王老板', password: 'correct horse battery' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.details.reason).toBe('admin_token');
    const short = await anonymous.call('POST', '/setup', { body: { adminToken: t.server.adminToken, login: 'boss', name: '王老板', password: 'short' } });
    expect(short.status).toBe(400);

    const [first, second] = await Promise.all([
      anonymous.call('POST', '/setup', { body: { adminToken: t.server.adminToken, login: 'boss', name: '王老板', password: 'correct horse battery' } }),
      anonymous.call('POST', '/setup', { body: { adminToken: t.server.adminToken, login: 'boss2', name: '另一个', password: 'correct horse battery' } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 403]);
    expect((await anonymous.call('GET', '/setup')).body).toEqual({ needed: false });
    const accounts = await t.sql<{ login: string }>(`SELECT login FROM office_account`);
    expect(accounts).toHaveLength(1);
    ownerLogin = accounts[0]!.login;
  });

  it('signs in with an HttpOnly, Secure, SameSite=Strict cookie and keeps only the token’s hash', async () => {
    const login = ownerLogin;
    const owner = officeClient(t);
    const reply = await owner.signIn(login, 'correct horse battery');
    expect(reply.status).toBe(200);
    const cookie = String(reply.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const token = /jz_office=([^;]+)/.exec(cookie)![1]!;
    const stored = await t.sql<{ token_hash: string }>(`SELECT token_hash FROM office_session`);
    expect(stored.map((s) => s.token_hash)).not.toContain(token);
    expect(reply.body.stores.map((s: { name: string }) => s.name)).toEqual(['一号店', '二号店']);
    expect((await owner.call('GET', '/session')).body.name).toBe(ownerLogin === 'boss' ? '王老板' : '另一个');
  });

  it('answers a wrong password and an unknown login alike, and locks the account after 5 wrong passwords', async () => {
    const login = ownerLogin;
    const unknown = await anonymous.signIn('nobody', 'whatever-at-all');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.details.reason).toBe('wrong_login');
    for (let i = 0; i < 5; i++) expect((await anonymous.signIn(login, `wrong password ${i}`)).body.error.details.reason).toBe('wrong_login');
    const locked = await anonymous.signIn(login, 'correct horse battery');
    expect(locked.status).toBe(401);
    expect(locked.body.error.details.reason).toBe('locked');
    // The lock ends by itself; here it is ended by hand so the other tests can sign in.
    await t.sql(`UPDATE office_account SET locked_until = NULL`);
    expect((await officeClient(t).signIn(login, 'correct horse battery')).status).toBe(200);
    expect(anonymous.cookie).toBeNull();
  });

  it('refuses a change without the back office’s header (CSRF) and anything signed out', async () => {
    const owner = officeClient(t);
    await owner.signIn(ownerLogin, 'correct horse battery');
    const noHeader = await owner.call('POST', '/stores', { body: { name: '三号店' }, csrf: false });
    expect(noHeader.status).toBe(403);
    expect((await anonymous.call('GET', '/stores')).status).toBe(401);
    expect((await anonymous.call('GET', '/stores')).body.error.details.reason).toBe('signed_out');
  });

  it('ends the session at sign-out, and when it has been idle for 2 hours', async () => {
    const owner = officeClient(t);
    await owner.signIn(ownerLogin, 'correct horse battery');
    expect((await owner.call('DELETE', '/session')).status).toBe(200);
    expect((await owner.call('GET', '/session')).status).toBe(401);

    await owner.signIn(ownerLogin, 'correct horse battery');
    await t.sql(`UPDATE office_session SET last_seen_at = now() - interval '121 minutes'`);
    const ended = await owner.call('GET', '/session');
    expect(ended.status).toBe(401);
    expect(ended.body.error.details.reason).toBe('session_ended');
  });

  it('shows a store manager of A only A, and refuses B; an accountant reads and changes nothing', async () => {
    await createOfficeAccount(t.server.databaseUrl, { login: 'manager.a', name: '李店长', password: 'manager password', grants: [{ storeId: storeA, role: 'manager' }] });
    await createOfficeAccount(t.server.databaseUrl, { login: 'books', name: '会计', password: 'accountant password', grants: [{ storeId: '*', role: 'accountant' }] });
    const manager = officeClient(t);
    expect((await manager.signIn('manager.a', 'manager password')).status).toBe(200);
    const stores = await manager.call('GET', '/stores');
    expect(stores.body.stores.map((s: { storeId: string }) => s.storeId)).toEqual([storeA]);
    expect((await manager.call('POST', '/stores', { body: { name: '偷偷开的店' } })).status).toBe(403);
    expect(storeB).not.toBe(storeA);

    const accountant = officeClient(t);
    await accountant.signIn('books', 'accountant password');
    expect((await accountant.call('GET', '/stores')).body.stores).toHaveLength(2);
    expect((await accountant.call('POST', '/stores', { body: { name: '不该有的店' } })).status).toBe(403);
  });
});
