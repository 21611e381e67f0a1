/**
 * Issue 15's world for back-office tests: the real store server (in this process, on a fresh database of the
 * run's PostgreSQL, serving the built back office), its owner's account made through the first set-up, two
 * stores, and optionally three built headless tills (A1, A2 in store A; B1 in store B) each enrolled by its
 * technician with a one-time code, plus Debian's Chromium for the web pages.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { createOfficeAccount, officeClient, type OfficeClient } from '../../server/testing/office';
import { startTestServer, type TestServer } from '../../server/testing/server';
import { launchChromium } from './browser';
import { startHostProcess, type ApiSocket, type HostProcess } from './host';
import { ok, signedIn, synced, until } from './till-sync';

export { ok, synced, until };

export const OWNER = { login: 'boss', name: '王老板', password: 'correct horse battery' } as const;

export interface Till {
  readonly name: string;
  readonly storeKey: 'A' | 'B';
  readonly host: HostProcess;
  readonly terminalId: string;
  readonly technician: ApiSocket;
  readonly cashier: ApiSocket;
  readonly owner: ApiSocket;
}

export interface OfficeWorld {
  readonly server: TestServer;
  readonly stores: { readonly A: string; readonly B: string };
  readonly tills: Readonly<Record<'A1' | 'A2' | 'B1', Till>>;
  /** The owner's API client, signed in. */
  readonly ownerApi: OfficeClient;
  readonly browser: Browser;
  /** A page on the back office (the self-signed certificate accepted, as a person would after checking it). */
  openOffice(viewport?: { width: number; height: number }): Promise<Page>;
  /** Adds an account (manager, accountant) straight into the database. */
  addAccount(login: string, name: string, password: string, grants: { storeId: string; role: 'owner' | 'manager' | 'accountant' }[]): Promise<void>;
  close(): Promise<void>;
}

/** Sells `quantityMilli` of a product on a till, paid in cash or by a wallet through the sandbox; returns the total. */
export async function sell(till: Till, productId: string, pay: 'cash' | 'wechat' | 'alipay', quantityMilli = 1000): Promise<number> {
  await ok(till.cashier, 'sale.addProduct', { productId, quantityMilli });
  const cart = (await ok(till.cashier, 'sale.current', {}))!;
  if (pay === 'cash') await ok(till.cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
  else expect((await ok(till.cashier, 'payment.payByCode', { code: sandboxPaymentCode(pay, '0000') })).status).toBe('paid');
  return cart.total;
}

/** `tillConfig`: a till's config.json (devices such as a simulated printer), by till name. */
export async function startOfficeWorld(options: { tills?: boolean; tillConfig?: Partial<Record<'A1' | 'A2' | 'B1', Record<string, unknown>>> } = {}): Promise<OfficeWorld> {
  const server = await startTestServer();
  const opened: Till[] = [];
  let browser: Browser | null = null;
  try {
    const setup = await officeClient(server).call('POST', '/setup', { body: { adminToken: server.server.adminToken, ...OWNER } });
    expect(setup.status).toBe(201);
    const ownerApi = officeClient(server);
    expect((await ownerApi.signIn(OWNER.login, OWNER.password)).status).toBe(200);
    const stores = { A: '', B: '' };
    for (const [key, name] of [['A', '一号店'], ['B', '二号店']] as const) {
      const created = await ownerApi.call('POST', '/stores', { body: { name } });
      expect(created.status).toBe(201);
      stores[key] = created.body.storeId as string;
    }
    const tills = {} as Record<'A1' | 'A2' | 'B1', Till>;
    if (options.tills !== false) {
      const fingerprint = server.server.tls.fingerprint;
      for (const [name, storeKey] of [['A1', 'A'], ['A2', 'A'], ['B1', 'B']] as const) {
        const host = await startHostProcess({ config: options.tillConfig?.[name] ?? {} });
        const technician = await signedIn(host, 'technician');
        const till: Till = { name, storeKey, host, terminalId: (await ok(technician, 'terminal.status', {})).terminalId, technician, cashier: await signedIn(host, 'cashier'), owner: await signedIn(host, 'owner') };
        opened.push(till);
        const seen = await ok(technician, 'sync.inspect', { serverUrl: server.server.url });
        expect(seen.fingerprint).toBe(fingerprint);
        const code = (await server.admin.call('POST', `/v1/admin/stores/${stores[storeKey]}/enrolment-codes`)).body.code as string;
        await ok(technician, 'sync.enrol', { serverUrl: server.server.url, code, fingerprint });
        tills[name] = till;
      }
      for (const till of opened) await synced(till);
    }
    browser = await launchChromium();
    const b = browser;
    return {
      server,
      stores,
      tills,
      ownerApi,
      browser: b,
      async openOffice(viewport = { width: 1366, height: 768 }) {
        const page = await b.newPage({ viewport, ignoreHTTPSErrors: true });
        await page.goto(`${server.server.url}/office/`);
        return page;
      },
      async addAccount(login, name, password, grants) {
        await createOfficeAccount(server.server.databaseUrl, { login, name, password, grants });
      },
      async close() {
        await b.close();
        for (const till of opened) {
          for (const api of [till.technician, till.cashier, till.owner]) api.close();
          await till.host.stop();
        }
        await server.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    for (const till of opened) await till.host.stop();
    await server.stop();
    throw error;
  }
}

/** Signs in on the back office's sign-in page. */
export async function signInOffice(page: Page, login: string, password: string): Promise<void> {
  await page.getByTestId('office-login').fill(login);
  await page.getByTestId('office-password').fill(password);
  await page.getByTestId('office-signin-submit').click();
  await page.getByTestId('office-user').waitFor({ timeout: 10_000 });
}
