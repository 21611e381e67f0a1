import type { Database } from 'better-sqlite3';
import { acquirerDateOf } from '../../src-common/business-day';
import { readAcquirerTerminal, writeAcquirerTerminal } from '../../db/queries/payments';
import type { AcquirerPort, TerminalCredentials } from '../acquirer/port';
import type { Clock } from '../clock';
import type { Keyring } from '../keyring';
import type { Logger } from '../log';

/**
 * The terminal's credentials at the acquirer: activated once with an activation code, checked in
 * (key rotated) on the first payment of each of the acquirer's days (Beijing's), the key kept sealed at rest.
 */
export function createCredentialsProvider(deps: {
  db: Database;
  clock: Clock;
  log: Logger;
  keyring: Keyring;
  acquirer: AcquirerPort;
  /** Which acquirer the stored enrolment belongs to (its address, or a fixed name for the embedded sandbox). */
  endpointId: string;
  activationCode: string | null;
  deviceId: string;
  name: string;
}): () => Promise<TerminalCredentials> {
  const { db, clock, log, keyring, acquirer, endpointId, activationCode, deviceId, name } = deps;
  let inflight: Promise<TerminalCredentials> | null = null;

  const store = (creds: TerminalCredentials) =>
    writeAcquirerTerminal(db, {
      base_url: endpointId,
      terminal_sn: creds.terminalSn,
      sealed_key: keyring.seal(creds.terminalKey),
      key_date: creds.keyDate,
      at: clock.now().toISOString(),
    });

  async function resolve(): Promise<TerminalCredentials> {
    const row = readAcquirerTerminal(db);
    const today = acquirerDateOf(clock.now());
    if (!row || row.base_url !== endpointId) {
      if (!activationCode) throw new Error('This terminal is not enrolled with the acquirer: enter an activation code');
      const creds = await acquirer.activate({ code: activationCode, deviceId, name });
      store(creds);
      log.info({ terminalSn: creds.terminalSn }, 'terminal activated at the acquirer');
      return creds;
    }
    const creds: TerminalCredentials = { terminalSn: row.terminal_sn, terminalKey: keyring.unseal(row.sealed_key), keyDate: row.key_date };
    if (creds.keyDate === today) return creds;
    const rotated = await acquirer.checkin(creds, deviceId);
    store(rotated);
    log.info({ terminalSn: rotated.terminalSn }, 'daily checkin: terminal key rotated');
    return rotated;
  }

  return () => {
    inflight ??= resolve().finally(() => {
      inflight = null;
    });
    return inflight;
  };
}
