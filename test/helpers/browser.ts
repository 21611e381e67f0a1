import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!path) throw new Error('Chromium not found: apt-get install -y chromium, or set CHROMIUM_PATH');
  return path;
}

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A page on the terminal's UI served by a host (`#token=…` authorises its WebSocket), optionally on a route. */
export async function openTerminalPage(
  browser: Browser,
  ready: { url: string; token: string },
  viewport: { width: number; height: number } = { width: 1366, height: 800 },
  route = '',
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(route ? `${ready.url}#${route}?token=${ready.token}` : `${ready.url}#token=${ready.token}`);
  return page;
}

/** Signs in on the sign-in screen: picks the user by the name shown and types the PIN. */
export async function signIn(page: Page, userName: string, pin: string): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(userName) }).click();
  await page.getByTestId('pin').fill(pin);
  await page.getByTestId('sign-in').click();
}
