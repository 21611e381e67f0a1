import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryPlan } from '../migrations/testing';
import { openDatabase } from '../open';
import { insertPayment, updatePayment } from './payments';
import { daySales, daySalesStatement, type DaySalesLookup } from './refund-lookup';
import { insertSale, writeCompletedSale } from './sales';

const TODAY = '2026-12-04';
const here = { terminalId: 'TERM-A1B2', businessDate: TODAY, limit: 50 };

/** A completed sale paid in cash, or by a wallet whose acquirer order number is `acquirerSn`. */
function sell(db: Database, s: { id: string; terminalId?: string; receiptNo: number; at: string; businessDate?: string; total: number; acquirerSn?: string; paymentStatus?: string }) {
  const terminalId = s.terminalId ?? here.terminalId;
  db.transaction(() => {
    insertSale(db, { id: s.id, terminalId, surface: 'till', currency: 'CNY', at: s.at, userId: null });
    const paymentId = s.acquirerSn ? `${s.id}-P` : null;
    if (paymentId) {
      insertPayment(db, {
        id: paymentId,
        sale_id: s.id,
        client_sn: `${s.id}-SN`,
        kind: 'code',
        wallet: 'wechat',
        code_hash: null,
        masked_code: '1345****0000',
        amount: s.total,
        status: 'submitted',
        state: '{}',
        user_id: null,
        created_at: s.at,
      });
      updatePayment(db, paymentId, { status: s.paymentStatus ?? 'paid', state: '{}', acquirer_sn: s.acquirerSn!, failure_code: null, failure_message: null, finished_at: s.at, at: s.at });
    }
    writeCompletedSale(db, {
      id: s.id,
      at: s.at,
      userId: null,
      receiptNo: s.receiptNo,
      businessDate: s.businessDate ?? TODAY,
      subtotal: s.total,
      discountTotal: 0,
      total: s.total,
      rounding: 0,
      taxTotal: 0,
      change: 0,
      lines: [],
      taxes: [],
      tenders: [{ id: `${s.id}-T`, kind: paymentId ? 'wechat' : 'cash', amount: s.total, tendered: s.total, reference: paymentId ? '1345****0000' : null, paymentId }],
    });
  })();
}

describe('daySales: the till’s refund lookup on one business day', () => {
  let dir: string;
  let db: Database;
  const ids = (q: Partial<DaySalesLookup> = {}) => daySales(db, { ...here, ...q }).map((r) => r.id);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'refund-lookup-'));
    db = openDatabase(join(dir, 'pos.sqlite'));
    sell(db, { id: 'S1', receiptNo: 1, at: '2026-12-04T01:05:00.000Z', total: 1250 });
    sell(db, { id: 'S2', receiptNo: 2, at: '2026-12-04T03:30:00.000Z', total: 880, acquirerSn: '7895259244241134' });
    sell(db, { id: 'S3', receiptNo: 3, at: '2026-12-04T06:45:00.000Z', total: 1250, acquirerSn: '7895259244249876' });
    // A wallet payment that was reversed behind a cash sale: its number is no way to find the sale.
    sell(db, { id: 'S4', receiptNo: 4, at: '2026-12-04T07:00:00.000Z', total: 300, acquirerSn: '7895259244245555', paymentStatus: 'reversed' });
    // Yesterday's sale of this terminal, and today's sale of another terminal: never listed.
    sell(db, { id: 'OLD', receiptNo: 5, at: '2026-12-03T06:00:00.000Z', businessDate: '2026-12-03', total: 1250, acquirerSn: '7895259244241134' });
    sell(db, { id: 'OTHER', terminalId: 'TERM-Z9Y8', receiptNo: 1, at: '2026-12-04T06:00:00.000Z', total: 1250, acquirerSn: '7895259244241134' });
    // An open sale of today is not a sale to refund.
    insertSale(db, { id: 'OPEN', terminalId: here.terminalId, surface: 'till', currency: 'CNY', at: '2026-12-04T07:10:00.000Z', userId: null });
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists this terminal’s completed sales of the day, newest first, with each tender and its payment’s last four', () => {
    const rows = daySales(db, here);
    expect(rows.map((r) => r.id)).toEqual(['S4', 'S3', 'S2', 'S1']);
    expect(rows.find((r) => r.id === 'S2')).toMatchObject({ receipt_no: 2, total: 880, currency: 'CNY', refunded: 0, refunds_pending: 0 });
    expect(JSON.parse(rows.find((r) => r.id === 'S2')!.tenders)).toEqual([{ kind: 'wechat', amount: 880, tail: '1134' }]);
    expect(JSON.parse(rows.find((r) => r.id === 'S1')!.tenders)).toEqual([{ kind: 'cash', amount: 1250, tail: null }]);
    // The masked payment code is not what the list carries.
    for (const row of rows) expect(row.tenders).not.toContain('****');
  });

  it('filters by exact amount, last four of a paid payment, receipt number and a time window; other days and terminals stay out', () => {
    expect(ids({ total: 1250 })).toEqual(['S3', 'S1']);
    expect(ids({ total: 1251 })).toEqual([]);
    expect(ids({ referenceTail: '1134' })).toEqual(['S2']);
    expect(ids({ referenceTail: '5555' })).toEqual([]);
    expect(ids({ receiptNo: 3 })).toEqual(['S3']);
    expect(ids({ closedFrom: '2026-12-04T03:00:00.000Z', closedTo: '2026-12-04T07:00:00.000Z' })).toEqual(['S3', 'S2']);
    expect(ids({ total: 1250, closedFrom: '2026-12-04T03:00:00.000Z' })).toEqual(['S3']);
    expect(ids({ businessDate: '2026-12-03' })).toEqual(['OLD']);
    expect(ids({ limit: 2 })).toEqual(['S4', 'S3']);
  });

  it('reads the day from the business-date index in list order: no sort, no scan of other days', () => {
    const plan = (q: DaySalesLookup) => {
      const { sql, params } = daySalesStatement(q);
      return queryPlan(db, sql.replace(/@(\w+)/g, (_, name: string) => (typeof params[name] === 'number' ? String(params[name]) : `'${String(params[name])}'`)));
    };
    for (const q of [here, { ...here, total: 1 }, { ...here, referenceTail: '1234' }, { ...here, closedFrom: 'a', closedTo: 'b' }]) {
      expect(plan(q)).toMatch(/^SEARCH s USING (COVERING )?INDEX sale_closed_by_business_date \(terminal_id=\? AND business_date=\?/);
      expect(plan(q)).not.toContain('TEMP B-TREE');
      expect(plan(q)).not.toMatch(/SCAN s\b/);
    }
    expect(plan({ ...here, closedFrom: 'a', closedTo: 'b' })).toContain('(terminal_id=? AND business_date=? AND closed_at>? AND closed_at<?)');
    // A receipt number is one row of the terminal's unique key.
    expect(plan({ ...here, total: 1, receiptNo: 1, referenceTail: '1234', closedFrom: 'a', closedTo: 'b' })).toMatch(/^SEARCH s USING INDEX sqlite_autoindex_sale_\d \(terminal_id=\? AND receipt_no=\?\)/);
  });
});
