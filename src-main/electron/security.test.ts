import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { hardenContents, hardenSession, isAppUrl, isTrustedSender, windowOptions, type WindowRole } from './security';

describe('window options meet the Electron security checklist', () => {
  it.each<WindowRole>(['cashier', 'customer', 'kiosk'])('%s window', (role) => {
    const prefs = windowOptions(role, '/app/preload/index.cjs').webPreferences!;
    expect(prefs.contextIsolation).toBe(true); // #3
    expect(prefs.sandbox).toBe(true); // #4
    expect(prefs.nodeIntegration).toBe(false); // #2
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true); // #6
    expect(prefs.allowRunningInsecureContent).toBe(false); // #8
    expect(prefs.experimentalFeatures).toBe(false); // #9
    expect(prefs).not.toHaveProperty('enableBlinkFeatures'); // #10
    expect(prefs.webviewTag).toBe(false); // #11, #12
    expect(prefs.preload).toBe('/app/preload/index.cjs');
  });

  it('makes the kiosk window a kiosk', () => {
    expect(windowOptions('kiosk', 'p')).toMatchObject({ kiosk: true, fullscreen: true, frame: false });
  });
});

describe('session hardening', () => {
  it('denies every permission request and check', () => {
    const session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
    };
    hardenSession(session as unknown as Session);
    const answer = vi.fn();
    session.setPermissionRequestHandler.mock.calls[0]![0]({}, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
    expect(session.setPermissionCheckHandler.mock.calls[0]![0]()).toBe(false);
    expect(session.setDevicePermissionHandler.mock.calls[0]![0]()).toBe(false);
  });
});

describe('web contents hardening', () => {
  function harden() {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    hardenContents(contents as unknown as WebContents);
    const navigate = (event: string, url: string) => {
      const e = { preventDefault: vi.fn() };
      contents.emit(event, e, url);
      return e.preventDefault.mock.calls.length > 0;
    };
    return { contents, navigate };
  }

  it('denies window.open (#14)', () => {
    const { contents } = harden();
    expect(contents.setWindowOpenHandler.mock.calls[0]![0]({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('blocks navigation and redirects away from the app (#13)', () => {
    const { navigate } = harden();
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-navigate', 'pos://other/index.html')).toBe(true);
    expect(navigate('will-redirect', 'http://127.0.0.1:9/')).toBe(true);
    expect(navigate('will-navigate', 'pos://app/index.html#/customer')).toBe(false);
  });

  it('refuses webviews (#12)', () => {
    const { navigate } = harden();
    expect(navigate('will-attach-webview', '')).toBe(true);
  });
});

describe('IPC sender check (#17)', () => {
  it('trusts only frames showing our app protocol', () => {
    expect(isTrustedSender({ url: 'pos://app/index.html' })).toBe(true);
    expect(isTrustedSender({ url: 'https://app/index.html' })).toBe(false);
    expect(isTrustedSender({ url: 'pos://app.evil/index.html' })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});
