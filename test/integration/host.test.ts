import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { latestSchemaVersion } from '../../db/migrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiSocket, runHostToExit, startHostProcess, tempDir, type HostProcess } from '../helpers/host';
import { mayRaiseNiceTo, niceOf, threadIds } from '../helpers/threads';

function readDb<T>(dataDir: string, sql: string): T {
  const db = new Sqlite(join(dataDir, 'pos.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
}

function httpGet(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('headless host', () => {
  let host: HostProcess;
  beforeAll(async () => {
    host = await startHostProcess();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('prints one ready line naming url, token, port and data dir', () => {
    expect(host.ready.url).toBe(`http://127.0.0.1:${host.ready.port}/`);
    expect(host.ready.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves the built cashier page with a strict CSP', async () => {
    const page = await httpGet(host.ready.port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses an HTTP request naming another host (DNS rebinding)', async () => {
    expect((await httpGet(host.ready.port, '/', 'evil.example:80')).status).toBe(421);
  });

  it('never serves a file outside the built UI', async () => {
    // Dot segments are resolved by the URL parser (so this lands on the app page), encoded slashes by us (refused).
    const dotted = await httpGet(host.ready.port, '/%2e%2e/%2e%2e/%2e%2e/etc/passwd');
    expect(dotted.body).not.toContain('root:');
    expect(dotted.body).toContain('<div id="root">');
    expect((await httpGet(host.ready.port, '/..%2f..%2f..%2fetc%2fpasswd')).status).toBe(400);
  });

  it.runIf(process.platform === 'linux')('runs the core’s thread above the till’s other threads where the system allows it, Node’s own threads next, its workers below', async () => {
    const pid = host.process.pid!;
    const allowed = mayRaiseNiceTo(pid, -8);
    const nicesNow = () => threadIds(pid).map((tid) => niceOf(pid, tid));
    // The SQL workers and the sandbox's thread start a moment after the terminal is ready; a thread the core starts
    // has its value until its code runs and sets its own.
    await expect
      .poll(() => {
        const now = nicesNow();
        return now.filter((n) => n === 10).length === 2 && (!allowed || (now.filter((n) => n === -8).length === 1 && now.includes(0)));
      }, { timeout: 10_000 })
      .toBe(true);
    const nices = nicesNow();
    const count = (nice: number) => nices.filter((n) => n === nice).length;
    expect(niceOf(pid, pid)).toBe(allowed ? -8 : 0);
    if (allowed) {
      expect(count(-8)).toBe(1);
      // Node's own threads, there before the core started, between it and other programs: V8's four platform
      // threads, libuv's pool.
      expect(count(-4)).toBeGreaterThanOrEqual(4);
      // The sandbox acquirer's thread, started by the core (so raised with it), put itself back.
      expect(count(0)).toBeGreaterThanOrEqual(1);
    }
    expect(nices.filter((nice) => ![-8, -4, 0, 10].includes(nice))).toEqual([]);
    // What the technician's diagnostics say of it.
    const api = await openApiSocket(host.ready);
    const users = (await api.call('auth.users', {})) as { ok: true; value: { id: string; role: string }[] };
    const technician = users.value.find((user) => user.role === 'technician')!;
    expect(await api.call('auth.signIn', { userId: technician.id, pin: '9999' })).toMatchObject({ ok: true });
    expect(await api.call('terminal.eventLoop', {})).toMatchObject({ ok: true, value: { coreNice: allowed ? -8 : 0 } });
    api.close();
  });

  it('answers terminal.status with what is in SQLite', async () => {
    const api = await openApiSocket(host.ready);
    const result = await api.call('terminal.status', {});
    api.close();
    const row = readDb<{ terminal_id: string; created_at: string }>(host.ready.dataDir, 'SELECT terminal_id, created_at FROM terminal');
    expect(result).toMatchObject({
      ok: true,
      value: { terminalId: row.terminal_id, createdAt: row.created_at, startCount: 1, schemaVersion: latestSchemaVersion, journalMode: 'wal', acquirerMode: 'sandbox' },
    });
  });

  it('refuses a WebSocket without the token, with a wrong token, from a foreign Origin or Host', async () => {
    await expect(openApiSocket(host.ready, { token: null })).rejects.toMatchObject({ status: 401 });
    await expect(openApiSocket(host.ready, { token: `${host.ready.token.slice(0, -1)}x` })).rejects.toMatchObject({ status: 401 });
    await expect(openApiSocket(host.ready, { origin: 'http://evil.example' })).rejects.toMatchObject({ status: 403 });
    await expect(openApiSocket(host.ready, { origin: `http://127.0.0.1:${host.ready.port + 1}` })).rejects.toMatchObject({ status: 403 });
    await expect(openApiSocket(host.ready, { host: 'evil.example' })).rejects.toMatchObject({ status: 421 });
    const own = await openApiSocket(host.ready, { origin: `http://127.0.0.1:${host.ready.port}` });
    own.close();
  });

  it('answers malformed input with validation_failed and changes nothing', async () => {
    const api = await openApiSocket(host.ready);
    const before = readDb<{ n: number }>(host.ready.dataDir, 'SELECT count(*) AS n FROM setting');
    for (const input of [{ language: 'fr' }, { language: 'en', extra: 1 }, null, 'en', { language: ['en'] }]) {
      const result = await api.call('settings.setLanguage', input);
      expect(result).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(readDb<{ n: number }>(host.ready.dataDir, 'SELECT count(*) AS n FROM setting')).toEqual(before);
    expect(await api.call('terminal.reboot' as never, {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    api.send('{not json');
    expect(await api.nextMessage()).toMatchObject({ type: 'protocol_error' });
    api.close();
  });

  it('stores a language change and tells every connected screen', async () => {
    const cashier = await openApiSocket(host.ready);
    const customer = await openApiSocket(host.ready);
    const result = await cashier.call('settings.setLanguage', { language: 'en' });
    expect(result).toMatchObject({ ok: true, value: { language: 'en' } });
    expect(await customer.nextMessage()).toMatchObject({ type: 'event', name: 'settings.changed', payload: { language: 'en' } });
    expect(readDb<{ value: string }>(host.ready.dataDir, "SELECT value FROM setting WHERE key = 'language'").value).toBe('"en"');
    cashier.close();
    customer.close();
  });
});

describe('host lifecycle', () => {
  it('exits cleanly on SIGTERM with its log flushed, and counts the next start', async () => {
    const dataDir = tempDir();
    const first = await startHostProcess({ dataDir });
    const terminalId = readDb<{ terminal_id: string }>(dataDir, 'SELECT terminal_id FROM terminal').terminal_id;
    expect(await first.stop()).toBe(0);
    const log = readFileSync(join(dataDir, 'logs', 'current.log'), 'utf8');
    expect(log).toContain('"msg":"terminal stopping"');

    const second = await startHostProcess({ dataDir });
    const api = await openApiSocket(second.ready);
    expect(await api.call('terminal.status', {})).toMatchObject({ ok: true, value: { terminalId, startCount: 2 } });
    api.close();
    expect(await second.stop()).toBe(0);
  });

  it('refuses to start on a bad config value, naming it', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ currency: 'yuan' }));
    const run = await runHostToExit(['--data-dir', dataDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/currency: an ISO 4217 code/);
    expect(run.stdout).toBe('');
  });

  it('refuses a database from a newer version and leaves it untouched', async () => {
    const dataDir = tempDir();
    const path = join(dataDir, 'pos.sqlite');
    const db = new Sqlite(path);
    db.pragma('user_version = 999');
    db.close();
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');
    const run = await runHostToExit(['--data-dir', dataDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/schema version 999/);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
  });

  it('refuses a bad argument', async () => {
    const run = await runHostToExit(['--port', 'eighty']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--port/);
  });
});
