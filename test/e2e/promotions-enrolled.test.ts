/// <reference lib="dom" />
/**
 * Issue 16 on a till enrolled with a store server (a server that follows the sync contract, HTTPS with an openssl
 * certificate): the store's promotion comes down with the pull, the owner's Promotions tab lists it read-only with a
 * note, no editor, no end button; main refuses the edits too, whatever a page sends.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type ApiSocket, type HostProcess, openApiSocket, queryTerminalDb, startHostProcess } from '../helpers/host';
import { startContractServer, type ContractServer } from '../helpers/sync-contract-server';

const STORE = 'store-a';

describe('promotions on a till enrolled with a store server (Chromium, built host)', () => {
  let server: ContractServer;
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let api: ApiSocket;
  const db = <T,>(sql: string, ...params: unknown[]) => queryTerminalDb<T>(host.ready, sql, ...params);

  const signInApi = async (name: string, pin: string) => {
    const users = await api.call('auth.users', {});
    const user = users.ok ? (users.value as { id: string; name: string }[]).find((u) => u.name === name)! : null;
    expect((await api.call('auth.signIn', { userId: user!.id, pin })).ok).toBe(true);
  };

  beforeAll(async () => {
    server = await startContractServer();
    server.addStore(STORE, '一号店');
    server.setPromotion(STORE, {
      id: 'STORE-PROMO-1',
      name: '门店满50减5',
      active: true,
      startDate: null,
      endDate: null,
      rule: { kind: 'spend_save', threshold: 5000, saving: 500, repeating: false, categoryId: null },
    });
    host = await startHostProcess({ config: {} });
    api = await openApiSocket(host.ready);
    await signInApi('技术员', '9999');
    expect((await api.call('sync.inspect', { serverUrl: server.url })).ok).toBe(true);
    const enrolled = await api.call('sync.enrol', { serverUrl: server.url, code: server.enrolmentCode(STORE), fingerprint: server.fingerprint });
    expect(enrolled.ok, JSON.stringify(enrolled)).toBe(true);
    for (const deadline = Date.now() + 20_000; db<{ id: string }>("SELECT id FROM promotion WHERE origin = 'store'").length === 0; ) {
      if (Date.now() > deadline) throw new Error('the store’s promotion never came down');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 900 });
  });
  afterAll(async () => {
    api?.close();
    await page?.close();
    await browser?.close();
    await host?.stop();
    await server?.close();
  });

  it('lists the store’s promotion read-only, with a note saying where promotions are set', async () => {
    await signIn(page, '店长', '8888');
    await page.getByTestId('workspace-owner').click();
    await page.getByTestId('tab-promotions').click();
    await page.getByTestId('promotions-managed').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('promotions-managed').textContent()).toContain('促销和会员价由门店服务器统一设置');
    await expect.poll(() => page.getByTestId('promotion-row').count()).toBe(1);
    expect(await page.getByTestId('promotions-list').textContent()).toContain('门店满50减5');
    expect(await page.getByTestId('promotion-status').textContent()).toBe('生效中');
    expect(await page.getByTestId('promotion-form').count()).toBe(0);
    expect(await page.getByTestId('promotion-end').count()).toBe(0);
    await page.screenshot({ path: 'test-results/ux/owner-promotions-enrolled-zh-CN.png' });
    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByTestId('promotions-managed').textContent()).toContain('set there for every till');
  });

  it('main refuses a promotion edit from the till while enrolled, and nothing changes', async () => {
    await signInApi('店长', '8888');
    const rule = { kind: 'spend_save', threshold: 1000, saving: 900, repeating: false, categoryId: null };
    const refused = await api.call('promotions.save', { name: '本店乱改', active: true, startDate: null, endDate: null, rule });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', details: { reason: 'managed_by_store_server' } } });
    expect(await api.call('promotions.end', { id: 'STORE-PROMO-1' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(db('SELECT id, name, active FROM promotion')).toEqual([{ id: 'STORE-PROMO-1', name: '门店满50减5', active: 1 }]);
  });
});
