/**
 * What tests of tills syncing with a store server share: calls on a till's API socket that must succeed, waiting
 * for a condition, a till synced now, a till signed in by role, and a TCP relay that can cut a till off.
 */
import { createServer as createTcpServer, connect as tcpConnect, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import type { CallInput, CallName, CallOutput } from '../../src-common/contract';
import type { SyncStatus } from '../../src-common/calls/sync';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { openApiSocket, type ApiSocket, type HostProcess } from './host';

export async function ok<K extends CallName>(api: ApiSocket, name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  const result = await api.call(name, input);
  if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Syncs a till now and waits until it is online with nothing waiting (or the given condition). */
export async function synced(till: { name: string; technician: ApiSocket }, done: (s: SyncStatus) => boolean = (s) => s.state === 'online' && s.factsWaiting === 0): Promise<SyncStatus> {
  await ok(till.technician, 'sync.now', {});
  return until(`${till.name} to sync`, async () => {
    const s = await ok(till.technician, 'sync.status', {});
    return done(s) ? s : undefined;
  });
}

/** An API socket of the host signed in as its default user of that role. */
export async function signedIn(host: HostProcess, role: 'cashier' | 'owner' | 'technician'): Promise<ApiSocket> {
  const api = await openApiSocket(host.ready);
  const users = await ok(api, 'auth.users', {});
  await ok(api, 'auth.signIn', { userId: users.find((u) => u.role === role)!.id, pin: DEFAULT_USERS.find((u) => u.role === role)!.pin });
  return api;
}

/** A TCP relay in front of the server for one till: `offline` drops every connection, as a cut cable would. */
export async function startRelay(target: string): Promise<{ url: string; offline: boolean; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const relay = {
    url: '',
    offline: false,
    close: () => new Promise<void>((done) => (sockets.forEach((s) => s.destroy()), server.close(() => done()))),
  };
  const server: TcpServer = createTcpServer((client) => {
    if (relay.offline) return client.destroy();
    const upstream = tcpConnect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  relay.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return relay;
}
