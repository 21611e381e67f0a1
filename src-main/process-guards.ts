/**
 * Process-level safety nets of the host and the Electron shell: a promise nobody awaited that rejects (a device
 * reconnect, a log file that cannot roll on a full disk) is logged and the terminal keeps serving, instead of
 * Node's default of ending the process in the middle of a sale.
 */
import type { Logger } from './log';

export function guardProcess(log: Logger): () => void {
  const onRejection = (reason: unknown) => {
    try {
      log.error({ err: reason }, 'unhandled promise rejection; the terminal keeps serving');
    } catch {
      process.stderr.write(`unhandled promise rejection: ${(reason as Error)?.stack ?? String(reason)}\n`);
    }
  };
  process.on('unhandledRejection', onRejection);
  return () => process.off('unhandledRejection', onRejection);
}
