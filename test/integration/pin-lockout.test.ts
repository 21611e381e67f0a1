import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-common/errors';
import { DEFAULT_USERS, MAX_PIN_ATTEMPTS } from '../../src-main/services/auth';
import { PIN_BURST } from '../../src-main/services/pin-rate-limit';
import { openApiSocket, startHostProcess, type ApiSocket, type HostProcess } from '../helpers/host';

/**
 * Guessing PINs against the built host over its WebSocket, the way a hostile program on a cashier's connection
 * would: hundreds of guesses at once, the right PIN among them after the fifth wrong one. The lock must hold
 * whatever the concurrency, and a burst on one connection is refused before it reaches anybody's count.
 */
const CONNECTIONS = 30;
const GUESSES_PER_CONNECTION = PIN_BURST - 1;

function wrongPins(count: number, right: string): string[] {
  const pins: string[] = [];
  for (let n = 0; pins.length < count; n++) {
    const pin = String(n).padStart(4, '0');
    if (pin !== right) pins.push(pin);
  }
  return pins;
}

/** Resolves once `count` of the calls were answered. */
function afterAnswers(calls: Promise<unknown>[], count: number): Promise<void> {
  let answered = 0;
  return new Promise((resolve) => {
    for (const call of calls) void call.then(() => ++answered === count && resolve());
  });
}

function codes(results: Result<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.ok ? 'ok' : r.error.code;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('PIN lockout under concurrent guesses', () => {
  let host: HostProcess;
  let users: { id: string; role: string }[];
  const userOf = (role: string) => users.find((u) => u.role === role)!.id;
  const attemptsOf = (userId: string) => {
    const db = new Sqlite(join(host.ready.dataDir, 'pos.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT failed_attempts, locked_until IS NOT NULL AS locked FROM user WHERE id = ?').get(userId) as { failed_attempts: number; locked: number };
    } finally {
      db.close();
    }
  };
  const connections = async (count: number) => Promise.all(Array.from({ length: count }, () => openApiSocket(host.ready)));

  beforeAll(async () => {
    host = await startHostProcess();
    const api = await openApiSocket(host.ready);
    const listed = await api.call('auth.users', {});
    users = listed.ok ? listed.value : [];
    api.close();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('locks a user signing in after exactly five wrong PINs, and the right PIN sent after them is refused', async () => {
    const technician = DEFAULT_USERS.find((u) => u.role === 'technician')!;
    const userId = userOf('technician');
    const sockets = await connections(CONNECTIONS + 1);
    const pins = wrongPins(CONNECTIONS * GUESSES_PER_CONNECTION, technician.pin);
    const wrong = pins.map((pin, i) => sockets[i % CONNECTIONS]!.call('auth.signIn', { userId, pin }));
    // The right PIN, on a connection of its own, once five guesses were answered: hundreds are still in flight.
    const right = afterAnswers(wrong, MAX_PIN_ATTEMPTS).then(() => sockets[CONNECTIONS]!.call('auth.signIn', { userId, pin: technician.pin }));
    const results = await Promise.all(wrong);

    expect(pins.length).toBeGreaterThanOrEqual(250);
    expect(codes(results)).toEqual({ wrong_pin: MAX_PIN_ATTEMPTS - 1, locked: pins.length - (MAX_PIN_ATTEMPTS - 1) });
    expect(await right).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(attemptsOf(userId)).toEqual({ failed_attempts: MAX_PIN_ATTEMPTS, locked: 1 });

    // Later, alone, the right PIN still does not open a locked user, nor does it reset the count.
    const later = await openApiSocket(host.ready);
    expect(await later.call('auth.signIn', { userId, pin: technician.pin })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(attemptsOf(userId)).toEqual({ failed_attempts: MAX_PIN_ATTEMPTS, locked: 1 });
    for (const s of [...sockets, later]) s.close();
  });

  it("locks the owner after five wrong approvals from cashiers' connections, whatever their number, and no discount is given", async () => {
    const owner = DEFAULT_USERS.find((u) => u.role === 'owner')!;
    const cashier = DEFAULT_USERS.find((u) => u.role === 'cashier')!;
    const ownerId = userOf('owner');
    const sockets = await connections(CONNECTIONS + 1);
    // The cashier's own sign-ins are PIN checks too: one per connection, one at a time (its own lock is not the point).
    for (const s of sockets) expect((await s.call('auth.signIn', { userId: userOf('cashier'), pin: cashier.pin })).ok).toBe(true);
    const products = await sockets[0]!.call('catalog.search', { query: 'kkkl' });
    const barcode = products.ok ? products.value[0]!.barcodes[0]! : '';
    expect((await sockets[0]!.call('sale.scan', { code: barcode })).ok).toBe(true);

    const pins = wrongPins(CONNECTIONS * (GUESSES_PER_CONNECTION - 1), owner.pin);
    const discount = { kind: 'percent', basisPoints: 9000 } as const;
    const wrong = pins.map((pin, i) => sockets[i % CONNECTIONS]!.call('sale.setOrderDiscount', { discount, approval: { userId: ownerId, pin } }));
    const right = afterAnswers(wrong, MAX_PIN_ATTEMPTS).then(() =>
      sockets[CONNECTIONS]!.call('sale.setOrderDiscount', { discount, approval: { userId: ownerId, pin: owner.pin } }),
    );
    const results = await Promise.all(wrong);

    expect(pins.length).toBeGreaterThanOrEqual(200);
    expect(codes(results)).toEqual({ wrong_pin: MAX_PIN_ATTEMPTS - 1, locked: pins.length - (MAX_PIN_ATTEMPTS - 1) });
    expect(await right).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(attemptsOf(ownerId)).toEqual({ failed_attempts: MAX_PIN_ATTEMPTS, locked: 1 });
    const cart = await sockets[0]!.call('sale.current', {});
    expect(cart.ok && cart.value!.orderDiscount).toBe(0);
    // The same lock holds at sign-in: approvals and sign-in share one count.
    expect(await sockets[0]!.call('auth.signIn', { userId: ownerId, pin: owner.pin })).toMatchObject({ ok: false, error: { code: 'locked' } });
    for (const s of sockets) s.close();
  });

  it('refuses a burst of PINs on one connection beyond the first few, without counting the refused ones against the user', async () => {
    const cashierId = userOf('cashier');
    const before = attemptsOf(cashierId);
    expect(before.locked).toBe(0);
    const api: ApiSocket = await openApiSocket(host.ready);
    // Three wrong PINs fit under the lock; the burst is ten times the connection's allowance.
    const burst = [...wrongPins(3, DEFAULT_USERS[0]!.pin), ...Array.from({ length: PIN_BURST * 10 - 3 }, () => '0000')];
    const results = await Promise.all(burst.map((pin) => api.call('auth.signIn', { userId: cashierId, pin })));
    const counted = codes(results);
    expect(counted.rate_limited).toBeGreaterThanOrEqual(PIN_BURST * 8);
    expect(results.find((r) => !r.ok && r.error.code === 'rate_limited')).toMatchObject({ error: { details: { retryAfterMs: expect.any(Number) } } });
    const checked = burst.length - counted.rate_limited!;
    expect(attemptsOf(cashierId).failed_attempts).toBe(Math.min(before.failed_attempts + checked, MAX_PIN_ATTEMPTS));
    api.close();
  });
});
