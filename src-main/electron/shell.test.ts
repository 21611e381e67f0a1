import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_USERS } from '../services/auth';

// A stand-in for the electron module: records what the shell asks of it. No Electron runtime exists here.
const stub = await vi.hoisted(async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const windows: { options: Record<string, unknown>; url: string }[] = [];
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: vi.fn(() => true),
    quit: vi.fn(),
    exit: vi.fn(),
    whenReady: vi.fn(() => Promise.resolve()),
    getPath: vi.fn(() => '/nonexistent-userdata'),
    getAppPath: vi.fn(() => '/nonexistent-app'),
  });
  let nextContentsId = 100;
  class BrowserWindow extends Emitter {
    readonly webContents = { id: nextContentsId++, send: vi.fn(), setVisualZoomLevelLimits: vi.fn(() => Promise.resolve()) };
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push({ options, url: '' });
    }
    loadURL(url: string) {
      windows.at(-1)!.url = url;
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    removeMenu = vi.fn();
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
  }
  const session = {
    defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() },
  };
  return {
    windows,
    handlers,
    module: {
      app,
      BrowserWindow,
      dialog: { showErrorBox: vi.fn() },
      ipcMain: { handle: vi.fn((channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn)) },
      screen: {
        getPrimaryDisplay: () => ({ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }),
        getAllDisplays: () => [
          { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } },
          { id: 2, bounds: { x: 1920, y: 0, width: 800, height: 480 } },
        ],
      },
      session,
      protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
      net: { fetch: vi.fn() },
    },
  };
});
vi.mock('electron', () => ({ ...stub.module, default: stub.module }));

const { startShell } = await import('./shell');
const dataDir = mkdtempSync(join(tmpdir(), 'pos-shell-'));
let shell: Awaited<ReturnType<typeof startShell>>;

beforeAll(async () => {
  process.env.POS_DATA_DIR = dataDir;
  shell = await startShell();
});
afterAll(async () => {
  await shell?.pos.close();
  delete process.env.POS_DATA_DIR;
});

