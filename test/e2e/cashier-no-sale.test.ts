/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, openApiSocket, queryTerminalDb, startHostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

/** F10 opens the cash drawer without a sale: a cashier needs an owner's PIN, and every opening is in the audit log. */
describe('a cashier opens the drawer without a sale', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let pair: PtyPair;
  let drawer: Peer;

  beforeAll(async () => {
    pair = await createPtyPair();
    host = await startHostProcess({ config: { devices: [{ id: 'drawer', role: 'drawer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 } }] } });
    drawer = await openPeer(pair.b);
    const api = await openApiSocket(host.ready);
    for (const deadline = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 50))) {
      const r = await api.call('devices.status', {});
      if (r.ok && r.value[0]?.state === 'idle') break;
      if (Date.now() > deadline) throw new Error('the drawer line did not open within 10 s');
    }
    api.close();
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await drawer?.close();
    await pair?.close();
    await killAllSocat();
  });

  const audited = () =>
    queryTerminalDb<{ actor_role: string; details: string }>(host.ready, "SELECT actor_role, details FROM audit_log WHERE action = 'drawer.noSale' ORDER BY seq");

  it('refuses a wrong owner PIN, then opens the drawer with the right one and records who and why', async () => {
    await page.keyboard.press('F10');
    const dialog = page.getByTestId('no-sale-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '核对现金' }).click();
    await page.getByTestId('no-sale-owner-pin').fill('0000');
    await page.getByTestId('no-sale-submit').click();
    await expect.poll(() => page.getByTestId('error').getAttribute('data-code')).toBe('wrong_pin');
    expect(drawer.received.length).toBe(0);

    await page.getByTestId('no-sale-owner-pin').fill('8888');
    await page.getByTestId('no-sale-submit').click();
    await expect.poll(() => page.getByTestId('no-sale-dialog').count()).toBe(0);
    expect([...(await drawer.readUntil((b) => b.length >= 1, 10_000))]).toEqual([0x07]);
    const rows = audited().filter((r) => (JSON.parse(r.details) as { opened?: boolean }).opened === true);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor_role).toBe('cashier');
    expect(JSON.parse(rows[0]!.details)).toMatchObject({ reason: '核对现金' });
    expect(rows[0]!.details).not.toContain('8888');
    // The request was on record before the drawer was sent anything; the refused PIN recorded nothing.
    const all = audited().map((r) => ({ role: r.actor_role, ...(JSON.parse(r.details) as Record<string, unknown>) }));
    expect(all).toHaveLength(2);
    expect(all[0]).toMatchObject({ role: 'cashier', reason: '核对现金', opened: null });
    expect(all[1]).toMatchObject({ role: 'cashier', reason: '核对现金', opened: true });
  });
});
