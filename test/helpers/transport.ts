/** Waiting on transports in tests: generous bounds (a loaded CI machine is slow; timings belong in the bench). */
import type { Transport, TransportState } from '../../drivers/transport/transport';

/** Fast reconnects so the tests do not wait for the production backoff. */
export const FAST_RECONNECT = { initialMs: 50, maxMs: 400 };

export function waitForState(t: Transport, wanted: TransportState, timeoutMs = 5_000): Promise<void> {
  if (t.state === wanted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${t.id} did not reach '${wanted}' within ${timeoutMs} ms (it is '${t.state}')`));
    }, timeoutMs);
    const off = t.on('state', (state) => {
      if (state !== wanted) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
