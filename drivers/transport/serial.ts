/**
 * Serial transport (RS-232, USB-CDC, USB-serial adapters) over the real `serialport` package, reopening
 * by itself after an unplug. See ./transport.ts for why this is hand-written and for the states.
 *
 * An unplug shows up as serialport's 'close' event carrying a DisconnectedError (a read or write failed
 * with EIO/ENXIO/EBADF): on Linux that is the USB adapter vanishing, or in tests the socat pty pair going
 * away (test/helpers/pty.ts). The port is opened with an exclusive lock (serialport's default on Unix), so
 * two transports cannot share a device: that is UnifiedPOS's claim().
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { BAUD_RATES, PARITIES } from '../../src-common/calls/devices';
import { loadSerialPort } from './serialport';
import {
  DEFAULT_RECONNECT,
  ReconnectSchema,
  createReconnectingTransport,
  errorText,
  parseOptions,
  TransportError,
  type Connect,
  type Connection,
  type Transport,
  type TransportLog,
} from './transport';

export { BAUD_RATES, PARITIES };

export const SerialOptionsSchema = z.strictObject({
  path: z.string({ error: 'must be a device path such as /dev/ttyUSB0' }).min(1, 'must be a device path such as /dev/ttyUSB0'),
  baudRate: z.literal(BAUD_RATES, { error: `must be one of ${BAUD_RATES.join(', ')}` }),
  dataBits: z.literal([7, 8], { error: 'must be 7 or 8' }).default(8),
  parity: z.enum(PARITIES, { error: `must be one of ${PARITIES.join(', ')}` }).default('none'),
  stopBits: z.literal([1, 2], { error: 'must be 1 or 2' }).default(1),
  /** Hardware flow control (RTS/CTS): most receipt printers on a real RS-232 cable want it. */
  rtscts: z.boolean({ error: 'must be true or false' }).default(false),
  /** Software flow control (XON/XOFF both ways). */
  xon: z.boolean({ error: 'must be true or false' }).default(false),
  reconnect: ReconnectSchema.default(DEFAULT_RECONNECT),
});
export type SerialOptions = z.input<typeof SerialOptionsSchema> & { readonly log?: TransportLog | undefined };
export type ParsedSerialOptions = z.output<typeof SerialOptionsSchema>;

/** Throws a TransportError ('bad-options') naming each bad field. */
export function parseSerialOptions(options: unknown, platform: NodeJS.Platform = process.platform): ParsedSerialOptions {
  const { log: _log, ...rest } = (options ?? {}) as Record<string, unknown>;
  const parsed = parseOptions(SerialOptionsSchema, rest, 'serial transport');
  // serialport's Linux/macOS binding refuses these at open() with "Invalid parity setting N": say it now.
  if ((parsed.parity === 'mark' || parsed.parity === 'space') && platform !== 'win32') {
    throw new TransportError('bad-options', `serial transport options: parity: ${parsed.parity} parity is only supported on Windows; use none, even or odd`, [
      { path: 'parity', message: 'only supported on Windows' },
    ]);
  }
  return parsed;
}

/** A serial transport; call open(). Throws at once on bad options. */
export function createSerialTransport(options: SerialOptions): Transport {
  const o = parseSerialOptions(options);
  const connect: Connect = async (events) => {
    const { SerialPort } = await loadSerialPort().catch((error: unknown) => {
      throw new Error(`cannot open ${o.path}: the serial driver (serialport) could not be loaded: ${errorText(error)}`);
    });
    return new Promise<Connection>((resolve, reject) => {
      const port = new SerialPort({
        path: o.path,
        baudRate: o.baudRate,
        dataBits: o.dataBits,
        parity: o.parity,
        stopBits: o.stopBits,
        rtscts: o.rtscts,
        xon: o.xon,
        xoff: o.xon,
        autoOpen: false,
      });
      let opened = false;
      let releasing = false;
      /** Writes in flight, rejected together when the port goes away (their callbacks may never come). */
      const pendingWrites = new Set<(error: Error) => void>();
      const failPending = (reason: string): void => {
        for (const fail of [...pendingWrites]) fail(new Error(reason));
        pendingWrites.clear();
      };
      let watchdog: NodeJS.Timeout | null = null;
      const lost = (reason: string): void => {
        if (watchdog) clearInterval(watchdog);
        watchdog = null;
        if (releasing) return;
        releasing = true; // report once; the reconnect loop opens a new port
        failPending(reason);
        port.removeAllListeners('data');
        if (port.isOpen) port.close(() => port.destroy());
        events.lost(reason);
      };

      port.on('data', (chunk: Buffer) => events.data(chunk));
      // 'close' carries a DisconnectedError on unplug; our own close() sets `releasing` first.
      port.on('close', (error: Error | null) => lost(error ? errorText(error) : 'port closed'));
      // Without a listener an 'error' would crash the process. A failed write also destroys the stream:
      // treat any error on an open port as the device being gone, and reopen.
      port.on('error', (error: Error) => {
        if (opened) lost(`port error: ${errorText(error)}`);
      });

      port.open((error) => {
        if (error) {
          port.removeAllListeners();
          port.on('error', () => undefined);
          reject(new Error(`cannot open ${o.path}: ${errorText(error)}`));
          return;
        }
        opened = true;
        // An unplugged USB adapter's device node disappears, but a port blocked in no read may never hear
        // about it (the 'close' event does not always come): look for the node itself, once a second.
        watchdog = setInterval(() => {
          if (!existsSync(o.path)) lost('device lost: its device node is gone');
        }, 1000);
        watchdog.unref();
        resolve({
          write(bytes) {
            return new Promise<void>((resolveWrite, rejectWrite) => {
              let done = false;
              const fail = (e: Error): void => {
                if (done) return;
                done = true;
                pendingWrites.delete(fail);
                rejectWrite(e);
              };
              pendingWrites.add(fail);
              port.write(Buffer.from(bytes), (writeError) => {
                if (writeError) fail(writeError);
              });
              // drain() waits for the write above, then tcdrain(): the bytes are with the OS.
              port.drain((drainError) => {
                if (drainError) return fail(drainError);
                if (done) return;
                done = true;
                pendingWrites.delete(fail);
                resolveWrite();
              });
            });
          },
          close() {
            releasing = true;
            if (watchdog) clearInterval(watchdog);
            watchdog = null;
            failPending('port closed');
            return new Promise<void>((resolveClose) => {
              if (!port.isOpen) {
                port.destroy();
                resolveClose();
                return;
              }
              port.close(() => {
                port.destroy();
                resolveClose();
              });
            });
          },
        });
      });
    });
  };

  return createReconnectingTransport({ id: `serial:${o.path}`, connect, reconnect: o.reconnect, log: options.log });
}
