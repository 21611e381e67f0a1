/**
 * The embedded sandbox acquirer's thread (built as out/main/sandbox-worker.js): the other side of the terminal's
 * payments runs beside the core, not on its event loop. Its HTTP handling, signatures and ledger (its own SQLite
 * file, whose checkpoints sync to disk) would otherwise take the core's thread from scans and timers, as a real
 * acquirer across the network never does. Log lines go to the core's log through the parent port.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { loggerOptions } from '../../log';
import { lowerThisThreadPriority } from '../../thread-priority';
import { startSandboxAcquirer } from './server';
import type { EmbeddedSandboxData, FromSandboxThread, ToSandboxThread } from './thread-protocol';

if (!parentPort) throw new Error('the sandbox thread runs as a worker thread only');
// Started by the core, it has the core's raised priority; it is the other side of the network, not the core.
lowerThisThreadPriority(0);
const port = parentPort;
const data = workerData as EmbeddedSandboxData;
const send = (message: FromSandboxThread) => port.postMessage(message);

const log = pino(loggerOptions(data.logLevel), { write: (line: string) => send({ type: 'log', line }) });
// A start that fails rejects unhandled: the thread ends with it, and the core's supervisor reports it.
void (async () => {
  const sandbox = await startSandboxAcquirer({ dbPath: data.dbPath, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}), port: data.port, log, speed: { scale: data.scale } });
  send({ type: 'ready', url: sandbox.url, port: sandbox.port });

  port.on('message', (message: ToSandboxThread) => {
    if (message.type !== 'close') return;
    sandbox.close().then(
      () => send({ type: 'closed' }),
      (error: unknown) => send({ type: 'log', line: JSON.stringify({ level: 50, msg: `sandbox close failed: ${(error as Error).message}` }) }),
    );
  });
})();
