import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { list as listTar, extract as extractTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, type CallName } from '../../src-common/contract';
import { newSession, type Session } from '../../src-common/roles';
import { SANDBOX_ACTIVATION_CODE, SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN } from '../../src-main/acquirer/sandbox/server';
import { MAX_PIN_ATTEMPTS } from '../../src-main/services/auth';
import { tempDir } from '../helpers/host';
import { startTestPos, type TestPos } from '../helpers/pos';


describe('technician console (in process, real SQLite file)', () => {
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let technician: Session;
  const auditCount = () => t.query<{ n: number }>('SELECT count(*) AS n FROM audit_log')[0]!.n;
  const storedSettings = () => t.query<{ key: string; value: string }>('SELECT key, value FROM setting ORDER BY key');

  beforeAll(async () => {
    // The vendor's identity as config.json pre-fills it (the vendor key is never in the configuration).
    t = await startTestPos({ acquirer: { vendorSn: SANDBOX_VENDOR_SN, appId: SANDBOX_APP_ID } });
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    technician = await t.signedIn('technician');
  });
  afterAll(() => t?.close());

  describe('settings', () => {
    it('refuses an unknown currency and an over-wide header line, says which field, and saves nothing', async () => {
      const before = { settings: storedSettings(), audit: auditCount() };
      const result = await t.call(technician, 'admin.updateSettings', {
        storeName: '新名字',
        currency: 'RMBX',
        receiptHeader: ['欢迎光临'.repeat(7)], // 56 columns > 48
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      const details = (result as { error: { details: { path: string; message: string }[] } }).error.details;
      expect(details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'currency', message: 'currency_unknown' }),
          expect.objectContaining({ path: 'receiptHeader.0', message: 'line_too_wide' }),
        ]),
      );
      expect(storedSettings()).toEqual(before.settings);
      expect(auditCount()).toBe(before.audit);
      expect((await t.ok(technician, 'settings.get', {})).storeName).toBe('演示便利店');
    });

    it('refuses a bad tax id, duplicate tax rates and control characters in a receipt line', async () => {
      const result = await t.call(technician, 'admin.updateSettings', {
        taxId: '12345',
        taxRates: [
          { name: '13%', rateBp: 1300 },
          { name: '13%', rateBp: 900 },
        ],
        receiptFooter: ['ok', 'cut\x1dV'],
      });
      expect(result.ok).toBe(false);
      const paths = (result as { error: { details: { path: string; message: string }[] } }).error.details.map((d) => `${d.path}:${d.message}`);
      expect(paths).toEqual(expect.arrayContaining(['taxId:tax_id_format', 'taxRates.1.name:duplicate', 'receiptFooter.1:control_characters']));
    });

    it('saves valid changes, audits one row per changed field with from and to, and tells every screen', async () => {
      const before = auditCount();
      const changedEvents: unknown[] = [];
      const off = t.pos.events.subscribe((name, payload) => name === 'settings.changed' && changedEvents.push(payload));
      const result = await t.ok(technician, 'admin.updateSettings', {
        storeName: '测试便利店',
        receiptHeader: ['会员日 每周三 9折'],
        currency: 'CNY', // unchanged: not audited
        cashRounding: 'nearest-0.1',
      });
      off();
      expect(result.changed.sort()).toEqual(['cashRounding', 'receiptHeader', 'storeName']);
      expect(result.settings).toMatchObject({ storeName: '测试便利店', receiptHeader: ['会员日 每周三 9折'], cashRounding: 'nearest-0.1' });
      expect(changedEvents).toHaveLength(1);
      expect(auditCount()).toBe(before + 3);
      const rows = await t.ok(technician, 'audit.list', { action: 'settings.update', limit: 3 });
      const bySubject = Object.fromEntries(rows.map((r) => [r.subject, r]));
      expect(bySubject.storeName).toMatchObject({ actorRole: 'technician', details: { from: '演示便利店', to: '测试便利店' } });
      expect(bySubject.receiptHeader!.details).toEqual({ from: [], to: ['会员日 每周三 9折'] });
      expect(bySubject.cashRounding!.details).toEqual({ from: 'none', to: 'nearest-0.1' });
    });

    it("prints the stored header, address and tax id on the next sale's receipt", async () => {
      await t.ok(owner, 'admin.updateSettings', { storeAddress: '上海市徐汇区漕溪北路 88 号', taxId: '91310000MA1FL8XQ3B' });
      const product = t.query<{ barcode: string }>(
        "SELECT b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.active = 1 AND p.unit = 'each' LIMIT 1",
      )[0]!;
      const cart = await t.ok(cashier, 'sale.scan', { code: product.barcode });
      const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
      const { text } = await t.ok(cashier, 'sale.receipt', { saleId: done.saleId });
      expect(text).toContain('测试便利店');
      expect(text).toContain('会员日 每周三 9折');
      expect(text).toContain('漕溪北路');
      expect(text).toContain('91310000MA1FL8XQ3B');
    });

    it("holds catalog imports to the shop's tax rates", async () => {
      await t.ok(owner, 'admin.updateSettings', { taxRates: [{ name: '13%', rateBp: 1300 }, { name: '9%', rateBp: 900 }] });
      const report = await t.ok(owner, 'catalog.importCsv', { csv: 'sku,name,price,tax_rate\nTAX9,九税,1.00,9%\nTAX7,七税,1.00,7%\n' });
      expect(report).toMatchObject({ inserted: 1, skipped: [{ line: 3, code: 'tax_rate_not_allowed' }] });
      expect(t.query('SELECT sku FROM product WHERE sku IN (?, ?)', 'TAX9', 'TAX7')).toEqual([{ sku: 'TAX9' }]);
    });

    it('lets the owner change the shop fields but not the terminal fields (nothing saved), and the cashier nothing', async () => {
      const before = { settings: storedSettings(), audit: auditCount() };
      expect(await t.call(owner, 'admin.updateSettings', { storeName: '店长改名', kioskMode: true })).toMatchObject({
        ok: false,
        error: { code: 'forbidden', details: { reason: 'setting_not_editable', fields: ['kioskMode'] } },
      });
      expect(await t.call(cashier, 'admin.updateSettings', { storeName: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(storedSettings()).toEqual(before.settings);
      expect(auditCount()).toBe(before.audit);
      const view = await t.ok(owner, 'admin.settings', {});
      expect(view.editable).toContain('receiptFooter');
      expect(view.editable).not.toContain('currency');
      expect((await t.ok(technician, 'admin.settings', {})).editable).toContain('kioskMode');
    });

    it('shows the enrolment with the terminal sn masked, and tests the network with a signed call', async () => {
      const view = await t.ok(technician, 'admin.settings', {});
      expect(view.acquirer).toMatchObject({ mode: 'sandbox', embeddedSandbox: true, configuredBaseUrl: null, restartNeeded: false });
      expect(await t.call(technician, 'admin.enrol', { activationCode: 'WRONG-CODE' })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'activation_refused' } } });
      const enrolled = await t.ok(technician, 'admin.enrol', { activationCode: SANDBOX_ACTIVATION_CODE });
      expect(enrolled.enrolled).toBe(true);
      const sn = t.query<{ terminal_sn: string }>('SELECT terminal_sn FROM acquirer_terminal')[0]!.terminal_sn;
      expect(enrolled.terminalSn).toMatch(/\*/);
      expect(enrolled.terminalSn).not.toBe(sn);
      expect(enrolled.terminalSn!.slice(-4)).toBe(sn.slice(-4));
      const net = await t.ok(technician, 'admin.networkTest', {});
      expect(net).toMatchObject({ reachable: true, error: null, signed: { ok: true, outcome: 'not_found' } });
      expect(net.latencyMs).toBeGreaterThanOrEqual(0);
      const audit = await t.ok(technician, 'audit.list', { action: 'admin.enrol', limit: 5 });
      expect(JSON.stringify(audit)).not.toContain(SANDBOX_ACTIVATION_CODE);
      expect(JSON.stringify(audit)).not.toContain(sn);
    });

    it('writes a new acquirer address to config.json for the next start, validated and audited', async () => {
      const bad = await t.call(technician, 'admin.setAcquirerEndpoint', { baseUrl: 'ftp://acquirer.example' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      const next = await t.ok(technician, 'admin.setAcquirerEndpoint', { baseUrl: 'https://api.acquirer.example/' });
      expect(next).toMatchObject({ configuredBaseUrl: 'https://api.acquirer.example/', restartNeeded: true, embeddedSandbox: true });
      const written = JSON.parse(readFileSync(join(t.dataDir, 'config.json'), 'utf8')) as { acquirer: { baseUrl: string } };
      expect(written.acquirer.baseUrl).toBe('https://api.acquirer.example/');
      const back = await t.ok(technician, 'admin.setAcquirerEndpoint', { baseUrl: null });
      expect(back).toMatchObject({ configuredBaseUrl: null, restartNeeded: false });
      const rows = await t.ok(technician, 'audit.list', { action: 'admin.setAcquirerEndpoint' });
      expect(rows.map((r) => r.details)).toEqual([
        { from: 'https://api.acquirer.example/', to: null },
        { from: null, to: 'https://api.acquirer.example/' },
      ]);
    });
  });

  describe('users', () => {
    const find = async (name: string) => (await t.ok(technician, 'users.list', {})).find((u) => u.name === name)!;

    it('lets an owner add and manage cashiers and owners, never technicians', async () => {
      const created = await t.ok(owner, 'users.create', { name: '收银员 02', role: 'cashier', pin: '2580' });
      expect(created).toMatchObject({ role: 'cashier', active: true, mustChangePin: true, lockedUntil: null });
      expect(await t.call(owner, 'users.create', { name: '技术员 2', role: 'technician', pin: '2580' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden', details: { reason: 'may_not_manage' } },
      });
      const tech = await find('技术员');
      for (const [name, input] of [
        ['users.rename', { userId: tech.id, name: 'x' }],
        ['users.resetPin', { userId: tech.id, pin: '2580' }],
        ['users.deactivate', { userId: tech.id }],
        ['users.unlock', { userId: tech.id }],
      ] as const) {
        expect(await t.call(owner, name, input as never), name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      expect(await t.call(owner, 'users.setRole', { userId: created.id, role: 'technician' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const renamed = await t.ok(owner, 'users.rename', { userId: created.id, name: '收银员 小王' });
      expect(renamed.name).toBe('收银员 小王');
      const audit = await t.ok(owner, 'audit.list', { action: 'users.create', limit: 1 });
      expect(audit[0]).toMatchObject({ subject: created.id, details: { name: '收银员 02', role: 'cashier' } });
      expect(JSON.stringify(await t.ok(owner, 'audit.list', { limit: 200 }))).not.toContain('2580');
    });

    it('never deactivates or demotes the last active owner or technician, nor lets anyone deactivate themselves', async () => {
      const shopOwner = await find('店长');
      expect(await t.call(technician, 'users.deactivate', { userId: shopOwner.id })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'last_of_role' } } });
      expect(await t.call(technician, 'users.setRole', { userId: shopOwner.id, role: 'cashier' })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'last_of_role' } } });
      const tech = await find('技术员');
      expect(await t.call(technician, 'users.deactivate', { userId: tech.id })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'self' } } });
      expect(await t.call(technician, 'users.setRole', { userId: tech.id, role: 'owner' })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'last_of_role' } } });

      // With a second owner, the first may go; a deactivated user cannot sign in.
      const second = await t.ok(technician, 'users.create', { name: '副店长', role: 'owner', pin: '3691' });
      const off = await t.ok(technician, 'users.deactivate', { userId: second.id });
      expect(off.active).toBe(false);
      expect((await t.ok(newSession(), 'auth.users', {})).map((u) => u.id)).not.toContain(second.id);
      expect(await t.call(newSession(), 'auth.signIn', { userId: second.id, pin: '3691' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });

    it('takes rights away from a session already signed in: demoted at its next call, deactivated signed out', async () => {
      const deputy = await t.ok(technician, 'users.create', { name: '值班店长', role: 'owner', pin: '4826' });
      const session = newSession();
      await t.ok(session, 'auth.signIn', { userId: deputy.id, pin: '4826' });
      expect(await t.call(session, 'history.search', { limit: 1 })).toMatchObject({ ok: true });

      await t.ok(technician, 'users.setRole', { userId: deputy.id, role: 'cashier' });
      expect(await t.call(session, 'history.search', { limit: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(session.caller).toEqual({ role: 'cashier', userId: deputy.id });

      await t.ok(technician, 'users.deactivate', { userId: deputy.id });
      expect(await t.call(session, 'sale.current', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      expect(await t.ok(session, 'auth.me', {})).toBeNull();
    });

    it('changes its own PIN only with the current one, refuses a guessable or unchanged PIN, and clears must-change', async () => {
      const session = newSession();
      const user = await t.ok(technician, 'users.create', { name: '收银员 03', role: 'cashier', pin: '4826' });
      const signIn = await t.ok(session, 'auth.signIn', { userId: user.id, pin: '4826' });
      expect(signIn.mustChangePin).toBe(true);
      expect(await t.ok(session, 'users.self', {})).toEqual({ mustChangePin: true });
      expect(await t.call(session, 'users.changeOwnPin', { currentPin: '0000', newPin: '7391' })).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
      expect(await t.call(session, 'users.changeOwnPin', { currentPin: '4826', newPin: '4826' })).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { reason: 'pin_unchanged' } } });
      expect(await t.call(session, 'users.changeOwnPin', { currentPin: '4826', newPin: '1234' })).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { reason: 'pin_too_simple' } } });
      expect(await t.call(session, 'users.changeOwnPin', { currentPin: '4826', newPin: '12a4' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await t.ok(session, 'users.changeOwnPin', { currentPin: '4826', newPin: '7391' })).toBeNull();
      expect(await t.ok(session, 'users.self', {})).toEqual({ mustChangePin: false });
      expect(await t.call(newSession(), 'auth.signIn', { userId: user.id, pin: '4826' })).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
      expect((await t.ok(newSession(), 'auth.signIn', { userId: user.id, pin: '7391' })).mustChangePin).toBe(false);
      const hash = t.query<{ pin_hash: string }>('SELECT pin_hash FROM user WHERE id = ?', user.id)[0]!.pin_hash;
      expect(hash).toMatch(/^scrypt\$/);
      expect(hash).not.toContain('7391');
    });

    it(`locks a user after ${MAX_PIN_ATTEMPTS} wrong PINs, even the right PIN then; an owner unlocks or resets`, async () => {
      const user = await t.ok(owner, 'users.create', { name: '收银员 04', role: 'cashier', pin: '5937' });
      for (let i = 1; i < MAX_PIN_ATTEMPTS; i += 1) {
        expect(await t.call(newSession(), 'auth.signIn', { userId: user.id, pin: '0000' })).toMatchObject({
          ok: false,
          error: { code: 'wrong_pin', details: { attemptsLeft: MAX_PIN_ATTEMPTS - i } },
        });
      }
      expect(await t.call(newSession(), 'auth.signIn', { userId: user.id, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'locked' } });
      expect(await t.call(newSession(), 'auth.signIn', { userId: user.id, pin: '5937' })).toMatchObject({ ok: false, error: { code: 'locked' } });
      const listed = (await t.ok(owner, 'users.list', {})).find((u) => u.id === user.id)!;
      expect(listed.failedAttempts).toBe(MAX_PIN_ATTEMPTS);
      expect(listed.lockedUntil).not.toBeNull();
      const unlocked = await t.ok(owner, 'users.unlock', { userId: user.id });
      expect(unlocked).toMatchObject({ failedAttempts: 0, lockedUntil: null });
      expect((await t.ok(newSession(), 'auth.signIn', { userId: user.id, pin: '5937' })).user.id).toBe(user.id);

      const reset = await t.ok(owner, 'users.resetPin', { userId: user.id, pin: '8642' });
      expect(reset.mustChangePin).toBe(true);
      expect((await t.ok(newSession(), 'auth.signIn', { userId: user.id, pin: '8642' })).mustChangePin).toBe(true);
      const audit = await t.ok(owner, 'audit.list', { action: 'users.resetPin', limit: 1 });
      expect(JSON.stringify(audit)).not.toContain('8642');
    });
  });

  it('refuses, in main, every call a cashier may not make', async () => {
    const restricted = (Object.keys(calls) as CallName[]).filter((name) => {
      const access = calls[name].access;
      return access !== 'any' && !access.includes('cashier');
    });
    expect(restricted).toEqual(expect.arrayContaining(['admin.updateSettings', 'users.create', 'diagnostics.backup', 'diagnostics.restore', 'audit.verify']));
    const before = auditCount();
    for (const name of restricted) {
      const result = await t.call(cashier, name, {} as never);
      expect(result, name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(auditCount()).toBe(before);
  });

  describe('diagnostics', () => {
    it('reads the log newest first, filtered by level and text, bounded', async () => {
      const all = await t.ok(technician, 'diagnostics.logs', { limit: 500 });
      expect(all.entries.length).toBeGreaterThan(0);
      expect(all.scannedFiles).toBeGreaterThanOrEqual(1);
      const times = all.entries.map((e) => e.time);
      expect([...times].sort().reverse()).toEqual(times);
      const warnings = await t.ok(technician, 'diagnostics.logs', { level: 'warn', limit: 500 });
      expect(warnings.entries.length).toBeGreaterThan(0); // the wrong PINs above were logged as warnings
      expect(warnings.entries.every((e) => ['warn', 'error', 'fatal'].includes(e.level))).toBe(true);
      const wrongPin = await t.ok(technician, 'diagnostics.logs', { text: 'WRONG pin', limit: 3 });
      expect(wrongPin.entries).toHaveLength(3);
      expect(wrongPin.entries.every((e) => e.msg === 'wrong PIN')).toBe(true);
      const future = await t.ok(technician, 'diagnostics.logs', { from: '2999-01-01T00:00:00Z' });
      expect(future.entries).toEqual([]);
    });

    it('lists the background jobs and checks the database', async () => {
      const jobs = await t.ok(technician, 'diagnostics.jobs', {});
      expect(jobs.totalOpen).toBe(jobs.open.reduce((s, k) => s + k.count, 0));
      const quick = await t.ok(technician, 'diagnostics.database', {});
      expect(quick).toMatchObject({ check: 'quick', ok: true, problems: [], journalMode: 'wal' });
      expect(quick.schemaVersion).toBe(quick.latestSchemaVersion);
      // WAL: recent pages sit in the -wal file until a checkpoint.
      expect(quick.fileBytes + quick.walBytes).toBeGreaterThanOrEqual(quick.pageSize);
      expect(quick.pageCount * quick.pageSize).toBeGreaterThanOrEqual(quick.fileBytes);
      expect((await t.ok(technician, 'diagnostics.database', { full: true })).check).toBe('full');
    });

    it('backs up to a timestamped file, lists it, and refuses to stage a file that is not a Jiezhang database', async () => {
      const backup = await t.ok(technician, 'diagnostics.backup', {});
      expect(backup.name).toMatch(/^pos-\d{8}-\d{6}(-\d+)?\.sqlite$/);
      expect(backup.bytes).toBeGreaterThan(0);
      expect((await t.ok(technician, 'diagnostics.backups', {})).backups[0]!.name).toBe(backup.name);

      writeFileSync(join(t.dataDir, 'backups', 'garbage.sqlite'), 'not a database at all');
      expect(await t.call(technician, 'diagnostics.restore', { name: 'garbage.sqlite' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await t.call(technician, 'diagnostics.restore', { name: '../pos.sqlite' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await t.call(technician, 'diagnostics.restore', { name: 'missing.sqlite' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(existsSync(join(t.dataDir, 'restore', 'pending.sqlite'))).toBe(false);
      expect((await t.ok(technician, 'diagnostics.backups', {})).pendingRestore).toBe(false);
    });

    it('exports a support bundle without secrets', async () => {
      const bundle = await t.ok(technician, 'diagnostics.supportBundle', {});
      expect(bundle.path).toMatch(/support[/\\]support-\d{8}-\d{6}\.tar\.gz$/);
      expect(bundle.files).toEqual(expect.arrayContaining(['config.json', 'versions.json', 'devices.json', 'database.json', 'audit.json']));
      const entries: string[] = [];
      await listTar({ file: bundle.path, onReadEntry: (e) => entries.push(e.path) });
      expect(entries).toEqual(expect.arrayContaining(['config.json', 'versions.json', 'audit.json']));
      expect(entries.some((e) => e.startsWith('logs/'))).toBe(true);
      const out = tempDir('bundle-');
      mkdirSync(out, { recursive: true });
      await extractTar({ file: bundle.path, cwd: out });
      const config = readFileSync(join(out, 'config.json'), 'utf8');
      expect(config).toContain(SANDBOX_VENDOR_SN);
      expect(config).not.toContain(SANDBOX_VENDOR_KEY);
      expect(JSON.parse(config).acquirer).not.toHaveProperty('vendorKey');
      expect(JSON.parse(readFileSync(join(out, 'versions.json'), 'utf8'))).toMatchObject({ node: process.versions.node });
      expect(JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8'))).toMatchObject({ ok: true });
    });
  });

  it('verifies the audit chain', async () => {
    const result = await t.ok(owner, 'audit.verify', {});
    expect(result).toMatchObject({ ok: true });
    expect(result.rows).toBe(auditCount());
  });
});
