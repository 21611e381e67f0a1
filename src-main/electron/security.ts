/**
 * Electron's security checklist, as code the tests can hold to it (reference/style.md §4).
 * Only types come from electron here, so the rules can be unit-tested without an Electron runtime.
 */
import type { BrowserWindowConstructorOptions, Session, WebContents, WebPreferences } from 'electron';

export const APP_SCHEME = 'pos';
export const APP_HOST = 'app';
export const APP_ENTRY = `${APP_SCHEME}://${APP_HOST}/index.html`;

export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    // Non-special schemes have an opaque origin ('null') in WHATWG URL, so compare the parts.
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: process.env.POS_DEVTOOLS === '1',
  };
}

export type WindowRole = 'cashier' | 'customer' | 'kiosk';

export function windowOptions(
  role: WindowRole,
  preload: string,
  bounds?: { x: number; y: number; width: number; height: number },
): BrowserWindowConstructorOptions {
  const base: BrowserWindowConstructorOptions = {
    show: false,
    backgroundColor: '#0f172a',
    autoHideMenuBar: true,
    title: role === 'customer' ? '顾客显示' : '结账 POS',
    webPreferences: secureWebPreferences(preload),
  };
  if (role === 'cashier') return { ...base, width: 1280, height: 800, minWidth: 1024, minHeight: 640 };
  if (role === 'customer') return { ...base, ...bounds, fullscreen: true, frame: false, focusable: false };
  return { ...base, ...bounds, kiosk: true, fullscreen: true, frame: false };
}

/** Every permission (camera, notifications, HID, serial from the page…) is denied: devices live in main. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** No navigation away from the app, no new windows, no webviews. */
export function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const blockForeign = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', blockForeign);
  contents.on('will-redirect', blockForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** IPC is answered only for frames showing our own pages (checklist #17). */
export function isTrustedSender(frame: { url: string } | null | undefined): boolean {
  return !!frame && isAppUrl(frame.url);
}
