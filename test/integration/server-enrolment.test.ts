import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrolReply, SyncErrorReply } from '../../src-common/sync-protocol';
import { verifyPin } from '../../src-main/pin';
import { startTestServer, type TestServer } from '../../server/testing/server';
import { storeWithTills } from '../../server/testing/stores';

describe('store server: HTTPS, admin token and enrolment (real PostgreSQL)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('made its certificate and admin token at first start into the data dir (0600), and serves the fingerprint', async () => {
    const cert = await readFile(join(t.dataDir, 'tls-cert.pem'), 'utf8');
    const fingerprint = new X509Certificate(cert).fingerprint256;
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(t.server.tls.fingerprint).toBe(fingerprint);
    expect((await stat(join(t.dataDir, 'admin-token'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(t.dataDir, 'admin-token'), 'utf8')).trim()).toBe(t.server.adminToken);
    const info = await t.admin.call('GET', '/v1/admin/server');
    expect(info.body).toEqual({ api: 'v1', fingerprint, selfSigned: true });
  });

  it('refuses the admin API without the admin token, or with a till credential', async () => {
    const none = await t.as(null).call('GET', '/v1/admin/stores');
    expect(none.status).toBe(401);
    expect(SyncErrorReply.parse(none.body).error.code).toBe('unauthorized');
    const { tills } = await storeWithTills(t, '一号店', ['T-ADMIN']);
    expect((await t.as(tills[0]!.credential).call('GET', '/v1/admin/stores')).status).toBe(401);
  });

  it('enrols a till with a one-time code: a random credential bound to the store, kept only as a hash', async () => {
    const store = await t.admin.call('POST', '/v1/admin/stores', { body: { name: '二号店' } });
    const code = await t.admin.call('POST', `/v1/admin/stores/${store.body.storeId}/enrolment-codes`);
    expect(code.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(Date.parse(code.body.expiresAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);

    const reply = await t.as(null).call('POST', '/v1/enrol', { body: { code: code.body.code.toLowerCase().replaceAll('-', '').toUpperCase(), terminalId: 'T-2', terminalName: '前台', appVersion: '0.1.0' } });
    expect(reply.status).toBe(200);
    const enrolled = EnrolReply.parse(reply.body);
    expect(enrolled).toMatchObject({ storeId: store.body.storeId, storeName: '二号店', terminalId: 'T-2' });
    expect(Buffer.from(enrolled.credential, 'base64url')).toHaveLength(32);

    const again = await t.as(null).call('POST', '/v1/enrol', { body: { code: code.body.code, terminalId: 'T-3', terminalName: '后台', appVersion: '0.1.0' } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('enrolment_code_invalid');

    const terminals = await t.admin.call('GET', `/v1/admin/stores/${store.body.storeId}/terminals`);
    expect(terminals.body.terminals).toHaveLength(1);
    expect(terminals.body.terminals[0]).toMatchObject({ terminalId: 'T-2', name: '前台', appVersion: '0.1.0', ackedSeq: 0, revokedAt: null });
    // The credential itself is nowhere in the database.
    const dump = await t.sql<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM terminal t`);
    expect(dump.length).toBeGreaterThan(0);
    expect(dump.some((r) => r.row.includes(enrolled.credential))).toBe(false);
  });

  it('lets exactly one of ten tills racing with the same code enrol', async () => {
    const store = await t.admin.call('POST', '/v1/admin/stores', { body: { name: '三号店' } });
    const code = (await t.admin.call('POST', `/v1/admin/stores/${store.body.storeId}/enrolment-codes`)).body.code;
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.as(null).call('POST', '/v1/enrol', { body: { code, terminalId: `RACE-${i}`, terminalName: `T${i}`, appVersion: '0.1.0' } })),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 400 && r.body.error.code === 'enrolment_code_invalid')).toHaveLength(9);
  });

  it('refuses an unknown or expired code, and a malformed enrolment', async () => {
    const unknown = await t.as(null).call('POST', '/v1/enrol', { body: { code: 'ABCD-EFGH-JKLM', terminalId: 'T-X', terminalName: 'x', appVersion: '1' } });
    expect(unknown.body.error.code).toBe('enrolment_code_invalid');
    const store = await t.admin.call('POST', '/v1/admin/stores', { body: { name: '过期店' } });
    const code = (await t.admin.call('POST', `/v1/admin/stores/${store.body.storeId}/enrolment-codes`)).body.code;
    await t.sql(`UPDATE enrolment_code SET expires_at = now() - interval '1 second' WHERE store_id = $1`, [store.body.storeId]);
    const expired = await t.as(null).call('POST', '/v1/enrol', { body: { code, terminalId: 'T-X', terminalName: 'x', appVersion: '1' } });
    expect(expired.body.error).toMatchObject({ code: 'enrolment_code_invalid', message: expect.stringMatching(/expired/) });
    const bad = await t.as(null).call('POST', '/v1/enrol', { body: { code: "'; DROP TABLE store; --", terminalId: 'T-X', terminalName: 'x', appVersion: '1' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    expect(bad.body.error.message).toMatch(/code/);
  });

  it('refuses a revoked credential from then on, and only that one', async () => {
    const { storeId, tills } = await storeWithTills(t, '四号店', ['R-1', 'R-2']);
    expect((await t.as(tills[0]!.credential).call('GET', '/v1/pull?since=0')).status).toBe(200);
    expect((await t.admin.call('POST', `/v1/admin/stores/${storeId}/terminals/R-1/revoke`)).status).toBe(200);
    const refused = await t.as(tills[0]!.credential).call('GET', '/v1/pull?since=0');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    expect((await t.as(tills[1]!.credential).call('GET', '/v1/pull?since=0')).status).toBe(200);
    const listed = (await t.admin.call('GET', `/v1/admin/stores/${storeId}/terminals`)).body.terminals;
    expect(listed.find((x: { terminalId: string }) => x.terminalId === 'R-1').revokedAt).not.toBeNull();
  });

  it('gives a user made on the server a PIN hash the till verifies', async () => {
    const { storeId, tills } = await storeWithTills(t, '五号店', ['U-1']);
    expect((await t.admin.call('PUT', `/v1/admin/stores/${storeId}/users/U100`, { body: { name: '王芳', role: 'cashier', pin: '4821' } })).status).toBe(200);
    const pulled = await t.as(tills[0]!.credential).call('GET', '/v1/pull?since=0');
    const user = pulled.body.users[0];
    expect(user).toMatchObject({ id: 'U100', name: '王芳', role: 'cashier', active: true });
    expect(await verifyPin('4821', user.pinHash)).toBe(true);
    expect(await verifyPin('4822', user.pinHash)).toBe(false);
  });
});

describe('store server logs', () => {
  it('log every request without credentials, codes, the admin token or bodies', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const t = await startTestServer(undefined, { log });
    try {
      const store = await t.admin.call('POST', '/v1/admin/stores', { body: { name: '日志店' } });
      const code = (await t.admin.call('POST', `/v1/admin/stores/${store.body.storeId}/enrolment-codes`)).body.code as string;
      const { credential } = (await t.as(null).call('POST', '/v1/enrol', { body: { code, terminalId: 'L1', terminalName: 'L1', appVersion: '1' } })).body;
      await t.as(credential).call('POST', '/v1/facts', { body: { stream: '01JLOGSTREAM', facts: [{ seq: 1, id: 'X', kind: 'sale', recordedAt: 'not a time', payload: { secret: 'payment-code-134567890123456789' } }] } });
      await t.as(credential).call('GET', '/v1/pull?since=0');
      const text = lines.join('');
      expect(lines.filter((l) => l.includes('"msg":"request"'))).toHaveLength(5);
      for (const secret of [t.server.adminToken, credential, code, code.replaceAll('-', ''), '134567890123456789']) expect(text).not.toContain(secret);
    } finally {
      await t.stop();
    }
  });
});
