import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src-main/config';
import { createPos } from '../src-main/pos';
import { demoBarcodes, signedInCashier } from './cashier';

/**
 * Durable completed sales per second through the real API path (dispatcher, validation, services,
 * SQLite on disk): each sale scans three items and is paid in cash.
 */
export async function completedSalesPerSecond(count = 1500) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-bench-sales-'));
  const pos = await createPos({ dataDir, config: parseConfig({ log: { level: 'warn' } }) });
  const cashier = await signedInCashier(pos);
  const { call } = cashier;
  const codes = await demoBarcodes(cashier);

  let completing = 0n;
  const sale = async (i: number) => {
    for (let k = 0; k < 3; k++) await call('sale.scan', { code: codes[(i + k * 7) % codes.length]! });
    const cart = (await call('sale.current', {})) as { total: number };
    const before = process.hrtime.bigint();
    await call('sale.complete', { tenders: [{ kind: 'cash', amount: cart.total + 1000 }] });
    completing += process.hrtime.bigint() - before;
  };
  for (let i = 0; i < 50; i++) await sale(i);
  completing = 0n;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await sale(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const completeSeconds = Number(completing) / 1e9;
  await pos.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    /** Whole sales: three scans (each a durable cart fact), then payment. */
    salesPerSecond: Math.round(count / seconds),
    millisecondsEach: Number(((seconds / count) * 1000).toFixed(3)),
    /** The completing call alone: one durable multi-table transaction (sale, lines, tenders, stock, day totals). */
    completionsPerSecond: Math.round(count / completeSeconds),
    itemsPerSale: 3,
    count,
  };
}
