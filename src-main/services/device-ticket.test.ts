import { describe, expect, it } from 'vitest';
import { blocksToTextLines } from '../../src-common/receipt-text';
import { displayWidth } from '../../src-common/text-width';
import { statusTicketBlocks } from './device-ticket';

describe('status ticket', () => {
  const facts = {
    terminalId: 'T-01J9Z8ABCDEF',
    appVersion: '0.1.0',
    storeName: '演示便利店',
    printedAt: new Date(2026, 10, 22, 9, 5, 7),
    devices: [{ id: 'printer', role: 'printer' as const, transportId: 'serial:/dev/serial/by-id/usb-Prolific_Technology_Inc._USB-Serial_Controller-if00-port0', state: 'idle' as const, detail: null, queued: 0 }],
    queuedJobs: 3,
  };

  it('names the terminal, version, addresses and devices, every line within the paper width', () => {
    for (const columns of [32, 48]) {
      const lines = blocksToTextLines(statusTicketBlocks(facts, columns, ['eth0 192.168.1.23', 'eth0 fe80::1']), columns);
      const text = lines.join('\n');
      expect(text).toContain('Terminal: T-01J9Z8ABCDEF');
      expect(text).toContain('Version: 0.1.0');
      expect(text).toContain('2026-11-22 09:05:07');
      expect(text).toContain('eth0 192.168.1.23');
      expect(text).toContain('printer (printer)');
      expect(text).toContain('Print queue: 3');
      for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
    }
  });

  it('prints a hostile store name or device error as text, with no control byte for the printer', () => {
    const hostile = {
      ...facts,
      storeName: '店\x1bp\x00\x19\xfa铺',
      devices: [{ ...facts.devices[0]!, state: 'error' as const, detail: 'EIO\x1dV\x00 cut' }],
    };
    const blocks = statusTicketBlocks(hostile, 48, []);
    const texts = blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : []));
    // eslint-disable-next-line no-control-regex -- C0/C1 controls are what a printer takes as commands
    for (const text of texts) expect(text).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(texts.some((t) => t.includes('店') && t.includes('p') && t.includes('铺'))).toBe(true);
    expect(texts.some((t) => t.includes('EIO') && t.includes('cut'))).toBe(true);
  });

  it('says so when the machine has no network address', () => {
    expect(blocksToTextLines(statusTicketBlocks(facts, 48, []), 48).join('\n')).toContain('(none)');
  });
});
