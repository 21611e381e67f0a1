/// <reference lib="dom" />
/**
 * Staff, tills and accounts in the back office, in Chromium against the real store server on real PostgreSQL with
 * three built headless tills: the owner adds a cashier in store A and resets her PIN — after a sync till A1 accepts
 * the new PIN and refuses the old; deactivated, she leaves A2's sign-in list; the owner makes an enrolment code
 * (shown once) and revokes B1, whose next sync is refused; a store manager's account is made, turns on two-step
 * sign-in by scanning (the secret read off the page) and is then asked for a code at sign-in.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../server/office/totp';
import { blockingFindings, describeFindings, runAxe, settle } from '../helpers/axe';
import { openApiSocket } from '../helpers/host';
import { ok, OWNER, signInOffice, startOfficeWorld, synced, type OfficeWorld, type Till } from '../helpers/office-world';

const SHOTS = 'test-results/back-office';
const FIRST_PIN = '739514';
const NEW_PIN = '480263';

/** Signs in on a fresh socket of the till (as a person at its sign-in screen); the call's result. */
async function tillSignIn(till: Till, name: string, pin: string) {
  const api = await openApiSocket(till.host.ready);
  try {
    const users = await ok(api, 'auth.users', {});
    const user = users.find((u) => u.name === name);
    if (!user) return { listed: false as const, names: users.map((u) => u.name) };
    return { listed: true as const, result: await api.call('auth.signIn', { userId: user.id, pin }) };
  } finally {
    api.close();
  }
}

async function tillUserNames(till: Till): Promise<string[]> {
  const api = await openApiSocket(till.host.ready);
  try {
    return (await ok(api, 'auth.users', {})).map((u) => u.name);
  } finally {
    api.close();
  }
}

/** Syncs a till until it has pulled its store's current version (every change the back office made so far). */
async function pulledAll(world: OfficeWorld, till: Till): Promise<void> {
  const [store] = await world.server.sql<{ version: string }>(`SELECT version FROM store WHERE store_id = $1`, [world.stores[till.storeKey]]);
  await synced(till, (s) => s.state === 'online' && s.factsWaiting === 0 && s.pulledVersion >= Number(store!.version));
}

const rowOf = (page: Page, testId: string, text: string) => page.getByTestId(testId).filter({ hasText: text });

