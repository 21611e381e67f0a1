import { acquirerDateOf } from '../../src-common/business-day';
import type { AcquirerPort, TerminalCredentials } from '../acquirer/port';
import { SANDBOX_ACTIVATION_CODE } from '../acquirer/sandbox-identity';
import type { Clock } from '../clock';

/**
 * Credentials at a sandbox acquirer for the tests and benches that drive the payment services without the whole
 * terminal (no enrolment table, no job runner): activated once with the sandbox's own reusable code at first use,
 * checked in when the Beijing day turns. The terminal itself never uses this: it enrols through enrolment.ts.
 */
export function sandboxCredentials(deps: { acquirer: AcquirerPort; clock: Clock; deviceId: string }): () => Promise<TerminalCredentials> {
  let current: Promise<TerminalCredentials> | null = null;
  return () => {
    current ??= deps.acquirer.activate({ code: SANDBOX_ACTIVATION_CODE, deviceId: deps.deviceId, name: 'test' });
    current = current.then((creds) => (creds.keyDate === acquirerDateOf(deps.clock.now()) ? creds : deps.acquirer.checkin(creds, deps.deviceId)));
    current.catch(() => (current = null));
    return current;
  };
}
