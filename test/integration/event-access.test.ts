import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { openApiSocket, startHostProcess, type ApiSocket, type HostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

type EventMessage = { type: 'event'; name: string; payload: unknown };
const eventsNamed = (socket: ApiSocket, name: string) => socket.messages.filter((m): m is EventMessage => (m as EventMessage).type === 'event' && (m as EventMessage).name === name);

/** What became of a scan goes to signed-in staff connections only, and a payment code only masked. */
describe('events a connection may receive', () => {
  let host: HostProcess;
  let pair: PtyPair;
  let scanner: Peer;

  beforeAll(async () => {
    pair = await createPtyPair();
    host = await startHostProcess({ config: { devices: [{ id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, suffix: 'CR' }] } });
    scanner = await openPeer(pair.b);
  });
  afterAll(async () => {
    await host?.stop();
    await scanner?.close();
    await pair?.close();
    await killAllSocat();
  });

  it('sends scan outcomes to the signed-in cashier and not to an anonymous connection (the customer display)', async () => {
    const anonymous = await openApiSocket(host.ready);
    const cashier = await openApiSocket(host.ready);
    const users = await cashier.call('auth.users', {});
    const cashierUser = users.ok ? users.value.find((u) => u.role === 'cashier') : undefined;
    expect((await cashier.call('auth.signIn', { userId: cashierUser!.id, pin: DEFAULT_USERS[0]!.pin })).ok).toBe(true);
    expect((await cashier.call('screen.report', { surface: 'till', step: 'selling' })).ok).toBe(true);
    await expect.poll(async () => {
      const r = await anonymous.call('devices.status', {});
      return r.ok ? r.value[0]?.state : null;
    }, { timeout: 10_000 }).toBe('idle');

    const paymentCode = '134567890123450000';
    await scanner.write(new TextEncoder().encode(`${paymentCode}\r`));
    await expect.poll(() => eventsNamed(cashier, 'scan.outcome').length, { timeout: 10_000 }).toBe(1);
    // Not at the pay step: refused, and the code masked.
    expect(eventsNamed(cashier, 'scan.outcome')[0]!.payload).toMatchObject({ deviceId: 'scanner', kind: 'refused', code: '1345**********0000' });
    // Both connections get an event emitted after the scan: the anonymous one has had its chance at the scan.
    await cashier.call('settings.setLanguage', { language: 'en' });
    await expect.poll(() => eventsNamed(anonymous, 'settings.changed').length, { timeout: 10_000 }).toBe(1);
    expect(eventsNamed(anonymous, 'scan.outcome')).toEqual([]);
    for (const frame of [...anonymous.frames, ...cashier.frames]) expect(frame).not.toContain(paymentCode);
    anonymous.close();
    cashier.close();
  });
});
