/**
 * The thin Electron shell: windows, the app protocol, IPC relay. Everything else is `createPos`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, screen, session } from 'electron';
import { newSession, type Session } from '../../src-common/roles';
import { mayReceive } from '../../src-common/contract';
import { loadConfig } from '../config';
import { DATA_DIR_ENV } from '../data-dir';
import type { CodeCache } from '../code-cache';
import { createPos, type Pos } from '../pos';
import { guardProcess } from '../process-guards';
import { IPC_EVENT, IPC_INVOKE } from './channels';
import { electronNativeBinding } from './native-binding';
import { registerAppScheme, serveAppProtocol } from './protocol';
import { APP_ENTRY, hardenContents, hardenSession, isTrustedSender, windowOptions, type WindowRole } from './security';

export interface Shell {
  readonly pos: Pos;
  readonly windows: ReadonlyMap<WindowRole, BrowserWindow>;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * `buildDir`: the entry's directory (out/main), beside the built UI and preload; this module is in a chunk under it
 * (by default its own directory, as when the tests load it from source).
 */
export function startShell(options: { codeCache?: CodeCache; buildDir?: string } = {}): Promise<Shell> | null {
  registerAppScheme();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  return app.whenReady().then(() => ready(options.buildDir ?? here, options.codeCache)).catch((error: unknown) => {
    dialog.showErrorBox('结账 POS', (error as Error).message);
    app.exit(1);
    throw error;
  });
}

/** The terminal's own setting (config.json gives the default), read through the API like any screen would. */
async function kioskMode(pos: Pos): Promise<boolean> {
  const settings = await pos.dispatch('settings.get', {}, newSession());
  return settings.ok && (settings.value as { kioskMode?: boolean }).kioskMode === true;
}

async function ready(buildDir: string, codeCache?: CodeCache): Promise<Shell> {
  hardenSession(session.defaultSession);
  serveAppProtocol(join(buildDir, '..', 'renderer'));

  const dataDir = process.env[DATA_DIR_ENV] ?? app.getPath('userData');
  const nativeBinding = electronNativeBinding(app.getAppPath());
  const pos = await createPos({ dataDir, config: loadConfig(dataDir), raiseCorePriority: 'thread', ...(nativeBinding ? { nativeBinding } : {}) });
  guardProcess(pos.log);
  if (codeCache) {
    // The first start after an install or update keeps what it compiled for the next ones (../code-cache.ts).
    const cached = await codeCache.save();
    pos.log.info({ ...codeCache.stats(), dir: codeCache.dir, ...cached }, 'code cache');
  }

  // One session per window (web contents): signing in on the cashier screen signs in nothing else.
  const sessions = new Map<number, Session>();
  const sessionOf = (contentsId: number) => {
    let session = sessions.get(contentsId);
    if (!session) sessions.set(contentsId, (session = newSession()));
    return session;
  };
  ipcMain.handle(IPC_INVOKE, (event, call: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame)) {
      pos.log.warn({ url: event.senderFrame?.url }, 'ipc refused: untrusted frame');
      return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted from the terminal’s own pages only' } };
    }
    return pos.dispatch(call, input, sessionOf(event.sender.id));
  });

  const windows = new Map<WindowRole, BrowserWindow>();
  pos.events.subscribe((name, payload, audience) => {
    for (const window of windows.values()) {
      const session = sessionOf(window.webContents.id);
      if (!window.isDestroyed() && mayReceive(name, session.caller) && (!audience || audience(session))) window.webContents.send(IPC_EVENT, { name, payload });
    }
  });

  const preload = join(buildDir, '..', 'preload', 'index.cjs');
  const open = (role: WindowRole, route: string, bounds?: Electron.Rectangle) => {
    const window = new BrowserWindow(windowOptions(role, preload, bounds));
    window.once('ready-to-show', () => window.show());
    // Electron turns pinch-zoom off by default; a kiosk customer (or a cashier) may enlarge the screen (WCAG 1.4.4).
    void window.webContents.setVisualZoomLevelLimits(1, 3);
    const contentsId = window.webContents.id;
    // The core knows which screens are open (a scan with none open is held for the next one).
    const disconnect = pos.screens.connect(sessionOf(contentsId));
    window.on('closed', () => {
      windows.delete(role);
      sessions.delete(contentsId);
      disconnect();
    });
    void window.loadURL(`${APP_ENTRY}#${route}`);
    windows.set(role, window);
    return window;
  };

  function openKiosk() {
    const window = open('kiosk', '/kiosk', screen.getPrimaryDisplay().bounds);
    window.removeMenu();
    return window;
  }
  function openCashier() {
    const cashier = open('cashier', '/');
    const primary = screen.getPrimaryDisplay();
    const second = screen.getAllDisplays().find((d) => d.id !== primary.id);
    if (second) open('customer', '/customer', second.bounds);
    return cashier;
  }
  // A kiosk terminal shows the self-service screen alone, locked full-screen (no menu, no way out but the
  // technician's PIN); otherwise the cashier's window and, on a second screen, the customer display.
  const main = (await kioskMode(pos)) ? openKiosk() : openCashier();

  app.on('second-instance', () => {
    if (main.isMinimized()) main.restore();
    main.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    event.preventDefault();
    void pos.close().finally(() => app.exit(0));
  });
  return { pos, windows };
}
