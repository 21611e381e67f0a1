/** A Z report printed on a receipt printer over a real serial port (socat pty), decoded back to text. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { formatMoney } from '../../src-common/money';
import type { Session } from '../../src-common/roles';
import { displayWidth } from '../../src-common/text-width';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';
import { startTestPos, type TestPos } from '../helpers/pos';

describe('printing X and Z reports', () => {
  let pair: PtyPair;
  let peer: Peer;
  let t: TestPos;
  let owner: Session;
  let timer: NodeJS.Timeout;

  beforeAll(async () => {
    pair = await createPtyPair();
    peer = await openPeer(pair.b);
    // Answer DLE EOT status requests "all clear" like an Epson printer.
    let seen = 0;
    timer = setInterval(() => {
      const bytes = peer.received;
      if (bytes.length < seen) seen = 0;
      for (; seen + 2 < bytes.length; seen++) {
        if (bytes[seen] === 0x10 && bytes[seen + 1] === 0x04) {
          void peer.write(Uint8Array.of(0x12));
          seen += 2;
        }
      }
    }, 10);
    t = await startTestPos({
      devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, columns: 32, statusPollMs: 100 }],
    });
    owner = await t.signedIn('owner');
  });
  afterAll(async () => {
    clearInterval(timer);
    await t?.close();
    await peer?.close();
    await pair?.close();
    await killAllSocat();
  });

  it('prints an X and keeps it as printed, to go up to the store server; viewing an X keeps nothing', async () => {
    const [product] = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 1");
    await t.ok(owner, 'sale.addProduct', { productId: product!.id, quantityMilli: 1000 });
    const cart = (await t.ok(owner, 'sale.current', {}))!;
    await t.ok(owner, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    const viewed = await t.ok(owner, 'report.x', {});
    expect(t.query('SELECT id FROM x_report')).toEqual([]);
    expect(await t.ok(owner, 'report.print', {})).toEqual({ queued: true, columns: 32 });
    const xLines = (bytes: Uint8Array) => {
      const all = decodeEscPos(bytes).lines.map((l) => l.text.replaceAll('￥', '¥'));
      const start = all.findIndex((l) => l.includes('X 报表'));
      return start < 0 ? [] : all.slice(start);
    };
    const printed = xLines(await peer.readUntil((b) => xLines(b).some((l) => /^\d\d:00 ×1/.test(l)), 10_000));
    const kept = t.query<{ id: string; net: number; sales_count: number; taken_by: string; report: string }>('SELECT id, net, sales_count, taken_by, report FROM x_report');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ net: viewed.net, sales_count: viewed.counts.sales, taken_by: owner.caller.userId });
    expect(viewed.net).toBe(cart.cashDue);
    expect(printed.find((l) => l.startsWith('净额'))?.trimEnd().endsWith(formatMoney(viewed.net, 'CNY'))).toBe(true);
    expect(JSON.parse(kept[0]!.report)).toMatchObject({ kind: 'x', net: viewed.net, takenBy: { id: owner.caller.userId } });
    expect(t.query("SELECT ref_id FROM sync_fact WHERE kind = 'x_report'")).toEqual([{ ref_id: kept[0]!.id }]);
  });

  it('prints the Z laid out for the printer’s 32 columns, with its number and net', async () => {
    const [product] = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 1");
    await t.ok(owner, 'sale.addProduct', { productId: product!.id, quantityMilli: 2000 });
    const cart = (await t.ok(owner, 'sale.current', {}))!;
    await t.ok(owner, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    const z = await t.ok(owner, 'report.takeZ', {});
    expect(await t.ok(owner, 'report.print', { zNo: z.zNo! })).toEqual({ queued: true, columns: 32 });
    // The sale's receipt may print first: the report is what follows its title, down to its last hour line.
    const reportLines = (bytes: Uint8Array) => {
      // GB18030 has no half-width yen sign: the printer gets (and the decoder gives back) the full-width one.
      const all = decodeEscPos(bytes).lines.map((l) => l.text.replaceAll('￥', '¥'));
      const start = all.findIndex((l) => l.includes('Z 报表'));
      return start < 0 ? [] : all.slice(start);
    };
    // The X test's sale and this one: the hour line counts both.
    const lines = reportLines(await peer.readUntil((b) => reportLines(b).some((l) => /^\d\d:00 ×\d/.test(l)), 10_000));
    const text = lines.join('\n');
    expect(text).toContain('Z 报表');
    expect(text).toContain('Z0001');
    expect(lines.find((l) => l.startsWith('净额'))?.trimEnd().endsWith(formatMoney(z.net, 'CNY'))).toBe(true);
    expect(text).toContain(formatMoney(z.gross, 'CNY'));
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(32);
  });
});
