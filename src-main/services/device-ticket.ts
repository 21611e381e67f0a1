/** The technician's test print: a status ticket with what a support call needs to know about this terminal. */
import { networkInterfaces } from 'node:os';
import type { ReceiptBlock } from '../../src-common/receipt-text';
import { sanitizePrintable, wrapToWidth } from '../../src-common/text-width';
import type { DeviceStatus } from '../../src-common/schemas';

export interface TicketFacts {
  terminalId: string;
  appVersion: string;
  storeName: string;
  printedAt: Date;
  devices: readonly DeviceStatus[];
  queuedJobs: number;
}

/** Every non-internal address of this machine, as `name address` (IPv4 first). */
export function networkAddresses(): string[] {
  const out: string[] = [];
  for (const [name, list] of Object.entries(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal) out.push(`${name} ${a.address}`);
  }
  return out.sort((x, y) => Number(x.includes(':')) - Number(y.includes(':')) || x.localeCompare(y));
}

export function statusTicketBlocks(facts: TicketFacts, columns: number, addresses: readonly string[] = networkAddresses()): ReceiptBlock[] {
  const text = (t: string, style: Partial<{ align: 'left' | 'center'; bold: boolean }> = {}): ReceiptBlock[] =>
    // Device details are error texts and names from outside: printable characters only, never a command byte.
    wrapToWidth(sanitizePrintable(t), columns).map((line) => ({ kind: 'text', text: line, align: style.align ?? 'left', bold: style.bold ?? false, size: 'normal' }));
  const pad = (n: number) => String(n).padStart(2, '0');
  const d = facts.printedAt;
  const when = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return [
    ...text('设备测试 Device test', { align: 'center', bold: true }),
    ...text(facts.storeName, { align: 'center' }),
    { kind: 'rule' },
    ...text(`终端 Terminal: ${facts.terminalId}`),
    ...text(`版本 Version: ${facts.appVersion}`),
    ...text(`时间 Time: ${when}`),
    { kind: 'rule' },
    ...text('网络 Network:', { bold: true }),
    ...(addresses.length ? addresses.flatMap((a) => text(`  ${a}`)) : text('  (none)')),
    { kind: 'rule' },
    ...text('设备 Devices:', { bold: true }),
    ...facts.devices.flatMap((dev) => text(`  ${dev.id} (${dev.role}) ${dev.transportId}: ${dev.state}${dev.detail ? ` ${dev.detail}` : ''}`)),
    ...text(`待打印 Print queue: ${facts.queuedJobs}`),
  ];
}
