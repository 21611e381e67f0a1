/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openTerminalPage } from '../helpers/browser';
import { startHostProcess, type HostProcess } from '../helpers/host';

const ARTIFACTS = 'test-results/e2e';

function dbValue<T>(dataDir: string, sql: string): T | undefined {
  const db = new Sqlite(join(dataDir, 'pos.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as T | undefined;
  } finally {
    db.close();
  }
}

describe('cashier screen through the headless host', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    host = await startHostProcess();
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1280, height: 800 });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('shows the terminal status read from SQLite, in Chinese first', async () => {
    const terminalId = dbValue<string>(host.ready.dataDir, 'SELECT terminal_id FROM terminal');
    await expect.poll(() => page.getByTestId('terminal-id').textContent()).toBe(terminalId);
    expect(await page.getByTestId('start-count').textContent()).toBe('1');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('请登录');
    expect(await page.getByTestId('acquirer-badge').textContent()).toBe('沙箱');
    expect(await page.getByTestId('connection').textContent()).toBe('已连接');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    // The token is kept for this tab only, not left in the address bar.
    expect(page.url()).not.toContain(host.ready.token);
    await page.screenshot({ path: `${ARTIFACTS}/foundation-zh.png` });
  });

  it('switches to English, stores the choice in SQLite, and keeps it after a reload', async () => {
    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(await page.getByTestId('acquirer-badge').textContent()).toBe('SANDBOX');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(dbValue<string>(host.ready.dataDir, "SELECT value FROM setting WHERE key = 'language'")).toBe('"en"');
    await page.screenshot({ path: `${ARTIFACTS}/foundation-en.png` });

    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('请登录');
  });
});

describe('the API refuses what it must, seen from a browser', () => {
  let host: HostProcess;
  let browser: Browser;
  let foreign: Server;

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    foreign = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other site</title>'));
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    foreign?.close();
  });

  /** Opens a WebSocket from the page and sends one call: 'refused' if the host closes it before it opens. */
  const tryCall = (page: Page, url: string, message: unknown) =>
    page.evaluate(
      ({ url, message }) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => ws.send(JSON.stringify(message));
          ws.onmessage = (e) => resolve(String(e.data));
          ws.onerror = () => resolve('refused');
          setTimeout(() => resolve('timeout'), 5000);
        }),
      { url, message },
    );

  it('answers malformed input with a validation error and changes nothing', async () => {
    const page = await browser.newPage();
    await page.goto(`${host.ready.url}#token=${host.ready.token}`);
    await expect.poll(() => page.getByTestId('terminal-id').textContent()).not.toBe('');
    const settingsBefore = dbValue<number>(host.ready.dataDir, 'SELECT count(*) FROM setting');
    const api = `ws://127.0.0.1:${host.ready.port}/api?token=${host.ready.token}`;

    const reply = JSON.parse(await tryCall(page, api, { id: 1, call: 'settings.setLanguage', input: { language: 'klingon' } }));
    expect(reply).toMatchObject({ type: 'result', id: 1, result: { ok: false, error: { code: 'validation_failed', details: [{ path: 'language' }] } } });
    expect(dbValue<number>(host.ready.dataDir, 'SELECT count(*) FROM setting')).toBe(settingsBefore);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('请登录');
    await page.close();
  });

  it('refuses a WebSocket without the token', async () => {
    const page = await browser.newPage();
    await page.goto(host.ready.url);
    expect(await tryCall(page, `ws://127.0.0.1:${host.ready.port}/api`, { id: 1, call: 'terminal.status', input: {} })).toBe('refused');
    await page.close();
  });

  it('refuses a WebSocket from a page of another origin, even with the token', async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
    const api = `ws://127.0.0.1:${host.ready.port}/api?token=${host.ready.token}`;
    expect(await tryCall(page, api, { id: 1, call: 'terminal.status', input: {} })).toBe('refused');
    await page.close();
  });
});
