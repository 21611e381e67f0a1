/**
 * Raw TCP transport: network receipt printers on port 9100 ("JetDirect"/raw), some line displays and
 * scales behind a serial-to-Ethernet box. Same reconnect behaviour as the serial transport (./transport.ts).
 *
 * A printer that is switched off without closing the connection is found by TCP keepalive (probes start
 * after `keepAliveMs` of silence); a host that does not answer at all fails the connect after
 * `connectTimeoutMs` instead of the OS's minutes-long SYN retry.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { z } from 'zod';
import {
  DEFAULT_RECONNECT,
  ReconnectSchema,
  createReconnectingTransport,
  errorText,
  parseOptions,
  type Connect,
  type Connection,
  type Transport,
  type TransportLog,
} from './transport';

export const TcpOptionsSchema = z.strictObject({
  host: z.string({ error: 'must be a host name or IP address' }).min(1, 'must be a host name or IP address'),
  port: z.number({ error: 'must be a port number 1–65535' }).int().min(1).max(65535).default(9100),
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  /** Idle time before the first keepalive probe. */
  keepAliveMs: z.number().int().min(1_000).max(3_600_000).default(10_000),
  /** Send small writes at once (a drawer kick must not wait for Nagle). */
  noDelay: z.boolean().default(true),
  reconnect: ReconnectSchema.default(DEFAULT_RECONNECT),
});
export type TcpOptions = z.input<typeof TcpOptionsSchema> & { readonly log?: TransportLog | undefined };

export function parseTcpOptions(options: unknown): z.output<typeof TcpOptionsSchema> {
  const { log: _log, ...rest } = (options ?? {}) as Record<string, unknown>;
  return parseOptions(TcpOptionsSchema, rest, 'tcp transport');
}

/** A TCP transport; call open(). Throws at once on bad options. */
export function createTcpTransport(options: TcpOptions): Transport {
  const o = parseTcpOptions(options);
  const where = o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;

  const connect: Connect = (events) =>
    new Promise<Connection>((resolve, reject) => {
      const socket: Socket = netConnect({ host: o.host, port: o.port });
      let connected = false;
      let releasing = false;
      let lastError: string | null = null;
      const timer = setTimeout(() => {
        socket.destroy(new Error(`no answer within ${o.connectTimeoutMs} ms`));
      }, o.connectTimeoutMs);

      socket.on('error', (error) => {
        lastError = errorText(error);
      });
      socket.on('data', (chunk: Buffer) => events.data(chunk));
      socket.on('close', () => {
        clearTimeout(timer);
        if (!connected) {
          reject(new Error(`cannot connect to ${where}: ${lastError ?? 'connection closed'}`));
          return;
        }
        if (!releasing) events.lost(lastError ? `connection lost: ${lastError}` : 'the peer closed the connection');
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        connected = true;
        socket.setKeepAlive(true, o.keepAliveMs);
        socket.setNoDelay(o.noDelay);
        resolve({
          write(bytes) {
            return new Promise<void>((resolveWrite, rejectWrite) => {
              if (socket.destroyed || !socket.writable) {
                rejectWrite(new Error('connection closed'));
                return;
              }
              // The callback runs once the bytes are written to the kernel (or with the error).
              socket.write(bytes, (error) => (error ? rejectWrite(error) : resolveWrite()));
            });
          },
          close() {
            releasing = true;
            return new Promise<void>((resolveClose) => {
              if (socket.destroyed) return resolveClose();
              socket.once('close', () => resolveClose());
              // Let queued bytes go out, then close; a peer that never acknowledges gets destroyed.
              socket.end();
              const force = setTimeout(() => socket.destroy(), 1_000);
              socket.once('close', () => clearTimeout(force));
            });
          },
        });
      });
    });

  return createReconnectingTransport({ id: `tcp:${where}`, connect, reconnect: o.reconnect, log: options.log });
}
