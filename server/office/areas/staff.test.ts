/**
 * Staff, terminals and back-office accounts through the real HTTPS server on real PostgreSQL: store scoping (a
 * manager of A gets 403 on B's users and tills; an accountant changes nothing), PINs hashed in the till's format,
 * never answered nor logged, changes reaching the store's pull, enrolment codes and revocation, accounts made,
 * reset and deactivated (sessions end at once), and two-step sign-in with TOTP (±1 step, no reused code).
 */
import { scryptSync } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_MIN } from '../../../src-common/office/accounts';
import { StaffList, StaffSaved } from '../../../src-common/office/staff';
import { TerminalList } from '../../../src-common/office/terminals';
import { PASSWORD_MIN_LENGTH } from '../passwords';
import { createOfficeAccount, officeClient, type OfficeClient } from '../../testing/office';
import { startTestServer, type TestServer } from '../../testing/server';
import { sales } from '../../testing/facts';
import { storeWithTills } from '../../testing/stores';
import { ulid } from 'ulid';
import { totpCode } from '../totp';
import type { Reply } from '../../testing/client';

const OWNER = { login: 'boss', name: '王老板', password: 'correct horse battery' };
const SECRET_PINS = ['739514', '480263', '915372'];

/** The till's PIN check (src-main/pin.ts: scrypt$N$r$p$salt$hash), done here by hand. */
function tillAccepts(pinHash: string, pin: string): boolean {
  const [, n, r, p, salt, hash] = pinHash.split('$');
  const derived = scryptSync(pin, Buffer.from(salt!, 'base64url'), 32, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return derived.toString('base64url') === hash;
}

describe('back office: staff, terminals, accounts, two-step sign-in', () => {
  let t: TestServer;
  const logLines: string[] = [];
  const replies: Reply[] = [];
  let owner: OfficeClient;
  let manager: OfficeClient;
  let accountant: OfficeClient;
  let storeA: string;
  let storeB: string;
  let tillA: { terminalId: string; credential: string };
  let tillB: { terminalId: string; credential: string };

  /** Every reply is kept, to prove no PIN is ever in one. */
  const kept = (client: OfficeClient): OfficeClient => ({
    get cookie() {
      return client.cookie;
    },
    call: async (...args) => {
      const reply = await client.call(...args);
      replies.push(reply);
      return reply;
    },
    signIn: (...args) => client.signIn(...args),
  });

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    t = await startTestServer(undefined, { log: pino({ level: 'trace' }, sink) });
    const a = await storeWithTills(t, '一号店', ['TA1']);
    const b = await storeWithTills(t, '二号店', ['TB1']);
    [storeA, storeB] = [a.storeId, b.storeId];
    tillA = a.tills[0]!;
    tillB = b.tills[0]!;
    expect((await officeClient(t).call('POST', '/setup', { body: { adminToken: t.server.adminToken, ...OWNER } })).status).toBe(201);
    owner = kept(officeClient(t));
    expect((await owner.signIn(OWNER.login, OWNER.password)).status).toBe(200);
    await createOfficeAccount(t.server.databaseUrl, { login: 'manager.a', name: '李店长', password: 'manager password', grants: [{ storeId: storeA, role: 'manager' }] });
    await createOfficeAccount(t.server.databaseUrl, { login: 'books', name: '会计', password: 'accountant password', grants: [{ storeId: '*', role: 'accountant' }] });
    manager = kept(officeClient(t));
    expect((await manager.signIn('manager.a', 'manager password')).status).toBe(200);
    accountant = kept(officeClient(t));
    expect((await accountant.signIn('books', 'accountant password')).status).toBe(200);
  });
  afterAll(() => t?.stop());

  const pull = async (credential: string) => (await t.as(credential).call('GET', '/v1/pull?since=0')).body as { users: { id: string; name: string; active: boolean; pinHash: string }[] };

  it('lets the owner add cashiers in both stores, hashed as the till hashes a PIN, and the store’s tills pull them', async () => {
    const added = await owner.call('POST', `/stores/${storeA}/staff`, { body: { name: '小张', role: 'cashier', pin: SECRET_PINS[0] } });
    expect(added.status).toBe(201);
    const saved = StaffSaved.parse(added.body);
    expect(saved.member).toEqual({ userId: saved.member.userId, name: '小张', role: 'cashier', active: true });
    expect((await owner.call('POST', `/stores/${storeB}/staff`, { body: { name: '小李', role: 'cashier', pin: '2468' } })).status).toBe(201);

    const list = StaffList.parse((await owner.call('GET', `/stores/${storeA}/staff`)).body);
    expect(list.staff.map((s) => s.name)).toEqual(['小张']);
    const pulled = await pull(tillA.credential);
    const user = pulled.users.find((u) => u.id === saved.member.userId)!;
    expect(tillTakes(user.pinHash)).toBe(true);
    expect(tillAccepts(user.pinHash, SECRET_PINS[0]!)).toBe(true);
    expect(tillAccepts(user.pinHash, '000000')).toBe(false);
    // Store B's till never sees store A's users.
    expect((await pull(tillB.credential)).users.map((u) => u.name)).toEqual(['小李']);
  });

  it('refuses a store manager of A anything of B, and anything beyond cashiers in A', async () => {
    const bUser = (await owner.call('GET', `/stores/${storeB}/staff`)).body.staff[0].userId as string;
    expect((await manager.call('GET', `/stores/${storeB}/staff`)).status).toBe(403);
    expect((await manager.call('POST', `/stores/${storeB}/staff`, { body: { name: '混进来', role: 'cashier', pin: '1357' } })).status).toBe(403);
    expect((await manager.call('PUT', `/stores/${storeB}/staff/${bUser}`, { body: { name: '改名', role: 'cashier', active: false } })).status).toBe(403);
    expect((await manager.call('POST', `/stores/${storeB}/staff/${bUser}/pin`, { body: { pin: '1357' } })).status).toBe(403);
    // Addressing B's user under store A finds nothing (the store comes from the path, checked first).
    expect((await manager.call('POST', `/stores/${storeA}/staff/${bUser}/pin`, { body: { pin: '1357' } })).status).toBe(404);
    expect((await manager.call('POST', `/stores/${storeA}/staff`, { body: { name: '新老板', role: 'owner', pin: '1357' } })).status).toBe(403);
    const cashier = (await manager.call('GET', `/stores/${storeA}/staff`)).body.staff[0].userId as string;
    expect((await manager.call('PUT', `/stores/${storeA}/staff/${cashier}`, { body: { name: '小张', role: 'technician', active: true } })).status).toBe(403);
    const bAfter = await t.sql<{ name: string; active: boolean }>(`SELECT name, active FROM app_user WHERE store_id = $1`, [storeB]);
    expect(bAfter).toEqual([{ name: '小李', active: true }]);
    expect((await t.sql(`SELECT 1 FROM app_user WHERE role <> 'cashier'`)).length).toBe(0);
  });

  it('lets the manager reset her cashier’s PIN and deactivate her; the pull says so, at a higher version', async () => {
    const cashier = (await manager.call('GET', `/stores/${storeA}/staff`)).body.staff[0].userId as string;
    const before = await t.sql<{ pin_hash: string; version: string }>(`SELECT pin_hash, version FROM app_user WHERE user_id = $1`, [cashier]);
    const reset = await manager.call('POST', `/stores/${storeA}/staff/${cashier}/pin`, { body: { pin: SECRET_PINS[1] } });
    expect(reset.status).toBe(200);
    expect(Number(reset.body.version)).toBeGreaterThan(Number(before[0]!.version));
    let pulled = (await pull(tillA.credential)).users.find((u) => u.id === cashier)!;
    expect(tillAccepts(pulled.pinHash, SECRET_PINS[1]!)).toBe(true);
    expect(tillAccepts(pulled.pinHash, SECRET_PINS[0]!)).toBe(false);

    const off = await manager.call('PUT', `/stores/${storeA}/staff/${cashier}`, { body: { name: '小张', role: 'cashier', active: false } });
    expect(off.status).toBe(200);
    expect(off.body.member.active).toBe(false);
    pulled = (await pull(tillA.credential)).users.find((u) => u.id === cashier)!;
    expect(pulled.active).toBe(false);
    // A bad PIN changes nothing and the answer does not repeat it.
    const bad = await manager.call('POST', `/stores/${storeA}/staff/${cashier}/pin`, { body: { pin: '12a45678' } });
    expect(bad.status).toBe(400);
    expect((await t.sql<{ pin_hash: string }>(`SELECT pin_hash FROM app_user WHERE user_id = $1`, [cashier]))[0]!.pin_hash).toBe(pulled.pinHash);
  });

  it('lets an accountant read staff and tills and change nothing', async () => {
    const cashier = (await accountant.call('GET', `/stores/${storeA}/staff`)).body.staff[0].userId as string;
    expect((await accountant.call('GET', `/stores/${storeB}/terminals`)).status).toBe(200);
    const refused = [
      await accountant.call('POST', `/stores/${storeA}/staff`, { body: { name: '记账员', role: 'cashier', pin: SECRET_PINS[2] } }),
      await accountant.call('PUT', `/stores/${storeA}/staff/${cashier}`, { body: { name: '小张', role: 'cashier', active: true } }),
      await accountant.call('POST', `/stores/${storeA}/staff/${cashier}/pin`, { body: { pin: SECRET_PINS[2] } }),
      await accountant.call('POST', `/stores/${storeA}/enrolment-codes`),
      await accountant.call('POST', `/stores/${storeA}/terminals/${tillA.terminalId}/revoke`),
      await accountant.call('GET', `/accounts`),
      await accountant.call('POST', `/accounts`, { body: { login: 'sneaky', name: '偷偷', password: 'a long password', role: 'manager', storeId: storeA } }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect((await t.sql(`SELECT 1 FROM app_user WHERE active`)).length).toBe(1);
    expect((await t.sql(`SELECT 1 FROM enrolment_code WHERE used_at IS NULL`)).length).toBe(0);
    expect((await t.sql(`SELECT 1 FROM terminal WHERE revoked_at IS NOT NULL`)).length).toBe(0);
  });

  it('lists a store’s tills with version, contact and lag; makes a code shown once; revokes a till (its next call is refused)', async () => {
    expect((await manager.call('GET', `/stores/${storeB}/terminals`)).status).toBe(403);
    expect((await manager.call('POST', `/stores/${storeB}/enrolment-codes`)).status).toBe(403);
    expect((await manager.call('POST', `/stores/${storeB}/terminals/${tillB.terminalId}/revoke`)).status).toBe(403);
    const list = TerminalList.parse((await manager.call('GET', `/stores/${storeA}/terminals`)).body);
    expect(list.terminals).toEqual([expect.objectContaining({ terminalId: 'TA1', name: '收银台 TA1', appVersion: '0.1.0', revokedAt: null, factsWaiting: null })]);
    expect(list.terminals[0]!.lastContactAt).not.toBeNull();

    const code = await manager.call('POST', `/stores/${storeA}/enrolment-codes`);
    expect(code.status).toBe(201);
    expect(code.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(new Date(code.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const stored = await t.sql<{ code_hash: string }>(`SELECT code_hash FROM enrolment_code WHERE used_at IS NULL`);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(code.body.code.replaceAll('-', ''));

    expect((await t.as(tillA.credential).call('GET', '/v1/pull?since=0')).status).toBe(200);
    const revoked = await manager.call('POST', `/stores/${storeA}/terminals/${tillA.terminalId}/revoke`);
    expect(revoked.body).toEqual({ terminalId: 'TA1', revoked: true });
    expect((await t.as(tillA.credential).call('GET', '/v1/pull?since=0')).status).toBe(401);
    expect((await t.as(tillB.credential).call('GET', '/v1/pull?since=0')).status).toBe(200);
    expect((await manager.call('POST', `/stores/${storeA}/terminals/NOPE/revoke`)).status).toBe(404);
  });

  it('shows a till’s upload lag as its last upload said: facts waiting and how long the oldest has waited', async () => {
    // TB1 holds 8 facts; it sends the first 3, the first of which waited 2 minutes.
    const upload = await t.as(tillB.credential).call('POST', '/v1/facts', { body: { stream: ulid(), facts: sales(1, 3), waiting: { highestSeq: 8, oldestAgeMs: 120_000 } } });
    expect(upload.body.ackedSeq).toBe(3);
    const listed = TerminalList.parse((await accountant.call('GET', `/stores/${storeB}/terminals`)).body).terminals[0]!;
    expect(listed).toMatchObject({ terminalId: 'TB1', factsWaiting: 5, revokedAt: null });
    expect(listed.lagSeconds).toBeGreaterThanOrEqual(120);
    expect(listed.lagSeconds).toBeLessThan(180);
    expect(listed.lastUploadAt).not.toBeNull();
  });

  it('lets only the owner make, reset and deactivate accounts; a deactivated account’s session ends at once', async () => {
    expect(PASSWORD_MIN).toBe(PASSWORD_MIN_LENGTH);
    expect((await manager.call('GET', '/accounts')).status).toBe(403);
    expect((await manager.call('POST', '/accounts', { body: { login: 'cashier.boss', name: '自封', password: 'a long password', role: 'manager', storeId: storeB } })).status).toBe(403);
    const made = await owner.call('POST', '/accounts', { body: { login: 'Zhao.B', name: '赵店长', password: 'store b password', role: 'manager', storeId: storeB } });
    expect(made.status).toBe(201);
    expect((await owner.call('POST', '/accounts', { body: { login: 'zhao.b', name: '重名', password: 'store b password', role: 'accountant', storeId: '*' } })).status).toBe(409);
    expect((await owner.call('POST', '/accounts', { body: { login: 'everywhere', name: '全店长', password: 'store b password', role: 'manager', storeId: '*' } })).status).toBe(400);
    expect((await owner.call('POST', '/accounts', { body: { login: 'nostore', name: '无店', password: 'store b password', role: 'manager', storeId: 'NOPE' } })).status).toBe(404);
    expect((await owner.call('POST', '/accounts', { body: { login: 'shorty', name: '短密码', password: 'short', role: 'manager', storeId: storeB } })).status).toBe(400);

    const zhao = kept(officeClient(t));
    expect((await zhao.signIn('zhao.b', 'store b password')).body.stores.map((s: { name: string }) => s.name)).toEqual(['二号店']);
    expect((await zhao.call('GET', `/stores/${storeB}/staff`)).status).toBe(200);
    const accounts = (await owner.call('GET', '/accounts')).body.accounts as { accountId: string; login: string; active: boolean; grants: unknown[] }[];
    expect(accounts.map((a) => a.login)).toEqual(['boss', 'manager.a', 'books', 'zhao.b']);
    expect(accounts[3]!.grants).toEqual([{ storeId: storeB, role: 'manager' }]);
    expect(JSON.stringify(accounts)).not.toMatch(/scrypt|password/);

    expect((await owner.call('PUT', `/accounts/${made.body.accountId}/active`, { body: { active: false } })).status).toBe(200);
    const ended = await zhao.call('GET', `/stores/${storeB}/staff`);
    expect(ended.status).toBe(401);
    expect((await zhao.signIn('zhao.b', 'store b password')).status).toBe(401);
    const bossId = accounts[0]!.accountId;
    expect((await owner.call('PUT', `/accounts/${bossId}/active`, { body: { active: false } })).status).toBe(400);

    // Reactivated, then a password reset: the old password stops working and her other sessions end.
    expect((await owner.call('PUT', `/accounts/${made.body.accountId}/active`, { body: { active: true } })).status).toBe(200);
    expect((await zhao.signIn('zhao.b', 'store b password')).status).toBe(200);
    expect((await owner.call('POST', `/accounts/${made.body.accountId}/password`, { body: { password: 'a new password b' } })).status).toBe(200);
    expect((await zhao.call('GET', '/session')).status).toBe(401);
    expect((await zhao.signIn('zhao.b', 'store b password')).status).toBe(401);
    expect((await zhao.signIn('zhao.b', 'a new password b')).status).toBe(200);
  });

  it('turns two-step sign-in on with a confirmed code, then asks for a code, refuses a used one, and accepts ±1 step', async () => {
    const setup = await manager.call('POST', '/me/totp');
    expect(setup.status).toBe(200);
    expect(setup.body.uri).toBe(`otpauth://totp/%E7%BB%93%E8%B4%A6%E5%90%8E%E5%8F%B0%3Amanager.a?secret=${setup.body.secret}&issuer=%E7%BB%93%E8%B4%A6%E5%90%8E%E5%8F%B0&algorithm=SHA1&digits=6&period=30`);
    // Not on until confirmed: sign-in still needs the password only.
    expect((await officeClient(t).signIn('manager.a', 'manager password')).status).toBe(200);
    const now = Date.now();
    const wrong = totpCode(setup.body.secret, now + 10 * 30_000);
    expect((await manager.call('POST', '/me/totp/confirm', { body: { code: wrong } })).status).toBe(400);
    expect((await manager.call('POST', '/me/totp/confirm', { body: { code: totpCode(setup.body.secret, now) } })).body).toEqual({ totp: true });
    expect((await manager.call('GET', '/session')).body.totp).toBe(true);
    expect((await manager.call('POST', '/me/totp')).status).toBe(409);

    const browser = officeClient(t);
    const asked = await browser.signIn('manager.a', 'manager password');
    expect(asked.status).toBe(401);
    expect(asked.body.error.details.reason).toBe('totp_required');
    expect((await browser.signIn('manager.a', 'manager password', wrong)).body.error.details.reason).toBe('totp_wrong');
    // A wrong code counts towards the lock like a wrong password.
    expect((await t.sql<{ failed_attempts: number }>(`SELECT failed_attempts FROM office_account WHERE login = 'manager.a'`))[0]!.failed_attempts).toBe(1);
    // The code that confirmed the set-up is spent.
    const reused = await browser.signIn('manager.a', 'manager password', totpCode(setup.body.secret, now));
    expect(reused.body.error.details).toEqual({ reason: 'totp_wrong', reused: true });
    // The next step's code (a phone a little ahead) is accepted, once.
    const ahead = totpCode(setup.body.secret, Date.now() + 30_000);
    expect((await browser.signIn('manager.a', 'manager password', ahead)).status).toBe(200);
    expect((await officeClient(t).signIn('manager.a', 'manager password', ahead)).status).toBe(401);

    // Turning it off needs a fresh code: a minute later (the used step forgotten here), the phone's current code.
    await t.sql(`UPDATE office_account SET totp_last_step = NULL WHERE login = 'manager.a'`);
    expect((await manager.call('POST', '/me/totp/off', { body: { code: wrong } })).status).toBe(400);
    expect((await manager.call('POST', '/me/totp/off', { body: { code: totpCode(setup.body.secret, Date.now()) } })).body).toEqual({ totp: false });
    expect((await officeClient(t).signIn('manager.a', 'manager password')).status).toBe(200);
  });

  it('never put a PIN in any reply or log line', () => {
    expect(replies.length).toBeGreaterThan(30);
    expect(logLines.length).toBeGreaterThan(30);
    const everything = [...replies.map((r) => JSON.stringify(r.body)), ...logLines].join('\n');
    // A PIN as a value of its own (quoted, or between separators), not any run of its digits: at trace level the log
    // holds thousands of digits (times, ids, durations), and a 4-digit PIN inside a millisecond timestamp leaks nothing.
    for (const pin of [...SECRET_PINS, '2468', '12a45678']) expect(everything).not.toMatch(new RegExp(`(?<![0-9A-Za-z])${pin}(?![0-9A-Za-z])`));
    expect(everything).not.toContain('pin_hash');
    expect(everything).not.toMatch(/pinHash/);
  });
});

function tillTakes(pinHash: string): boolean {
  return /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/.test(pinHash);
}