describe('back office: staff, tills, accounts and two-step sign-in (Chromium, real server, three tills)', () => {
  let world: OfficeWorld;
  let owner: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    world = await startOfficeWorld();
    owner = await world.openOffice();
    await signInOffice(owner, OWNER.login, OWNER.password);
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });

  it('adds a cashier in store A and resets her PIN: after a sync A1 takes the new PIN and refuses the old', async () => {
    await owner.goto(`${world.server.server.url}/office/#/staff`);
    await owner.getByTestId('staff-pick-store').first().waitFor({ timeout: 10_000 });
    await owner.getByTestId('staff-pick-store').filter({ hasText: '一号店' }).click();
    await owner.getByTestId('office-empty').waitFor({ timeout: 10_000 });
    expect(await owner.getByTestId('office-empty').textContent()).toContain('还没有收银机用户');

    await owner.getByTestId('staff-new-name').fill('小张');
    await owner.getByTestId('staff-new-pin').fill(FIRST_PIN);
    await owner.getByTestId('staff-new-pin-again').fill('739515');
    expect(await owner.getByTestId('staff-add').isDisabled()).toBe(true);
    await owner.getByTestId('staff-new-pin-again').fill(FIRST_PIN);
    await owner.getByTestId('staff-add').click();
    await expect.poll(() => owner.getByTestId('staff-notice').textContent(), { timeout: 10_000 }).toContain('已添加 小张');
    await rowOf(owner, 'staff-row', '小张').waitFor({ timeout: 10_000 });

    await pulledAll(world, world.tills.A1);
    const first = await tillSignIn(world.tills.A1, '小张', FIRST_PIN);
    expect(first.listed && first.result.ok).toBe(true);
    // Store B's till never gets store A's cashier.
    await pulledAll(world, world.tills.B1);
    expect(await tillUserNames(world.tills.B1)).not.toContain('小张');

    await rowOf(owner, 'staff-row', '小张').getByTestId('staff-reset-pin').click();
    await owner.getByTestId('staff-pin').fill(NEW_PIN);
    await owner.getByTestId('staff-pin-again').fill(NEW_PIN);
    await owner.getByTestId('staff-pin-save').click();
    await expect.poll(() => owner.getByTestId('staff-notice').textContent(), { timeout: 10_000 }).toContain('小张 的新 PIN 已保存');
    expect(await owner.content()).not.toContain(NEW_PIN);
    await owner.screenshot({ path: `${SHOTS}/staff.png` });

    await pulledAll(world, world.tills.A1);
    const fresh = await tillSignIn(world.tills.A1, '小张', NEW_PIN);
    expect(fresh.listed && fresh.result.ok).toBe(true);
    const old = await tillSignIn(world.tills.A1, '小张', FIRST_PIN);
    expect(old.listed && old.result.ok).toBe(false);
  });

  it('renames the cashier, then deactivates her: she leaves A2’s sign-in list at its next sync', async () => {
    await pulledAll(world, world.tills.A2);
    expect(await tillUserNames(world.tills.A2)).toContain('小张');
    await rowOf(owner, 'staff-row', '小张').getByTestId('staff-edit').click();
    await owner.getByTestId('staff-edit-name').fill('张小红');
    await owner.getByTestId('staff-edit-save').click();
    await rowOf(owner, 'staff-row', '张小红').waitFor({ timeout: 10_000 });
    await pulledAll(world, world.tills.A2);
    expect(await tillUserNames(world.tills.A2)).toEqual(expect.arrayContaining(['张小红']));
    expect(await tillUserNames(world.tills.A2)).not.toContain('小张');

    await rowOf(owner, 'staff-row', '张小红').getByTestId('staff-deactivate').click();
    await expect.poll(() => rowOf(owner, 'staff-row', '张小红').getByTestId('staff-status').textContent(), { timeout: 10_000 }).toBe('已停用');
    await pulledAll(world, world.tills.A2);
    expect(await tillUserNames(world.tills.A2)).not.toContain('张小红');

    const phone = await world.openOffice({ width: 390, height: 844 });
    await phone.getByTestId('office-login').fill(OWNER.login);
    await phone.getByTestId('office-password').fill(OWNER.password);
    await phone.getByTestId('office-signin-submit').click();
    // The account's name is hidden on a phone: wait for the page's navigation instead.
    await phone.getByTestId('office-nav-staff').waitFor({ timeout: 10_000 });
    await phone.goto(`${world.server.server.url}/office/#/staff?store=${world.stores.A}`);
    await rowOf(phone, 'staff-row', '张小红').waitFor({ timeout: 10_000 });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: `${SHOTS}/staff-phone.png`, fullPage: true });
    await phone.close();
  });

  it('makes an enrolment code shown once, and revokes B1 after a confirmation: B1’s next sync is refused', async () => {
    await owner.goto(`${world.server.server.url}/office/#/terminals?store=${world.stores.B}`);
    const b1 = owner.locator(`[data-testid="terminal-row"][data-terminal="${world.tills.B1.terminalId}"]`);
    await b1.waitFor({ timeout: 10_000 });
    expect(await b1.getByTestId('terminal-lag').textContent()).toBe('全部已上传');

    await owner.getByTestId('terminals-new-code').click();
    const code = (await owner.getByTestId('terminals-code').textContent({ timeout: 10_000 }))!;
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await owner.getByTestId('terminals-code-box').textContent()).toContain('只显示这一次');
    const stored = await world.server.sql<{ code_hash: string }>(`SELECT code_hash FROM enrolment_code WHERE used_at IS NULL`);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(code.replaceAll('-', ''));

    await b1.getByTestId('terminal-revoke').click();
    await owner.getByTestId('terminals-confirm').waitFor();
    expect(await owner.getByTestId('terminals-confirm').textContent()).toContain('确定吊销');
    await owner.screenshot({ path: `${SHOTS}/terminals.png` });
    await owner.getByTestId('terminals-confirm-revoke').click();
    await expect.poll(() => b1.getByTestId('terminal-status').textContent(), { timeout: 10_000 }).toBe('已吊销');

    // Shown once: after a reload the page has no way to show it again.
    await owner.reload();
    await b1.waitFor({ timeout: 10_000 });
    expect(await owner.getByTestId('terminals-code').count()).toBe(0);

    const status = await synced(world.tills.B1, (s) => s.state === 'refused');
    expect(status.lastError).toMatch(/revoked/i);
    // A1 in the other store still syncs.
    expect((await synced(world.tills.A1)).state).toBe('online');
  });

  it('lets the owner make a store manager’s account, who turns on two-step sign-in and is then asked for a code', async () => {
    await owner.goto(`${world.server.server.url}/office/#/accounts`);
    await owner.getByTestId('office-empty').waitFor({ timeout: 10_000 });
    await owner.getByTestId('account-new-name').fill('李店长');
    await owner.getByTestId('account-new-login').fill('li.na');
    await owner.getByTestId('account-new-password').fill('manager password');
    await owner.getByTestId('account-new-store').selectOption(world.stores.A);
    await owner.getByTestId('account-create').click();
    await expect.poll(() => owner.getByTestId('accounts-notice').textContent(), { timeout: 10_000 }).toContain('账号 li.na 已创建');
    await rowOf(owner, 'account-row', 'li.na').waitFor({ timeout: 10_000 });
    expect(await rowOf(owner, 'account-row', 'li.na').textContent()).toContain('店长 · 一号店');
    await owner.getByTestId('account-new-login').fill('li.na');
    await owner.getByTestId('account-new-name').fill('重名');
    await owner.getByTestId('account-new-password').fill('manager password');
    await owner.getByTestId('account-create').click();
    await expect.poll(() => owner.getByTestId('accounts-error').textContent(), { timeout: 10_000 }).toContain('登录名已被使用');
    await owner.screenshot({ path: `${SHOTS}/accounts.png`, fullPage: true });

    const manager = await world.openOffice();
    await signInOffice(manager, 'li.na', 'manager password');
    // Her store only (no picker), and a store manager adds cashiers only.
    expect(await manager.getByTestId('office-store-picker').count()).toBe(0);
    await manager.getByTestId('office-nav-staff').click();
    await rowOf(manager, 'staff-row', '张小红').waitFor({ timeout: 10_000 });
    expect(await manager.getByTestId('staff-new-role').locator('option').allTextContents()).toEqual(['收银员']);
    await manager.goto(`${world.server.server.url}/office/#/accounts`);
    await manager.getByTestId('accounts-totp-start').click();
    const secret = (await manager.getByTestId('accounts-totp-secret').textContent({ timeout: 10_000 }))!.replaceAll(' ', '');
    expect(await manager.getByTestId('accounts-totp-qr').getAttribute('data-qr')).toContain(`secret=${secret}`);
    await manager.getByTestId('accounts-totp-code').fill(totpCode(secret, Date.now() - 10 * 30_000));
    await manager.getByTestId('accounts-totp-confirm').click();
    await expect.poll(() => manager.getByTestId('accounts-totp-error').textContent(), { timeout: 10_000 }).toContain('码不对');
    await manager.screenshot({ path: `${SHOTS}/accounts-totp.png` });
    const confirmedAt = Date.now();
    await manager.getByTestId('accounts-totp-code').fill(totpCode(secret, confirmedAt));
    await manager.getByTestId('accounts-totp-confirm').click();
    await expect.poll(() => manager.getByTestId('accounts-totp-state').textContent(), { timeout: 10_000 }).toContain('已开启');

    await manager.getByTestId('office-signout').click();
    await manager.getByTestId('office-login').fill('li.na');
    await manager.getByTestId('office-password').fill('manager password');
    await manager.getByTestId('office-signin-submit').click();
    await expect.poll(() => manager.getByTestId('office-signin-error').textContent(), { timeout: 10_000 }).toContain('6 位动态码');
    // The code that confirmed the set-up is spent; the phone's next one is taken.
    await manager.getByTestId('office-totp').fill(totpCode(secret, confirmedAt));
    await manager.getByTestId('office-signin-submit').click();
    await expect.poll(() => manager.getByTestId('office-signin-error').textContent(), { timeout: 10_000 }).toContain('动态码不对');
    await manager.getByTestId('office-password').fill('manager password');
    await manager.getByTestId('office-totp').fill(totpCode(secret, Date.now() + 30_000));
    await manager.getByTestId('office-signin-submit').click();
    await manager.getByTestId('office-user').waitFor({ timeout: 10_000 });
    expect(await manager.getByTestId('office-user').textContent()).toBe('李店长 · 店长');

    // The owner deactivates her: her next call finds the session over.
    await rowOf(owner, 'account-row', 'li.na').getByTestId('account-deactivate').click();
    await expect.poll(() => rowOf(owner, 'account-row', 'li.na').getByTestId('account-status').textContent(), { timeout: 10_000 }).toBe('已停用');
    await manager.getByTestId('office-nav-staff').click();
    await manager.getByTestId('office-signin').waitFor({ timeout: 10_000 });
    await manager.close();
  });

  it('passes axe on the staff, tills and accounts pages in both languages', async () => {
    // axe is injected as a script: the page's CSP is bypassed for the test only.
    const page = await world.browser.newPage({ viewport: { width: 1366, height: 768 }, ignoreHTTPSErrors: true, bypassCSP: true });
    await page.goto(`${world.server.server.url}/office/`);
    await signInOffice(page, OWNER.login, OWNER.password);
    const lines: string[] = [];
    for (const language of ['zh-CN', 'en']) {
      if (language === 'en') await page.getByTestId('office-language').click();
      for (const [path, ready] of [
        [`#/staff?store=${world.stores.A}`, 'staff-row'],
        [`#/terminals?store=${world.stores.A}`, 'terminal-row'],
        ['#/accounts', 'account-row'],
        ['#/staff', 'staff-pick-store'],
      ] as const) {
        await page.goto(`${world.server.server.url}/office/${path}`);
        await page.getByTestId(ready).first().waitFor({ timeout: 10_000 });
        await settle(page);
        lines.push(...describeFindings(`${path} ${language}`, blockingFindings(await runAxe(page))));
      }
    }
    expect(lines).toEqual([]);
    await page.close();
  });
});
