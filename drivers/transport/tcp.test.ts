// The TCP connect timeout, with node:net replaced by a socket that never connects: a real unanswered SYN
// cannot be made reliably on a build machine (a full backlog is answered by syncookies, and outbound
// addresses may be intercepted). Everything else runs against a real server in
// test/integration/transport-tcp.test.ts.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

class SilentSocket extends EventEmitter {
  destroyed = false;
  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (error) this.emit('error', error);
    this.emit('close', Boolean(error));
    return this;
  }
}
const sockets: SilentSocket[] = [];

vi.mock('node:net', () => ({
  connect: () => {
    const socket = new SilentSocket();
    sockets.push(socket);
    return socket;
  },
}));

const { createTcpTransport } = await import('./tcp');

describe('tcp connect timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    sockets.length = 0;
  });

  it('gives up on a host that does not answer after connectTimeoutMs, and destroys the socket', async () => {
    const t = createTcpTransport({ host: '192.0.2.10', port: 9100, connectTimeoutMs: 300 });
    const opened = t.open().then(
      () => null,
      (e: unknown) => e as Error,
    );
    await vi.advanceTimersByTimeAsync(299);
    expect(t.state).toBe('opening');
    await vi.advanceTimersByTimeAsync(1);
    const error = await opened;
    expect(error?.message).toBe('tcp:192.0.2.10:9100 could not be opened: cannot connect to 192.0.2.10:9100: no answer within 300 ms');
    expect(t.state).toBe('error');
    expect(sockets[0]?.destroyed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('names an IPv6 host in brackets', () => {
    expect(createTcpTransport({ host: 'fe80::1', port: 9100 }).id).toBe('tcp:[fe80::1]:9100');
  });
});
