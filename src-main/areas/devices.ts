/** The technician's hardware console and the no-sale drawer (issues 5 and 6). */
import type { devicesCalls } from '../../src-common/calls/devices';
import { PosError } from '../../src-common/errors';
import { listPorts } from '../../drivers/transport/list';
import { errorText } from '../../drivers/transport/transport';
import { createDeviceConfigService, createDeviceConfigStore } from '../services/device-config';
import { createDrawerService } from '../services/device-drawer';
import { createScannerMonitor } from '../services/device-monitor';
import { statusTicketBlocks } from '../services/device-ticket';
import type { Area, CoreServices } from './context';

/** What the devices area uses of the terminal's services. */
export type DevicesAreaDeps = Pick<CoreServices, 'appVersion' | 'terminalId' | 'db' | 'clock' | 'log' | 'audit' | 'settings' | 'auth' | 'devices'>;

export function createDevicesArea(deps: DevicesAreaDeps): Area<typeof devicesCalls> {
  const manager = deps.devices;
  const log = deps.log.child({ module: 'devices' });
  const configs = createDeviceConfigService({
    db: deps.db,
    clock: deps.clock,
    audit: deps.audit,
    store: createDeviceConfigStore({ db: deps.db, clock: deps.clock, log }),
    apply: (list) => manager.configure(list),
  });
  const monitor = createScannerMonitor({ manager, clock: deps.clock });
  const drawer = createDrawerService({ manager, audit: deps.audit, auth: deps.auth });

  return {
    handlers: {
      'devices.ports': () => listPorts(),
      'devices.configs': () => configs.list(),
      'devices.get': ({ id }) => configs.get(id),
      'devices.save': ({ device }, session) => configs.save(device, session),
      'devices.remove': ({ id }, session) => configs.remove(id, session),
      'devices.testPrint': () => {
        const columns = manager.printerColumns();
        if (columns === null) throw new PosError('unavailable', 'No receipt printer is configured', { reason: 'no_printer' });
        const blocks = statusTicketBlocks(
          { terminalId: deps.terminalId, appVersion: deps.appVersion, storeName: deps.settings.get().storeName, printedAt: deps.clock.now(), devices: manager.statuses(), queuedJobs: manager.queuedJobs() },
          columns,
        );
        // Queued like any job: it prints when the printer is ready; a failure is logged, never thrown.
        manager.printBlocks(blocks, { kind: 'test' }).catch((error: unknown) => log.warn({ err: error }, 'test ticket not printed'));
        return { queued: true as const };
      },
      'devices.testDisplay': async ({ id }) => {
        let shown: number;
        try {
          shown = await manager.showOn({ lines: ['DISPLAY TEST', 'JIEZHANG POS'], led: { lamp: 'total', amount: 1234567, exponent: 2 } }, id);
        } catch (error) {
          throw new PosError('unavailable', `The display did not take the message: ${errorText(error)}`, { reason: 'display_unavailable' });
        }
        if (shown === 0) throw new PosError('unavailable', id ? `No display ${id} is configured` : 'No customer display is configured', { reason: 'no_display' });
        return { shown };
      },
      'devices.openDrawer': async (_input, session) => {
        await drawer.test(session);
        return null;
      },
      'devices.monitor': ({ afterSeq }) => monitor.since(afterSeq),
      'drawer.noSale': async ({ reason, approval }, session) => {
        await drawer.noSale(reason, approval, session);
        return { opened: true as const };
      },
    },
    close: () => monitor.close(),
  };
}
