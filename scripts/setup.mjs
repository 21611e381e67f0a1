#!/usr/bin/env node
// Makes a fresh clone runnable: Debian packages (when root), node modules (npm ci, with the
// Electron binary download skipped where it cannot work), the build. Node built-ins only.
//   node scripts/setup.mjs --for=start|test|bench
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { build } from './lib/build.mjs';
import { npmCommand, run, runOrDie, which } from './lib/run.mjs';

const purpose = (process.argv.find((a) => a.startsWith('--for=')) ?? '--for=test').slice(6);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node.js ${process.versions.node} is too old: this project needs 20.19 or newer.`);
  process.exit(1);
}

ensureDebianPackages();
await ensureNodeModules();
ensureElectronNativeBuild();
if (purpose !== 'test') build();

function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;
}

function hasCjkFont() {
  const result = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() !== '';
}

function hasLibusb() {
  if (process.platform !== 'linux') return true;
  const out = run('sh', ['-c', 'ldconfig -p | grep -q "libusb-1.0.so.0"'], { stdio: 'ignore' });
  return out === 0;
}

function ensureDebianPackages() {
  if (process.platform !== 'linux' || process.env.POS_SKIP_APT === '1') return;
  const wanted = [
    ['chromium', () => chromiumPath() !== null],
    // The UI is Chinese first: without a CJK font every label is a row of boxes.
    ['fonts-wqy-microhei', hasCjkFont],
  ];
  if (purpose === 'test') {
    wanted.push(['socat', () => which('socat') !== null], ['udev', () => which('udevadm') !== null], ['libusb-1.0-0', hasLibusb]);
  }
  const missing = wanted.filter(([, present]) => !present()).map(([name]) => name);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    console.error(`Missing Debian packages: ${missing.join(' ')}\n  install them with: sudo apt-get install -y ${missing.join(' ')}`);
    return;
  }
  console.error(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runOrDie('apt-get', ['update', '-qq'], { env });
  runOrDie('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function canReach(url, timeoutMs = 4000) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function ensureNodeModules() {
  const lock = existsSync('package-lock.json') ? readFileSync('package-lock.json') : readFileSync('package.json');
  const stampFile = join('node_modules', '.setup-stamp');
  const stamp = createHash('sha256').update(lock).update(process.version).update(process.platform).digest('hex');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;

  const args = existsSync('package-lock.json') ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  const env = { ...process.env };
  // Electron's postinstall downloads its runtime; where that host is unreachable the whole install
  // fails and rolls back, so skip the binary (types and CLI stay; the app then runs in browser mode).
  if (!env.ELECTRON_SKIP_BINARY_DOWNLOAD && !(await canReach('https://github.com/'))) env.ELECTRON_SKIP_BINARY_DOWNLOAD = '1';
  console.error(`Installing node modules (npm ${args[0]}${env.ELECTRON_SKIP_BINARY_DOWNLOAD ? ', without the Electron binary' : ''})…`);
  if (run(npmCommand, args, { env }) !== 0) {
    if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(1);
    console.error('npm failed; retrying without the Electron binary download…');
    runOrDie(npmCommand, args, { env: { ...env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
  }
  writeFileSync(stampFile, stamp);
}

function ensureElectronNativeBuild() {
  const pathFile = join('node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return;
  if (!existsSync(join('node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim()))) return;
  if (existsSync(join('build', 'electron-native', 'better_sqlite3.node'))) return;
  if (run(process.execPath, ['scripts/electron-native.mjs']) !== 0) {
    console.error('Could not build better-sqlite3 for Electron; `npm start` will fall back to browser mode.');
  }
}