describe('Electron shell (stubbed electron)', () => {
  it('takes the single-instance lock and registers the app scheme as secure', () => {
    expect(stub.module.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(stub.module.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'pos', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    expect(stub.module.protocol.handle).toHaveBeenCalledWith('pos', expect.any(Function));
  });

  it('opens the cashier window, and the customer display on the second screen, from the app protocol with secure options', () => {
    expect(stub.windows.map((w) => w.url)).toEqual(['pos://app/index.html#/', 'pos://app/index.html#/customer']);
    for (const { options } of stub.windows) {
      expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    }
    expect(stub.windows[1]!.options).toMatchObject({ x: 1920, y: 0, width: 800, height: 480, fullscreen: true });
  });

  it('denies every permission in the default session', () => {
    expect(stub.module.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
  });

  it('hardens every web contents created', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    stub.module.app.emit('web-contents-created', {}, contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
  });

  it('answers IPC from its own pages with data read from SQLite, and refuses other frames', async () => {
    const invoke = stub.handlers.get('pos:invoke')!;
    const trusted = (await invoke({ sender: { id: 1 }, senderFrame: { url: 'pos://app/index.html' } }, 'terminal.status', {})) as {
      ok: boolean;
      value: { terminalId: string };
    };
    const db = new Sqlite(join(dataDir, 'pos.sqlite'), { readonly: true });
    const row = db.prepare('SELECT terminal_id FROM terminal').get() as { terminal_id: string };
    db.close();
    expect(trusted).toMatchObject({ ok: true, value: { terminalId: row.terminal_id } });

    const foreign = await invoke({ sender: { id: 2 }, senderFrame: { url: 'https://evil.example/' } }, 'terminal.status', {});
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('relays events to its windows without exposing the IPC event', async () => {
    const invoke = stub.handlers.get('pos:invoke')!;
    await invoke({ sender: { id: 1 }, senderFrame: { url: 'pos://app/index.html' } }, 'settings.setLanguage', { language: 'en' });
    const window = shell!.windows.get('cashier')!;
    expect(window.webContents.send).toHaveBeenCalledWith('pos:event', {
      name: 'settings.changed',
      payload: expect.objectContaining({ language: 'en' }),
    });
  });
});

describe('Electron shell windows as screens of the core (stubbed electron)', () => {
  it('registers each window: a scan typed into the cashier window is its till’s, only staff windows are told, and a caller that is no window is no screen', async () => {
    const invoke = stub.handlers.get('pos:invoke')!;
    const cashier = shell!.windows.get('cashier')!;
    const display = shell!.windows.get('customer')!;
    const from = (id: number) => ({ sender: { id }, senderFrame: { url: 'pos://app/index.html' } });
    const call = async (id: number, name: string, input: unknown) => (await invoke(from(id), name, input)) as { ok: boolean; value: never };
    const signInCashier = async (id: number) => {
      const users = (await call(id, 'auth.users', {})).value as { id: string; role: string }[];
      expect((await call(id, 'auth.signIn', { userId: users.find((u) => u.role === 'cashier')!.id, pin: DEFAULT_USERS[0]!.pin })).ok).toBe(true);
      expect((await call(id, 'screen.report', { surface: 'till', step: 'selling' })).ok).toBe(true);
    };
    const db = new Sqlite(join(dataDir, 'pos.sqlite'), { readonly: true });
    const code = (db.prepare("SELECT b.barcode FROM product_barcode b JOIN product p ON p.id = b.product_id WHERE p.unit = 'each' AND p.active = 1 LIMIT 1").get() as { barcode: string }).barcode;
    db.close();

    await signInCashier(cashier.webContents.id);
    // Selling needs an open shift (issue 16): she opens hers before the scan.
    expect((await call(cashier.webContents.id, 'shift.open', { float: 0 })).ok).toBe(true);
    const sent = (window: typeof cashier) => window.webContents.send as unknown as ReturnType<typeof vi.fn>;
    sent(cashier).mockClear();
    sent(display).mockClear();
    expect(await call(cashier.webContents.id, 'scan.submit', { code })).toMatchObject({ ok: true, value: { surface: 'till', kind: 'item', code } });
    expect(cashier.webContents.send).toHaveBeenCalledWith('pos:event', { name: 'scan.outcome', payload: expect.objectContaining({ kind: 'item', code }) });
    const toDisplay = sent(display).mock.calls.map(([, event]) => (event as { name: string }).name);
    expect(toDisplay).toContain('sale.changed');
    expect(toDisplay).not.toContain('scan.outcome');

    await signInCashier(999);
    expect(await call(999, 'scan.submit', { code })).toMatchObject({ ok: true, value: { kind: 'refused', reason: 'no_screen' } });
    expect((await call(cashier.webContents.id, 'sale.void', { reason: 'test' })).ok).toBe(true);
  });
});

describe('Electron shell: the SQL worker (stubbed electron, built worker)', () => {
  type Sent = [channel: string, event: { name: string; payload: Record<string, unknown> }];
  let cashierWindow: { webContents: { id: number; send: ReturnType<typeof vi.fn> } };
  const fromCashier = () => ({ sender: { id: cashierWindow.webContents.id }, senderFrame: { url: 'pos://app/index.html' } });
  const sentEvents = (name: string) =>
    (cashierWindow.webContents.send.mock.calls as Sent[]).filter(([channel, e]) => channel === 'pos:event' && e.name === name).map(([, e]) => e.payload);

  beforeAll(async () => {
    cashierWindow = shell!.windows.get('cashier') as unknown as typeof cashierWindow;
    const invoke = stub.handlers.get('pos:invoke')!;
    // The cashier window's screen signed in as the technician (who may see maintenance events).
    const users = (await invoke(fromCashier(), 'auth.users', {})) as { value: { id: string; role: string }[] };
    const technicianId = users.value.find((u) => u.role === 'technician')!.id;
    expect(await invoke(fromCashier(), 'auth.signIn', { userId: technicianId, pin: '9999' })).toMatchObject({ ok: true });
    // Enough rows that integrity_check takes a while.
    const db = new Sqlite(join(dataDir, 'pos.sqlite'));
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE bulk (id INTEGER PRIMARY KEY, label TEXT, body BLOB);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150000)
      INSERT INTO bulk SELECT i, hex(randomblob(16)), randomblob(200) FROM n;
      CREATE INDEX bulk_label ON bulk(label);`);
    db.close();
  }, 60_000);

  it('starts the SQL worker with the core', async () => {
    const invoke = stub.handlers.get('pos:invoke')!;
    await expect.poll(async () => ((await invoke(fromCashier(), 'maintenance.status', {})) as { value: { worker: { state: string } } }).value.worker.state).toBe('running');
  });

  it('answers a maintenance call with progress events to the window while other calls keep being answered', async () => {
    const invoke = stub.handlers.get('pos:invoke')!;
    let finished = false;
    const check = Promise.resolve(invoke(fromCashier(), 'diagnostics.database', { full: true })).finally(() => (finished = true));
    let answered = 0;
    while (!finished) {
      expect(await invoke(fromCashier(), 'terminal.status', {})).toMatchObject({ ok: true });
      answered += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(await check).toMatchObject({ ok: true, value: { check: 'full', ok: true } });
    expect(answered).toBeGreaterThanOrEqual(3);
    const progress = sentEvents('maintenance.progress').filter((p) => p.operation === 'database.full_check');
    expect(progress[0]).toMatchObject({ state: 'running' });
    expect(progress.at(-1)).toMatchObject({ state: 'done' });
  });

  it('restarts the worker after a crash and tells the window', async () => {
    const invoke = stub.handlers.get('pos:invoke')!;
    const before = sentEvents('maintenance.worker').length;
    await shell!.pos.maintenance.kill();
    await expect.poll(() => sentEvents('maintenance.worker').slice(before).map((p) => p.state), { timeout: 10_000 }).toEqual(['restarting', 'running']);
    expect(await invoke(fromCashier(), 'maintenance.status', {})).toMatchObject({ ok: true, value: { worker: { state: 'running', restarts: 1 } } });
    expect(await invoke(fromCashier(), 'diagnostics.database', {})).toMatchObject({ ok: true, value: { ok: true } });
  });
});

describe('Electron shell of a terminal in kiosk mode (stubbed electron)', () => {
  const kioskDir = mkdtempSync(join(tmpdir(), 'pos-shell-kiosk-'));
  let kioskShell: Awaited<ReturnType<typeof startShell>>;
  let before: number;

  beforeAll(async () => {
    await shell?.pos.close();
    writeFileSync(join(kioskDir, 'config.json'), JSON.stringify({ kioskMode: true }));
    process.env.POS_DATA_DIR = kioskDir;
    before = stub.windows.length;
    kioskShell = await startShell();
  });
  afterAll(async () => {
    await kioskShell?.pos.close();
    delete process.env.POS_DATA_DIR;
  });

  it('opens only the kiosk window: the kiosk route, kiosk and full-screen on the primary screen, no frame, no menu; pinch-zoom allowed', () => {
    const opened = stub.windows.slice(before);
    expect(opened.map((w) => w.url)).toEqual(['pos://app/index.html#/kiosk']);
    expect(opened[0]!.options).toMatchObject({ kiosk: true, fullscreen: true, frame: false, autoHideMenuBar: true, x: 0, y: 0, width: 1920, height: 1080 });
    expect(opened[0]!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    const window = kioskShell!.windows.get('kiosk') as unknown as { removeMenu: ReturnType<typeof vi.fn>; webContents: { setVisualZoomLevelLimits: ReturnType<typeof vi.fn> } };
    expect(window.removeMenu).toHaveBeenCalled();
    // Electron's default is no pinch-zoom: a customer may enlarge prices (up to 3×).
    expect(window.webContents.setVisualZoomLevelLimits).toHaveBeenCalledWith(1, 3);
    expect(kioskShell!.windows.has('cashier')).toBe(false);
  });

  it('lets the kiosk window begin a kiosk session over IPC', async () => {
    const invoke = stub.handlers.get('pos:invoke')!;
    const begun = await invoke({ sender: { id: 7 }, senderFrame: { url: 'pos://app/index.html#/kiosk' } }, 'kiosk.begin', {});
    expect(begun).toMatchObject({ ok: true, value: { order: null, payment: null } });
    const menu = (await invoke({ sender: { id: 7 }, senderFrame: { url: 'pos://app/index.html#/kiosk' } }, 'kiosk.menu', {})) as { ok: boolean };
    expect(menu.ok).toBe(true);
  });
});
