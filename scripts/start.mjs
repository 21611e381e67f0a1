#!/usr/bin/env node
// `npm start`: Electron when its runtime is installed; otherwise the headless host plus a Chromium
// app window (or the URL, where no browser or display exists). Runs on the embedded defaults:
// local SQLite in the data directory, the sandbox acquirer, no devices configured.
// A terminal in kiosk mode (its `kioskMode` setting) opens Chromium with --kiosk on the kiosk screen.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { clearTimeout, setTimeout } from 'node:timers';

const require = createRequire(import.meta.url);

/** The installed Electron runtime, or null. Never `require('electron')`: that downloads a missing one. */
function electronBinary() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;
}

const hasDisplay = process.platform !== 'linux' || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const electron = electronBinary();
if (electron && hasDisplay) {
  const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    electron
      ? 'No display for Electron here; starting the terminal in browser mode.'
      : "Electron's runtime is not installed; starting the terminal in browser mode (headless host + Chromium).",
  );
  startBrowserMode();
}

function startBrowserMode() {
  const host = spawn(process.execPath, ['out/main/host.js', ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let browser = null;
  const stop = (signal) => {
    browser?.kill(signal);
    host.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  host.on('exit', (code) => {
    browser?.kill('SIGTERM');
    process.exit(code ?? 0);
  });

  const lines = createInterface({ input: host.stdout });
  lines.once('line', (line) => {
    const ready = JSON.parse(line);
    void kioskModeOf(ready).then((kiosk) => openScreen(ready, kiosk));
  });

  function openScreen(ready, kiosk) {
    const appUrl = kiosk ? `${ready.url}#/kiosk?token=${ready.token}` : `${ready.url}#token=${ready.token}`;
    console.log(`${kiosk ? 'Kiosk' : 'Cashier'} screen: ${appUrl}`);
    console.log(`Data directory: ${ready.dataDir}   (Ctrl+C stops the terminal)`);
    const chromium = chromiumPath();
    if (!chromium || !hasDisplay) {
      console.log(chromium ? 'No display found: open the address above in a browser.' : 'Chromium not found (set CHROMIUM_PATH): open the address above in a browser.');
      return;
    }
    const profile = join(ready.dataDir, 'chromium-profile');
    mkdirSync(profile, { recursive: true });
    const flags = [
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The UI is Chinese by design: no offer to translate it.
      '--disable-features=Translate',
      ...(kiosk
        ? // Full screen with no browser chrome, no way out by swipe or pinch, no crash or error bubbles.
          ['--kiosk', '--noerrdialogs', '--disable-pinch', '--overscroll-history-navigation=0', '--disable-session-crashed-bubble']
        : [`--app=${appUrl}`, '--window-size=1280,800']),
    ];
    if (typeof process.getuid === 'function' && process.getuid() === 0) flags.push('--no-sandbox');
    if (kiosk) flags.push(appUrl);
    browser = spawn(chromium, flags, { stdio: 'ignore' });
    browser.on('exit', () => host.kill('SIGTERM'));
  }
}

/** The terminal's own kioskMode setting, asked of the host like any screen would (`settings.get`); false if it cannot say. */
function kioskModeOf(ready) {
  return new Promise((resolve) => {
    let WebSocket;
    try {
      WebSocket = require('ws');
    } catch {
      resolve(false);
      return;
    }
    const ws = new WebSocket(`ws://127.0.0.1:${ready.port}/api?token=${encodeURIComponent(ready.token)}`);
    const done = (value) => {
      clearTimeout(timer);
      ws.close();
      resolve(value);
    };
    const timer = setTimeout(() => done(false), 5000);
    ws.on('error', () => done(false));
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, call: 'settings.get', input: {} })));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'result' && message.id === 1) done(message.result?.ok === true && message.result.value.kioskMode === true);
    });
  });
}
